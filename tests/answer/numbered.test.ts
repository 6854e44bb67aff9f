/**
 * Numbered shorthands ("三地一区", "一厅三片") spelled out from the paragraph that enumerates them. The texts are
 * invented, in the reports' style, so nothing here is keyed to one report.
 */
import { describe, expect, it } from "vitest";
import { expansionIn, shorthandsAsked } from "../../src/answer/numbered.js";

const PARAGRAPH =
  "程立言说，总书记要求安徽加快建设算力枢纽地、低空经济集聚地、内陆开放新高地和全域绿色转型区，这次会议的成果都与安徽“三地一区”建设紧密相关。";
const ADJACENT = "会议提出，重点打造钱塘湿地客厅、西溪科创中心、湘湖新城、良渚创新中心“一厅三片”，加快项目落地。";
const quoted = (term: string) => [PARAGRAPH, ADJACENT].some((text) => text.includes(`“${term}”`));

describe("a numbered shorthand", () => {
  it("is spelled out by the clause whose items end in its kinds, though another clause names it", () => {
    const [asked] = shorthandsAsked("他提到的“三地一区”具体指什么？", quoted);
    expect(asked?.term).toBe("三地一区");
    expect(expansionIn(asked!.term, asked!.parts, PARAGRAPH)).toBe(
      "总书记要求安徽加快建设算力枢纽地、低空经济集聚地、内陆开放新高地和全域绿色转型区",
    );
  });

  it("is spelled out by the list right before it, asked with or without quotes", () => {
    for (const question of ["“一厅三片”分别是哪四块？", "一厅三片到底指啥"]) {
      const [asked] = shorthandsAsked(question, quoted);
      expect(asked?.term, question).toBe("一厅三片");
      expect(expansionIn(asked!.term, asked!.parts, ADJACENT)).toContain(
        "钱塘湿地客厅、西溪科创中心、湘湖新城、良渚创新中心",
      );
    }
  });

  it("is not an ordinal, a single counted word, or a shorthand the reports never quote", () => {
    expect(shorthandsAsked("第三届论坛有哪些嘉宾？", () => true)).toEqual([]);
    expect(shorthandsAsked("“一体化”具体指什么？", () => true)).toEqual([]);
    expect(shorthandsAsked("三省一市具体指哪几个地方？", quoted)).toEqual([]);
    // Nor is a question that asks nothing to be listed, or asks about meetings, or a span of time.
    expect(shorthandsAsked("“三地一区”是谁提出的？", quoted)).toEqual([]);
    expect(shorthandsAsked("“三地一区”在哪几次会议上被提到过？", quoted)).toEqual([]);
    expect(shorthandsAsked("“十年禁渔”具体指什么？", () => true)).toEqual([]);
  });

  it("is not spelled out by a list of another length", () => {
    const [asked] = shorthandsAsked("“三地一区”具体指什么？", quoted);
    expect(expansionIn(asked!.term, asked!.parts, "要建设策源地、聚集地，推进安徽“三地一区”建设。")).toBeUndefined();
  });
});
