/**
 * Answers that hold on questions nobody tuned for. The knowledge layer and the typed answers are
 * proved on the fixture report of an invented 2026 meeting (its officials, dates and documents
 * exist nowhere in the real corpus), added beside the real reports as a user would add one.
 */
import { copyFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Answer, Turn } from "../../src/answer/types.js";
import { openEngine, type Engine } from "../../src/engine.js";
import { FIXTURES, cleanupTempDirs, copyCorpus, readManifest, tempDir, writeManifest } from "../fixtures/helpers.js";

let engine: Engine;
let corpusDir: string;
let indexDir: string;
beforeAll(async () => {
  const dir = copyCorpus();
  corpusDir = dir;
  const added = [
    { file: "2026-newspaper-page.txt", id: "2026-shanghai" },
    { file: "2027-hangzhou-report.txt", id: "2027-hangzhou" },
  ];
  for (const { file } of added) copyFileSync(join(FIXTURES, file), join(dir, file));
  const manifest = readManifest(dir) as { reports: unknown[] };
  writeManifest(dir, { ...manifest, reports: [...manifest.reports, ...added] });
  indexDir = join(tempDir("csj-knowledge-"), "index");
  engine = await openEngine({ corpusDir: dir, indexDir });
});
afterAll(cleanupTempDirs);

const ask = (q: string, history?: Turn[]) => engine.extractive.ask(q, history ? { history } : {});
const cites2026 = (a: Answer) => a.citations.some((c) => c.meetingId === "2026-shanghai");
/** Asks, and fails with the answer given unless the question is refused. */
async function expectRefused(q: string, history?: Turn[]): Promise<void> {
  const answer = await ask(q, history);
  expect(answer.answered, `${q} → ${answer.answer}`).toBe(false);
}

describe("the knowledge layer of a report added tomorrow", () => {
  it("reads posts, dates, place, theme, documents and the next host from its text", () => {
    const facts = engine.knowledge.meetings.find((m) => m.meetingId === "2026-shanghai")!;
    expect(facts.posts.map((p) => `${p.post}${p.person}`)).toEqual(
      expect.arrayContaining([
        "上海市委书记陈明远",
        "上海市委副书记、市长周文华",
        "江苏省委书记林思远",
        "江苏省委副书记、省长赵启明",
      ]),
    );
    expect(facts.posts.find((p) => p.person === "赵启明")?.region).toBe("江苏");
    expect(facts.events.find((e) => e.event === "meeting")).toMatchObject({
      dateText: "6月10日至11日",
      placeText: "上海",
    });
    expect(facts.theme?.text).toBe("携手建设世界级城市群，共创长三角美好未来");
    expect(facts.documents.map((d) => d.title)).toEqual(["长三角城市群协同发展行动方案（2026—2028年）"]);
    expect(facts.nextHost).toMatchObject({ year: 2027, place: "浙江省" });
  });
});

