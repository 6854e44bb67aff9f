/**
 * The offline extractive answerer over the real corpus: short answers taken from
 * the cited paragraph, the right meeting and paragraph cited, refusals when the
 * reports don't cover a question. Questions are our own (not the dev set's).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { asPrinted, meetingLabel, toCitation } from "../../src/answer/citations.js";
import { splitClauses } from "../../src/answer/clauses.js";
import { checkQuestion } from "../../src/answer/question.js";
import { answerToJson, answerToText } from "../../src/cli/output.js";
import type { Meeting } from "../../src/corpus/types.js";
import { openEngine, type Engine } from "../../src/engine.js";
import { CORPUS, cleanupTempDirs, sharedIndexCopy, tempDir } from "../fixtures/helpers.js";

let engine: Engine;
beforeAll(async () => {
  engine = await openEngine({ corpusDir: CORPUS, indexDir: sharedIndexCopy(tempDir("csj-answer-")) });
});
afterAll(cleanupTempDirs);

const meetings = () => engine.corpus.meetings;
const annual = (year: number): Meeting => meetings().find((m) => m.year === year && m.kind === "annual")!;
const symposium = (): Meeting => meetings().find((m) => m.kind === "symposium")!;

/** The one paragraph of the meeting (and article kind) that contains `evidence`. */
function paragraphWith(meeting: Meeting, evidence: string, kind?: "meeting" | "forum") {
  const hits = meeting.articles
    .filter((a) => !kind || a.kind === kind)
    .flatMap((a) =>
      a.paragraphs.filter((p) => p.n > 0 && p.text.includes(evidence)).map((p) => ({ article: a, paragraph: p })),
    );
  if (hits.length !== 1) throw new Error(`evidence “${evidence}” is in ${hits.length} paragraphs of ${meeting.id}`);
  return hits[0]!;
}

interface Case {
  q: string;
  meeting: () => Meeting;
  kind?: "meeting" | "forum";
  /** The text that must be in the answer and the cited paragraph. */
  fact: string;
  /** A phrase that occurs in exactly one paragraph of the meeting: the one to cite. */
  evidence: string;
}

