/**
 * The English → Chinese bridge: the dictionary read backwards, kept to the corpus' own words.
 * A tiny dictionary and vocabulary stand in for CC-CEDICT and the index.
 */
import { describe, expect, it } from "vitest";
import { buildBridge, createBridge } from "../../src/retrieval/bridge.js";

const dictionary = [
  { simplified: "湿地", english: ["wetland"] },
  { simplified: "考察", english: ["to inspect", "on-the-spot investigation"] },
  { simplified: "参观", english: ["to visit", "to look around"] },
  { simplified: "访问", english: ["to visit", "to call on"] },
  { simplified: "禁渔", english: ["ban on fishing"] },
  { simplified: "深远", english: ["far-reaching; profound and long-lasting"] },
  { simplified: "湿", english: ["wet"] },
  { simplified: "会晤", english: ["see 會面|会面[hui4 mian4]", "to meet with a long definition of many words"] },
  { simplified: "进口", english: ["to import", "imported"] },
  { simplified: "重要", english: ["important", "significant"] },
  { simplified: "世界级", english: ["world-class"] },
];
const corpusWords = new Map([
  ["湿地", 3],
  ["考察", 12],
  ["参观", 1],
  ["禁渔", 2],
  ["深远", 1],
  ["湿", 1],
  ["会晤", 1],
  ["进口", 2],
  ["重要", 20],
  ["世界级", 4],
]);
const bridge = createBridge(buildBridge(corpusWords, dictionary));

describe("the English bridge", () => {
  it("maps any inflection of an English word to the corpus' words for it", () => {
    expect(bridge("wetlands")).toEqual(["湿地"]);
    expect(bridge("Inspected")).toEqual(["考察"]);
    expect(bridge("fishing")).toEqual(["禁渔"]);
  });

  it("prefers the word as written to another of its stem ('import' is not 'important')", () => {
    expect(bridge("import")).toEqual(["进口"]);
    expect(bridge("important")).toEqual(["重要"]);
    expect(bridge("imports")).toContain("进口");
  });

  it("keeps only words the corpus uses (访问 is not in it)", () => {
    expect(bridge("visit")).toEqual(["参观"]);
  });

  it("ignores single characters, cross-references, long definitions and the parts of hyphenated compounds", () => {
    expect(bridge("wet")).toEqual([]);
    expect(bridge("meet")).toEqual([]);
    expect(bridge("long")).toEqual([]);
    expect(bridge("class")).toEqual([]);
  });

  it("bridges a hyphenated gloss as the whole word ('world-class')", () => {
    expect(bridge("world-class")).toEqual(["世界级"]);
  });
});