describe("typed questions in the user's own words", () => {
  it.each([
    ["赵启明担任什么职务？", "江苏省委副书记、省长赵启明"],
    ["林思远是什么身份？", "江苏省委书记林思远"],
    ["2026年会议上江苏省长是谁？", "赵启明"],
    ["Who was Jiangsu's governor at the 2026 meeting?", "赵启明"],
    ["Who is Zhao Qiming?", "赵启明"],
    ["2026年度座谈会开了几天？", "两天"],
    ["2026年的座谈会几月几日开的？", "6月10日至11日"],
    ["2026年的会是哪个月开的", "6月10日至11日"],
    ["2026年领导们去哪里参观了？", "临港新片区、张江科学城"],
    ["陈明远在论坛上说了啥？", "携手打造世界级城市群"],
    ["2026年会议的口号是什么？", "携手建设世界级城市群"],
    ["2026年开会期间领导们去看了哪些园区？", "临港新片区"],
    ["赵启明哪几年是江苏省长？", "2026年度座谈会（上海）：江苏省委副书记、省长赵启明"],
    ["In which years was Zhao Qiming the governor of Jiangsu?", "the 2026 leaders' meeting (Shanghai)"],
    ["Which province will host the meeting after the 2026 one?", "浙江省"],
    ["26年那场论坛是什么日子办的，上午还是下午？", "6月11日上午"],
    ["When was the forum of the 2026 meeting held?", "June 11, 2026"],
    ["二〇二六年的会议在哪座城市开的？", "上海"],
    ["２０２６年会议审议了什么文件？", "长三角城市群协同发展行动方案"],
    ["2026年會議的主題是什麼？", "攜手建設世界級城市群"],
    ["2026年会议把下一届安排在哪个省？", "浙江省"],
    ["26年的论坛是第几届？", "第八届"],
    ["Which edition was the forum at the 2026 meeting?", "8th"],
  ])("%s", async (q, fact) => {
    const answer = await ask(q);
    expect(answer.answered, answer.answer).toBe(true);
    expect(answer.answer).toContain(fact);
    expect(cites2026(answer)).toBe(true);
  });

  it("cites a second paragraph of the meeting that states the same post in the same words", async () => {
    // Read from the real reports: every holder of a post stated in two paragraphs of one meeting.
    const stated = engine.knowledge.meetings.flatMap((m) =>
      m.posts
        .filter((p) => p.post.endsWith("省委书记"))
        .map((p) => ({
          p,
          paragraphs: engine.retriever.chunks.filter(
            (c) => c.meetingId === m.meetingId && c.text.includes(`${p.post}${p.person}`),
          ),
        }))
        .filter(({ paragraphs }) => paragraphs.length >= 2),
    );
    expect(stated.length).toBeGreaterThan(0);
    const { p } = stated[0]!;
    const year = engine.corpus.meetings.find((m) => m.id === p.meetingId)!.year;
    const answer = await ask(`${year}年会议上${p.post}是谁？`);
    expect(answer.answer).toContain(p.person);
    const cited = answer.citations.filter((c) => c.text.includes(`${p.post}${p.person}`));
    expect(cited.length).toBe(2);
  });

  it("cites where the meeting was held both in the lead and where its headline says so", async () => {
    const answer = await ask("2026年会议在哪里举行？");
    expect(answer.citations).toHaveLength(2);
    for (const citation of answer.citations) expect(citation.text).toMatch(/座谈会在上海举行/u);
  });

  it("cites both the forum's own report and the meeting's words that name it for its edition", async () => {
    const answer = await ask("2026年会议期间举办的论坛是第几届？");
    expect(answer.answer).toContain("第八届");
    const kinds = answer.citations.map((c) => c.articleKind);
    expect(kinds).toEqual(expect.arrayContaining(["meeting", "forum"]));
    expect(answer.citations.find((c) => c.articleKind === "meeting")?.text).toContain("举办了第八届");
  });

  it("answers across meetings: a person's post at each meeting, each cited", async () => {
    const answer = await ask("龚正在历次会议上是什么职务？");
    expect(answer.answer).toContain("上海市委副书记、市长龚正");
    expect(new Set(answer.citations.map((c) => c.meetingId)).size).toBeGreaterThanOrEqual(3);
    for (const c of answer.citations) expect(c.text).toContain("龚正");
  });

  it("answers two events or two forums named in one question, each cited", async () => {
    const both = await ask("2026年的座谈会和高层论坛分别是哪天开的？");
    expect(both.answer).toMatch(/6月10日.*6月11日/u);
    const forums = await ask("第七届和第八届长三角一体化发展高层论坛分别在哪里举办？");
    expect(forums.answer).toMatch(/第七届.*南京.*第八届.*上海/u);
    expect(forums.citations.map((c) => c.meetingId)).toEqual(expect.arrayContaining(["2025-nanjing", "2026-shanghai"]));
  });

  it("answers a prose question about two years from each year's own paragraph, in Chinese and English", async () => {
    for (const q of [
      "2025年和2026年开会期间，领导们都去考察了哪些地方？",
      "What places did the leaders visit in 2025 and 2026?",
    ]) {
      const answer = await ask(q);
      expect(answer.answer, q).toMatch(/新济洲[\s\S]*临港新片区/u);
      expect(answer.citations.map((c) => c.meetingId)).toEqual(["2025-nanjing", "2026-shanghai"]);
    }
    // The question is the main clause: "when the leaders met…" sets the scene, it does not ask for a date.
    const scene = await ask("When the leaders met in Shanghai in 2026, what places did they go to see?");
    expect(scene.answer).toContain("临港新片区");
  });

  it("reads an abbreviation as the name whose words it starts (发改委 → 发展|改革|委), and asks for that body's head", async () => {
    const terms = engine.retriever.understand("发改委的负责同志出席了吗").terms.map((t) => t.term);
    expect(terms).toContain("发展改革委");
    // A verb and its object parted by 了 are the reports' word.
    expect(engine.retriever.understand("座谈会上哪些人先后发了言？").terms.map((t) => t.term)).toContain("发言");
    // "一共" is no abbreviation of 一体化|公共: only the initials of a name's words count.
    expect(engine.retriever.understand("一共签了几个协议").terms.map((t) => t.term)).not.toContain("一体化");
    const symposium = engine.corpus.meetings.find((m) => m.kind === "symposium")!;
    const head = engine.knowledge.meetings
      .find((m) => m.meetingId === symposium.id)!
      .posts.find((p) => p.post.includes("发展改革委"))!;
    const answer = await ask("总书记主持的那个长三角座谈会上，发改委的一把手是谁？");
    expect(answer.answer).toContain(head.person);
  });

  it("chains through a person: who held a post at one meeting, then their post at another", async () => {
    // Whoever the reports give as Zhejiang's governor in 2024, asked for by post, not by name.
    const governor = engine.knowledge.meetings
      .find((m) => m.meetingId === "2024-wenzhou")!
      .posts.find((p) => p.region === "浙江" && p.post.endsWith("省长"))!;
    const later = engine.knowledge.meetings
      .find((m) => m.meetingId === "2025-nanjing")!
      .posts.find((p) => p.person === governor.person)!;
    const answer = await ask("2024年的浙江省长，到了2025年时担任什么职务？");
    expect(answer.answer).toContain(`${later.post}${later.person}`);
    expect([...new Set(answer.citations.map((c) => c.meetingId))]).toEqual(["2024-wenzhou", "2025-nanjing"]);
  });

  it("chains through a person described by province and post: who spoke, then their part a year on", async () => {
    const answer = await ask("2026年论坛上发言的江苏省委书记，第二年出席会议了吗？");
    expect(answer.answer).toMatch(/2027年度座谈会（杭州）：江苏省委书记林思远/u);
    expect(answer.citations.map((c) => c.meetingId)).toEqual(["2026-shanghai", "2027-hangzhou"]);
  });

  it("'是怎么说…的' asks for a named person's words; of a meeting, for what its report states", async () => {
    const person = await ask("陈明远在2026年论坛上是怎么说世界级城市群的？");
    expect(person.answer).toContain("陈明远说，");
    const meeting = await ask("2026年会议在算力方面怎么说的？");
    expect(meeting.answer).toContain("算力调度平台");
    // Whether the holder of a post said something is answered in their words, naming them.
    const holder = await ask("2026年论坛上江苏省委书记讲话时提到排头兵了吗？");
    expect(holder.answer).toContain("林思远");
    expect(holder.answer).toContain("排头兵");
  });

  it("what is to be drafted (编制什么方案) is where the report says so, not the documents a meeting reviewed", async () => {
    const answer = await ask("2021年会议还要编制什么方案？");
    expect(answer.answer).toMatch(/编制/u);
    expect(answer.answer).not.toMatch(/审议了/u);
  });

  it("'what role did X say Y should play' asks for X's words, not X's role", async () => {
    const answer = await ask("What role did Lin Siyuan say Jiangsu should play at the 2026 forum?");
    expect(answer.answer).toContain("排头兵");
  });

  it("who represented a province: its leaders at that meeting, with their posts", async () => {
    for (const q of ["Who represented Jiangsu at the 2026 meeting?", "2026年会议上谁代表江苏出席？"]) {
      const answer = await ask(q);
      expect(answer.answer, q).toContain("江苏省委书记林思远");
      expect(answer.answer, q).toContain("赵启明");
    }
  });

  it("chains through a person described by what they did: who that is, then the rest asked of them", async () => {
    const facts = (id: string) => engine.knowledge.meetings.find((m) => m.meetingId === id)!;
    const symposium = engine.corpus.meetings.find((m) => m.kind === "symposium")!;
    // Whoever the 2024 report says chaired its results conference, and that person's post at the symposium.
    const chair = facts("2024-wenzhou").chairs[0]!.person;
    const post = facts(symposium.id).posts.find((p) => p.person === chair)!;
    const answer = await ask("2024年主持成果发布会的那位领导，在习近平主持的2023年座谈会上是什么职务？");
    expect(answer.answer).toContain(chair);
    expect(answer.answer).toContain(`${post.post}${chair}`);
    expect(answer.citations.map((c) => c.meetingId)).toEqual(expect.arrayContaining(["2024-wenzhou", symposium.id]));
    // "那位上海市委书记": of the several who spoke, the one in that post, then the rest asked of that person.
    const speaker = facts(symposium.id).posts.find((p) => p.post === "安徽省委书记")!.person;
    const chained = await ask("在习近平主持的座谈会上发言的那位安徽省委书记，2024年是什么职务？");
    expect(chained.answer).toContain(`2024年度座谈会（温州）：安徽省委书记${speaker}`);
    expect(chained.citations.map((c) => c.meetingId)).toEqual(expect.arrayContaining([symposium.id, "2024-wenzhou"]));
  });

  it("the meeting after one named by its city, where it was held and its theme, in one question", async () => {
    const next = engine.knowledge.meetings.find((m) => m.meetingId === "2024-wenzhou")!.nextHost!;
    const chosen = engine.corpus.meetings.find((m) => m.year === next.year && m.kind === "annual")!;
    const theme = engine.knowledge.meetings.find((m) => m.meetingId === chosen.id)!.theme!.text;
    const answer = await ask("温州之后的下一届在哪个城市开的？那次的主题是什么？");
    expect(answer.answer).toContain(chosen.city);
    expect(answer.answer).toContain(theme);
  });

  it("chains through the next host to 'this province': its party secretary at the meeting asked", async () => {
    const answer = await ask("2026年会议确定下一年去哪个省开；这个省的省委书记在2027年是谁？");
    expect(answer.answer).toContain("浙江省");
    expect(answer.answer).toContain("浙江省委书记沈望舒");
  });

  it("chains through the next host: the meeting 2024 chose, then its date", async () => {
    const answer = await ask("2024年会议确定的下一届会议是哪天开的？");
    expect(answer.answer).toContain("江苏省");
    expect(answer.answer).toMatch(/6月6日至7日/);
    expect(answer.citations.map((c) => c.meetingId)).toEqual(["2024-wenzhou", "2025-nanjing"]);
  });
});

describe("two meetings in one question, and who organised a forum", () => {
  it.each([
    "2026年江苏省委书记是谁，2027年的又是谁？",
    "Compare: who was Jiangsu's party secretary in 2026, and who in 2027?",
  ])("%s answers each year's holder, each cited", async (q) => {
    const answer = await ask(q);
    expect(answer.answer.match(/林思远/gu)).toHaveLength(2);
    expect(answer.citations.map((c) => c.meetingId)).toEqual(["2026-shanghai", "2027-hangzhou"]);
  });

  it.each(["第九届论坛的主办方是谁？", "第九届论坛由谁主办"])("%s is answered by the body it was run by", async (q) => {
    const answer = await ask(q);
    expect(answer.answer).toContain("钱塘江河口保护联盟");
    expect(answer.citations.map((c) => c.meetingId)).toEqual(["2027-hangzhou"]);
  });

  it("who co-organised it is the subject of its own clause (…主办，杭州日报承办), not a 主办方 mentioned elsewhere", async () => {
    expect((await ask("第九届论坛由谁承办？")).answer).toContain("杭州日报承办");
    expect((await ask("2027年的论坛是哪家报社承办的？")).answer).toContain("杭州日报");
  });
});

describe("two questions in one", () => {
  it("when and where: both are answered, in either language", async () => {
    for (const q of ["When and where was the 2027 meeting held?", "2027年会议是什么时候在哪里开的？"]) {
      const answer = await ask(q);
      expect(answer.answer, q).toMatch(/May 20|5月20日/u);
      expect(answer.answer, q).toContain("杭州");
    }
  });

  it("who chaired the results conference and when: both are answered, each cited", async () => {
    const answer = await ask("2027年的成果发布会是谁主持的，哪天开的？");
    expect(answer.answer).toContain("沈望舒");
    expect(answer.answer).toContain("21日");
  });
});

describe("two questions in one message, the second leaning on the first", () => {
  it.each([
    [
      "2026年会议上江苏省委书记是谁？他在2027年是什么职务？",
      /林思远[\s\S]*2027年度座谈会（杭州）：江苏省委书记林思远/u,
    ],
    ["谁主持了2027年成果发布会？他当时是什么职务？", /沈望舒主持会议[\s\S]*浙江省委书记沈望舒/u],
    // In English: ", and …" with the second part pointing back; "did it open" asks when it was held.
    ["Who chaired the 2027 results conference, and what post did he hold?", /沈望舒主持会议[\s\S]*浙江省委书记沈望舒/u],
    ["Which city hosted the 2027 meeting, and on what date did it open?", /杭州[\s\S]*May 20–21, 2027/u],
    // Two questions joined by a comma, the second asking its own question of the same forum.
    ["2027年的论坛是第几届，由哪家报社承办？", /第九届[\s\S]*杭州日报承办/u],
  ])("%s", async (q, expected) => {
    const answer = await ask(q);
    expect(answer.answer).toMatch(expected);
    expect(answer.citations.length).toBeGreaterThan(1);
  });
});

