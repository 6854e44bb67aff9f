/**
 * Character-level helpers shared by the parsers: what counts as CJK, where a
 * sentence ends, and the clean-ups that make text from PDFs, newspapers and
 * web pages look like one consistent kind of Chinese prose.
 */

const CJK = "\\p{Script=Han}";

/** True when the character is a Han ideograph. */
export function isHan(ch: string | undefined): boolean {
  return ch !== undefined && /\p{Script=Han}/u.test(ch);
}

/** Characters that end a sentence in Chinese news prose. */
export const SENTENCE_END = "。！？!?";
/** Closing marks that may follow a sentence end and belong to the sentence. */
export const CLOSERS = "”’」』）)》";

const terminalRe = new RegExp(`[${SENTENCE_END}…][${CLOSERS}]*$`, "u");

/** True when the text ends a sentence (allowing closing quotes after the stop). */
export function endsSentence(text: string): boolean {
  return terminalRe.test(text.trimEnd());
}

/** Sentence or clause punctuation anywhere in the text. */
export function hasClausePunctuation(text: string): boolean {
  return /[，。；：！？,;:!?]/u.test(text);
}

/**
 * Display width in "CJK cells": a Han character or full-width mark counts 1,
 * an ASCII character counts 1/2. Hard-wrapped PDF lines have a near-constant
 * width in these units, which is how wrapped lines are told from short ones.
 */
export function visualWidth(text: string): number {
  let w = 0;
  for (const ch of text) w += ch.charCodeAt(0) < 0x2e80 ? 0.5 : 1;
  return w;
}

const halfToFull: Record<string, string> = {
  ",": "，",
  ";": "；",
  ":": "：",
  "?": "？",
  "!": "！",
  "(": "（",
  ")": "）",
};

/**
 * Normalises one line of Chinese prose:
 * - ASCII punctuation next to Han characters becomes full width (newspaper
 *   pages mix both, and sentence splitting relies on the full-width forms);
 * - stray spaces between Han characters and digits go ("6 月 5 日" → "6月5日"),
 *   as do spaces next to full-width punctuation;
 * - HTML non-breaking and ideographic spaces are trimmed at the ends.
 */
export function normalizeLine(raw: string): string {
  let s = raw.replace(/\u00a0/g, " ").replace(/[\u200b\ufeff]/g, "");
  s = s.replace(/[,;:?!()]/g, (ch, offset: number, whole: string) => {
    const before = whole.slice(0, offset).trimEnd().slice(-1);
    const after = whole
      .slice(offset + 1)
      .trimStart()
      .charAt(0);
    const nearHan = isHan(before) || isHan(after) || /[“”（）《》、，。]/u.test(before + after);
    // "(" before a Han word or ")" after one is the Chinese bracket too.
    return nearHan ? (halfToFull[ch] ?? ch) : ch;
  });
  const digitGap = new RegExp(`(?<=${CJK})[ \\t]+(?=[0-9])|(?<=[0-9])[ \\t]+(?=${CJK})`, "gu");
  s = s.replace(digitGap, "");
  const punctGap = new RegExp(`[ \\t]+(?=[，。；：！？、”）》])|(?<=[，。；：！？、“（《])[ \\t]+`, "gu");
  s = s.replace(punctGap, "");
  return s.replace(/^[\s\u3000]+|[\s\u3000]+$/g, "");
}

/**
 * Joins two pieces of one paragraph that a line or column break separated.
 * No space is added between Han characters; Latin words keep one space.
 */
export function joinFragments(left: string, right: string): string {
  if (!left) return right;
  if (!right) return left;
  const a = left.slice(-1);
  const b = right.charAt(0);
  const needsSpace = /[A-Za-z]/.test(a) && /[A-Za-z]/.test(b);
  return needsSpace ? `${left} ${right}` : left + right;
}

/** Splits prose into sentences, keeping the stop and any closing quote with each. */
export function splitSentences(text: string): string[] {
  const out: string[] = [];
  const re = new RegExp(`[^${SENTENCE_END}]*?(?:[${SENTENCE_END}]+[${CLOSERS}]*|$)`, "gu");
  for (const m of text.matchAll(re)) {
    const s = m[0].trim();
    if (s) out.push(s);
  }
  return out;
}

/** Decodes the HTML entities found in news pages (named, decimal and hex). */
export function decodeEntities(s: string): string {
  const named: Record<string, string> = {
    amp: "&",
    lt: "<",
    gt: ">",
    quot: '"',
    apos: "'",
    nbsp: "\u00a0",
    ldquo: "“",
    rdquo: "”",
    lsquo: "‘",
    rsquo: "’",
    mdash: "—",
    hellip: "…",
    middot: "·",
  };
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, body: string) => {
    if (body[0] === "#") {
      const code = body[1] === "x" || body[1] === "X" ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
      return Number.isFinite(code) ? String.fromCodePoint(code) : whole;
    }
    return named[body.toLowerCase()] ?? whole;
  });
}

/** Overlapping character pairs of the text with punctuation and spaces removed, in order (repeats kept). */
export function hanBigrams(text: string): string[] {
  const han = text.replace(/[^\p{Script=Han}A-Za-z0-9]/gu, "");
  const grams: string[] = [];
  for (let i = 0; i + 1 < han.length; i++) grams.push(han.slice(i, i + 2));
  return grams;
}
