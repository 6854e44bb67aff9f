/**
 * Words to themes and meetings: which theme `/trend X` means (a catalogue theme
 * by name in Chinese or English, or free text), whether a question asks how a
 * theme's weight changed over the meetings ({@link trendIntent}), and which two
 * meetings `/compare` means.
 */
import type { Theme } from "../digest/themes.js";
import { DEFAULT_THEMES, findTheme, resolveTheme } from "../digest/themes.js";
import { ENGLISH_ALIASES } from "../retrieval/aliases.js";
import type { TrendMeeting } from "./weights.js";

/**
 * The theme a user means: a catalogue theme by id, number, Chinese or English name
 * (also one English word of the name: "innovation", "environment"), an English
 * phrase the alias table translates ("green" → 绿色), or the text itself as a
 * free-text topic.
 * @throws DigestInputError for empty or overlong text (its message lists the themes).
 */
export function resolveTrendTheme(text: string, themes: readonly Theme[] = DEFAULT_THEMES): Theme {
  const found = findTheme(text, themes);
  if (found) return found;
  const trimmed = text.trim();
  if (!/\p{Script=Han}/u.test(trimmed) && /[a-z]/iu.test(trimmed)) {
    const english = englishTheme(trimmed, themes);
    if (english) return english;
  }
  return resolveTheme(trimmed, themes);
}

const EN_STOP = new Set(["the", "and", "of", "on", "in", "to", "a", "an", "for", "&"]);

function englishTheme(text: string, themes: readonly Theme[]): Theme | undefined {
  const phrase = text.toLowerCase().replace(/\s+/gu, " ").trim();
  const whole = ENGLISH_ALIASES[phrase];
  if (whole !== undefined) {
    const byAlias = findTheme(whole, themes);
    if (byAlias) return byAlias;
  }
  const words = phrase
    .split(/[^a-z-]+/u)
    .filter((w) => w !== "" && !EN_STOP.has(w))
    .map(stem);
  if (words.length > 0) {
    const byName = themes.find((theme) => {
      const name = new Set(
        theme.en
          .toLowerCase()
          .split(/[^a-z-]+/u)
          .map(stem),
      );
      return words.every((w) => name.has(w));
    });
    if (byName) return byName;
  }
  if (whole !== undefined) return resolveTheme(whole, themes);
  const translated = words.map((w) => ENGLISH_ALIASES[w]).filter((w): w is string => w !== undefined);
  return translated.length > 0 && translated.length === words.length
    ? resolveTheme(translated.join(" "), themes)
    : undefined;
}

function stem(word: string): string {
  return word.replace(/(ies)$/u, "y").replace(/(?<=[a-z]{3})s$/u, "");
}

/** What {@link trendIntent} found: the theme and the words it was read from. */
export interface TrendIntent {
  theme: Theme;
  topic: string;
}

// A question about change over the meetings names time across meetings, or a weight or trend.
const ZH_OVER_TIME = /历年|历次|历届|各届|各年|每年|逐年|年来|这几年|近几年|各次会议|几次会议|每次会议|每届/u;
const ZH_WEIGHT = /分量|比重|权重|占比|趋势|走势|演变|消长|起伏|升降|轻重/u;
// Everything around the topic in such a question.
const ZH_FILLER = new RegExp(
  [
    "长三角(?:地区)?(?:主要领导)?",
    "历年来",
    "历年",
    "历次",
    "历届",
    "各届",
    "各年",
    "每年",
    "逐年",
    "这几年",
    "近几年",
    "多年来",
    "各次",
    "几次",
    "每次",
    "每届",
    "(?:主要领导)?座谈会",
    "会议",
    "报道",
    "分量",
    "比重",
    "权重",
    "占比",
    "比例",
    "篇幅",
    "趋势",
    "走势",
    "演变",
    "消长",
    "起伏",
    "升降",
    "轻重",
    "变化",
    "重视程度",
    "关注度",
    "受重视",
    "重视",
    "关注",
    "地位",
    "有什么",
    "有何",
    "有哪些",
    "有没有",
    "是否",
    "怎样",
    "怎么样",
    "怎么",
    "如何",
    "什么",
    "发生了",
    "发生",
    "出现",
    "中的",
    "当中",
    "之中",
    "里的",
    "上的",
    "议题",
    "话题",
    "主题",
    "方面",
    "问题",
    "情况",
    "程度",
    "一直",
    "逐渐",
    "在",
    "于",
    "的",
    "了",
    "吗",
    "呢",
    "啊",
    "中",
    "里",
    "上",
    "和",
    "与",
    "及",
    "是",
    "有",
    "看",
    "请问",
    "你",
  ].join("|"),
  "gu",
);
const EN_PATTERNS: readonly RegExp[] = [
  /\bhow (?:did|has|have|does|do|is|was) (?:the )?(?:focus|emphasis|weight|attention|importance|share|coverage|priority) (?:on|of|given to|paid to) (.+?) (?:change|changed|evolve|evolved|shift|shifted|develop|developed|grow|grown|moved?)\b/iu,
  /\bhow (?:did|has|have|does|do) (?:the )?(.+?) (?:change|changed|evolve|evolved|shift|shifted|develop|developed)\b.*\b(?:over|across|through|between|from)\b/iu,
  /\b(?:trends?|weight|share|importance) of (.+?) (?:over|across|through|in) (?:the )?(?:years|meetings)\b/iu,
  /\bhow (?:much|often) (?:did|do|does) (?:the )?(?:meetings|reports) (?:stress|mention|discuss|cover) (.+?) (?:over|across|each|every) (?:the )?(?:years?|meetings?)\b/iu,
  /^(?:what (?:is|was) )?(?:the )?trends? (?:of|in|for) (.+?)\??$/iu,
];