describe("meetings named by a span of years, a document, or whether someone attended", () => {
  it("a span of years is every meeting in it; a plan's period is not", async () => {
    const span = await ask("从2026年到2027年，这几次会上江苏省委书记分别是谁？");
    expect(span.answer).toMatch(
      /2026年度座谈会（上海）：江苏省委书记林思远[\s\S]*2027年度座谈会（杭州）：江苏省委书记林思远/u,
    );
    const plan = await ask("《长三角城市群协同发展行动方案（2026—2028年）》是哪次会议审议的？");
    expect(plan.answer).toMatch(/^2026年度座谈会（上海）审议了《长三角城市群协同发展行动方案/u);
    expect(plan.citations.map((c) => c.meetingId)).toEqual(["2026-shanghai"]);
  });

  it("whether someone attended a meeting, and two questions about one meeting joined by 还", async () => {
    expect((await ask("林思远2027年还出席了吗？")).answer).toContain("2027年度座谈会（杭州）：江苏省委书记林思远");
    const both = await ask("杭州那次会议审议了什么文件，还发布了哪些名单？");
    expect(both.answer).toContain("《长三角湿地生态共保联治实施方案》");
    expect(both.answer).toContain("湿地保护重点项目名单");
  });
});

describe("the day after a meeting opened, and where and on which dates", () => {
  it("what took place the next day is the event the report dates to it", async () => {
    const next = await ask("2026年会议第二天还有什么活动吗？");
    expect(next.answer).toContain("第二天（6月11日上午）的活动是第八届长三角一体化发展高层论坛");
    // Who did something the next day is still a who-question.
    const chair = await ask("Who chaired the results conference the next day?", [
      { question: "Where was the 2027 meeting held?", answer: "杭州[1]" },
    ]);
    expect(chair.answer).toContain("沈望舒主持会议");
    const both = await ask("Where and on which dates was the 2027 meeting held?");
    expect(both.answer).toMatch(/May 20–21, 2027[\s\S]*杭州/u);
  });
});

describe("a meeting named by a document it reviewed", () => {
  it("is the meeting the question asks about, and the years in the title name no meeting", async () => {
    const answer = await ask(
      "审议了《长三角城市群协同发展行动方案（2026-2028年）》的那次会议，期间办的论坛是第几届？哪天开的？",
    );
    expect(answer.answer).toContain("第八届");
    expect(answer.answer).toContain("6月11日");
    expect(new Set(answer.citations.map((c) => c.meetingId))).toEqual(new Set(["2026-shanghai"]));
  });
});

describe("a question that goes on from the next host a meeting chose", () => {
  it.each([
    ["2026年会议确定的下一届，那届会议的主题是什么？", "共护江南水乡，共享绿色长三角"],
    ["2026年会议确定的2027年度主办省份，在2027年时的省委书记是谁？", "沈望舒"],
    ["The meeting the 2026 meeting chose as next host: what was its theme?", "共护江南水乡，共享绿色长三角"],
  ])("%s", async (q, fact) => {
    const answer = await ask(q);
    expect(answer.answer).toContain("2027年度长三角地区主要领导座谈会在浙江省召开");
    expect(answer.answer).toContain(fact);
    expect(answer.citations.map((c) => c.meetingId)).toEqual(["2026-shanghai", "2027-hangzhou"]);
  });

  it.each([
    ["According to the 2026 meeting, which province was to host the 2027 annual meeting?", "2026-shanghai", "浙江省"],
    ["杭州那届会议定了下一年度的会轮到哪里办？", "2027-hangzhou", "安徽省"],
    ["上海开的那届（2026年）最后定下来第二年的会放在哪个省？", "2026-shanghai", "浙江省"],
    ["杭州那次碰头会开完，定下来下一届轮到哪里做东？", "2027-hangzhou", "安徽省"],
    // The year chosen named outright, with the chooser's (定下, "chosen … to host").
    ["2026年会议定下2027年度的会在哪开？", "2026-shanghai", "浙江省"],
    ["Which province was chosen at the 2026 meeting to host the 2027 annual meeting?", "2026-shanghai", "浙江省"],
  ])("the choice itself, however it is asked: %s", async (q, chooser, province) => {
    const answer = await ask(q);
    expect(answer.answer).toMatch(new RegExp(`会议确定，\\d{4}年度长三角地区主要领导座谈会在${province}召开`, "u"));
    expect(answer.citations[0]?.meetingId).toBe(chooser);
  });
});

describe("who of a list belongs to the place asked", () => {
  it.each([
    ["2027年发布会上谁代表安徽讲话？", "程立言（安徽省委书记）"],
    ["Who spoke for Zhejiang at the 2027 results conference?", "顾远帆（浙江省委副书记、省长）"],
    // Speaking for a place in everyday words (替…发言).
    ["杭州发布会上替安徽发言的是谁", "程立言（安徽省委书记）"],
  ])("%s", async (q, person) => {
    const answer = await ask(q);
    expect(answer.answer).toContain(person);
    expect(answer.citations.map((c) => c.meetingId)).toEqual(["2027-hangzhou"]);
  });
});

describe("people and meetings named as people say them", () => {
  it("a meeting named by how long ago it was (去年, 前年, last year's) is the year counted back from today", async () => {
    const later = await openEngine({ corpusDir, indexDir, now: () => new Date("2027-09-01T12:00:00Z") });
    const lastYear = await later.extractive.ask("去年那次会审议了什么文件？");
    expect(lastYear.answer).toContain("长三角城市群协同发展行动方案");
    const before = await later.extractive.ask("前年那次会在哪里开的？");
    expect(before.citations[0]?.meetingId).toBe("2025-nanjing");
    const english = await later.extractive.ask("Which document did last year's meeting review?");
    expect(english.answer).toContain("长三角城市群协同发展行动方案");
    // A report's own "今年" is its meeting's year, not today's.
    const own = await later.extractive.ask("2026年会议说今年要推动什么？");
    expect(own.question).not.toContain("2027");
  });

  it("a person called by surname and title (林书记, 赵省长) is the one person of the reports it fits", async () => {
    const secretary = await ask("林书记在2026年论坛上说了什么？");
    expect(secretary.answer).toContain("排头兵");
    const governor = await ask("赵省长2026年是什么职务？");
    expect(governor.answer).toContain("赵启明");
  });
});

