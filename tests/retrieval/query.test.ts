/**
 * Query understanding (which meeting, meeting or forum, what is asked) and hybrid
 * retrieval over the real corpus, including BM25-only answering when the embedder fails.
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadCorpus } from "../../src/corpus/load.js";
import type { Corpus, Meeting } from "../../src/corpus/types.js";
import { openEngine, type Engine } from "../../src/engine.js";
import { createSegmenter, type Segmenter } from "../../src/index/segmenter.js";
import { createBm25 } from "../../src/retrieval/bm25.js";
import { personNames } from "../../src/corpus/names.js";
import { corpusVocabulary, translateEnglish, understandQuery } from "../../src/retrieval/query.js";
import { languageOf } from "../../src/text/language.js";
import { fakeFactory } from "../fixtures/fake-embedder.js";
import { CORPUS, cleanupTempDirs, tempDir } from "../fixtures/helpers.js";

let corpus: Corpus;
let segmenter: Segmenter;
let engine: Engine;

beforeAll(async () => {
  segmenter = createSegmenter();
  corpus = loadCorpus(CORPUS);
  engine = await openEngine({ corpusDir: CORPUS, indexDir: join(tempDir("csj-query-"), "index"), segmenter });
});
afterAll(cleanupTempDirs);

const vocabulary = () => corpusVocabulary(personNames(corpus), corpus.meetings);
const understand = (q: string) =>
  understandQuery(q, corpus.meetings, segmenter, (w) => engine.retriever.documentFrequency(w) > 0, vocabulary());
const byYear = (year: number, kind: Meeting["kind"] = "annual") =>
  corpus.meetings.find((m) => m.year === year && m.kind === kind)!;

describe("which meeting a question is about", () => {
  it.each([
    "2022年度会议审议了哪些文件？",
    "2022年的座谈会在哪里举行？",
    "2022年会议时上海市长是谁？",
    "2022年度长三角地区主要领导座谈会的主题是什么？",
  ])("%s → the 2022 meeting report", (q) => {
    const u = understand(q);
    expect(u.meetingIds).toEqual([byYear(2022).id]);
    expect(u.articleKind).toBe("meeting");
  });

  it("“2024年论坛” → the forum held with the 2024 meeting", () => {
    const u = understand("2024年论坛上韩俊讲了什么？");
    expect(u.meetingIds).toEqual([byYear(2024).id]);
    expect(u.articleKind).toBe("forum");
  });

  it.each([
    "第七届长三角一体化发展高层论坛在哪里举行？",
    "第7届高层论坛有哪些人致辞？",
    "第六届论坛在哪天举行？",
    "第三届高层论坛是哪一年举办的？",
  ])("%s → the meeting whose forum has that edition", (q) => {
    const edition = /第(.)届/.exec(q)![1]!;
    const cn = "〇一二三四五六七八九十"[Number(edition)] ?? edition;
    const expected = corpus.meetings.filter((m) => m.forum?.includes(`第${cn}届`)).map((m) => m.id);
    expect(expected).toHaveLength(1);
    const u = understand(q);
    expect(u.meetingIds).toEqual(expected);
    expect(u.articleKind).toBe("forum");
  });

  it("an edition the corpus lacks (第九届) names no meeting and requires the text to say 第九届", () => {
    const u = understand("第九届长三角一体化发展高层论坛在哪里举行？");
    expect(u.meetingIds).toEqual([]);
    expect(u.requiredText).toBe("第九届");
  });

  it.each(["2019年度长三角地区主要领导座谈会在哪里举行？", "2020年的会议主题是什么？"])(
    "%s → no meeting; every cited paragraph must name the year",
    (q) => {
      const year = /(\d{4})/.exec(q)![1]!;
      expect(corpus.meetings.some((m) => String(m.year) === year)).toBe(false);
      const u = understand(q);
      expect(u.meetingIds).toEqual([]);
      expect(u.requiredText).toBe(year);
    },
  );

  it.each(["长三角一体化发展规划纲要提出到2025年要实现什么目标？", "What should the delta achieve by 2025?"])(
    "a year given as a target names no meeting: %s",
    (q) => {
      const u = understand(q);
      expect(u.meetingIds).toEqual([]);
      expect(u.requiredText).toBeUndefined();
    },
  );

  it.each(["How many days did the Nanjing meeting last?", "What was the theme of the meeting held in Nanjing?"])(
    "an English question names a meeting by its host city: %s",
    (q) => {
      const held = corpus.meetings.filter((m) => m.city === "南京").map((m) => m.id);
      expect(understand(q).meetingIds).toEqual(held);
    },
  );

  it.each(["Who spoke for Zhejiang at the 2025 results conference?", "2025的会谁主持的", "2025 那次定了下一届在哪"])(
    "a bare year a meeting was held in names that meeting: %s",
    (q) => expect(understand(q).meetingIds).toEqual([byYear(2025).id]),
  );

  it.each([
    "2021年的会议是几月份开的？",
    "2024年的会是哪个月开的",
    "南京会议什么日子开的",
    "What month was the 2022 meeting?",
  ])("a question word with a calendar word asks for a date, and is not a topic word: %s", (q) => {
    const u = understand(q);
    expect(u.answerType).toBe("date");
    expect(u.terms.filter((t) => t.weight >= 1 && /月|日|号/u.test(t.term))).toEqual([]);
  });

  it("“下一年度” asks about the meeting after the one named", () => {
    const u = understand("2024年会议确定下一年度的座谈会在哪里召开？");
    expect(u.meetingIds).toEqual([byYear(2024).id]);
    expect(u.nextYear).toBe(2025);
    expect(u.answerType).toBe("place");
  });

  it("Xi Jinping chairing, or the symposium's title, names the 2023 symposium", () => {
    const symposium = corpus.meetings.find((m) => m.kind === "symposium")!;
    expect(understand("习近平在座谈会上强调了什么？").meetingIds).toEqual([symposium.id]);
    expect(understand(`${symposium.title}有哪些中央领导出席？`).meetingIds).toEqual([symposium.id]);
    expect(understand("2023年的座谈会在哪里召开？").meetingIds).toEqual([symposium.id]);
  });

  it("a year followed by the symposium's title, or by a place and 会议, is a meeting reference", () => {
    const symposium = corpus.meetings.find((m) => m.kind === "symposium")!;
    const titled = understand(`${symposium.year}年${symposium.title}上哪些人发言了？`);
    expect(titled.meetingIds).toEqual([symposium.id]);
    // The year is part of the reference: it may favour the report a little, never decide the answer.
    expect(titled.terms.find((t) => t.term === String(symposium.year))?.weight ?? 0).toBeLessThan(0.5);
    // No 2020 meeting in the corpus: only text naming 2020 may answer (and it does not say that meeting's theme).
    expect(understand("2020年湖州会议的主题是什么？")).toMatchObject({ meetingIds: [], requiredText: "2020" });
  });

  it("a host city followed by 会议 or 论坛 names that meeting", () => {
    for (const m of corpus.meetings.filter((x) => x.kind === "annual")) {
      const u = understand(`${m.city}会议的主题是什么？`);
      const sameCity = corpus.meetings.filter((x) => x.city === m.city).map((x) => x.id);
      expect(u.meetingIds).toEqual(sameCity);
      expect(u.articleKind).toBe("meeting");
    }
    expect(understand("南京论坛上发布了什么？").articleKind).toBe("forum");
  });

  it("English: a bare 'meeting' or 'symposium' with a year may be either kind; 'annual' means the annual one", () => {
    const symposium = corpus.meetings.find((m) => m.kind === "symposium")!;
    expect(understand(`What did Xi say about security at the ${symposium.year} symposium?`).meetingIds).toEqual([
      symposium.id,
    ]);
    const annual = corpus.meetings.find((m) => m.kind === "annual")!;
    expect(understand(`What was the theme of the ${annual.year} annual meeting?`).meetingIds).toEqual([annual.id]);
  });

  it("a verb's particle (提了) does not become a word the reports never use, and 什么时候 asks for a date", () => {
    const u = understand("2021年会议在交通方面提了哪些项目？");
    expect(u.terms.map((t) => t.term)).not.toContain("提了");
    expect(understand("2024年的座谈会是什么时候开的？").answerType).toBe("date");
  });

  it("the series named without a year is context, so the asked word decides", () => {
    const u = understand("长三角一体化发展高层论坛由谁主办？");
    const weight = (term: string) => u.terms.find((t) => t.term === term)?.weight ?? 0;
    expect(weight("主办")).toBe(1);
    expect(weight("高层论坛")).toBeLessThan(0.5);
  });

  it("a question naming no meeting leaves the choice to retrieval", () => {
    const u = understand("长三角生态绿色一体化发展示范区有哪些建设任务？");
    expect(u.meetingIds).toEqual([]);
    expect(u.terms.map((t) => t.term)).toContain("示范区");
  });
});

describe("what is asked", () => {
  it.each([
    ["2024年会议在哪里举行？", "place"],
    ["2025年会议时安徽省委书记是谁？", "person"],
    ["2021年度座谈会在什么时间举行？", "date"],
    ["2022年会议的主题是什么？", "theme"],
    ["2025年会议审议了什么文件？", "document"],
    // 存在哪些 and 在哪年 hold 在哪 but ask no place.
    ["会议指出还存在哪些问题？", "list"],
    ["温州那次座谈会是哪年开的？", "date"],
  ] as const)("%s → %s", (q, type) => {
    expect(understand(q).answerType).toBe(type);
  });

  it("drops question words and keeps content words, with synonyms at lower weight", () => {
    const u = understand("2024年会议期间领导们参观了哪些地方？");
    const terms = new Map(u.terms.map((t) => [t.term, t.weight]));
    for (const w of ["哪些", "什么", "的", "了"]) expect(terms.has(w)).toBe(false);
    expect(terms.get("参观")).toBe(1);
    expect(terms.get("考察")).toBeLessThan(1);
    expect(terms.get("考察")).toBeGreaterThan(0);
  });

  it.each([
    ["哪些年度的会议提到了“数字长三角”？", "数字长三角"],
    ["哪些会议提到了碳达峰？", "碳达峰"],
    ["哪几年的座谈会提到了一网通办？", "一网通办"],
  ])("%s → asks which meetings, key phrase %s", (q, phrase) => {
    const u = understand(q);
    expect(u.asksWhichMeetings).toBe(true);
    expect(u.keyPhrase).toBe(phrase);
    expect(u.meetingIds).toEqual([]);
  });

  it("a plain question does not ask which meetings", () => {
    expect(understand("2024年会议在哪里举行？").asksWhichMeetings).toBe(false);
  });
});

describe("English questions", () => {
  it("a capital names something only inside a sentence and at the head of an unknown name", () => {
    const q = (text: string) => engine.retriever.understand(text).unknownWords;
    // The head of a name whose other words are known reads as a word; a name's unknown first word stays a name.
    expect(q("Which edition of the China International Import Expo did they co-host?")).not.toContain("Expo");
    expect(q("How long did the leaders spend at Xuelang Town?")).toContain("Xuelang");
    // A sentence's first word is capitalised whatever it is.
    expect(q("Which documents were reviewed? Student here.")).not.toContain("Student");
    expect(q("Did the 2022 meeting discuss the Winter Olympics?")).toContain("Olympics");
  });

  it("detects the language by script", () => {
    expect(languageOf("Where was the 2024 meeting held?")).toBe("en");
    expect(languageOf("2024年会议在哪里举行？")).toBe("zh");
    expect(languageOf("G60科创走廊是什么？")).toBe("zh");
  });

  it("“the 2025 meeting” resolves to the 2025 meeting; Shanghai → 上海, theme → 主题", () => {
    const u = understand("What was the theme of the 2025 meeting, and was Shanghai mentioned?");
    expect(u.language).toBe("en");
    expect(u.meetingIds).toEqual([byYear(2025).id]);
    expect(u.answerType).toBe("theme");
    expect(u.text).toContain("上海");
    expect(u.text).toContain("主题");
    expect(u.terms.map((t) => t.term)).toEqual(expect.arrayContaining(["上海", "主题"]));
  });

  it("maps the longest alias first and keeps acronyms like GDP", () => {
    expect(translateEnglish("the Yangtze River Delta integration")).toContain("长三角");
    expect(translateEnglish("the Yangtze River Delta integration")).not.toContain("长江");
    expect(translateEnglish("What was the GDP of Anhui?", vocabulary())).toMatch(/GDP.*安徽|安徽.*GDP/);
  });

  it("an ordinal several words before 'forum' names that forum; a scene-setting 'when' clause is not what is asked", () => {
    const forum = understand("Who gave the expert talks at the seventh Yangtze River Delta integration forum?");
    expect(forum.meetingIds).toEqual([corpus.meetings.find((m) => m.forum?.includes("第七届"))!.id]);
    const scene = understand(
      "What did Xi Jinping ask for private firms when he met regional leaders in Shanghai in late 2023?",
    );
    expect(scene.answerType).not.toBe("date");
    const weight = (term: string) => scene.terms.find((t) => t.term === term)?.weight ?? 0;
    expect(weight("上海")).toBeLessThan(weight("习近平"));
  });

  it("a verb and its object split by 了 are the reports' word (揭了牌 → 揭牌), where they use it", () => {
    const terms = understand("2025年论坛上为哪个组织揭了牌？").terms.map((t) => t.term);
    expect(terms).toContain("揭牌");
  });

  it("“the 2024 forum” and “the next meeting” are understood", () => {
    const forum = understand("Who spoke at the 2024 forum?");
    expect(forum.meetingIds).toEqual([byYear(2024).id]);
    expect(forum.articleKind).toBe("forum");
    const next = understand("Where was the next meeting decided at the 2021 meeting to be held?");
    expect(next.meetingIds).toEqual([byYear(2021).id]);
    expect(next.nextYear).toBe(2022);
  });
});

describe("BM25", () => {
  it("ranks the document with more (and rarer) query tokens first, and gives unseen tokens no idf", () => {
    const bm25 = createBm25([
      ["太湖", "治理", "太湖"],
      ["太湖", "旅游"],
      ["会议", "指出"],
      ["会议", "强调"],
    ]);
    const scores = bm25.score([
      { token: "太湖", weight: 1 },
      { token: "治理", weight: 1 },
    ]);
    expect(scores[0]).toBeGreaterThan(scores[1]!);
    expect(scores[1]).toBeGreaterThan(0);
    expect(scores[2]).toBe(0);
    expect(bm25.idf("治理")).toBeGreaterThan(bm25.idf("太湖"));
    expect(bm25.idf("GDP")).toBe(0);
    expect(bm25.documentFrequency("会议")).toBe(2);
  });
});

describe("hybrid retrieval", () => {
  it("a year-specific question's top results come from that meeting, best first, at most k", async () => {
    for (const [q, year] of [
      ["2021年会议期间考察了哪些地方？", 2021],
      ["2025年度座谈会对生态环境提出了哪些要求？", 2025],
      ["2022年会议对疫情防控有什么部署？", 2022],
    ] as const) {
      const r = await engine.retriever.retrieve(q, { k: 5 });
      expect(r.results.length).toBeGreaterThan(0);
      expect(r.results.length).toBeLessThanOrEqual(5);
      expect(r.results.slice(0, 3).map((x) => x.chunk.year)).toEqual([year, year, year]);
      const scores = r.results.map((x) => x.score);
      expect(scores).toEqual([...scores].sort((a, b) => b - a));
      expect(r.usedVectors).toBe(true);
    }
  });

  it("the top hit for a specific question contains its key words", async () => {
    const r = await engine.retriever.retrieve("2024年会议期间考察了哪些地方？");
    expect(r.results[0]!.chunk.text).toContain("考察");
    expect(r.results[0]!.chunk.meetingId).toBe(byYear(2024).id);
  });

  it("a forum question prefers the forum report", async () => {
    const r = await engine.retriever.retrieve("2024年论坛上韩俊说了什么？", { k: 3 });
    expect(r.results[0]!.chunk).toMatchObject({ articleKind: "forum", meetingId: byYear(2024).id });
    expect(r.results[0]!.chunk.text).toContain("韩俊");
  });

  it("a year the corpus lacks keeps only paragraphs that name it", async () => {
    const r = await engine.retriever.retrieve("2020年度座谈会在哪里举行？");
    expect(r.results.length).toBeGreaterThan(0);
    for (const { chunk } of r.results) expect(chunk.text).toContain("2020");
  });

  it("an English question finds the Chinese paragraph", async () => {
    const r = await engine.retriever.retrieve("Which places did the leaders visit during the 2025 meeting?", { k: 3 });
    expect(r.results[0]!.chunk.meetingId).toBe(byYear(2025).id);
    expect(r.results[0]!.chunk.text).toContain("考察");
  });

  it("answers from BM25 alone when the embedder fails (usedVectors false)", async () => {
    const failing = fakeFactory("down", { failQueries: true });
    const degraded = await openEngine({
      corpusDir: CORPUS,
      indexDir: join(tempDir("csj-bm25-"), "index"),
      segmenter,
      embedder: () => failing,
    });
    const r = await degraded.retriever.retrieve("2024年会议期间考察了哪些地方？");
    expect(r.usedVectors).toBe(false);
    expect(r.results.length).toBeGreaterThan(0);
    expect(r.results[0]!.chunk.text).toContain("三垟湿地");
    const answer = await degraded.extractive.ask("2024年会议期间考察了哪些地方？");
    expect(answer.answered).toBe(true);
    expect(answer.citations[0]!.text).toContain("三垟湿地");
  });
});
