import { Converter } from "opencc-js";
import { describe, expect, it } from "vitest";
import { isTraditional, toSimplified, toTraditional, warmScriptTables } from "../../src/text/script.js";
import { TRADITIONAL_CHARS } from "../../src/text/traditional-chars.js";

const simplified = [
  "长三角地区主要领导座谈会在温州举行，会议着力推进一体化发展。",
  "上海、江苏、浙江、安徽三省一市的主要领导出席了会议并讲话。",
  "这里面取得了显著成效，记者沈吟报道。",
  "第六届长三角一体化发展高层论坛在哪里举办？",
];

describe("toSimplified", () => {
  it("reads Taiwan and Hong Kong Traditional", () => {
    expect(toSimplified("長三角地區主要領導座談會在哪裡舉行？")).toBe("长三角地区主要领导座谈会在哪里举行？");
    expect(toSimplified("公共衞生的敍述裏面")).toBe("公共卫生的叙述里面");
    expect(toSimplified("看著會議，著名的頭髮發展")).toBe("看着会议，著名的头发发展");
  });

  it("brings Traditional renderings of Simplified text back to the same text", () => {
    for (const text of simplified.slice(0, 2)) expect(toSimplified(toTraditional(text))).toBe(text);
  });

  it("leaves Simplified text alone, including words Traditional phrases would misread", () => {
    for (const text of simplified) expect(toSimplified(text)).toBe(text);
    expect(toSimplified("乾隆 显著 什么")).toBe("乾隆 显著 什么");
  });

  it("changes a stray Traditional character in a Simplified question", () => {
    expect(toSimplified("请问第六届论坛在哪裡举行")).toBe("请问第六届论坛在哪里举行");
  });

  it("keeps Latin letters, full-width digits and Chinese punctuation", () => {
    expect(toSimplified("「會議」：Li Qiang，２０２４年！")).toBe("「会议」：Li Qiang，２０２４年！");
  });
});

describe("isTraditional", () => {
  it("is true for Traditional questions, Taiwan or Hong Kong", () => {
    expect(isTraditional("長三角座談會在哪裡舉行")).toBe(true);
    expect(isTraditional("會議着力推進一體化，台灣")).toBe(true);
    expect(isTraditional("Who spoke at the 長三角 meeting?")).toBe(true);
  });

  it("is false for Simplified text, English, or a Simplified question with one stray Traditional character", () => {
    for (const text of simplified) expect(isTraditional(text)).toBe(false);
    expect(isTraditional("Who spoke at the forum?")).toBe(false);
    expect(isTraditional("")).toBe(false);
    expect(isTraditional("请问第六届论坛在哪裡举行")).toBe(false);
    expect(isTraditional("著名 乾隆")).toBe(false);
  });

  it("is true for every Traditional rendering of the Simplified samples", () => {
    for (const text of simplified) expect(isTraditional(toTraditional(text))).toBe(true);
  });
});

describe("toTraditional", () => {
  it("writes Taiwan Traditional, characters only, punctuation kept", () => {
    expect(toTraditional("长三角地区主要领导座谈会在温州举行，“十五五”")).toBe(
      "長三角地區主要領導座談會在溫州舉行，“十五五”",
    );
    expect(toTraditional("里面着力推进，信息")).toBe("裡面著力推進，信息");
  });
});

describe("TRADITIONAL_CHARS", () => {
  // script.ts skips the tables for a text with none of these characters, so the list must be exactly what
  // the installed opencc-js changes; after an upgrade, regenerate it with `node scripts/traditional-chars.mjs`.
  it("is every Han character that the Hong Kong → Simplified conversion changes on its own", () => {
    const hongKong = Converter({ from: "hk", to: "cn" });
    let expected = "";
    for (let code = 0; code <= 0x10ffff; code++) {
      if (code >= 0xd800 && code <= 0xdfff) continue;
      const char = String.fromCodePoint(code);
      if (/\p{Script=Han}/u.test(char) && hongKong(char) !== char) expected += char;
    }
    expect(TRADITIONAL_CHARS === expected).toBe(true);
  });

  it("leaves Simplified questions and English as they are, Traditional ones still read", () => {
    expect(toSimplified("2024年的座谈会在哪里举行？")).toBe("2024年的座谈会在哪里举行？");
    expect(isTraditional("Which city hosted the 2024 meeting?")).toBe(false);
    expect(toSimplified("2024年的座談會在哪裡舉行？")).toBe("2024年的座谈会在哪里举行？");
  });
});

describe("cost", () => {
  it("converts a 50-character question well under a millisecond once warm", () => {
    warmScriptTables({ withTraditional: true });
    const question = "長三角地區主要領導座談會第六屆論壇在哪裡舉行？李強、龔正出席並講話，會議著力推進一體化發展。";
    const runs = 200;
    const start = performance.now();
    for (let i = 0; i < runs; i++) {
      isTraditional(question);
      toSimplified(question);
    }
    const perCall = (performance.now() - start) / runs / 2;
    expect(perCall).toBeLessThan(1);
  });
});