describe("refusals by what is missing, not by unknown words", () => {
  it("a paragraph far ahead of every other answers though the asker's own words (担子, 扛起) are not the report's", async () => {
    const answer = await ask("杭州那次会说要扛起一个什么“联动平台”的担子？");
    expect(answer.answer).toContain("碳普惠联动平台");
    expect(answer.citations[0]?.meetingId).toBe("2027-hangzhou");
  });

  it("an unknown colloquial word or a synonym does not turn an answer into a refusal", async () => {
    for (const [plain, perturbed] of [
      ["2024年会议审议了哪些文件？", "2024年会议到底审议了哪些文件呀？"],
      ["2025年会议期间领导们考察了哪些地方？", "2025年会议期间领导们都跑去考察了哪些地方？"],
      ["赵启明担任什么职务？", "赵启明的头衔是什么？"],
      ["2026年会议期间领导们考察了哪些地方？", "2026年那次会期间领导们都去看了哪些地方？"],
      // A year written short, the meeting named by its city, everyday words for a post and for "next".
      ["2026年会议上江苏省委书记是谁？", "26年那次会上江苏的一把手是谁？"],
      ["2025年会议期间领导们考察了哪些地方？", "南京那回领导们考察了哪些地方？"],
      ["2026年会议确定下一届在哪个省召开？", "26年那次会开完，下回轮到哪个省？"],
      ["2026年会议在算力方面提出了什么？", "26年会议在computing方面提出了什么？"],
      // Spoken question words and verbs: 啥, 过了一遍 (reviewed), 转了转 (toured), 头儿.
      ["2026年会议审议了什么文件？", "26年那次会把啥文件过了一遍？"],
      ["2026年会议期间领导们考察了哪些地方？", "26年开会那回，领导们都去哪儿转了转？"],
      ["2026年会议上江苏省委书记是谁？", "26年那次会上江苏的头儿是谁？"],
      // "哪年开的" asks when; "哪个省开" where (no "年开" or "省开" left as a word the reports lack).
      ["2027年度座谈会是什么时候举行的？", "杭州那次座谈会是哪年开的？"],
      ["2027年度座谈会在哪里举行？", "2027年度的座谈会在哪个省开？"],
      // Fillers (就是那个…给我说一下) and a common word the reports lack (目的) that abbreviates nothing.
      ["2026年会议的主题是什么？", "26年会议的目的是啥？就是那个主题，给我说一下。"],
      // English contractions.
      ["Where was the 2027 meeting held?", "Where's the 2027 meeting held?"],
      // A request to list (列出来, 列一下, list all) is how a list is asked for, not a topic.
      ["2026年会议期间领导们考察了哪些地方？", "把2026年会议期间领导们考察的地方全部列出来"],
      ["2026年会议审议了什么文件？", "能不能列一下2026年会议审议的文件"],
      // A sentence before a colon that says who asks, not what.
      ["2026年会议期间领导们考察了哪些地方？", "我们单位要写个简报：2026年会议期间领导们考察了哪些地方？"],
      ["2026年会议期间领导们考察了哪些地方？", "我是跑长三角口的记者，2026年会议期间领导们考察了哪些地方？"],
      [
        "Where was the 2027 meeting held?",
        "Quick question for an article I'm writing: where was the 2027 meeting held?",
      ],
      ["2027年度座谈会的主题是什么？", "杭州会议：主题是什么？"],
      // A yes-or-no question (能不能, 有没有…说法) and a spoken verb the dictionary lacks (搞个).
      ["2026年会议在算力方面提出了什么？", "2026年会议在算力方面有没有什么说法？"],
      ["2026年会议在算力方面提出了什么？", "问个别的：26年会议在算力方面有没有涉及？"],
      ["2026年会议提出建设什么平台？", "26年那次会能不能搞个算力平台，怎么表态的？"],
      // The symposium's title has no year, yet it is 2023's; its speech says what "讲话里" asks.
      ["习近平在座谈会上对民营经济提出了什么要求？", "总书记2023年那次讲话对民营经济提了什么要求？"],
      // Words the report says in other words that share characters (调配 beside 调度, 走廊 kept).
      ["2026年会议在算力方面提出了什么？", "26年那次会对算力调配和低空走廊有啥安排？"],
      // Several spoken words at once (那会儿, 大伙儿, 这事儿, 咋整) and a preposition glued to the topic (对算力).
      ["2026年会议在算力方面提出了什么？", "26年那会儿的会上，大伙儿对算力这事儿咋整的？"],
      // A demonstrative the reports lack (这块) and "each" glued to a verb (各讲) name nothing.
      ["2026年会议在算力方面提出了什么？", "2026年会议在算力这块提出了什么？"],
      // Provinces by their short names (沪苏浙皖), and a scene the reports never tell (散会前).
      ["2026年会议是哪天开的？", "沪苏浙皖一把手2026年那次碰头会是哪天开的？"],
      ["2026年会议确定下一届在哪个省召开？", "2026年那次会散会前，定了下一年度轮到哪个省办？"],
    ]) {
      const a = await ask(plain!);
      const b = await ask(perturbed!);
      expect(a.answered, plain).toBe(true);
      expect(b.answered, perturbed).toBe(true);
      expect(b.citations[0]?.text).toBe(a.citations[0]?.text);
    }
  });

  it("refuses a detail the reports never state, and says what they cover", async () => {
    for (const q of [
      // A speech nobody reports: only the attendees are listed.
      "2026年会议上两位省长都讲了什么？",
      "2024年会议签了多少个合作协议？",
      "北京冬奥会的吉祥物是什么？",
      "What was the GDP of Anhui in 2025?",
    ]) {
      await expectRefused(q);
    }
    // Every topic word is there, the detail asked is not: a province for a city, an ordinal for a head count, a speech only announced.
    for (const q of [
      "2028年度座谈会在安徽哪个城市开？",
      "2028年度座谈会是哪天开的？",
      "第八届论坛有多少人参加？",
      "How many people attended the eighth forum?",
      "周文华在会上讲了哪些内容？",
      "第八届论坛上有关专家学者叫什么名字？",
      "长三角湿地保护重点项目名单里都有哪些项目？",
      // "签署了一批合作协议" says there were some, never which.
      "2027年会议签订的合作协议具体是哪几份？",
      // A person's birthday or home is not their part in a meeting.
      "陈明远的生日是哪天？",
      "赵启明是哪里人？",
      "Where was Zhou Wenhua born?",
      // Who led a piece of work is said only by "由…牵头"; the report names the work alone.
      "2026年会议审议的行动方案是哪个机构牵头做的？",
      // A sum of money is stated in 元 or 亿, and "有关负责同志" names nobody.
      "2026年会议审议的行动方案总投资是多少亿元？",
      "What is the budget of the action plan the 2026 meeting reviewed?",
      "2025年应邀出席会议的国家发展改革委负责同志叫什么名字？",
      // The kind of place asked for (哪个酒店) is not the city the knowledge layer holds.
      "2026年会议在哪个酒店开的？",
      // The reports give a meeting's days, never its hours.
      "How many hours did the 2027 meeting last?",
      // A reason or a delay is answered only where the report gives one, not by where or when it was held.
      "为什么2027年的会议选在杭州召开？",
      "Why was Shanghai chosen to host the 2026 meeting?",
      // A founding year, the region's statistics, criticism, a count in words or times: no report states one.
      "钱塘江河口保护联盟成立于哪一年？",
      "What is the population of the Yangtze River Delta?",
      "陈明远在2026年会议上批评了什么问题？",
      "2023年座谈会上习近平一共讲了多少字？",
      "How many times has Shanghai hosted the meeting since 2005?",
      // Where someone moved or serves now: the reports give posts at each meeting only.
      "林思远后来调去哪里工作了？",
      "Where does Lin Siyuan work now?",
      // Whether an agreement of a kind was signed, where the report says only "签署了一批合作协议".
      "2027年会议有没有签署关于人工智能的协议？",
      // An effect, an election, a speech's length, an amount invested: only a paragraph stating one answers.
      "2027年会议签了协议以后效果怎么样？",
      "Who won the 2026 Shanghai mayoral election?",
      "2026年会议上陈明远的讲话有多长？",
      "What was the total investment of the projects the 2027 meeting listed?",
      // "in his remarks" asks for words the report never quotes: he only attended.
      "What specific proposals did Zhou Wenhua make in his remarks at the 2026 meeting?",
      // "叫什么名字" is how a name is asked for: a paragraph that says 名字 ("我们共同的名字") is not about the agreements.
      "2024年会议签的那批协议具体叫什么名字？",
      // What someone said about a thing the reports never name; which of a kind signed what the report only counts.
      "What did Chen Mingyuan say about Taiwan at the 2026 forum?",
      "Which universities signed agreements at the 2027 meeting?",
      // Who made a document ("哪家单位做的") is said only by "由…".
      "2026年会议审议的行动方案是哪家单位做的？",
      // A site the report only lists ("考察了临港新片区、张江科学城"): nothing of what was seen inside it.
      "2026年会议期间领导们在张江科学城看了哪些项目？",
      // What a document holds: the report names it only. Nor does it count the kinds of what it lists.
      "2026年会议审议的行动方案一共有多少条？",
      "2021年会议提出长江禁渔以后鱼类恢复了多少种？",
      // A shorthand the reports quote but never spell out ("切实把“三件大事”落到实处"); items of a plan never counted.
      "2022年论坛上提到的“三件大事”具体是哪三件？",
      "2021年审议的三年行动计划一共列了多少项重点任务？",
      // The symposium named by its chair without "主持": the person asked about only spoke, quoted nowhere.
      "习近平那次座谈会上，郑栅洁发言具体讲了哪些数据和建议？",
    ]) {
      await expectRefused(q);
    }
    const refusal = await ask("2024年会议签了多少个合作协议？");
    expect(refusal.answer).toContain("2026年度座谈会（上海）");
    expect(refusal.answer).toMatch(/可以试试问/);
  });

  it("a meeting the reports lack is placed only where they name it, and never answered for what it decided", async () => {
    // 2028 was chosen by the 2027 report; the year and the place stand apart from the meeting words.
    const place = await ask("2028年那场长三角领导碰头会定在哪儿开？");
    expect(place.answer).toContain("安徽");
    expect(place.citations[0]?.meetingId).toBe("2027-hangzhou");
    for (const q of [
      "2028年在安徽开的那次主要领导座谈会，主题定的是什么？",
      "2019年的长三角主要领导座谈会是在哪儿开的？",
    ]) {
      await expectRefused(q);
    }
    // In English, a year the reports hold no meeting of, beside "meeting".
    const english = await ask("Where will the 2028 Yangtze River Delta leaders' meeting take place?");
    expect(english.answer).toContain("安徽省");
    expect(english.citations[0]?.meetingId).toBe("2027-hangzhou");
    expect((await ask("What was the theme of the 2028 meeting?")).answered).toBe(false);
    // A meeting named by a place that hosted none of the reports' meetings, alone or after another question.
    expect((await ask("湖州会议是哪年开的？")).answer).toContain("2020年湖州会议");
    expect((await ask("湖州那次会议的主题是什么？")).answered).toBe(false);
    await expectRefused("湖州那次会议的主题是什么？", [{ question: "2022年会议审议了哪些文件？", answer: "…[1]" }]);
    // "2020年湖州会议以来": a meeting the reports only recall, by its place.
    const recalled = await ask("2020年那次会是在哪开的？");
    expect(recalled.answer).toContain("湖州");
    expect((await ask("2020年那次会议的主题是什么？")).answered).toBe(false);
  });

  it("a request no report answers is refused, whatever place or topic it names", async () => {
    for (const q of [
      "帮我写一首关于长江的诗",
      "杭州到上海的高铁要多久？",
      "Write me a poem about the Yangtze River.",
      "What are the best restaurants in Hangzhou?",
      "How far is Shanghai from Hefei by train?",
    ]) {
      await expectRefused(q);
      expect(await engine.extractive.inScope(q)).toBe(false);
    }
    // The same words inside a question about the meetings are the topic.
    expect((await ask("2021年会议推动哪些高铁项目开工？")).answered).toBe(true);
  });

  it("a question that matches only its setting is refused", async () => {
    const weather = await ask("明天杭州会下雨吗？");
    expect(weather.answered, weather.answer).toBe(false);
  });
});