/**
 * Whether a question asks how much weight a theme had across the meetings
 * ("生态环境在历年会议中的分量有什么变化？", "How did the focus on innovation change?").
 * Returns the theme, or undefined for any other question (those are answered as usual).
 */
export function trendIntent(question: string, themes: readonly Theme[] = DEFAULT_THEMES): TrendIntent | undefined {
  const text = question.replace(/\s+/gu, " ").trim();
  if (/\p{Script=Han}/u.test(text)) {
    if (!ZH_OVER_TIME.test(text) && !ZH_WEIGHT.test(text)) return undefined;
    // A change at one meeting ("2025年会议有什么新变化") is not a trend.
    if (!ZH_WEIGHT.test(text) && !ZH_OVER_TIME.test(text.replace(/\d{4}\s*年/gu, ""))) return undefined;
    const named = [...themes].sort((a, b) => b.zh.length - a.zh.length).find((theme) => text.includes(theme.zh));
    if (named) return { theme: named, topic: named.zh };
    const topic = text
      .replace(/[\p{P}\p{S}\d]+/gu, " ")
      .replace(ZH_FILLER, " ")
      .replace(/\s+/gu, " ")
      .trim();
    return topicIntent(topic, themes);
  }
  for (const pattern of EN_PATTERNS) {
    const topic = pattern
      .exec(text)?.[1]
      ?.replace(/^(?:the|a|an) /iu, "")
      .trim();
    if (topic) return topicIntent(topic, themes);
  }
  return undefined;
}

function topicIntent(topic: string, themes: readonly Theme[]): TrendIntent | undefined {
  if (topic === "" || [...topic].length > 20) return undefined;
  try {
    return { theme: resolveTrendTheme(topic, themes), topic };
  } catch {
    return undefined;
  }
}

/** Two meetings to compare, earlier first. */
export type CompareChoice =
  | { ok: true; earlier: TrendMeeting; later: TrendMeeting }
  | { ok: false; reason: "unknown" | "ambiguous" | "same" | "too-few"; word?: string };

const SYMPOSIUM_WORDS = /^(?:symposium|座谈会2023|深入推进长三角一体化发展座谈会|习近平|xi|xi jinping|专题座谈会)$/iu;

/**
 * Reads `/compare` arguments: two years ("2024 2025"), host cities (中文 or English),
 * "symposium" / 习近平 for the central symposium, or meeting ids; nothing means the
 * two latest meetings. The result is in date order whatever order the words came in.
 */
export function parseCompare(text: string, meetings: readonly TrendMeeting[]): CompareChoice {
  const words = text
    .split(/[\s,，、;；]+|和|与|对比|比较|\bvs\.?|\band\b|\bwith\b/iu)
    .map((w) => w.trim())
    .filter(Boolean);
  if (words.length === 0) {
    if (meetings.length < 2) return { ok: false, reason: "too-few" };
    return { ok: true, earlier: meetings.at(-2)!, later: meetings.at(-1)! };
  }
  const chosen: TrendMeeting[] = [];
  for (const word of words.slice(0, 2)) {
    const found = meetingFor(word, meetings);
    if (found === "ambiguous" || found === undefined)
      return { ok: false, reason: found === undefined ? "unknown" : "ambiguous", word };
    chosen.push(found);
  }
  if (chosen.length < 2) return { ok: false, reason: "too-few" };
  const [a, b] = chosen as [TrendMeeting, TrendMeeting];
  if (a.meetingId === b.meetingId) return { ok: false, reason: "same", word: words[0] };
  const [earlier, later] = a.startDate <= b.startDate ? [a, b] : [b, a];
  return { ok: true, earlier, later };
}

function meetingFor(word: string, meetings: readonly TrendMeeting[]): TrendMeeting | "ambiguous" | undefined {
  const key = word.toLowerCase().replace(/年度?$|年$/u, "");
  const pick = (list: TrendMeeting[]) => (list.length === 1 ? list[0] : list.length > 1 ? "ambiguous" : undefined);
  const byId = meetings.find((m) => m.meetingId.toLowerCase() === key);
  if (byId) return byId;
  if (/^\d{4}$/u.test(key)) {
    const sameYear = meetings.filter((m) => String(m.year) === key);
    // A year with an annual meeting and a symposium means the annual one unless the symposium is named.
    const annual = sameYear.filter((m) => m.kind === "annual");
    return pick(annual.length === 1 ? annual : sameYear);
  }
  if (SYMPOSIUM_WORDS.test(word) || /symposium|习近平|深入推进|专题/iu.test(word))
    return pick(meetings.filter((m) => m.kind === "symposium"));
  const city = ENGLISH_ALIASES[key] ?? word.replace(/市$/u, "");
  const inCity = meetings.filter((m) => m.city === city);
  const annual = inCity.filter((m) => m.kind === "annual");
  return pick(annual.length === 1 ? annual : inCity);
}
