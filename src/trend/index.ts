/**
 * Theme trends and meeting comparisons: the core behind `/trend`, `/compare`,
 * trend questions in words and `npm run ask -- --trend`. Built once from the
 * index (its chunks and the theme weights saved at ingest); no Telegram here.
 */
import { toCitation } from "../answer/citations.js";
import type { Citation } from "../answer/types.js";
import type { Chunk } from "../index/chunk.js";
import type { Segmenter } from "../index/segmenter.js";
import { DEFAULT_THEMES, paragraphKey, paragraphsOf, type Theme } from "../digest/themes.js";
import { compareChartSvg, percent, renderPng, trendChartSvg } from "./chart.js";
import { compareMeetings, type Comparison } from "./compare.js";
import { parseCompare, resolveTrendTheme, trendIntent, type CompareChoice } from "./intent.js";
import {
  isCurrentArtefact,
  themeWeightsArtefact,
  trendMeetings,
  weighTheme,
  type MeetingWeight,
  type ThemeWeightsArtefact,
  type TrendMeeting,
} from "./weights.js";

export { trendIntent, resolveTrendTheme, parseCompare, type CompareChoice };
export type { TrendIntent } from "./intent.js";
export type { Comparison, CompareItem, MeetingSide } from "./compare.js";
export { THEME_WEIGHTS_FILE, themeWeightsArtefact, type ThemeWeightsArtefact, type TrendMeeting } from "./weights.js";
export { renderPng } from "./chart.js";

/** One meeting in a trend, with the paragraph its line cites. */
export interface TrendPoint {
  meeting: TrendMeeting;
  weight: MeetingWeight;
  /** The strongest paragraph (whole text), when the meeting mentions the theme. */
  evidence?: Chunk | undefined;
}

/** A theme across all meetings, in date order. */
export interface Trend {
  theme: Theme;
  points: TrendPoint[];
  /** False when no meeting's reports mention the theme. */
  mentioned: boolean;
}

/** The trend core. */
export interface TrendService {
  meetings: readonly TrendMeeting[];
  trend(theme: Theme): Trend;
  compare(earlier: TrendMeeting, later: TrendMeeting): Comparison;
  trendPng(trend: Trend, lang: "zh" | "en"): Promise<Buffer>;
  comparePng(comparison: Comparison, lang: "zh" | "en"): Promise<Buffer>;
}

/**
 * Creates the service. `artefact` is the theme weights saved with the index; when it
 * is missing or stale (an index built before, or another catalogue) the weights are
 * recomputed from the chunks, which gives the same numbers.
 */
export function createTrendService(options: {
  chunks: readonly Chunk[];
  segmenter: Segmenter;
  artefact?: unknown;
  people?: readonly string[];
  themes?: readonly Theme[];
}): TrendService {
  const themes = options.themes ?? DEFAULT_THEMES;
  const paragraphs = paragraphsOf(options.chunks);
  const byKey = new Map(paragraphs.map((p) => [p.key, p]));
  const artefact: ThemeWeightsArtefact = isCurrentArtefact(options.artefact, themes)
    ? options.artefact
    : themeWeightsArtefact(options.chunks, themes);
  const meetings = artefact.meetings.length > 0 ? artefact.meetings : trendMeetings(paragraphs);

  return {
    meetings,
    trend(theme) {
      const saved = theme.custom ? undefined : artefact.themes.find((w) => w.themeId === theme.id);
      const weights = saved ?? weighTheme(theme, paragraphs, meetings);
      const points = meetings.map((meeting, i) => {
        const weight = weights.meetings.find((w) => w.meetingId === meeting.meetingId) ?? weights.meetings[i]!;
        const strongest = weight.strongest;
        const paragraph = strongest && byKey.get(paragraphKey({ meetingId: meeting.meetingId, ...strongest }));
        return { meeting, weight, evidence: paragraph ? { ...paragraph.chunk, text: paragraph.text } : undefined };
      });
      return { theme, points, mentioned: points.some((p) => p.weight.matching > 0) };
    },
    compare(earlier, later) {
      return compareMeetings({
        earlier,
        later,
        paragraphs,
        segmenter: options.segmenter,
        people: options.people,
        themes,
      });
    },
    trendPng(trend, lang) {
      const name = lang === "zh" ? trend.theme.zh : trend.theme.en;
      const title =
        lang === "zh" ? `“${name}”在历次会议报道中的分量` : `How much of each meeting's reporting concerns "${name}"`;
      const subtitle =
        lang === "zh"
          ? "涉及该主题的段落占全部段落的比例（按会议日期）"
          : "share of paragraphs that mention the theme, by meeting date";
      const bars = trend.points.map((p) => ({
        label: [meetingYear(p.meeting, lang), p.meeting.city] as [string, string],
        share: p.weight.share,
        note: p.weight.terms
          .slice(0, 2)
          .map((t) => `${t.term}×${t.count}`)
          .join(" "),
      }));
      return renderPng(trendChartSvg(title, subtitle, bars));
    },
    comparePng(comparison, lang) {
      const a = meetingName(comparison.earlier.meeting, lang);
      const b = meetingName(comparison.later.meeting, lang);
      const title = lang === "zh" ? `${a} 与 ${b}：各主题段落占比` : `${a} vs ${b}: share of paragraphs per theme`;
      const rows = comparison.themes.map((t) => ({
        label: lang === "zh" ? t.theme.zh : t.theme.en,
        earlier: t.earlier,
        later: t.later,
      }));
      return renderPng(compareChartSvg(title, [a, b], rows));
    },
  };
}

/** "2024 温州", or "2023 上海（座谈会）" for the symposium. */
export function meetingName(meeting: TrendMeeting, lang: "zh" | "en"): string {
  return `${meetingYear(meeting, lang)} ${meeting.city}`;
}

function meetingYear(meeting: TrendMeeting, lang: "zh" | "en"): string {
  if (meeting.kind !== "symposium") return String(meeting.year);
  return lang === "zh" ? `${meeting.year}（专题）` : `${meeting.year} (symp.)`;
}

/** A bar of block characters for a share, scaled so `max` fills `width` cells. */
export function textBar(share: number, max: number, width = 10): string {
  const cells = max <= 0 ? 0 : Math.round((share / max) * width * 2) / 2;
  const full = Math.floor(cells);
  return `${"█".repeat(full)}${cells > full ? "▌" : ""}`.padEnd(width, "·");
}

/** One line per meeting: year and city, a bar, the share, the paragraph counts and the top terms (no citation marker). */
export function trendLines(trend: Trend, lang: "zh" | "en"): string[] {
  const max = Math.max(...trend.points.map((p) => p.weight.share), 0);
  return trend.points.map((p) => {
    const terms = p.weight.terms
      .slice(0, 3)
      .map((t) => `${t.term}×${t.count}`)
      .join(lang === "zh" ? "、" : ", ");
    const counts =
      lang === "zh"
        ? `${p.weight.matching}/${p.meeting.paragraphs}段`
        : `${p.weight.matching}/${p.meeting.paragraphs} paras`;
    return `${meetingName(p.meeting, lang)} ${textBar(p.weight.share, max)} ${percent(p.weight.share)}（${counts}）${terms ? ` ${terms}` : ""}`;
  });
}

/** A citation (as answers carry) for a paragraph a trend or comparison points at. */
export function citationOf(n: number, chunk: Chunk): Citation {
  return toCitation(n, chunk);
}