describe("what someone said", () => {
  it("is answered where the person speaks, not where they are listed as attending", async () => {
    const answer = await ask("2026年会议上陈明远讲了哪些内容？");
    expect(answer.answered, answer.answer).toBe(true);
    expect(answer.answer).toMatch(/陈明远说，/u);
    expect(cites2026(answer)).toBe(true);
  });

  it("the rest of a lead paragraph cut in two is the speech its pronoun introduced ('…发表重要讲话。他强调，')", async () => {
    // In the symposium's lead paragraph the pronoun introduces the speech, which runs on into the next chunk; there
    // the pairs to balance are listed ("统筹…，统筹…"), while a later paragraph says "统筹好发展和安全" once.
    const answer = await ask("习近平在座谈会上提出要统筹哪几对关系？");
    expect(answer.answer.match(/统筹/gu)?.length ?? 0).toBeGreaterThanOrEqual(3);
    expect(answer.citations[0]?.paragraph).toBe(1);
  });

  it("what a named person asked for is in their own words, not in a list that names them", async () => {
    const answer = await ask("2026年会议上陈明远提出了什么要求？");
    expect(answer.answered, answer.answer).toBe(true);
    expect(answer.answer).toMatch(/陈明远说，/u);
  });

  it("who said something is the speaker of the paragraph that says it", async () => {
    // The 2022 forum report: "袁家军说，…" then, sentences on, "…切实把“三件大事”落到实处。"
    const answer = await ask("2022年高层论坛上，谁提出要切实把“三件大事”落到实处？");
    expect(answer.answer).toMatch(/^袁家军：.*三件大事/u);
  });

  it("the topic of a talk is what it was given on, not the meeting's theme", async () => {
    // The 2025 forum report: "…周志华，…薛敏，分别围绕人工智能、高端医疗装备发展作了演讲。"
    const answer = await ask("2025年论坛上南京大学副校长演讲的主题是什么？");
    expect(answer.answer).toContain("围绕人工智能");
  });

  it("'did X say anything' asks for X's words", async () => {
    // The 2023 report lists him among those attending, then gives his words ("李强在讲话中表示，…").
    const answer = await ask("Did Premier Li Qiang say anything at the 2023 symposium?");
    expect(answer.answer).toMatch(/李强在讲话中表示，/u);
  });

  it("is asked in English of whoever held the post named, in that person's words", async () => {
    const answer = await ask("What did the Shanghai party secretary say at the 2026 meeting?");
    expect(answer.answer).toMatch(/陈明远说，/u);
    expect(answer.answer).toMatch(/^The 2026 leaders' meeting \(Shanghai\) report: /u);
  });

  it("who spoke at an event is answered where they speak, sentences after the event is named", async () => {
    // The 2025 report: "…举行了成果发布会。信长星代表与会各方通报了…。龚正、许昆林、刘捷、王清宪分别代表三省一市讲话。"
    const answer = await ask("Who made speeches at the 2025 meeting's results conference?");
    expect(answer.answer).toContain("龚正、许昆林、刘捷、王清宪");
  });

  it("'what did X tell Y' asks for X's words: refused where only Y speaks", async () => {
    const answer = await ask("What exactly did Zhou Wenhua tell Chen Mingyuan at the 2026 meeting?");
    expect(answer.answered, answer.answer).toBe(false);
  });

  it("is asked of whoever held the post the question names at that meeting", async () => {
    const answer = await ask("2026年会议上上海市委书记讲了什么？");
    expect(answer.answered, answer.answer).toBe(true);
    expect(answer.answer).toMatch(/陈明远说，/u);
    expect(answer.question).toBe("2026年会议上上海市委书记讲了什么？");
    expect(cites2026(answer)).toBe(true);
  });
});

describe("lists", () => {
  it("'除了A还有…' leaves out what the question already names, keeping the rest of the list", async () => {
    const places = await ask("除了临港新片区，2026年会议期间领导们还考察了哪些地方？");
    expect(places.answer).toContain("张江科学城");
    expect(places.answer).not.toContain("临港新片区");
    const leaders = await ask("除了陈明远，2026年会议还有哪些领导出席？");
    expect(leaders.answer).toContain("周文华");
    expect(leaders.answer).not.toContain("陈明远");
    expect(cites2026(leaders)).toBe(true);
    // What is set aside may be an activity: the answer is the other one, alone.
    const visits = await ask("2026年会议期间，除了审议文件，还考察了哪些地方？");
    expect(visits.answer).toContain("张江科学城");
    expect(visits.answer).not.toContain("《");
    // The post of the one person set aside is not who else came.
    const symposium = engine.knowledge.meetings.find((m) => m.meetingId === "2023-shanghai")!;
    const members = symposium.posts.filter((p) => p.post.includes("政治局常委")).map((p) => p.person);
    const besides = await ask("Besides Xi, which Politburo Standing Committee members were present at the symposium?");
    expect(members.length).toBeGreaterThan(0);
    for (const member of members) expect(besides.answer).toContain(member);
  });

  it("bodies listed before '有关负责同志' are named, not a vague quantity", async () => {
    // The 2025 report: "中央财办、国家发展改革委有关负责同志应邀出席会议。"
    const answer = await ask("2025年会议有哪些中央部门的同志应邀出席？");
    expect(answer.answer).toContain("中央财办、国家发展改革委");
  });
});

describe("English in the user's own words", () => {
  it("words outside the alias table reach the new report through the dictionary bridge", async () => {
    for (const [q, fact] of [
      ["What did the 2026 meeting say about the business environment?", "营商环境"],
      ["What did the 2026 meeting say about computing power?", "算力"],
    ] as const) {
      const answer = await ask(q);
      expect(answer.answered, `${q} → ${answer.answer}`).toBe(true);
      expect(answer.answer).toContain(fact);
      expect(cites2026(answer)).toBe(true);
    }
  });

  it("a journalist's words for who went where (delegations inspected) are the reports' (领导考察)", async () => {
    for (const q of [
      "During the 2026 meeting, what sites did the delegations inspect?",
      // The kind of place asked for is not a word the report must use: it names the places.
      "During the 2026 meeting, which places or companies did the leaders go to see?",
    ]) {
      const answer = await ask(q);
      expect(answer.answer, q).toContain("张江科学城");
      expect(cites2026(answer)).toBe(true);
    }
  });

  it("'which X did Y pledge' asks for Y's words; 'party chief' is a party secretary", async () => {
    const pledge = await ask("Which goal did Chen Mingyuan pledge at the 2026 meeting?");
    expect(pledge.answer).toContain("陈明远说");
    const chief = await ask("Who was Jiangsu's party chief at the 2026 meeting?");
    expect(chief.answer).toContain("林思远");
  });

  it("a capital at the start of a later sentence names nothing", async () => {
    const answer = await ask("What documents did the 2026 meeting review? Student here, writing a thesis.");
    expect(answer.answer).toContain("《长三角城市群协同发展行动方案（2026—2028年）》");
  });

  it("a visit is found where it is told, though the lead paragraph names the meeting, its city and leaders", async () => {
    const answer = await ask("Which sites did the provincial leaders tour during the 2026 Shanghai meeting?");
    expect(answer.answer).toContain("临港新片区");
    expect(answer.answer).toContain("张江科学城");
  });

  it("a question whose every word is a dictionary guess needs more than a loose match", async () => {
    // The report's page also carries an unrelated article on reading rooms, which is dropped.
    const answer = await ask("Which reading rooms opened this year?");
    expect(answer.answered, answer.answer).toBe(false);
  });
});

describe("conversations", () => {
  it("a complete question after another is answered on its own", async () => {
    const first = await ask("2025年会议的主题是什么？");
    const second = await ask("2024年会议在哪里举行？", [{ question: first.question, answer: first.answer }]);
    expect(second.answer).toContain("温州");
    expect(second.answer).not.toContain(first.answer.slice(0, 12));
  });

  it("elliptical turns take what they lean on: a year, a person, the meeting", async () => {
    const history: Turn[] = [{ question: "2026年会议上江苏省委书记是谁？", answer: "江苏省委书记林思远" }];
    expect((await ask("那2025年呢？", history)).answer).toContain("信长星");
    expect((await ask("省长呢？", history)).answer).toContain("赵启明");
    // "那杭州那次呢？", "And in Shanghai?": the previous question, asked of the meeting held in that city.
    const theme: Turn[] = [{ question: "2026年会议的主题是什么？", answer: "…" }];
    const hangzhou = await ask("那杭州那次呢？", theme);
    expect(hangzhou.question).toBe("杭州会议的主题是什么？");
    expect(hangzhou.answer).toContain("共护江南水乡");
    const english: Turn[] = [{ question: "What was the theme of the Hangzhou meeting?", answer: "…" }];
    const shanghai = await ask("And in Shanghai?", english);
    expect(shanghai.question).toBe("What was the theme of the Shanghai meeting?");
    expect(shanghai.citations.map((c) => c.meetingId)).toContain("2026-shanghai");
    // The next meeting as what a meeting chose, and "那届" after it as the chosen one.
    const chose: Turn[] = [{ question: "2026年会议在哪里举行？", answer: "上海" }];
    const pick = await ask("Which place did that meeting pick for the next one?", chose);
    expect(pick.question).toBe("Which place did the 2026 meeting pick for the next one?");
    expect(pick.answer).toContain("2027年度长三角地区主要领导座谈会在浙江省召开");
    const city = await ask("那届具体在浙江哪个城市开的？", [
      ...chose,
      { question: "2026年会议定的下一届在哪里开？", answer: pick.answer },
    ]);
    expect(city.question).toBe("2027年度会议具体在浙江哪个城市开的？");
    expect(city.answer).toContain("杭州");
    expect((await ask("那次会议定的下一届在哪里开？", chose)).question).toBe("2026年会议定的下一届在哪里开？");
    // "that province" is the one the previous answer placed the meeting in; "那个座谈会" the previous meeting.
    const placed: Turn[] = [{ question: "Which province hosted the 2027 meeting?", answer: "浙江省杭州市" }];
    expect((await ask("Who was that province's party secretary then?", placed)).answer).toContain("沈望舒");
    const that: Turn[] = [{ question: "2027年会议在哪里举行？", answer: "杭州" }];
    expect((await ask("那个座谈会的主题是什么？", that)).answer).toContain("共护江南水乡");
    // "那次会议确定2027年度的会…": 2027 is what was chosen, 那次 the previous turn's meeting.
    const chosenYear = await ask("那次会议确定2027年度的会在哪里开？", chose);
    expect(chosenYear.question).toBe("2026年会议确定2027年度的会在哪里开？");
    expect(chosenYear.answer).toContain("浙江省");
    // …and the next turn's "具体是几月几号" asks it of the meeting chosen.
    const when = await ask("具体是几月几号？", [
      ...chose,
      { question: chosenYear.question, answer: chosenYear.answer },
    ]);
    expect(when.question).toBe("2027年度会议具体是几月几号？");
    expect(when.answer).toContain("5月20日");
    // "his" after an English question that named someone in pinyin is that person.
    const said: Turn[] = [{ question: "What did Chen Mingyuan say at the 2026 meeting?", answer: "…" }];
    const his = await ask("What was his position at the 2026 meeting?", said);
    expect(his.answer).toContain("上海市委书记陈明远");
    // The post asked of the province the previous answer named, when the previous question named no post.
    const post: Turn[] = [
      { question: "林思远2026年是什么职务？", answer: "2026年度座谈会（上海）：江苏省委书记林思远[1]。" },
    ];
    expect((await ask("那省长呢？", post)).answer).toContain("赵启明");
    const meeting: Turn[] = [{ question: "2026年会议在哪里举行？", answer: "上海" }];
    expect((await ask("那次会议开了几天？", meeting)).answer).toContain("两天");
    expect((await ask("那年会议期间领导们去哪考察了？", meeting)).answer).toContain("临港新片区");
    // A full question that names no meeting stays in the chat's meeting; one that asks across meetings does not.
    const topic = await ask("会议强调要推动政务服务怎么样去改进呢？", meeting);
    expect(topic.answer).toContain("跨省通办");
    expect(cites2026(topic)).toBe(true);
    const across = await ask("哪几年的会议在江苏省召开？", meeting);
    expect(across.answer).toMatch(/2021[\s\S]*2025/);
    // A meeting named by who chaired it, not by a year, is kept as well.
    const symposium = engine.corpus.meetings.find((m) => m.kind === "symposium")!;
    const chaired = await ask("李强说了什么？", [
      { question: "习近平主持的那次长三角座谈会上有谁发言？", answer: "…" },
    ]);
    expect(chaired.citations[0]?.meetingId).toBe(symposium.id);
    // A question that names its own meeting keeps it, even with 那一年 in it.
    expect((await ask("2025年会议在哪里举行？", meeting)).answer).toContain("南京");
    expect(
      (await ask("How long did it last?", [{ question: "Where was the 2026 meeting held?", answer: "Shanghai" }]))
        .answer,
    ).toContain("2 days");
    // Opens like a follow-up but asks on its own: only the meeting comes from before.
    const next = await ask("And where will next year's meeting be held?", [
      { question: "What was the theme of the 2026 meeting?", answer: "…" },
    ]);
    expect(next.answer).toContain("浙江");
    expect(cites2026(next)).toBe(true);
  });

  it("a question in Traditional characters is answered in them, with what it quotes as the report prints it", async () => {
    const answer = await ask("2026年會議上江蘇省委書記是誰？");
    expect(answer.answer).toMatch(/^2026年度座談會（上海）：江蘇省委書記林思遠\[1\]。/u);
    expect(answer.answer).toContain("原文：2026年度座谈会（上海）：江苏省委书记林思远");
    const refusal = await ask("2026年會議簽了多少個合作協議？");
    expect(refusal.answered).toBe(false);
    expect(refusal.answer).not.toContain("原文");
    expect(refusal.answer).toContain("報道");
  });

  it("a follow-up in Traditional characters is read as its simplified form: another forum by its edition", async () => {
    const forum: Turn[] = [
      { question: "第八屆長三角一體化發展高層論壇在哪裡舉行？", answer: "第八屆…在上海舉行[1]。" },
    ];
    const next = await ask("那第九屆呢？在哪裡辦的？", forum);
    expect(next.answer).toContain("杭州");
    expect(next.citations[0]?.meetingId).toBe("2027-hangzhou");
  });

  it("a follow-up that names another meeting, the meeting after, or the place just named", async () => {
    const role: Turn[] = [{ question: "林思远2026年是什么职务", answer: "江苏省委书记林思远" }];
    const hangzhou = await ask("那到了杭州那次呢？", role);
    expect(hangzhou.answer).toContain("江苏省委书记林思远");
    expect(hangzhou.citations.map((c) => c.meetingId)).toEqual(["2027-hangzhou"]);
    const decided: Turn[] = [
      {
        question: "What did the 2026 meeting decide about next year's meeting?",
        answer: "会议确定，2027年度长三角地区主要领导座谈会在浙江省召开",
      },
    ];
    expect((await ask("And what did the following meeting decide?", decided)).answer).toContain("安徽省");
    const hosted = await ask("Which province hosted the 2027 meeting?");
    const governor = await ask("Who was the governor there at that time?", [
      { question: hosted.question, answer: hosted.answer },
    ]);
    expect(governor.answer).toContain("顾远帆");
    expect(governor.answer).not.toContain("赵启明");
  });

  it("a follow-up that picks a person by place in the list, the host chosen next, or the time of that choice", async () => {
    const attended: Turn[] = [
      {
        question: "2026年会议有哪些领导出席？",
        answer:
          "上海市委书记陈明远，上海市委副书记、市长周文华；江苏省委书记林思远，江苏省委副书记、省长赵启明出席会议。[1]",
      },
    ];
    expect((await ask("第三位是什么职务？", attended)).answer).toContain("江苏省委书记林思远");
    expect((await ask("What post did the last of them hold?", attended)).answer).toContain("省长赵启明");
    // "chosen to host the next one" is the choice the meeting before made, cited from its report.
    const held: Turn[] = [{ question: "Where was the 2027 meeting held?", answer: "杭州[1]" }];
    const chosen = await ask("Which province was chosen to host the next one?", held);
    expect(chosen.answer).toContain("2028年度长三角地区主要领导座谈会在安徽省召开");
    expect(chosen.citations[0]?.meetingId).toBe("2027-hangzhou");
    // The reports lack the 2028 meeting: "back then" is when it was chosen, at the 2027 meeting.
    const then = await ask("Who was that province's party secretary back then?", [
      ...held,
      { question: chosen.question, answer: chosen.answer },
    ]);
    expect(then.answer).toContain("程立言");
    // "the next day" is a day, not the next meeting.
    expect((await ask("Who chaired the results conference the next day?", held)).answer).toContain("沈望舒");
  });

  it("people asked by province and number, in the post asked, whatever the chat's opening words", async () => {
    const two = await ask("2026年座谈会江苏来的是哪两位？");
    expect(two.answer).toMatch(/^林思远（江苏省委书记）、赵启明（江苏省委副书记、省长）/u);
    expect((await ask("OK then — who attended the 2026 meeting from Jiangsu?")).answer).toContain("林思远");
    const governor = await ask("2027年成果发布会上代表浙江讲话的省长是谁？");
    expect(governor.answer).toMatch(/^顾远帆（浙江省委副书记、省长）/u);
    expect(governor.answer).not.toMatch(/^沈望舒/u);
    const next = await ask("那下一届定在了哪里？", [{ question: "2026年的座谈会在哪里开的？", answer: "上海[1]" }]);
    expect(next.answer).toContain("2027年度长三角地区主要领导座谈会在浙江省召开");
  });

  it("the meetings a person attended, people set aside in English, and the forum a follow-up points at", async () => {
    for (const q of [
      "林思远参加了哪几年的年度座谈会？",
      "Which meetings did Lin Siyuan attend?",
      "林思远出席过哪些会议？",
    ]) {
      const answer = await ask(q);
      expect(answer.answer, q).toMatch(/2026[\s\S]*2027/u);
    }
    const besides = await ask("Which other leaders attended the 2026 meeting besides Chen Mingyuan and Zhou Wenhua?");
    expect(besides.answer).toContain("林思远");
    expect(besides.answer).not.toContain("陈明远");
    const forum = await ask("Who spoke at that forum?", [
      { question: "Which edition of the forum was held at the 2026 meeting?", answer: "第八届[1]" },
    ]);
    expect(forum.question).toContain("the 2026 forum");
    expect(forum.answer).toContain("陈明远");
    // "Did he speak at…" asks whether, which the list of speakers answers; a "symposium" in English is the symposium.
    const spoke = await ask("Did Chen Jining also speak at the symposium Xi Jinping chaired in Shanghai?");
    expect(spoke.answer).toContain("陈吉宁");
    expect(spoke.citations[0]?.meetingId).toBe(engine.corpus.meetings.find((m) => m.kind === "symposium")!.id);
    const symposium = await ask("Who chaired the Shanghai symposium on deepening Yangtze River Delta integration?");
    expect(new Set(symposium.citations.map((c) => c.meetingId)).size).toBe(1);
  });

  it("a follow-up that names a province or a post asks it of that province's counterpart, and says who that is", async () => {
    const previous = { question: "2026年论坛上陈明远说了什么？", answer: "陈明远说，长三角要携手打造世界级城市群…[1]" };
    for (const follow of ["江苏那位呢？", "江苏省委书记呢？"]) {
      const counterpart = await ask(follow, [previous]);
      expect(counterpart.question, follow).toBe("2026年论坛上江苏省委书记说了什么？");
      expect(counterpart.answer).toContain("林思远");
      expect(counterpart.answer).toContain("排头兵");
    }
    // In English too, and "at the forum" after a question about a meeting is that year's forum.
    const forum = await ask("What did he say at the forum?", [
      { question: "Who was Jiangsu's party secretary at the 2026 meeting?", answer: "江苏省委书记林思远[1]" },
    ]);
    expect(forum.question).toContain("the 2026 forum");
    expect(forum.answer).toContain("排头兵");
    const english = await ask("And the Jiangsu party chief?", [
      { question: "What did Chen Mingyuan say at the 2026 forum?", answer: "陈明远说，长三角要携手…[1]" },
    ]);
    expect(english.answer).toContain("林思远");
    // After a post was asked, another province keeps the post.
    const province = await ask("那浙江的呢？", [
      { question: "2026年论坛上江苏省委书记说了什么？", answer: "林思远说，江苏将当好…排头兵…[1]" },
    ]);
    expect(province.question).toBe("2026年论坛上浙江省委书记说了什么？");
  });

  it("after the next host was asked, a question beyond where and when is of the meeting that chose it", async () => {
    const chat = [
      { question: "2026年会议的主题是什么？", answer: "2026年度座谈会（上海）的主题是…[1]" },
      { question: "2027年度会议在哪里举行？", answer: "会议确定，2027年度长三角地区主要领导座谈会在浙江省召开。[1]" },
    ];
    // The reports hold the 2027 meeting: it is the one meant.
    expect((await ask("那届会议审议了什么文件？", chat)).answer).toContain("长三角湿地生态共保联治实施方案");
    // A meeting they lack (2028): what it did is unknown, so the chat stays at the meeting that chose it…
    const lacking = [
      { question: "2027年会议的主题是什么？", answer: "2027年度座谈会（杭州）的主题是…[1]" },
      { question: "2028年度会议在哪里举行？", answer: "会议确定，2028年度长三角地区主要领导座谈会在安徽省召开。[1]" },
    ];
    const results = await ask("成果发布会上谁代表安徽讲话？", lacking);
    expect(results.answer).toContain("程立言");
    // …unless the question names that meeting by its host.
    await expectRefused("那次在安徽开的会上都定了些什么？", lacking);
    await expectRefused("那次安徽的会议定了什么主题？", lacking);
  });

  it("a follow-up of two years, of another host city, of what else happened, or of another topic", async () => {
    const both = await ask("那2026年和2027年呢？", [
      { question: "2021年江苏省委书记是谁？", answer: "2021年度座谈会（无锡）：江苏省委书记娄勤俭[1]。" },
    ]);
    expect(both.answer).toContain("林思远");
    expect(new Set(both.citations.map((c) => c.meetingId))).toEqual(new Set(["2026-shanghai", "2027-hangzhou"]));
    // The year named the old meeting, and goes with its city.
    const city = await ask("杭州那次呢？", [
      { question: "2026年上海会议审议了什么文件？", answer: "2026年度座谈会（上海）审议了《…》[1]。" },
    ]);
    expect(city.answer).toContain("长三角湿地生态共保联治实施方案");
    const more = await ask("那次会上还干了啥？", [
      {
        question: "2027年会议审议了什么文件？",
        answer: "2027年度座谈会（杭州）审议了《长三角湿地生态共保联治实施方案》[1]。",
      },
    ]);
    expect(more.answer).toContain("第九届长三角一体化发展高层论坛");
    // What was asked of the old topic in particular is not asked of the new one.
    const topic = await ask("营商环境方面呢？", [
      { question: "2026年会议在科技方面说要共建哪一条示范走廊？", answer: "共建低空经济示范走廊[1]" },
    ]);
    expect(topic.question).toBe("2026年会议在营商环境方面提了什么？");
    expect(topic.answer).toContain("跨省通办");
  });

  it("English follow-ups: another topic ('And about…?'), who was 'there', and a meeting an answer named by title", async () => {
    const topic = await ask("And about the business environment?", [
      { question: "What did the 2026 meeting say about computing power?", answer: "会议指出，…算力调度平台。[1]" },
    ]);
    expect(topic.question).toBe("What did the 2026 meeting say about the business environment?");
    expect(topic.answer).toContain("营商环境");
    const there = await ask("Which other officials were there?", [
      { question: "What was the theme of the 2026 meeting?", answer: "“携手建设世界级城市群，共创长三角美好未来”[1]" },
    ]);
    expect(there.answer).toContain("周文华");
    // "那个座谈会" after an answer that names the symposium by its whole title is the symposium.
    const symposium = engine.corpus.meetings.find((m) => m.kind === "symposium")!;
    const named = await ask("那个座谈会是谁主持的？", [
      {
        question: "2024年会议说今年是什么的开局之年？",
        answer: `会议强调，今年是贯彻落实习近平总书记在${symposium.title}上重要讲话精神的开局之年。[1]`,
      },
    ]);
    expect(named.citations[0]?.meetingId).toBe(symposium.id);
  });

  it("a follow-up that names only another topic, or points at a person after a list of them", async () => {
    const topic = await ask("那绿色低碳方面呢？", [
      { question: "2027年会议在生态环境方面提了哪些举措？", answer: "会议指出，要加强生态环境共保联治…[1]" },
    ]);
    expect(topic.question).toBe("2027年会议在绿色低碳方面提了哪些举措？");
    expect(topic.answer).toContain("绿色低碳转型");
    // "哪些举措" asks the kind of any answer: the topic, not 举措, says which paragraph.
    expect((await ask("2026年会议在政务服务方面提了哪些具体举措？")).answer).toContain("跨省通办");
    // An answer listing everyone present is about no one in particular: "他" is the person asked about before.
    const him = await ask("他在2027年是什么职务？", [
      { question: "林思远2026年是什么职务？", answer: "2026年度座谈会（上海）：江苏省委书记林思远[1]。" },
      {
        question: "2026年会议有哪些领导出席？",
        answer:
          "上海市委书记陈明远，上海市委副书记、市长周文华；江苏省委书记林思远，江苏省委副书记、省长赵启明出席会议。[1]",
      },
    ]);
    expect(him.question).toContain("林思远");
    // …but one named before a list ("沈望舒主持会议。顾远帆、程立言…讲话") is who the answer is about.
    const chair = await ask("他是什么职务？", [
      { question: "谁主持了2027年成果发布会？", answer: "沈望舒主持会议。顾远帆、程立言、林思远分别讲话。[1]" },
    ]);
    expect(chair.answer).toContain("浙江省委书记沈望舒");
    // The person an answer is given for ("程立言（安徽省委书记）：…") is who it is about, though the list names them too.
    const forAnhui = await ask("他说了什么？", [
      {
        question: "2027年会议安徽方面是谁代表讲话？",
        answer: "程立言（安徽省委书记）：沈望舒主持会议。顾远帆、林思远、程立言分别讲话。[1]",
      },
    ]);
    expect(forAnhui.question).toContain("程立言");
  });

  it("a follow-up that asks whether another meeting mentioned it: the phrase the chat was about", async () => {
    const fishing: Turn[] = [
      { question: "2021年会议还提到了哪条江的禁渔？", answer: "联合开展长江“十年禁渔”行动。[1]" },
    ];
    const again = await ask("2022年的会议还提这个了吗？", fishing);
    expect(again.question).toContain("“十年禁渔”");
    expect(again.citations[0]?.meetingId).toBe("2022-shanghai");
    expect(again.citations[0]?.text).toContain("十年禁渔");
    // "第二年的会议" is the meeting after the one asked about, and the 2027 report never says 跨省通办.
    const service: Turn[] = [
      { question: "2026年会议提到的“跨省通办”要怎么推进？", answer: "推动长三角政务服务“跨省通办”扩面提质[1]" },
    ];
    const next = await ask("第二年的会议还提到它了吗？", service);
    expect(next.question).toBe("2027年度会议还提到“跨省通办”了吗？");
    expect(next.answered).toBe(false);
    expect((await ask("2027年的会又是怎么说这块的？", service)).question).toContain("“跨省通办”");
    expect((await ask("2027年那次会上对它怎么说的？", service)).question).toContain("对“跨省通办”");
    expect((await ask("Did the 2027 meeting mention it?", service)).question).toContain("mention “跨省通办”");
    expect((await ask("第二年在哪开的？", service)).question).toBe("2027年度会议在哪开的？");
  });

  it("the capacity someone spoke in, as the report states it", async () => {
    const holder = engine.knowledge.meetings
      .find((m) => m.meetingId === "2024-wenzhou")!
      .posts.find((p) => p.post === "浙江省委书记")!.person;
    for (const q of [
      "2024年论坛上浙江省委书记是以什么身份讲话的？",
      `In what capacity did ${holder} speak at the 2024 forum?`,
      `What role did ${holder} play at the 2024 forum?`,
    ]) {
      const answer = await ask(q);
      expect(answer.answer, q).toContain(`${holder}代表`);
      expect(answer.citations[0]?.text).toContain(`${holder}代表`);
    }
  });

  it("a year swapped in drops the old meeting's city, and a forum pointed back at stays a forum", async () => {
    const sites: Turn[] = [
      { question: "What sites did the leaders visit during the 2026 meeting in Shanghai?", answer: "…" },
    ];
    expect((await ask("What about in 2027?", sites)).question).toBe(
      "What sites did the leaders visit during the 2027 meeting?",
    );
    const zh: Turn[] = [{ question: "2026年上海会议期间领导考察了哪些地方？", answer: "…" }];
    expect((await ask("那2027年呢？", zh)).question).toBe("2027年会议期间领导考察了哪些地方？");
    // 上海 as the province asked about stays.
    const post: Turn[] = [{ question: "2026年上海市委书记是谁？", answer: "陈明远[1]" }];
    expect((await ask("那2027年呢？", post)).question).toBe("2027年上海市委书记是谁？");
    const forum: Turn[] = [{ question: "When and where was the 8th high-level forum held?", answer: "…" }];
    expect((await ask("Who spoke at it?", forum)).question).toContain("the 2026 forum");
  });

  it("the year before the one the chat is about", async () => {
    const post: Turn[] = [{ question: "Who was Jiangsu's party secretary at the 2027 meeting?", answer: "林思远[1]" }];
    expect((await ask("And the year before?", post)).question).toBe(
      "Who was Jiangsu's party secretary at the 2026 meeting?",
    );
    const zh: Turn[] = [{ question: "2027年江苏省委书记是谁？", answer: "林思远[1]" }];
    expect((await ask("上一届呢？", zh)).question).toBe("2026年江苏省委书记是谁？");
    const named = await ask("赵启明前一年是什么职务？", [{ question: "2027年会议在哪开的？", answer: "杭州[1]" }]);
    expect(named.question).toBe("赵启明2026年是什么职务？");
    expect(named.answer).toContain("江苏省委副书记、省长赵启明");
  });

  it("the latest meeting, the one it chose next, and what the reports cannot say about that one", async () => {
    // The reports' latest annual meeting is the invented 2027 one, whatever year it is.
    const latest = await ask("最近一次主要领导座谈会在哪开的？");
    expect(latest.answer).toContain("杭州");
    expect((await ask("What was the theme of the most recent leaders' meeting?")).answer).toContain("共护江南水乡");
    const chat: Turn[] = [{ question: latest.question, answer: latest.answer }];
    const next = await ask("下次呢？", chat);
    expect(next.answer).toContain("2028年度长三角地区主要领导座谈会在安徽省召开");
    chat.push({ question: next.question, answer: next.answer });
    // When it opens, no report says; what was said at the meeting that chose it, the reports do.
    await expectRefused("具体哪天开？", chat);
    expect((await ask("谁主持了成果发布会？", chat)).answer).toContain("沈望舒");
    // "首届" is the first edition, which no report covers.
    await expectRefused("首届论坛在哪办的？");
  });

  it("greetings and thanks get a friendly reply with example questions, not a refusal", async () => {
    for (const q of [
      "你好",
      "好的，谢谢！",
      "hi, what can you do?",
      "Thanks, that's all.",
      "谢谢，就这些",
      "Hello there",
      "大家好",
      // An offer of a question about the bot's own subject, with no question yet.
      "Hello! Can you help me with the Yangtze River Delta meetings?",
      "我想问问长三角座谈会的事",
      "好的谢谢",
      // Acknowledgements people type between questions, with praise.
      "Thanks, that's really helpful.",
      "ok cheers",
      "Got it, thanks!",
      "收到，明白了",
      // A greeting that says what is coming but asks nothing yet.
      "Hi, I have a few questions about the Yangtze River Delta leaders' meetings.",
      "你好，我想了解一下长三角座谈会",
    ]) {
      const answer = await ask(q);
      expect(answer.answered).toBe(false);
      expect(answer.answer).not.toMatch(/没有找到|don't cover/);
      expect(answer.answer).toMatch(/“.+”/);
    }
  });

  it("a question that only opens with such words is answered", async () => {
    for (const q of ["Can you help me find who chaired the 2027 results conference?", "我想问2027年会议在哪开"]) {
      const answer = await ask(q);
      expect(answer.answered, `${q} → ${answer.answer}`).toBe(true);
    }
  });
});
