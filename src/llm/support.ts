/**
 * Checking a model's answer against the paragraphs it cites, without another
 * model call: citation markers are normalised and range-checked, the answer is
 * split into claims, and each claim must overlap enough with what it cites.
 *
 * Similarity (as RAGFlow does when it places citations, by lexical overlap):
 * - Chinese claim (≥ 4 Han characters): containment of the claim's character
 *   bigrams in the cited text, |B(claim) ∩ B(cited)| / |B(claim)| ≥ 0.35.
 *   Bigrams, not words, because no segmenter is needed and paraphrase keeps most
 *   bigrams ("在芜湖举行" vs "在安徽芜湖召开" still shares "芜湖").
 * - English claim about an English paragraph: containment of content words ≥ 0.5.
 * - English claim about a Chinese paragraph (the usual case for English questions):
 *   lexical overlap is meaningless across languages, so the check is on what
 *   survives translation: every number in the claim (years, dates, counts) must
 *   appear in the cited text, where Chinese numerals count too (第六届 → 6), and
 *   any Chinese name quoted in the claim must occur in it verbatim. A claim with
 *   neither passes on a valid citation alone. This catches the
 *   commonest hallucination (wrong year, wrong count) and admits that a
 *   paraphrased English claim cannot be verified without a translation model.
 * - In every language, a number in the claim that the cited text lacks fails it.
 *
 * Claims without a marker are checked against everything the answer cites.
 * Unsupported claims are dropped (and reported); an answer left with no cited
 * claim is rejected.
 */

/** Bigram containment a Chinese claim needs. */
export const ZH_THRESHOLD = 0.35;
/** Content-word containment an English claim about English text needs. */
export const EN_THRESHOLD = 0.5;

/** One sentence or clause of an answer, with the paragraph numbers it cites. */
export interface Claim {
  /** The claim as written, markers included. */
  text: string;
  citations: number[];
}

/** Result of {@link checkAnswer}. */
export type CheckResult =
  | {
      ok: true;
      /** The answer with markers renumbered 1..m in order of first appearance. */
      answer: string;
      /** Original paragraph numbers (1-based, into the given sources), in the new order. */
      cited: number[];
      /** Claims dropped as unsupported. */
      flagged: string[];
      /** Markers removed because they pointed outside 1..k. */
      dropped: number[];
    }
  | { ok: false; reason: "empty" | "no-citation" | "unsupported"; flagged: string[]; dropped: number[] };

/**
 * Validates an answer against `sources` (the text of paragraph n at index n-1,
 * metadata included). `listed` are the citations from the JSON list, used when the
 * answer text carries no marker at all.
 */
export function checkAnswer(answer: string, listed: readonly number[], sources: readonly string[]): CheckResult {
  const k = sources.length;
  const dropped: number[] = [];
  let text = normalizeMarkers(answer).replace(/\[(\d+)\]/g, (marker, n: string) => {
    const i = Number(n);
    if (i >= 1 && i <= k) return marker;
    dropped.push(i);
    return "";
  });
  text = tidy(text);
  if (!stripMarkers(text)) return { ok: false, reason: "empty", flagged: [], dropped };

  // A model that filled the list but forgot the inline markers: cite the list at the end.
  if (!/\[\d+\]/.test(text)) {
    const valid = unique(listed.filter((n) => n >= 1 && n <= k));
    if (!valid.length) return { ok: false, reason: "no-citation", flagged: [], dropped };
    text = appendMarkers(text, valid);
  }

  const claims = splitClaims(text);
  const allCited = unique(claims.flatMap((c) => c.citations));
  const flagged: string[] = [];
  const kept = claims.filter((claim) => {
    const cited = claim.citations.length ? claim.citations : allCited;
    // Against the cited paragraphs together: one claim may combine facts from two of them.
    const supported = supports(stripMarkers(claim.text), cited.map((n) => sources[n - 1] ?? "").join("\n"));
    if (!supported) flagged.push(claim.text.trim());
    return supported;
  });
  const remaining = tidy(kept.map((c) => c.text).join(""));
  if (!/\[\d+\]/.test(remaining))
    return { ok: false, reason: flagged.length ? "unsupported" : "no-citation", flagged, dropped };

  const { text: renumbered, order } = renumber(remaining);
  return { ok: true, answer: renumbered, cited: order, flagged, dropped };
}

