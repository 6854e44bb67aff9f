import { describe, expect, it } from "vitest";
import { englishOrdinals, pinyinAliases } from "../../src/text/english.js";

describe("englishOrdinals", () => {
  it("turns a meeting's ordinal into 第N届 and keeps the meeting noun", () => {
    expect(englishOrdinals("Who spoke at the sixth forum?")).toBe("Who spoke at 第6届 forum?");
    expect(englishOrdinals("the 6th forum")).toBe("第6届 forum");
    expect(englishOrdinals("3rd high-level forum")).toBe("第3届 high-level forum");
    expect(englishOrdinals("the seventh edition of the forum")).toBe("第7届 forum");
    expect(englishOrdinals("The Twentieth Meeting")).toBe("第20届 Meeting");
    expect(englishOrdinals("the twenty-first YRD summit")).toBe("第21届 YRD summit");
    expect(englishOrdinals("the 99th session")).toBe("第99届 session");
  });

  it("reads an English ordinal inside a Chinese question before the event it numbers", () => {
    expect(englishOrdinals("3rd长三角一体化发展高层论坛在哪举行")).toBe("第3届 长三角一体化发展高层论坛在哪举行");
    expect(englishOrdinals("5th 论坛的主题")).toBe("第5届 论坛的主题");
    expect(englishOrdinals("2nd次提到")).toBe("2nd次提到");
  });

  it("covers first to twentieth and 1st to 99th", () => {
    const words = [
      "first",
      "second",
      "third",
      "fourth",
      "fifth",
      "sixth",
      "seventh",
      "eighth",
      "ninth",
      "tenth",
      "eleventh",
      "twelfth",
      "thirteenth",
      "fourteenth",
      "fifteenth",
      "sixteenth",
      "seventeenth",
      "eighteenth",
      "nineteenth",
      "twentieth",
    ];
    words.forEach((word, i) => expect(englishOrdinals(`the ${word} forum`)).toBe(`第${i + 1}届 forum`));
    for (let n = 1; n <= 99; n++) {
      const suffix =
        n % 10 === 1 && n !== 11 ? "st" : n % 10 === 2 && n !== 12 ? "nd" : n % 10 === 3 && n !== 13 ? "rd" : "th";
      expect(englishOrdinals(`${n}${suffix} forum`)).toBe(`第${n}届 forum`);
    }
  });

  it("leaves ordinals that do not number a meeting alone", () => {
    for (const text of ["the first question", "my second try", "Who was first?", "the 5th of June", "forum"]) {
      expect(englishOrdinals(text)).toBe(text);
    }
  });
});

describe("pinyinAliases", () => {
  // Invented names, so nothing here is keyed to the reports.
  const invented = pinyinAliases(["信长星", "张明华", "单立新", "曾小文", "欧阳春雨"], ["青州", "无锡"]);

  it("spells people surname first, spaced and with the given name joined, and in Western order", () => {
    expect(invented["zhang ming hua"]).toBe("张明华");
    expect(invented["zhang minghua"]).toBe("张明华");
    expect(invented["minghua zhang"]).toBe("张明华");
  });

  it("gives a polyphonic given-name character both readings (长: chang and zhang)", () => {
    expect(invented["xin changxing"]).toBe("信长星");
    expect(invented["xin zhangxing"]).toBe("信长星");
  });

  it("reads polyphonic and two-character surnames as surnames", () => {
    expect(invented["shan lixin"]).toBe("单立新");
    expect(invented["dan lixin"]).toBeUndefined();
    expect(invented["zeng xiaowen"]).toBe("曾小文");
    expect(invented["ouyang chunyu"]).toBe("欧阳春雨");
  });

  it("spells a surname alone when no other name shares it and it is no English word", () => {
    const names = pinyinAliases(["信长星", "张明华", "张立", "何卫东"]);
    expect(names["xin"]).toBe("信长星");
    expect(names["zhang"]).toBeUndefined();
    expect(names["he"]).toBeUndefined();
  });

  it("spells places joined and spaced", () => {
    expect(invented["qingzhou"]).toBe("青州");
    expect(invented["wuxi"]).toBe("无锡");
    expect(invented["wu xi"]).toBe("无锡");
  });

  it("spells real officials and places of the region", () => {
    const real = pinyinAliases(["李强", "龚正", "王清宪"], ["温州", "南京", "安徽"]);
    expect(real["li qiang"]).toBe("李强");
    expect(real["gong zheng"]).toBe("龚正");
    expect(real["wang qingxian"]).toBe("王清宪");
    expect(real["wenzhou"]).toBe("温州");
    expect(real["nanjing"]).toBe("南京");
    expect(real["anhui"]).toBe("安徽");
  });

  it("spells places whose first character is a polyphone both ways", () => {
    const places = pinyinAliases([], ["长沙", "重庆"]);
    expect(places["changsha"]).toBe("长沙");
    expect(places["chongqing"]).toBe("重庆");
  });

  it("drops a spelling two names share instead of guessing", () => {
    const shared = pinyinAliases(["王伟", "汪伟"]);
    expect(shared["wang wei"]).toBeUndefined();
  });

  it("ignores entries that are not Han names", () => {
    expect(pinyinAliases(["Li", "李", "李强1"])).toEqual({});
  });

  it("builds aliases for a hundred names in a few milliseconds", () => {
    const names = Array.from({ length: 100 }, (_, i) => `张${"明华春秋文武"[i % 6]}${"一二三四五六七八九十"[i % 10]}`);
    const start = performance.now();
    pinyinAliases(names);
    expect(performance.now() - start).toBeLessThan(200);
  });
});
