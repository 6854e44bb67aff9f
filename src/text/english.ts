/**
 * English in questions: ordinals of a meeting become the 第N届 marker the Chinese query code reads, and
 * pinyin spellings of Chinese names become aliases of those names.
 */
import { createRequire } from "node:module";

// @napi-rs/pinyin reads its dictionary when it is loaded (about 30 ms); only English questions and answers
// spell names, so it is loaded (synchronously, as spelling is) on first use, not with this module.
let pinyinLibrary: typeof import("@napi-rs/pinyin") | undefined;
const loadPinyin = () =>
  (pinyinLibrary ??= createRequire(import.meta.url)("@napi-rs/pinyin") as typeof import("@napi-rs/pinyin"));

const UNITS = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth"];
const TEENS = [
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
];
const TENS = ["twent", "thirt", "fort", "fift", "sixt", "sevent", "eight", "ninet"];

/** first → 1, tenth → 10, twenty-first → 21, ninetieth → 90 … ninety-ninth → 99. */
const ORDINAL_WORDS: ReadonlyMap<string, number> = (() => {
  const words = new Map<string, number>();
  UNITS.forEach((word, i) => words.set(word, i + 1));
  TEENS.forEach((word, i) => words.set(word, i + 10));
  TENS.forEach((stem, i) => {
    const tens = (i + 2) * 10;
    words.set(`${stem}ieth`, tens);
    UNITS.forEach((unit, j) => {
      words.set(`${stem}y-${unit}`, tens + j + 1);
      words.set(`${stem}y ${unit}`, tens + j + 1);
    });
  });
  return words;
})();

/** Nouns that an ordinal numbers as a meeting's edition; "the first question" is not a meeting. */
const EVENT = "forum|meeting|conference|symposium|summit|congress|expo|session|edition|plenary|gathering";
/** The same nouns as Chinese writes them, for an English ordinal inside a Chinese question ("3rd长三角…高层论坛"). */
const CHINESE_EVENT = "论坛|座谈会|会议|大会|峰会|博览会";
const ORDINAL_WORD = [...ORDINAL_WORDS.keys()]
  .sort((a, b) => b.length - a.length)
  .map((w) => w.replace(" ", "\\s+"))
  .join("|");
const ORDINAL_PHRASE = new RegExp(
  `\\b(?:the\\s+)?(?:(\\d{1,2})(?:st|nd|rd|th)|(${ORDINAL_WORD}))(?:\\s+(?:(?:edition|session)\\s+of\\s+(?:the\\s+)?)?` +
    `(?=(?:[\\p{L}\\p{N}-]+\\s+){0,5}(?:${EVENT})s?\\b)|\\s*(?=\\p{Script=Han}{0,14}(?:${CHINESE_EVENT})))`,
  "giu",
);

/**
 * Replaces an English ordinal that numbers a meeting with 第N届, keeping the rest so "forum" still maps:
 * "the sixth forum" → "第6届 forum", "3rd high-level forum" → "第3届 high-level forum",
 * "the seventh edition of the forum" → "第7届 forum", "3rd长三角一体化发展高层论坛" → "第3届 长三角…". Covers first…ninety-ninth and 1st…99th; ordinals not
 * followed within three words by a meeting noun (forum, meeting, conference, session…) are left alone.
 */
export function englishOrdinals(text: string): string {
  // Every ordinal has Latin letters (the words, or st/nd/rd/th); most questions have none, and the first use of
  // the long pattern compiles it (a few milliseconds of a cold start).
  if (!/[a-z]/i.test(text)) return text;
  return text.replace(ORDINAL_PHRASE, (whole, digits: string | undefined, word: string | undefined) => {
    const value = digits ? Number(digits) : ORDINAL_WORDS.get((word ?? "").toLowerCase().replace(/\s+/g, " "));
    return value ? `第${value}届 ` : whole;
  });
}

/** 1 → "1st", 2 → "2nd", 11 → "11th", 23 → "23rd": how an answer writes an edition in English. */
export function englishOrdinal(n: number): string {
  const teen = n % 100 >= 11 && n % 100 <= 13;
  const suffix = teen ? "th" : (({ 1: "st", 2: "nd", 3: "rd" } as Record<number, string>)[n % 10] ?? "th");
  return `${n}${suffix}`;
}

/**
 * Polyphonic surnames read differently from the character's everyday reading (单 shan, not dan), and
 * two-character surnames. General Chinese naming knowledge, not tied to any report.
 */
const SURNAME_READINGS: Readonly<Record<string, string>> = {
  单: "shan",
  曾: "zeng",
  解: "xie",
  查: "zha",
  仇: "qiu",
  区: "ou",
  朴: "piao",
  盖: "ge",
  缪: "miao",
  覃: "qin",
  召: "shao",
  种: "chong",
  乐: "yue",
  折: "she",
  黑: "he",
  秘: "bi",
  员: "yun",
  句: "gou",
  繁: "po",
  尉迟: "yu chi",
  长孙: "zhang sun",
  万俟: "mo qi",
  澹台: "tan tai",
};
const COMPOUND_SURNAMES = new Set([
  "欧阳",
  "司马",
  "上官",
  "诸葛",
  "尉迟",
  "长孙",
  "万俟",
  "端木",
  "皇甫",
  "令狐",
  "慕容",
  "东方",
  "夏侯",
  "公孙",
  "宇文",
  "司徒",
  "澹台",
  "西门",
  "轩辕",
  "呼延",
  "闻人",
  "赫连",
  "南宫",
]);