const CASES: Case[] = [
  { q: "2021年的座谈会在哪个城市举行？", meeting: () => annual(2021), fact: "无锡", evidence: "座谈会在江苏无锡举行" },
  { q: "2024年会议在哪个城市举行？", meeting: () => annual(2024), fact: "温州", evidence: "座谈会在浙江省温州市举行" },
  { q: "2022年度座谈会是哪天举行的？", meeting: () => annual(2022), fact: "8月16日", evidence: "8月16日" },
  {
    q: "2024年会议时江苏省委书记是谁？",
    meeting: () => annual(2024),
    kind: "meeting",
    fact: "信长星",
    evidence: "江苏省委书记信长星",
  },
  { q: "2022年会议时安徽省长是谁？", meeting: () => annual(2022), fact: "王清宪", evidence: "省长王清宪出席会议" },
  { q: "2024年会议的主题是什么？", meeting: () => annual(2024), fact: "谱写长三角一体化新篇章", evidence: "为主题" },
  {
    q: "2022年会议审议了哪些文件？",
    meeting: () => annual(2022),
    fact: "《长三角区域一体化发展2022年度工作计划》",
    evidence: "审议了",
  },
  {
    q: "2025年会议期间领导们考察了哪些地方？",
    meeting: () => annual(2025),
    fact: "新济洲国家湿地公园",
    evidence: "考察了",
  },
  {
    q: "2021年会议确定下一年度的座谈会在哪里召开？",
    meeting: () => annual(2021),
    fact: "上海",
    evidence: "会议确定，2022年度",
  },
  {
    q: "第六届长三角一体化发展高层论坛在哪里举行？",
    meeting: () => annual(2024),
    kind: "forum",
    fact: "温州",
    evidence: "第六届长三角一体化发展高层论坛在浙江省温州市举行",
  },
  {
    q: "第七届高层论坛上谁作了演讲？",
    meeting: () => annual(2025),
    kind: "forum",
    fact: "周志华",
    evidence: "作了演讲",
  },
  { q: "2024年论坛上韩俊说了什么？", meeting: () => annual(2024), kind: "forum", fact: "韩俊说", evidence: "韩俊说" },
  { q: "2023年座谈会有哪些人发言？", meeting: symposium, fact: "陈吉宁", evidence: "先后发言" },
  // The symposium named by who chaired it: those words say which meeting, not what is asked.
  { q: "习近平主持的那次长三角座谈会上有谁发言？", meeting: symposium, fact: "陈吉宁", evidence: "先后发言" },
  // What the asker already names is left out, even when the report gives it a sentence of its own.
  {
    q: "2023年座谈会上，除了李强和蔡奇以外还有谁出席？",
    meeting: symposium,
    fact: "李干杰",
    evidence: "李干杰、何立峰",
  },
  // "如何评价" asks for what the person said.
  {
    q: "2024年论坛上韩俊如何评价长三角一体化？",
    meeting: () => annual(2024),
    kind: "forum",
    fact: "最大机遇",
    evidence: "韩俊说",
  },
  // How long something has gone on is not how long the meeting lasted.
  {
    q: "到2023年座谈会召开时，长三角一体化发展战略已经实施多久了？",
    meeting: symposium,
    fact: "5年",
    evidence: "提出并实施5年来",
  },
  // The thing asked for (哪项行动) finds the window deep in the speech that names one.
  {
    q: "王清宪在2025年发布会上讲到安徽将推进哪项行动？",
    meeting: () => annual(2025),
    fact: "人工智能+",
    evidence: "王清宪说",
  },
  // Speaking for a place, in everyday words.
  { q: "温州发布会上替上海发言的是谁", meeting: () => annual(2024), fact: "龚正", evidence: "分别代表三省一市讲话" },
  // An English ordinal inside a Chinese question.
  {
    q: "3rd长三角一体化发展高层论坛在哪举行",
    meeting: () => annual(2021),
    fact: "无锡",
    evidence: "座谈会在江苏无锡举行",
  },
  {
    q: "Where was the 2021 meeting held?",
    meeting: () => annual(2021),
    fact: "无锡",
    evidence: "座谈会在江苏无锡举行",
  },
  {
    q: "What was the theme of the 2024 meeting?",
    meeting: () => annual(2024),
    fact: "勇当中国式现代化先行者",
    evidence: "为主题",
  },
  {
    q: "Who was the governor of Zhejiang at the 2025 meeting?",
    meeting: () => annual(2025),
    kind: "meeting",
    fact: "刘捷",
    evidence: "省长刘捷",
  },
  {
    q: "Which places did leaders visit during the 2024 meeting?",
    meeting: () => annual(2024),
    fact: "三垟湿地",
    evidence: "考察了",
  },
];

