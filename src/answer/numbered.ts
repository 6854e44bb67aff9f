/**
 * Numbered shorthands of Chinese policy prose ("三地一区", "一厅三片", "五个中心") and the enumerations they stand
 * for. A report often spells the items out near the shorthand: right before it ("水乡客厅、青浦西岑科创中心、
 * 吴江高铁新城、嘉善祥符荡创新中心“一厅三片”"), or in a clause of the same paragraph whose items end in the
 * shorthand's kinds ("科技创新策源地、新兴产业聚集地、改革开放新高地和…绿色转型区" for 三地一区).
 */
import { smallChineseNumber } from "../text/numerals.js";
import { splitClauses } from "./clauses.js";

/** One kind a shorthand counts: 三地 is three things that end in 地. */
interface Part {
  count: number;
  kind: string;
}

const NUMERAL = "[一二两三四五六七八九十]";
/** A shorthand of one to three counted kinds, quoted or not ("三地一区", "“四大功能”", "七个强省"). */
const SHORTHAND = new RegExp(`(?:${NUMERAL}+(?:个|大|项|条)?\\p{Script=Han}{1,4}?){1,3}(?=[”"」]|$)`, "u");
/** A question asking what a shorthand stands for. */
const ASKS_ITEMS =
  /具体|指(?:的)?(?:是)?(?:什么|哪|啥)|是哪|哪(?:些|几)|包括|分别|都有|\bwhat (?:are|were|is|does)\b|\bwhich (?:are|were)\b|\bstand for\b|\brefer to\b/iu;

/**
 * The shorthands a question asks to spell out ("“三地一区”具体指什么", "一厅三片是哪几块"), with the kinds and counts
 * each stands for. Unquoted, the longest run from a numeral (not an ordinal) that `used` accepts is the shorthand.
 */
export function shorthandsAsked(question: string, used: (term: string) => boolean): { term: string; parts: Part[] }[] {
  // What is asked of the shorthand follows it ("“三地一区”具体指什么") or counts it ("是哪三地一区"); "“十年禁渔”在哪几次
  // 会议上被提到" asks about meetings.
  const asksOf = (term: string) => {
    const at = question.indexOf(term);
    const after = question.slice(at + term.length, at + term.length + 10);
    if (/哪(?:几|些|一)?(?:次|年|届|个会|些会)/u.test(after)) return false;
    return /哪$/u.test(question.slice(0, at)) || ASKS_ITEMS.test(after);
  };
  const quoted = [...question.matchAll(/[“"「]([^”"」]{2,10})[”"」]/gu)]
    .map((m) => m[1]!)
    .filter((text) => SHORTHAND.exec(text)?.[0] === text && asksOf(text));
  const unquoted = quoted.length
    ? []
    : [...question.matchAll(new RegExp(`(?<!第)${NUMERAL}`, "gu"))].flatMap((m) => {
        const from = question.slice(m.index);
        const lengths = [8, 7, 6, 5, 4, 3];
        const term = lengths.map((n) => from.slice(0, n)).find((t) => partsOf(t).length && asksOf(t) && used(t));
        return term ? [term] : [];
      });
  // A count of one thing ("一体化") is a word, not a shorthand.
  return [...quoted, ...unquoted].flatMap((term) => {
    const parts = partsOf(term);
    return parts.reduce((n, p) => n + p.count, 0) >= 2 ? [{ term, parts }] : [];
  });
}

function partsOf(term: string): Part[] {
  const parts: Part[] = [];
  for (const m of term.matchAll(new RegExp(`(${NUMERAL}+)(?:个|大|项|条)?(\\p{Script=Han}+?)(?=${NUMERAL}|$)`, "gu"))) {
    const count = smallChineseNumber(m[1]!.replace("两", "二"));
    // "十年禁渔", "五年来": a span of time, not things counted.
    if (!count || /^[年天月日岁届次号周]/u.test(m[2]!)) return [];
    parts.push({ count, kind: m[2]! });
  }
  return parts;
}

/**
 * The clause of `text` that enumerates what `term` stands for, or undefined. A clause qualifies when its list has as
 * many items as the shorthand counts and either ends right at the shorthand or ends its items in its kinds.
 */
export function expansionIn(term: string, parts: readonly Part[], text: string): string | undefined {
  if (!text.includes(term)) return undefined;
  const total = parts.reduce((n, p) => n + p.count, 0);
  for (const { text: clause } of splitClauses(text)) {
    const at = clause.indexOf(term);
    // "…嘉善祥符荡创新中心“一厅三片”": the list right before the shorthand.
    const listed = at >= 0 ? clause.slice(0, at).replace(/[“"「]$/u, "") : clause;
    const items = listed
      .replace(/[。；，]$/u, "")
      .split(/、|和|及|以及|与/u)
      .filter(Boolean);
    if (items.length !== total) continue;
    const kinds = parts.every(
      ({ count, kind }) => items.filter((item) => item.endsWith(kind.slice(-1))).length === count,
    );
    if (at > 0 || kinds) return clause.replace(/[，；。]$/u, "");
  }
  return undefined;
}