/** At most this many spellings per name, so a name full of polyphones cannot flood the alias table. */
const MAX_SPELLINGS = 8;

const HAN_ONLY = /^\p{Script=Han}+$/u;

/**
 * Plain readings of each character: the library's usual reading first, then up to one alternative.
 * The library's first reading of a lone polyphone is often the wrong one for names (长沙 zhang sha, 重庆
 * zhong qing), so the alternative is kept rather than trusting one reading.
 */
function readings(word: string): string[][] {
  // Not the library's segment mode: it loads a jieba dictionary (about 1 s) and reads names no better.
  const all = loadPinyin().pinyin(word, { heteronym: true }) as string[][];
  return Array.from(word, (_, i) => {
    const options = (all[i] ?? []).map(plain);
    return [...new Set(options)].slice(0, 2);
  });
}

/** Lower case, no tone marks, ü written u as in English spellings (Lü → lu). */
function plain(reading: string): string {
  return reading.normalize("NFD").replace(/\p{M}/gu, "").replace(/v/g, "u").toLowerCase();
}

/** Every combination of the characters' readings, primary first, capped at MAX_SPELLINGS. */
function spellings(perChar: readonly string[][]): string[][] {
  let combos: string[][] = [[]];
  for (const options of perChar) {
    combos = combos.flatMap((combo) => options.map((option) => [...combo, option])).slice(0, MAX_SPELLINGS);
  }
  return combos;
}

function personSpellings(name: string): string[] {
  const surnameLength = COMPOUND_SURNAMES.has(name.slice(0, 2)) && name.length >= 3 ? 2 : 1;
  const surname = name.slice(0, surnameLength);
  const given = name.slice(surnameLength);
  const surnameReading =
    SURNAME_READINGS[surname] ??
    readings(surname)
      .map((options) => options[0])
      .join(" ");
  const surnameJoined = surnameReading.replace(/ /g, "");
  const out: string[] = [];
  for (const givenSyllables of spellings(readings(given))) {
    const givenJoined = givenSyllables.join("");
    // Chinese order as officials' names are written in English (Li Qiang), joined given name (Xin Changxing),
    // and Western order (Changxing Xin).
    out.push(
      `${surnameJoined} ${givenSyllables.join(" ")}`,
      `${surnameJoined} ${givenJoined}`,
      `${givenJoined} ${surnameJoined}`,
    );
    if (surnameReading.includes(" ")) out.push(`${surnameReading} ${givenSyllables.join(" ")}`);
  }
  // The surname alone ("Xi", "what did Xi stress"), kept only where no other name shares it (below) and it is
  // not an English word ("He" would read every "he" as 何立峰).
  if (!ENGLISH_WORDS.has(surnameJoined)) out.push(surnameJoined);
  return out;
}

/** Short English words a surname's pinyin can spell. */
const ENGLISH_WORDS = new Set([
  "he",
  "an",
  "me",
  "we",
  "us",
  "so",
  "to",
  "do",
  "go",
  "no",
  "on",
  "in",
  "it",
  "is",
  "as",
  "be",
  "or",
  "ma",
  "pan",
  "fan",
  "long",
  "bang",
  "hang",
  "sun",
  "man",
  "tang",
]);

function placeSpellings(name: string): string[] {
  return spellings(readings(name)).flatMap((syllables) => [syllables.join(""), syllables.join(" ")]);
}

/**
 * English aliases of Chinese names: lower-case toneless pinyin → the name. People (2–4 Han characters,
 * surname first) get "li qiang", "xin changxing" and "changxing xin"; places get "wenzhou" and "wen zhou".
 * A polyphonic character gets both its usual and its alternative reading (长: zhang, chang; 重庆: chongqing),
 * polyphonic surnames their surname reading (单 shan, 曾 zeng). A spelling two names share is dropped
 * rather than guessed, unless it is one name's first spelling and only another's alternative.
 */
export function pinyinAliases(people: readonly string[], places: readonly string[] = []): Record<string, string> {
  // Rank 0: a name's first (library or surname-table) spelling; rank 1: an alternative reading.
  const candidates = new Map<string, Map<string, number>>();
  const add = (name: string, forms: string[]) => {
    forms.forEach((form, i) => {
      const rank = i < 3 ? 0 : 1;
      const names = candidates.get(form) ?? new Map<string, number>();
      names.set(name, Math.min(names.get(name) ?? rank, rank));
      candidates.set(form, names);
    });
  };
  for (const name of people)
    if (HAN_ONLY.test(name) && name.length >= 2 && name.length <= 4) add(name, personSpellings(name));
  for (const name of places) if (HAN_ONLY.test(name)) add(name, placeSpellings(name));

  const aliases: Record<string, string> = {};
  for (const [form, names] of candidates) {
    const best = Math.min(...names.values());
    const winners = [...names].filter(([, rank]) => rank === best).map(([name]) => name);
    if (winners.length === 1 && winners[0]) aliases[form] = winners[0];
  }
  return aliases;
}
