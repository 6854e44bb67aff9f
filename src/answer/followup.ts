/**
 * Follow-up questions without a model: "那2022年呢？" after "2024年的座谈会在哪里举行？"
 * becomes "2022年的座谈会在哪里举行？". The LLM path tries the model first and falls back to this.
 */
import type { Turn } from "./types.js";

const YEAR = /(?:19|20)\d{2}/g;
/** Openers and endings that mark an elliptical follow-up in Chinese or English. */
const ELLIPTICAL_START = /^(?:那么?|还有|另外|以及|其中|and\b|what about\b|how about\b|and what about\b|what of\b)/i;
const ELLIPTICAL_END = /呢[？?]?$/;

/**
 * True when the question leans on an earlier turn: it opens like "那…"/"what about",
 * ends in 呢, or is very short.
 */
export function looksElliptical(question: string): boolean {
  const q = question.trim();
  const han = (q.match(/\p{Script=Han}/gu) ?? []).length;
  const words = q.split(/\s+/).filter(Boolean).length;
  const short = han > 0 ? han <= 8 : words <= 4;
  return ELLIPTICAL_START.test(q) || ELLIPTICAL_END.test(q) || short;
}

/**
 * The standalone question without a model.
 * - A follow-up that only names another year takes the previous question with the
 *   year swapped: "2024年的座谈会在哪里举行？" + "那2022年呢？" → "2022年的座谈会在哪里举行？".
 * - Another elliptical follow-up is appended to the previous question, which gives
 *   retrieval the missing context.
 * - A full question stands as it is.
 */
export function heuristicStandalone(history: readonly Turn[], question: string): string {
  const q = question.trim();
  const previous = history[history.length - 1]?.question.trim();
  if (!previous || !looksElliptical(q)) return q;
  const years = q.match(YEAR) ?? [];
  const previousYears = previous.match(YEAR) ?? [];
  const rest = q.replace(YEAR, "").replace(ELLIPTICAL_START, "").replace(/[年度的呢？?，,。\s]/g, "");
  if (years.length === 1 && previousYears.length === 1 && rest === "") {
    return previous.replace(previousYears[0] ?? "", years[0] ?? "");
  }
  return `${previous} ${q}`;
}