/** Rewrites 【1】, ［1］, [1, 2], [1、2] and [1-3] as [1], [1][2], [1][2][3]. */
export function normalizeMarkers(text: string): string {
  return text
    .replace(/[【［]\s*/g, "[")
    .replace(/\s*[】］]/g, "]")
    .replace(/\[\s*(\d+(?:\s*[-–~]\s*\d+|(?:\s*[,，、;；]\s*\d+)+)?)\s*\]/g, (_m, inner: string) => {
      const range = /^(\d+)\s*[-–~]\s*(\d+)$/.exec(inner);
      if (range) {
        const [from, to] = [Number(range[1]), Number(range[2])];
        if (to >= from && to - from < 20)
          return Array.from({ length: to - from + 1 }, (_, i) => `[${from + i}]`).join("");
      }
      return inner
        .split(/\s*[,，、;；]\s*/)
        .map((n) => `[${Number(n)}]`)
        .join("");
    });
}

/** The text without `[n]` markers. */
export function stripMarkers(text: string): string {
  return text.replace(/\s*\[\d+\]/g, "").trim();
}

/**
 * Splits an answer into claims at sentence and clause ends (。！？!?；; and ". "),
 * keeping closing quotes and any markers that follow the stop with the claim
 * before it, since models write both "…举行[1]。" and "…举行。[1]".
 */
export function splitClaims(text: string): Claim[] {
  const claims: Claim[] = [];
  let start = 0;
  let i = 0;
  while (i < text.length) {
    const ch = text[i] ?? "";
    const isStop =
      "。！？!?；;".includes(ch) || (ch === "." && !/\d/.test(text[i + 1] ?? "") && /\s|$/.test(text[i + 1] ?? ""));
    i++;
    if (!isStop) continue;
    while (i < text.length && "”’」』）)\"'".includes(text[i] ?? "")) i++;
    const markers = /^(?:\s*\[\d+\])+/.exec(text.slice(i));
    if (markers) i += markers[0].length;
    claims.push(toClaim(text.slice(start, i)));
    start = i;
  }
  if (start < text.length) claims.push(toClaim(text.slice(start)));
  // Pieces that are only punctuation or markers carry no claim; give their markers to the previous claim.
  const merged: Claim[] = [];
  for (const claim of claims) {
    const previous = merged[merged.length - 1];
    if (!hasContent(stripMarkers(claim.text)) && previous) {
      previous.text += claim.text;
      previous.citations = unique([...previous.citations, ...claim.citations]);
    } else merged.push(claim);
  }
  return merged;
}

function toClaim(text: string): Claim {
  return { text, citations: unique([...text.matchAll(/\[(\d+)\]/g)].map((m) => Number(m[1]))) };
}

function hasContent(text: string): boolean {
  return /[\p{L}\p{N}]/u.test(text);
}

/** True when `source` supports `claim` (markers already removed), by the rules in the module comment. */
export function supports(claim: string, source: string): boolean {
  const c = claim.normalize("NFKC").toLowerCase();
  const s = source.normalize("NFKC").toLowerCase();
  if (!numbersCovered(c, s)) return false;
  const han = (c.match(/\p{Script=Han}/gu) ?? []).length;
  if (han >= 4) {
    const grams = bigrams(c);
    if (grams.size < 2) return true;
    const sourceGrams = bigrams(s);
    return containment(grams, sourceGrams) >= ZH_THRESHOLD;
  }
  // Chinese names quoted in an English claim ("Wenzhou (温州)") must be in the source verbatim.
  if ((c.match(/\p{Script=Han}{2,}/gu) ?? []).some((name) => !s.includes(name))) return false;
  const words = contentWords(c);
  const sourceIsChinese = (s.match(/\p{Script=Han}/gu) ?? []).length > s.length / 4;
  if (sourceIsChinese || words.size < 2) return true; // cross-lingual: numbers (checked above) are the test
  return containment(words, contentWords(s)) >= EN_THRESHOLD;
}