describe("answered questions", () => {
  it.each(CASES)("$q", async (c) => {
    const answer = await engine.extractive.ask(c.q);
    const expected = paragraphWith(c.meeting(), c.evidence, c.kind);
    expect(answer.answered, answer.answer).toBe(true);
    expect(answer.path).toBe("extractive");
    expect(answer.language).toBe(/[a-z]{3}/i.test(c.q) ? "en" : "zh");
    // Short, with the fact, quoted from the paragraph it cites.
    // A speech is told point by point, or read on to 200 characters, so a little longer.
    const limit = /说了什么/u.test(c.q)
      ? 270
      : /说|讲|评价|形容|致辞|表示|强调|\bsaid\b|\bsay\b/u.test(c.q)
        ? 220
        : 160;
    expect(answer.answer.length).toBeLessThanOrEqual(limit);
    expect(answer.answer).toContain(c.fact);
    // A fact stated again in the same words elsewhere in the meeting's report is cited there too.
    expect(answer.answer).toMatch(/\[1\](?:\[2\])?[。.]?$/);
    const [citation] = answer.citations;
    expect(answer.citations.length).toBeLessThanOrEqual(2);
    expect(new Set(answer.citations.map((c) => c.meetingId)).size).toBe(1);
    expect(citation!.text).toContain(c.fact);
    // The right meeting, article and paragraph; and the citation shows the whole paragraph.
    expect(citation).toMatchObject({
      n: 1,
      meetingId: c.meeting().id,
      meeting: c.meeting().title,
      articleIndex: expected.article.index,
      articleKind: expected.article.kind,
      paragraph: expected.paragraph.n,
      text: asPrinted(expected.paragraph),
      city: c.meeting().city,
      date: c.meeting().startDate,
    });
    expect(citation!.source.name).toBe(c.meeting().source.name);
  });

  it("English answers name the meeting in English before the Chinese extract", async () => {
    const answer = await engine.extractive.ask("Where was the 2024 meeting held?");
    expect(answer.answer.startsWith(`The ${meetingLabel(annual(2024), "en").replace(/^the /, "")}`)).toBe(true);
  });

  it("retrieved chunks come best first and include the cited paragraph", async () => {
    const answer = await engine.extractive.ask("2025年会议期间领导们考察了哪些地方？");
    const scores = answer.retrieved.map((r) => r.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(answer.retrieved.length).toBeLessThanOrEqual(10);
    const c = answer.citations[0]!;
    expect(answer.retrieved.some((r) => r.chunk.meetingId === c.meetingId && r.chunk.paragraph === c.paragraph)).toBe(
      true,
    );
  });
});

describe("what the question asks beside the fact", () => {
  it("who chaired, and the post the report gives them at that meeting, each cited", async () => {
    const answer = await engine.extractive.ask("2021年成果发布会是谁主持的？他当时担任什么职务？");
    const facts = engine.knowledge.meetings.find((m) => m.meetingId === annual(2021).id)!;
    const chair = facts.chairs[0]!;
    const post = facts.posts.find((p) => p.person === chair.person && p.post)!;
    expect(answer.answer).toContain(chair.person);
    expect(answer.answer).toContain(post.post);
    expect(answer.citations.some((c) => c.text.includes(`${post.post}${post.person}`))).toBe(true);
  });

  it("who chaired is cited where the prose says it, and where a headline says it too", async () => {
    // A month is a date, not a name the reports never mention.
    const answer = await engine.extractive.ask("Who chaired the symposium held in Shanghai in November 2023?");
    expect(answer.answered, answer.answer).toBe(true);
    expect(answer.answer).toContain("习近平");
    expect(answer.citations.map((c) => c.paragraph)).toEqual([1, 0]);
    expect(answer.citations.every((c) => c.meetingId === symposium().id && c.text.includes("主持召开"))).toBe(true);
  });

  it("'what exactly did X tell' asks for their words, refused where the report only says they spoke", async () => {
    const answer = await engine.extractive.ask("What exactly did Chen Jining tell the symposium in November 2023?");
    expect(answer.answered, answer.answer).toBe(false);
  });

  it("a meeting the reports lack is placed by the report that chose it", async () => {
    const answer = await engine.extractive.ask("2023年度的座谈会定在哪个省开？");
    expect(answer.answer).toContain("安徽");
    expect(answer.citations[0]?.meetingId).toBe(annual(2022).id);
    expect(answer.citations[0]?.text).toContain("2023年度长三角地区主要领导座谈会在安徽省召开");
  });

  it("a meeting the reports lack has no decisions or speeches to quote, only where it was to be held", async () => {
    for (const q of ["2023年度座谈会上都定了些什么？", "What did the 2026 annual meeting decide?"]) {
      const answer = await engine.extractive.ask(q);
      expect(answer.answered, `${q} → ${answer.answer}`).toBe(false);
    }
    const where = await engine.extractive.ask("where's the 2026 annual meeting going to be?");
    expect(where.answer).toContain("2026年度长三角地区主要领导座谈会在上海市召开");
    // Not from the headline cut before the place ("会议确定2026年度长三角地区主要领导座谈会").
    const chosen = await engine.extractive.ask("那次会议确定2026年度的会在哪里开？");
    expect(chosen.answer).toContain("在上海市召开");
  });

  it("'what did X call Y' asks for X's words", async () => {
    const answer = await engine.extractive.ask("What did Han Jun call integration for Anhui at the 2024 forum?");
    expect(answer.answer).toContain("最大机遇");
    expect(answer.citations[0]?.text).toMatch(/^韩俊说/u);
  });

  it("'which year's meeting' is answered with the meeting, even when the extract does not name it", async () => {
    const answer = await engine.extractive.ask("第三届长三角一体化发展高层论坛是在哪一年的座谈会期间举办的？");
    expect(answer.answered).toBe(true);
    expect(answer.answer.startsWith(meetingLabel(annual(2021)))).toBe(true);
  });
});

describe("who held which post", () => {
  it("a meeting named by its year and its chair asks no chair: the post of the person asked about", async () => {
    const answer = await engine.extractive.ask("2023年习近平主持的长三角座谈会上，蔡奇是什么职务？");
    expect(answer.answer).toContain("中央办公厅主任蔡奇");
    expect(answer.answer).not.toContain("主持召开");
  });

  it("answers with the one official asked about, not the neighbours on the attendance list", async () => {
    for (const [q, post] of [
      ["2024年会议时浙江省长是谁？", /：(浙江省委副书记、省长\p{Script=Han}{2,3})\[1\](?:\[2\])?。$/u],
      ["2022年安徽省委书记是谁？", /：(安徽省委书记\p{Script=Han}{2,3})\[1\](?:\[2\])?。$/u],
    ] as const) {
      const answer = await engine.extractive.ask(q);
      expect(answer.answer, q).toMatch(post);
      // One official, with the post and name exactly as each cited paragraph writes them.
      for (const citation of answer.citations) expect(citation.text).toContain(post.exec(answer.answer)![1]);
    }
  });

  it("'in 2024' in English refers to that year's meeting", async () => {
    const answer = await engine.extractive.ask("Who was the Anhui party secretary in 2024?");
    expect(answer.citations[0]?.meetingId).toBe(annual(2024).id);
    expect(answer.answer).toMatch(/安徽省委书记\p{Script=Han}{2,3}\[1\]/u);
  });

  it("a list of attendees is given whole", async () => {
    const answer = await engine.extractive.ask("2024年度座谈会有哪些人出席？");
    for (const post of ["上海市委书记", "江苏省委书记", "浙江省委书记", "安徽省委书记"])
      expect(answer.answer).toContain(post);
  });
});

describe("which meetings mention something", () => {
  /** Meetings whose paragraphs contain the phrase, in date order: computed from the corpus, not typed in. */
  const mentioning = (phrase: string) =>
    meetings()
      .filter((m) => m.articles.some((a) => a.paragraphs.some((p) => p.text.replace(/[“”]/g, "").includes(phrase))))
      .sort((a, b) => a.startDate.localeCompare(b.startDate));

  it.each([
    ["哪些会议提到了碳达峰？", "碳达峰"],
    ["哪几年的座谈会提到了“一网通办”？", "一网通办"],
    ["哪些年度的会议提到了太湖？", "太湖"],
    ["哪些会议提到了“数字长三角”？", "数字长三角"],
  ])("%s", async (q, phrase) => {
    const expected = mentioning(phrase);
    expect(expected.length).toBeGreaterThanOrEqual(2);
    const answer = await engine.extractive.ask(q);
    expect(answer.answered).toBe(true);
    expect(answer.citations.map((c) => c.meetingId)).toEqual(expected.map((m) => m.id));
    answer.citations.forEach((c, i) => {
      expect(c.n).toBe(i + 1);
      expect(c.text.replace(/[“”]/g, "")).toContain(phrase);
      expect(answer.answer).toContain(`${meetingLabel(expected[i]!)}[${i + 1}]`);
    });
    expect(answer.answer).toContain(phrase);
  });
});

describe("refusals", () => {
  const dropped = () => engine.corpus.dropped;

  it.each([
    "2018年度长三角地区主要领导座谈会在哪里举行？",
    "2020年度座谈会的主题是什么？",
    "长三角三省一市的房价是多少？",
    "2025年浙江的GDP增长了多少？",
    "高考首日考场有哪些保障？",
    "民盟中央调研组围绕什么主题调研？",
    "丁仲礼在调研中指出了什么？",
    // Who drafted it: only "由…起草" would say, and the report does not.
    "2025年审议的关于都市圈同城化的意见是由哪个省市牵头起草的？",
    // What a speech said, where the report only says it was given.
    "国家发展改革委副秘书长肖贵明在2025年论坛上致辞的主要内容是什么？",
    // A place name is no abbreviation (江南 is not 江苏南京), so a request for a poem finds nothing.
    "帮我写一首关于江南春天的七言绝句。",
  ])("%s → refused, nothing cited", async (q) => {
    const answer = await engine.extractive.ask(q);
    expect(answer.answered, answer.answer).toBe(false);
    expect(answer.citations).toEqual([]);
    expect(answer.answer).toMatch(/没有找到|无法作答/);
  });

  it("a question about what a person said is refused when the reports only list them as attending", async () => {
    // Find someone who attended a forum (named in its headline) but never speaks in it.
    const forum = meetings().flatMap((m) => m.articles.filter((a) => a.kind === "forum").map((a) => ({ m, a })));
    const silent = forum.flatMap(({ m, a }) => {
      const body = a.paragraphs
        .filter((p) => p.n > 0)
        .map((p) => p.text)
        .join("");
      const headline = a.paragraphs.find((p) => p.n === 0)?.text ?? "";
      return ["王浩", "陈吉宁", "梁言顺"]
        .filter((n) => headline.includes(n) && !body.includes(`${n}说`) && !body.includes(`${n}致辞`))
        .map((n) => ({ m, n }));
    })[0];
    if (silent === undefined) return;
    const answer = await engine.extractive.ask(`${silent.n}在${silent.m.year}年论坛上说了什么？`);
    expect(answer.answered, answer.answer).toBe(false);
  });

  it("what a person said is told past the sentence that opens the speech", async () => {
    // Every forum paragraph that opens someone's speech with a short sentence, with more said after it.
    const people = new Set(engine.knowledge.meetings.flatMap((m) => m.posts.map((p) => p.person)));
    const openings = meetings().flatMap((m) =>
      m.articles
        .filter((a) => a.kind === "forum")
        .flatMap((a) => a.paragraphs.map((p) => ({ m, text: p.text })))
        .flatMap(({ m, text }) => {
          const opened = /^(\p{Script=Han}{2,3})说，([^。]{5,50})。([^。]{8,})/u.exec(text);
          return opened && people.has(opened[1]!) ? [{ m, who: opened[1]!, next: opened[3]!.slice(0, 8) }] : [];
        }),
    );
    expect(openings.length).toBeGreaterThanOrEqual(2);
    for (const { m, who, next } of openings) {
      const answer = await engine.extractive.ask(`${m.year}年论坛上${who}说了什么？`);
      expect(answer.answer, `${who} ${m.year}`).toContain(next);
    }
  });

  it("a speech asked without a topic is told from its opening, then point by point to its end", async () => {
    const answer = await engine.extractive.ask("2025年发布会上王清宪说了什么？");
    const paragraph = answer.citations[0]!.text;
    expect(answer.answer).toMatch(/^王清宪说，/u);
    // Its last point is the last sentence's opening, and every piece is quoted from the cited paragraph.
    const pieces = answer.answer
      .replace(/\[1\]$/u, "")
      .split("……")
      .filter(Boolean);
    expect(pieces.length).toBeGreaterThanOrEqual(3);
    for (const piece of pieces) expect(paragraph.replace(/[，。；]/gu, "")).toContain(piece.replace(/[，。；]/gu, ""));
    const lastSentence = paragraph.split("。").filter(Boolean).at(-1)!;
    expect(lastSentence.startsWith(pieces.at(-1)!)).toBe(true);
    expect(answer.answer.length).toBeLessThanOrEqual(270);
  });

  it("a named person's speech is found though the paragraphs naming the event rank higher", async () => {
    const answer = await engine.extractive.ask("What did Gong Zheng say at the 2025 results conference?");
    expect(answer.citations[0]?.text).toMatch(/^龚正说，/u);
  });

  it("a speech told as 'X…在讲话中回顾了…。他说，…' is X's", async () => {
    const answer = await engine.extractive.ask("易炼红在2024年论坛上讲了些什么？");
    expect(answer.answered, answer.answer).toBe(true);
    expect(answer.citations[0]!.text).toMatch(/^易炼红[^。]*讲话[^。]*。他说，/u);
  });

  it("several things asked of a speech are the parts that repeat the asked words, each quoted", async () => {
    const answer = await engine.extractive.ask("2024年论坛上信长星提出要更大力度构建哪几个方面？");
    const items = answer.answer.replace(/。\[1\]$/u, "").split("；");
    expect(items.length).toBeGreaterThanOrEqual(3);
    for (const item of items) {
      expect(item).toContain("更大力度构建");
      expect(answer.citations[0]!.text).toContain(item);
    }
  });

  it("a topic asked of a person's speech is found deep in that speech, not in the list naming them", async () => {
    // Something a speaker says they will build, well past the opening of their speech.
    const people = new Set(engine.knowledge.meetings.flatMap((m) => m.posts.map((p) => p.person)));
    const asked = meetings().flatMap((m) =>
      m.articles
        .filter((a) => a.kind === "forum")
        .flatMap((a) => a.paragraphs)
        .flatMap((p) => {
          const who = /^(\p{Script=Han}{2,3})说，/u.exec(p.text)?.[1];
          const built = /建设(\p{Script=Han}{4,6}区)/u.exec(p.text.slice(150));
          return who && people.has(who) && built ? [{ m, who, what: built[1]! }] : [];
        }),
    );
    expect(asked.length).toBeGreaterThan(0);
    for (const { m, who, what } of asked) {
      const answer = await engine.extractive.ask(`${m.year}年论坛上${who}说要建设什么${what.slice(-3)}？`);
      expect(answer.answer, `${who}: ${what}`).toContain(what);
    }
  });

  it("a count in English is refused where the report gives none ('签订一批合作协议', the 三年 of a plan's name)", async () => {
    const answer = await engine.extractive.ask("How many cooperation agreements did the 2024 meeting sign?");
    expect(answer.answered, answer.answer).toBe(false);
    expect(answer.citations).toEqual([]);
  });

  it("an English question the reports don't cover is refused in English", async () => {
    const answer = await engine.extractive.ask("What was the GDP of the Yangtze River Delta in 2024?");
    expect(answer.answered).toBe(false);
    expect(answer.language).toBe("en");
    expect(answer.answer).toMatch(/don't cover|can't answer/);
  });

  it("the dropped 高考 and 民盟 articles are never retrieved or cited", async () => {
    expect(dropped().length).toBe(2);
    let seen = 0;
    for (const q of ["高考首日有哪些考生求助？", "民盟中央调研组去了哪里？", "平台治理及灵活就业问题"]) {
      const answer = await engine.extractive.ask(q);
      for (const text of [...answer.citations.map((c) => c.text), ...answer.retrieved.map((r) => r.chunk.text)]) {
        expect(text).not.toMatch(/高考|民盟|丁仲礼|考场/);
        seen++;
      }
    }
    // Retrieval did return paragraphs (of the meetings) for these questions, so the check above ran.
    expect(seen).toBeGreaterThan(0);
    expect(engine.index.chunks.some((c) => /高考|民盟/.test(c.text))).toBe(false);
  });
});

describe("citations", () => {
  it("a citation of a split paragraph shows the whole paragraph, not the chunk", () => {
    const piece = engine.index.chunks.find((c) => c.part > 0)!;
    expect(piece).toBeDefined();
    const meeting = meetings().find((m) => m.id === piece.meetingId)!;
    const paragraph = meeting.articles
      .find((a) => a.index === piece.articleIndex)!
      .paragraphs.find((p) => p.n === piece.paragraph)!;
    const citation = toCitation(3, piece, meetings());
    expect(citation.text).toBe(paragraph.text);
    expect(citation.text.length).toBeGreaterThan(piece.text.length);
    expect(citation).toMatchObject({ n: 3, meetingId: meeting.id, paragraph: paragraph.n, city: meeting.city });
  });

  it("labels meetings for people in Chinese and English", () => {
    expect(meetingLabel(annual(2024))).toBe("2024年度座谈会（温州）");
    expect(meetingLabel(symposium())).toBe(`2023年${symposium().title}（上海）`);
    expect(meetingLabel(annual(2025), "en")).toBe("the 2025 leaders' meeting (Nanjing)");
    // A city no report has hosted yet is spelled in pinyin too.
    expect(meetingLabel({ ...annual(2025), city: "芜湖" }, "en")).toBe("the 2025 leaders' meeting (Wuhu)");
  });
});

describe("CLI output of an answer", () => {
  it("text: the answer, then each citation with meeting, city, date, paragraph number, source and the paragraph", async () => {
    const answer = await engine.extractive.ask("2021年会议确定下一年度的座谈会在哪里召开？");
    const c = answer.citations[0]!;
    const [first, source, quote] = answerToText(answer).split("\n");
    expect(first).toBe(answer.answer);
    expect(source).toBe(`  [1] ${c.meeting}（${c.city}，${c.date}）· 会议报道 第${c.paragraph}段 — ${c.source.name}`);
    expect(quote!.trim()).toBe(c.text.length > 160 ? `${c.text.slice(0, 160)}…` : c.text);
  });

  it("JSON: the contract fields, at most 10 retrieved, scores rounded and non-increasing", async () => {
    const answer = await engine.extractive.ask("2024年论坛上韩俊说了什么？");
    const json = answerToJson(answer, 12.3456);
    expect(json).toMatchObject({
      question: answer.question,
      answered: true,
      answer: answer.answer,
      timings: { totalMs: 12.35 },
    });
    expect(json.citations[0]).toEqual({
      n: 1,
      meetingId: answer.citations[0]!.meetingId,
      meeting: answer.citations[0]!.meeting,
      article: answer.citations[0]!.article,
      paragraph: answer.citations[0]!.paragraph,
      text: answer.citations[0]!.text,
      source: answer.citations[0]!.source.name,
    });
    expect(json.retrieved.length).toBeLessThanOrEqual(10);
    const scores = json.retrieved.map((r) => r.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
  });
});

describe("clauses", () => {
  it("never splits inside “…” or 《…》 or brackets", () => {
    const text =
      "会议以“携手建设世界级城市群，共创美好未来”为主题，审议了《关于强化都市圈同城化发展体制机制，提升一体化水平的意见》，（含附件一，附件二）明确了重大事项。会议确定，下一次会议在上海召开。";
    const clauses = splitClauses(text);
    expect(clauses.map((c) => c.text)).toEqual([
      "会议以“携手建设世界级城市群，共创美好未来”为主题，",
      "审议了《关于强化都市圈同城化发展体制机制，提升一体化水平的意见》，",
      "（含附件一，附件二）明确了重大事项。",
      "会议确定，",
      "下一次会议在上海召开。",
    ]);
    expect(clauses.map((c) => c.sentence)).toEqual([0, 0, 0, 1, 1]);
    expect(clauses.map((c) => c.last)).toEqual([false, false, true, false, true]);
  });

  it("over every paragraph of the corpus: clauses rejoin to the paragraph, with quotes and titles balanced in each", () => {
    const count = (s: string, ch: string) => s.split(ch).length - 1;
    for (const m of meetings()) {
      for (const a of m.articles) {
        for (const p of a.paragraphs.filter((x) => x.n > 0)) {
          const clauses = splitClauses(p.text);
          expect(
            clauses
              .map((c) => c.text)
              .join("")
              .replace(/\s+/g, ""),
          ).toBe(p.text.replace(/\s+/g, ""));
          for (const c of clauses) {
            expect(count(c.text, "“"), c.text).toBe(count(c.text, "”"));
            expect(count(c.text, "《"), c.text).toBe(count(c.text, "》"));
          }
        }
      }
    }
  });
});

describe("question check", () => {
  it("trims and collapses whitespace; refuses empty and overlong questions with a message", () => {
    expect(checkQuestion("  2024年会议\n在哪里举行？ ", 500)).toEqual({
      ok: true,
      question: "2024年会议 在哪里举行？",
    });
    const empty = checkQuestion(" \n\t ", 500);
    expect(empty).toMatchObject({ ok: false, reason: "empty" });
    const long = "长".repeat(501);
    const tooLong = checkQuestion(long, 500);
    expect(tooLong).toMatchObject({ ok: false, reason: "too-long" });
    expect(!tooLong.ok && tooLong.message).toContain("501");
    // Characters, not bytes: 500 Han characters (1,500 bytes) are fine.
    expect(checkQuestion("长".repeat(500), 500).ok).toBe(true);
  });
});
