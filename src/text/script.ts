/**
 * Traditional ⇄ Simplified Chinese with OpenCC's tables (opencc-js: bundled
 * data, nothing is downloaded). The reports are Simplified; users may write
 * Taiwan or Hong Kong Traditional, and the answer follows their script.
 */
import { createRequire } from "node:module";
import type { ConverterFunction } from "opencc-js";

import { TRADITIONAL_CHARS } from "./traditional-chars.js";

// opencc-js is 1.2 MB of tables (about 40 ms to load), and most questions are Simplified: it is loaded
// (synchronously, as the conversions are) only for a text holding a character its tables read as Traditional.
let opencc: typeof import("opencc-js") | undefined;
const loadOpencc = () => (opencc ??= createRequire(import.meta.url)("opencc-js") as typeof import("opencc-js"));
let traditionalChars: ReadonlySet<string> | undefined;

interface ReadTables {
  /** Phrase-aware Traditional → Simplified that reads Taiwan and Hong Kong forms. */
  toSimplified: ConverterFunction;
  /** Characters whose Simplified form does not depend on Taiwan's 著/着 merge (see below). */
  changesAlone: (char: string) => boolean;
  /** Characters only Simplified text uses (发, 们, 会): none of OpenCC's Traditional tables contains them. */
  simplifiedOnly: ReadonlySet<string>;
}

// The tables are immutable and cost tens of milliseconds to build, so each is built once, on first use.
let readTables: ReadTables | undefined;
let simplifiedToTaiwan: ConverterFunction | undefined;

const HAN = /\p{Script=Han}/u;

/**
 * False when no character of the text is one that the Hong Kong → Simplified conversion changes on its own:
 * then no character is marked Traditional (see `traditionalMarks`), the text is not Traditional and its
 * Simplified form is the text itself, with no tables loaded.
 */
function mayBeTraditional(text: string): boolean {
  traditionalChars ??= new Set(TRADITIONAL_CHARS);
  for (const char of text) if (traditionalChars.has(char)) return true;
  return false;
}

function buildReadTables(): ReadTables {
  const { Converter } = loadOpencc();
  // tw→cn alone leaves Hong Kong forms (衞, 敍) and hk→cn alone turns Taiwan's 著 (zhe) into 著, not 着.
  // Running tw→cn first (it uses Taiwan phrase context, so 著名 stays and 看著 becomes 看着) and then hk→cn
  // (it maps the remaining Hong Kong variants) reads both; round trips of the reports through cn→tw, cn→hk
  // and cn→t all come back unchanged except OpenCC's own 沈吟→沉吟 ambiguity.
  const taiwan = Converter({ from: "tw", to: "cn" });
  const hongKong = Converter({ from: "hk", to: "cn" });
  const cache = new Map<string, boolean>();
  // hk→cn on a lone character is Traditional-table conversion without Taiwan's variant merges, whose
  // sources (著, 么) are also everyday Simplified characters.
  const changesAlone = (char: string) => {
    let changes = cache.get(char);
    if (changes === undefined) cache.set(char, (changes = hongKong(char) !== char));
    return changes;
  };
  return { toSimplified: (text) => hongKong(taiwan(text)), changesAlone, simplifiedOnly: simplifiedOnlyCharacters() };
}