/** Character bigrams of runs of Han characters and digits (a lone character counts as itself). */
export function bigrams(text: string): Set<string> {
  const grams = new Set<string>();
  for (const run of text.match(/[\p{Script=Han}0-9]+/gu) ?? []) {
    const chars = [...run];
    if (chars.length === 1) grams.add(run);
    for (let i = 0; i + 1 < chars.length; i++) grams.add(`${chars[i]}${chars[i + 1]}`);
  }
  return grams;
}

const STOPWORDS = new Set(
  "the a an and or of in on at to for from by with as is are was were be been it its this that these those which who what when where how did does do has have had will would their there about into than also not but".split(
    " ",
  ),
);

function contentWords(text: string): Set<string> {
  return new Set((text.match(/[a-z][a-z'-]+/g) ?? []).filter((w) => w.length > 2 && !STOPWORDS.has(w)));
}

function containment(part: Set<string>, whole: Set<string>): number {
  if (!part.size) return 0;
  let hits = 0;
  for (const item of part) if (whole.has(item)) hits++;
  return hits / part.size;
}

/** Every number in the claim occurs in the source (digits, or Chinese numerals in the source). */
function numbersCovered(claim: string, source: string): boolean {
  const wanted = numbers(claim);
  if (!wanted.length) return true;
  const have = new Set([...numbers(source), ...chineseNumerals(source)]);
  return wanted.every((n) => have.has(n));
}

function numbers(text: string): string[] {
  return (text.match(/\d+(?:\.\d+)?/g) ?? []).map((n) => n.replace(/^0+(?=\d)/, ""));
}

const DIGITS: Record<string, number> = {
  零: 0,
  〇: 0,
  一: 1,
  二: 2,
  两: 2,
  三: 3,
  四: 4,
  五: 5,
  六: 6,
  七: 7,
  八: 8,
  九: 9,
};
const UNITS: Record<string, number> = { 十: 10, 百: 100, 千: 1000 };

/** Values of Chinese numerals below 10,000 in the text (第六届 → "6", 二十 → "20"). */
function chineseNumerals(text: string): string[] {
  const values: string[] = [];
  for (const run of text.match(/[零〇一二两三四五六七八九十百千]+/g) ?? []) {
    let total = 0;
    let digit = 0;
    let seen = false;
    for (const ch of run) {
      const d = DIGITS[ch];
      const unit = UNITS[ch];
      if (d !== undefined) {
        digit = d;
        seen = true;
      } else if (unit !== undefined) {
        total += (seen ? digit : 1) * unit;
        digit = 0;
        seen = false;
      }
    }
    values.push(String(total + digit));
  }
  return values;
}

/** Renumbers markers 1..m in order of first appearance; `order[i]` is the old number of new marker i+1. */
export function renumber(text: string): { text: string; order: number[] } {
  const order: number[] = [];
  const renumbered = text.replace(/\[(\d+)\]/g, (_m, n: string) => {
    const old = Number(n);
    let index = order.indexOf(old);
    if (index < 0) index = order.push(old) - 1;
    return `[${index + 1}]`;
  });
  // Collapse a repeated marker ("[1][1]") that renumbering or the model produced.
  return { text: renumbered.replace(/(\[\d+\])\1+/g, "$1"), order };
}

function appendMarkers(text: string, ns: readonly number[]): string {
  const markers = ns.map((n) => `[${n}]`).join("");
  // Before a final stop, so the markers stay with the last claim: "…举行[1]。"
  const stop = /[。！？!?.]$/.exec(text);
  return stop ? `${text.slice(0, -1)}${markers}${stop[0]}` : `${text}${markers}`;
}

function tidy(text: string): string {
  return text.replace(/[ \t]{2,}/g, " ").trim();
}

function unique<T>(items: readonly T[]): T[] {
  return [...new Set(items)];
}
