/**
 * Trends and comparisons over reports of invented meetings (tests/fixtures: 2026
 * Shanghai, 2027 Hangzhou), so nothing is keyed to the five real ones: weights
 * saved at ingest and reproducible, a new report showing up after ingest, PNG
 * charts that decode, and the routing of questions in words.
 */
import { copyFileSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { PNG } from "pngjs";
import { afterAll, describe, expect, it } from "vitest";

import { openEngine } from "../../src/engine.js";
import { createSegmenter } from "../../src/index/segmenter.js";
import { decodeText, readIndexArtefact } from "../../src/index/store.js";
import {
  createTrendService,
  parseCompare,
  resolveTrendTheme,
  THEME_WEIGHTS_FILE,
  trendIntent,
} from "../../src/trend/index.js";
import { FIXTURES, cleanupTempDirs, tempDir, writeManifest } from "../fixtures/helpers.js";

afterAll(cleanupTempDirs);
const segmenter = createSegmenter();

function corpusWith(files: Array<[string, string]>): string {
  const dir = tempDir("csj-trend-");
  for (const [file] of files) copyFileSync(join(FIXTURES, file), join(dir, file));
  writeManifest(dir, { topicTerms: ["长三角"], reports: files.map(([file, id]) => ({ file, id })) });
  return dir;
}
const SHANGHAI: [string, string] = ["2026-newspaper-page.txt", "2026-shanghai"];
const HANGZHOU: [string, string] = ["2027-hangzhou-report.txt", "2027-hangzhou"];

describe("theme weights of invented meetings", async () => {
  const corpus = corpusWith([SHANGHAI, HANGZHOU]);
  const index = tempDir("csj-trend-index-");
  const engine = await openEngine({ corpusDir: corpus, indexDir: index, segmenter });
  const service = createTrendService({ chunks: engine.index.chunks, segmenter, artefact: engine.themeWeights });

  it("saves the weights with the index, identical on a rebuild of the same corpus", async () => {
    const first = decodeText(
      readFileSync(join(index, readFileSync(join(index, "CURRENT"), "utf8"), THEME_WEIGHTS_FILE)),
    );
    const again = await openEngine({ corpusDir: corpus, indexDir: index, segmenter, build: "force" });
    expect(JSON.stringify(readIndexArtefact(index, THEME_WEIGHTS_FILE))).toBe(first);
    expect(again.themeWeights).toEqual(JSON.parse(first));
  });

  it("gives one point per meeting in date order, with shares from the paragraphs and the strongest paragraph", () => {
    const trend = service.trend(resolveTrendTheme("生态环境"));
    expect(trend.points.map((p) => p.meeting.meetingId)).toEqual(["2026-shanghai", "2027-hangzhou"]);
    const [shanghai, hangzhou] = trend.points;
    // The Hangzhou report is about wetlands and green transition; the Shanghai one hardly touches ecology.
    expect(hangzhou!.weight.share).toBeGreaterThan(shanghai!.weight.share);
    expect(hangzhou!.weight.share).toBeCloseTo(hangzhou!.weight.matching / hangzhou!.meeting.paragraphs, 3);
    expect(hangzhou!.evidence?.text).toContain("共保联治");
    expect(hangzhou!.weight.terms.map((t) => t.term)).toContain("绿色");
  });

  it("reads English and free-text themes, and says when no report mentions one", () => {
    expect(resolveTrendTheme("innovation").id).toBe("tech");
    expect(resolveTrendTheme("environment").id).toBe("ecology");
    expect(service.trend(resolveTrendTheme("低空经济")).points.map((p) => p.weight.matching)).toEqual([1, 0]);
    expect(service.trend(resolveTrendTheme("深海采矿")).mentioned).toBe(false);
  });

  it("compares the two meetings: documents reviewed, new named projects, each with its paragraph", () => {
    const choice = parseCompare("杭州 2026", service.meetings);
    expect(choice.ok && [choice.earlier.meetingId, choice.later.meetingId]).toEqual(["2026-shanghai", "2027-hangzhou"]);
    if (!choice.ok) return;
    const comparison = service.compare(choice.earlier, choice.later);
    expect(comparison.later.documents.map((d) => d.text)).toEqual(["《长三角湿地生态共保联治实施方案》"]);
    expect(comparison.earlier.documents.map((d) => d.text)).toEqual([
      "《长三角城市群协同发展行动方案（2026—2028年）》",
    ]);
    expect(comparison.later.projects.map((p) => p.text)).toEqual(
      expect.arrayContaining(["钱塘江河口湿地保护走廊", "长三角碳普惠联动平台"]),
    );
    expect(comparison.earlier.projects.map((p) => p.text)).toEqual(
      expect.arrayContaining(["低空经济示范走廊", "长三角算力调度平台"]),
    );
    for (const item of comparison.later.projects) expect(item.chunk.text).toContain(item.text);
  });

  it("renders both charts as PNGs that decode, with the bars drawn", async () => {
    const trend = service.trend(resolveTrendTheme("生态环境"));
    await service.trendPng(trend, "zh");
    const started = performance.now();
    const png = PNG.sync.read(await service.trendPng(trend, "zh"));
    const ms = performance.now() - started;
    expect(png.width).toBeGreaterThanOrEqual(640);
    expect(png.height).toBe(520);
    // Not a blank canvas: the bars are drawn in the chart's blue.
    let blue = 0;
    for (let i = 0; i < png.data.length; i += 4)
      if (png.data[i] === 0x2f && png.data[i + 1] === 0x6f && png.data[i + 2] === 0x9f) blue++;
    expect(blue).toBeGreaterThan(1000);
    expect(ms).toBeLessThan(2000); // generous: the shared test machine is loaded; the README gives the measured figure
    const choice = parseCompare("", service.meetings);
    if (!choice.ok) throw new Error("two meetings expected");
    expect(PNG.sync.read(await service.comparePng(service.compare(choice.earlier, choice.later), "en")).width).toBe(
      860,
    );
  });
});

it("a new report shows up in every trend after ingest", async () => {
  const corpus = corpusWith([SHANGHAI]);
  const index = tempDir("csj-trend-index-");
  const before = await openEngine({ corpusDir: corpus, indexDir: index, segmenter });
  expect(
    createTrendService({ chunks: before.index.chunks, segmenter, artefact: before.themeWeights }).meetings,
  ).toHaveLength(1);
  copyFileSync(join(FIXTURES, HANGZHOU[0]), join(corpus, HANGZHOU[0]));
  writeManifest(corpus, { topicTerms: ["长三角"], reports: [SHANGHAI, HANGZHOU].map(([file, id]) => ({ file, id })) });
  const after = await openEngine({ corpusDir: corpus, indexDir: index, segmenter });
  expect(after.built).toBe("the corpus changed");
  const service = createTrendService({ chunks: after.index.chunks, segmenter, artefact: after.themeWeights });
  expect(service.trend(resolveTrendTheme("tech")).points.map((p) => p.meeting.meetingId)).toEqual([
    "2026-shanghai",
    "2027-hangzhou",
  ]);
});

describe("trendIntent", () => {
  it.each([
    ["生态环境在历年会议中的分量有什么变化？", "ecology"],
    ["How did the focus on innovation change?", "tech"],
    ["数字经济的比重这几年怎么变的", "digital"],
    ["人工智能在历次会议中的比重如何变化", "topic:人工智能"],
  ])("routes %s to the trend of %s", (question, id) => {
    expect(trendIntent(question)?.theme.id).toBe(id);
  });

  it.each([
    "2024年的座谈会在哪里举行？",
    "2025年会议有什么新变化",
    "Where was the 2025 meeting held?",
    "哪些会议提到了生态环境？",
  ])("leaves %s to the usual answer", (question) => {
    expect(trendIntent(question)).toBeUndefined();
  });
});
