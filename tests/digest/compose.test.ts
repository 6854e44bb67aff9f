import { describe, expect, it } from "vitest";
import { bestSentence, composeDigest, matchParagraphs, MAX_POINT_CHARS } from "../../src/digest/compose.js";
import { customTheme, findTheme } from "../../src/digest/themes.js";
import { buildChunks, fixtureChunks } from "./helpers.js";

const tech = findTheme("tech")!;
const none = new Set<string>();

describe("composeDigest", () => {
  it("gives 3–5 one-sentence points from different meetings, in meeting order, with citations", () => {
    const chunks = fixtureChunks();
    const digest = composeDigest({ theme: tech, chunks, sent: none, localDate: "2026-03-08" });
    expect(digest.title.zh).toBe("2026-03-08 · 科技创新 每日摘要");
    expect(digest.points.length).toBeGreaterThanOrEqual(3);
    expect(digest.points.length).toBeLessThanOrEqual(5);
    const meetings = digest.points.map((p) => p.meetingId);
    expect(new Set(meetings).size).toBe(Math.min(4, digest.points.length));
    const dates = digest.points.map((p) => p.startDate);
    expect([...dates].sort()).toEqual(dates);
    for (const point of digest.points) {
      expect(point.text.match(/[。！？]/g)?.length ?? 0).toBeLessThanOrEqual(1);
      expect(point.text).toMatch(/科技创新/);
      const chunk = chunks.find((c) => c.id === point.chunkId)!;
      expect(chunk.text).toContain(point.text.replace(/^…|…$/g, ""));
      expect(point.mark).toBeUndefined();
    }
  });

  it("cites a paragraph split into several chunks once, from the chunk holding the sentence", () => {
    const chunks = buildChunks([
      { id: "m1", year: 2024, startDate: "2024-05-20", paragraphs: ["会议听取了汇报。|要共建人工智能创新策源高地。"] },
    ]);
    const digest = composeDigest({ theme: tech, chunks, sent: none, localDate: "2026-01-01" });
    expect(digest.points).toHaveLength(1);
    expect(digest.points[0]).toMatchObject({
      chunkId: "m1/1/1.1",
      paragraphKey: "m1/1/1",
      text: "要共建人工智能创新策源高地。",
    });
  });

  it("shows only the best sentence, cut at a clause boundary when it is long", () => {
    const long =
      "会议指出，过去一年三省一市围绕重点领域开展了大量工作，基础设施互联互通水平不断提升，公共服务便利共享持续推进，" +
      "要加快建设长三角科技创新共同体，强化集成电路和人工智能领域协同攻关，推动创新成果跨区域转化，" +
      "同时统筹发展和安全，守牢各类风险底线，确保社会大局和谐稳定。另一句话与主题无关。";
    const sentence = bestSentence(long, tech.terms);
    expect([...sentence].length).toBeLessThanOrEqual(MAX_POINT_CHARS);
    expect(sentence).toContain("科技创新共同体");
    // Cut at clause boundaries: what is kept starts right after a comma of the original and ends a clause.
    expect(sentence).toMatch(/^…/);
    const core = sentence.replace(/^…|…$/g, "");
    expect(long).toContain(`，${core}`);
    expect(sentence).toMatch(/[。…]$/);
    expect(sentence).not.toContain("另一句话");
  });

  it("puts 新增 paragraphs first and marks them", () => {
    const chunks = fixtureChunks();
    const fresh = new Set(
      matchParagraphs(tech, chunks)
        .filter((p) => p.chunk.meetingId === "2021-annual")
        .map((p) => p.key),
    );
    const digest = composeDigest({ theme: tech, chunks, sent: none, fresh, localDate: "2026-03-08" });
    const marked = digest.points.filter((p) => p.mark === "新增");
    expect(marked.length).toBe(Math.min(fresh.size, digest.points.length));
    expect(marked.every((p) => fresh.has(p.paragraphKey))).toBe(true);
  });

  it("starts over with 回顾 points once every matching paragraph was sent, least recently sent first", () => {
    const chunks = fixtureChunks();
    const all = matchParagraphs(tech, chunks).map((p) => p.key);
    const lastSentAt = new Map(all.map((key, i) => [key, new Date(Date.UTC(2026, 0, 1 + i)).toISOString()]));
    const digest = composeDigest({ theme: tech, chunks, sent: new Set(all), lastSentAt, localDate: "2026-03-08" });
    expect(digest.points.length).toBeGreaterThanOrEqual(3);
    expect(digest.points.every((p) => p.mark === "回顾")).toBe(true);
    const oldest = new Set(all.slice(0, 8));
    expect(digest.points.every((p) => oldest.has(p.paragraphKey))).toBe(true);
  });

  it("sends the last unsent paragraphs alone, saying the review comes next, never padding", () => {
    const chunks = fixtureChunks();
    const all = matchParagraphs(tech, chunks).map((p) => p.key);
    const digest = composeDigest({ theme: tech, chunks, sent: new Set(all.slice(2)), localDate: "2026-03-08" });
    expect(digest.points.map((p) => p.paragraphKey).sort()).toEqual(all.slice(0, 2).sort());
    expect(digest.points.every((p) => p.mark === undefined)).toBe(true);
    expect(digest.round).toBe("last");
    const review = composeDigest({ theme: tech, chunks, sent: new Set(all), localDate: "2026-03-09" });
    expect(review.round).toBe("review");
    expect(review.points.every((p) => p.mark === "回顾" && all.includes(p.paragraphKey))).toBe(true);
  });

  it("says so instead of throwing when nothing matches", () => {
    const digest = composeDigest({
      theme: customTheme("火星基地"),
      chunks: fixtureChunks(),
      sent: none,
      localDate: "2026-03-08",
    });
    expect(digest.points).toEqual([]);
    expect(digest.empty?.zh).toContain("火星基地");
    expect(digest.empty?.en).toContain("火星基地");
  });
});
