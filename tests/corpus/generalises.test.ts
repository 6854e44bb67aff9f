/**
 * The parser generalises: four hand-written reports of an invented 2026 meeting,
 * one in each messy form the corpus README describes, parse to the same clean
 * paragraphs and metadata. None of the wording exists in the real corpus, so no
 * rule can be keyed to one real file.
 */
import { copyFileSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadCorpus, parseReport } from "../../src/corpus/load.js";
import type { Meeting } from "../../src/corpus/types.js";
import { CORPUS, FIXTURES, cleanupTempDirs, tempDir, writeManifest } from "../fixtures/helpers.js";

afterAll(cleanupTempDirs);

/** What a reader sees in every fixture: the meeting report's paragraphs. */
const MEETING = [
  "6月10日至11日，2026年度长三角地区主要领导座谈会在上海举行。上海市委书记陈明远，上海市委副书记、市长周文华；江苏省委书记林思远，江苏省委副书记、省长赵启明出席会议。",
  "会议以“携手建设世界级城市群，共创长三角美好未来”为主题，审议了《长三角城市群协同发展行动方案（2026—2028年）》，明确了一批重大合作事项。",
  "会议指出，要推动长三角一体化发展向更深层次迈进，深化科技创新协同，共建低空经济示范走廊，加快建设长三角算力调度平台。",
  "会议强调，要持续优化营商环境，推动长三角政务服务“跨省通办”扩面提质，让企业和群众办事更加便捷。",
  "会议期间，长三角三省一市领导考察了临港新片区、张江科学城，并举办了第八届长三角一体化发展高层论坛。",
  "会议确定，2027年度长三角地区主要领导座谈会在浙江省召开。",
];
/** The forum report on the newspaper page. */
const FORUM = [
  "6月11日上午，第八届长三角一体化发展高层论坛在上海举行。长三角三省一市主要领导、有关专家学者围绕世界级城市群建设进行深入交流。",
  "陈明远说，长三角要携手打造世界级城市群，在中国式现代化中走在前列。",
  "林思远说，江苏将当好世界级城市群建设的排头兵，推动苏南苏北协同发展。",
];

const FIXTURE_FILES = {
  html: "2026-html-repost.txt",
  markdown: "2026-markdown-page.md",
  pdf: "2026-pdf-wrapped.txt",
  page: "2026-newspaper-page.txt",
} as const;

const parse = (file: string) =>
  parseReport(file, readFileSync(join(FIXTURES, file), "utf8"), { file, id: "2026-shanghai" });
const bodyOf = (m: Meeting, kind: "meeting" | "forum") =>
  m.articles.filter((a) => a.kind === kind).flatMap((a) => a.paragraphs.filter((p) => p.n > 0).map((p) => p.text));
const everything = (m: Meeting) => m.articles.flatMap((a) => a.paragraphs.map((p) => p.text)).join("\n");

it("the fixtures are new text: no paragraph of them occurs in the real corpus", () => {
  const real = readdirSync(CORPUS)
    .map((f) => readFileSync(join(CORPUS, f), "utf8"))
    .join("");
  for (const p of [...MEETING, ...FORUM]) expect(real.includes(p)).toBe(false);
  for (const name of ["陈明远", "周文华", "林思远", "赵启明", "第八届"]) expect(real).not.toContain(name);
});

describe.each(Object.entries(FIXTURE_FILES))("%s form (%s)", (form, file) => {
  const { meeting, dropped } = parse(file);

  it("detects the form from the content", () => {
    expect(meeting.format).toBe(form === "pdf" || form === "page" ? "text" : form);
  });

  it("rebuilds the meeting report's paragraphs exactly", () => {
    expect(bodyOf(meeting, "meeting")).toEqual(MEETING);
  });

  it("infers the metadata from the text: year, dates, city, province, kind, theme, forum", () => {
    expect(meeting).toMatchObject({
      title: "2026年度长三角地区主要领导座谈会",
      kind: "annual",
      year: 2026,
      startDate: "2026-06-10",
      endDate: "2026-06-11",
      city: "上海",
      province: "上海",
      theme: "携手建设世界级城市群，共创长三角美好未来",
      forum: "第八届长三角一体化发展高层论坛",
    });
  });

  it("drops the form's noise: markup, captions, credits, editor lines, QR blocks, page jumps, pull-quotes", () => {
    const text = everything(meeting);
    for (const noise of [
      /[<>]/,
      /http/,
      /■/,
      /下转/,
      /摄\s*[）)]?$/m,
      /责任编辑/,
      /APP|海量资讯/,
      /在座谈会上讲话。$/m,
      /\*\*|^#/m,
      /本报讯/,
      /&\w+;/,
    ]) {
      expect(text).not.toMatch(noise);
    }
    expect(text).not.toMatch(/\p{Script=Han} +\d|\d +\p{Script=Han}/u);
    expect(dropped.filter((d) => /长三角/.test(d.title))).toEqual([]);
  });

  it("numbers paragraphs 0 (headline) then 1..n", () => {
    for (const a of meeting.articles) expect(a.paragraphs.map((p) => p.n)).toEqual(a.paragraphs.map((_, i) => i));
    expect(meeting.articles[0]!.paragraphs[0]!.text).toContain("2026年度长三角地区主要领导座谈会在上海举行");
  });
});

describe("the newspaper page with several stories", () => {
  const { meeting, dropped } = parse(FIXTURE_FILES.page);

  it("keeps the meeting and forum reports, in page order", () => {
    expect(meeting.articles.map((a) => a.kind)).toEqual(["meeting", "forum"]);
    expect(bodyOf(meeting, "forum")).toEqual(FORUM);
  });

  it("drops the unrelated story with a reason, and none of its words reach a kept paragraph", () => {
    expect(dropped).toHaveLength(1);
    expect(dropped[0]!.title).toContain("城市书房");
    expect(dropped[0]!.reason).toMatch(/长三角/);
    expect(everything(meeting)).not.toMatch(/城市书房|图书馆|张三/);
  });
});

describe("the HTML re-post", () => {
  it("takes the source name from the front matter when the manifest gives none", () => {
    expect(parse(FIXTURE_FILES.html).meeting.source.name).toBe("东方财经");
  });

  it("a source named in the manifest wins over the front matter", () => {
    const file = FIXTURE_FILES.html;
    const { meeting } = parseReport(file, readFileSync(join(FIXTURES, file), "utf8"), {
      file,
      id: "2026-shanghai",
      source: { name: "解放日报" },
    });
    expect(meeting.source.name).toBe("解放日报");
  });
});

it("all four forms load side by side as separate meetings of one corpus", () => {
  const dir = tempDir();
  const entries = Object.values(FIXTURE_FILES).map((file, i) => ({ file, id: `2026-form-${i}` }));
  for (const { file } of entries) copyFileSync(join(FIXTURES, file), join(dir, file));
  writeManifest(dir, { reports: entries });
  const corpus = loadCorpus(dir);
  expect(corpus.meetings).toHaveLength(4);
  for (const m of corpus.meetings) expect(bodyOf(m, "meeting")).toEqual(MEETING);
  expect(corpus.dropped.map((d) => d.file)).toEqual([FIXTURE_FILES.page]);
});