/** Characters that Simplified→Traditional changes and that no OpenCC Traditional table lists as a Traditional form. */
function simplifiedOnlyCharacters(): Set<string> {
  const { Locale } = loadOpencc();
  const entries = (dict: string | readonly (readonly [string, string])[]) =>
    typeof dict === "string" ? dict.split("|").map((entry) => entry.split(" ")) : dict.map((pair) => [...pair]);
  const traditional = new Set<string>();
  const addAll = (words: readonly (string | undefined)[]) => {
    for (const word of words) for (const char of word ?? "") traditional.add(char);
  };
  // Traditional→Simplified tables: only their keys are Traditional. Regional variant tables: both sides are.
  for (const group of Locale.to.cn ?? []) for (const dict of group) for (const [key] of entries(dict)) addAll([key]);
  const variantGroups = [
    ...(Locale.from.tw ?? []),
    ...(Locale.from.hk ?? []),
    ...(Locale.to.tw ?? []),
    ...(Locale.to.hk ?? []),
  ];
  for (const group of variantGroups) for (const dict of group) for (const entry of entries(dict)) addAll(entry);
  const simplified = new Set<string>();
  // Only the character table of cn→t: its keys are the Simplified forms that change.
  const characterTable = Locale.from.cn?.[0]?.at(-1);
  for (const [char] of characterTable ? entries(characterTable) : [])
    if (char && !traditional.has(char)) simplified.add(char);
  return simplified;
}

function tables(): ReadTables {
  return (readTables ??= buildReadTables());
}

/** Positions where the phrase-aware conversion changes a character that is Traditional on its own. */
function traditionalMarks(source: readonly string[], converted: readonly string[], t: ReadTables): boolean[] {
  const aligned = source.length === converted.length;
  return source.map((char, i) => {
    if (!HAN.test(char) || !t.changesAlone(char)) return false;
    // Phrase context wins (乾隆 keeps 乾); if OpenCC changed the length, fall back to the lone character.
    return aligned ? converted[i] !== char : true;
  });
}

function evidence(text: string): { source: string[]; converted: string[]; marks: boolean[]; traditional: boolean } {
  const t = tables();
  const source = Array.from(text);
  const converted = Array.from(t.toSimplified(text));
  const marks = traditionalMarks(source, converted, t);
  const traditionalCount = marks.filter(Boolean).length;
  const simplifiedCount = source.filter((char) => t.simplifiedOnly.has(char)).length;
  return { source, converted, marks, traditional: traditionalCount > simplifiedCount };
}

/**
 * True when the text is written in Traditional Chinese: it holds more characters that only Traditional text
 * uses (長, 裡, 衞; judged in phrase context, so 乾隆 or 著名 do not count) than characters that only
 * Simplified text uses (长, 发). Text without Han characters, or a Simplified question with one stray
 * Traditional character, is not Traditional.
 */
export function isTraditional(text: string): boolean {
  return mayBeTraditional(text) && evidence(text).traditional;
}

/**
 * Simplified form of the text for matching against the (Simplified) reports. A Traditional text is converted
 * whole with phrase context (Taiwan and Hong Kong forms both read); in a Simplified text only unambiguous
 * Traditional characters are changed, so Simplified words that OpenCC's Traditional phrases would misread
 * (显著, the surname in 沈吟) stay as written. Latin letters, digits and punctuation are left alone.
 */
export function toSimplified(text: string): string {
  if (!mayBeTraditional(text)) return text;
  const { source, converted, marks, traditional } = evidence(text);
  if (traditional) return converted.join("");
  if (!marks.some(Boolean)) return text;
  const t = tables();
  const aligned = source.length === converted.length;
  return source.map((char, i) => (marks[i] ? (aligned ? converted[i] : t.toSimplified(char)) : char)).join("");
}

/**
 * Taiwan Traditional form of Simplified text (OpenCC s2tw), for answering a user who wrote Traditional,
 * quotes included. Taiwan forms (裡, 著) are the most widely read Traditional standard, and Hong Kong readers
 * read them without trouble; the converter changes characters only (not `twp`'s vocabulary, 信息→資訊),
 * so a quoted report stays word for word. The first call builds the tables (about 200 ms).
 */
export function toTraditional(text: string): string {
  simplifiedToTaiwan ??= loadOpencc().Converter({ from: "cn", to: "tw" });
  return simplifiedToTaiwan(text);
}

/** Builds the conversion tables now (about 40 ms, or 250 ms with `withTraditional`), e.g. at start-up, so the first question does not wait. */
export function warmScriptTables(options: { withTraditional?: boolean } = {}): void {
  tables();
  if (options.withTraditional) toTraditional("");
}
