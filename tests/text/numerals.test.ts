import { describe, expect, it } from "vitest";
import { normaliseNumerals, smallChineseNumber } from "../../src/text/numerals.js";

describe("normaliseNumerals", () => {
  it("folds full-width digits, letters and the ideographic space, but not Chinese punctuation", () => {
    expect(normaliseNumerals("２０２４年ＡＩ大会\u3000ｗｈｏ，。？！：；（）")).toBe(
      "2024年AI大会 who，。？！：；（）",
    );
  });

  it("writes Chinese-numeral years in digits", () => {
    expect(normaliseNumerals("二〇二四年的会议")).toBe("2024年的会议");
    expect(normaliseNumerals("二零二五年在哪里开")).toBe("2025年在哪里开");
    expect(normaliseNumerals("一九九八年")).toBe("1998年");
  });

  it("writes month/day dates in digits", () => {
    expect(normaliseNumerals("十一月三十日举行")).toBe("11月30日举行");
    expect(normaliseNumerals("六月五日")).toBe("6月5日");
    expect(normaliseNumerals("二〇二三年六月五号")).toBe("2023年6月5号");
    expect(normaliseNumerals("十二月的会")).toBe("12月的会");
    expect(normaliseNumerals("二十一日")).toBe("二十一日");
  });

  it("writes ordinals before a counter in digits", () => {
    expect(normaliseNumerals("第七届论坛")).toBe("第7届论坛");
    expect(normaliseNumerals("第十一届")).toBe("第11届");
    expect(normaliseNumerals("第三次会议")).toBe("第3次会议");
    expect(normaliseNumerals("第二十批")).toBe("第20批");
  });

  it("leaves words that contain numerals unchanged", () => {
    for (const text of [
      "长三角一体化",
      "一极三区一高地",
      "三省一市",
      "十五五规划",
      "一带一路",
      "两个关键词",
      "开了两天",
      "第一时间",
      "一个月",
      "三个多月",
      "十四五期间",
      "一网通办",
      "一地六县",
      "四十多个项目",
    ])
      expect(normaliseNumerals(text)).toBe(text);
  });

  it("leaves text without numbers and ASCII text unchanged", () => {
    for (const text of ["2024年11月30日第6届", "Who chaired the 6th forum?", ""])
      expect(normaliseNumerals(text)).toBe(text);
  });

  it("does not read impossible months or days as dates", () => {
    expect(normaliseNumerals("十三月")).toBe("十三月");
    expect(normaliseNumerals("二月四十日")).toBe("2月四十日");
  });
});

describe("smallChineseNumber", () => {
  it("reads 1 to 99", () => {
    expect([..."一九"].map((n) => smallChineseNumber(n))).toEqual([1, 9]);
    expect(["十", "十一", "二十", "三十一", "九十九"].map(smallChineseNumber)).toEqual([10, 11, 20, 31, 99]);
  });

  it("rejects what is not a number", () => {
    expect(["", "一二", "十十", "二十十"].map(smallChineseNumber)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });
});
