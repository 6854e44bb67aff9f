/**
 * How much of each meeting's reporting concerns a theme: the share of its
 * paragraphs that match the theme's terms, which terms matched, and the
 * paragraph that matches most strongly (the one a trend line cites).
 *
 * A paragraph is on a theme when any of its terms occurs in it — the same rule
 * as the per-meeting counts of `/themes`, so both show the same numbers. The
 * catalogue themes are computed at ingest and saved with the index
 * ({@link themeWeightsArtefact}); free-text themes are computed on the fly
 * from the same paragraphs.
 */
import { createHash } from "node:crypto";

import type { Chunk } from "../index/chunk.js";
import { DEFAULT_THEMES, matchTerms, paragraphsOf, type ParagraphText, type Theme } from "../digest/themes.js";

/** Bump when the saved shape changes: an older file is then recomputed. */
export const THEME_WEIGHTS_VERSION = 1;
/** The file saved next to the index's chunks. */
export const THEME_WEIGHTS_FILE = "themes.json";

/** A meeting as a trend shows it, in date order. */
export interface TrendMeeting {
  meetingId: string;
  kind: Chunk["meetingKind"];
  title: string;
  year: number;
  startDate: string;
  city: string;
  /** Paragraphs in all of the meeting's reports (headlines included). */
  paragraphs: number;
}

/** A matched paragraph, by its place in the reports. */
export interface ParagraphRef {
  articleIndex: number;
  paragraph: number;
  score: number;
}

/** One meeting's weight on one theme. */
export interface MeetingWeight {
  meetingId: string;
  /** Paragraphs that mention the theme. */
  matching: number;
  /** matching / paragraphs, 0 when the meeting has no paragraphs. */
  share: number;
  /** Occurrences per matched term, most frequent first (ties in catalogue order). */
  terms: { term: string; count: number }[];
  /** The paragraph with the highest term score (earliest on ties); absent when nothing matches. */
  strongest?: ParagraphRef | undefined;
}

/** The weights of one theme across all meetings. */
export interface ThemeWeights {
  themeId: string;
  meetings: MeetingWeight[];
}

/** What is saved at ingest: the meetings and the weights of every catalogue theme. */
export interface ThemeWeightsArtefact {
  version: number;
  /** Hash of the catalogue's terms: a changed catalogue makes the saved weights stale. */
  catalogue: string;
  meetings: TrendMeeting[];
  themes: ThemeWeights[];
}

/** The meetings the chunks come from, in date order (then id, so the order is stable). */
export function trendMeetings(paragraphs: readonly ParagraphText[]): TrendMeeting[] {
  const byId = new Map<string, TrendMeeting>();
  for (const { chunk } of paragraphs) {
    const meeting = byId.get(chunk.meetingId);
    if (meeting) meeting.paragraphs += 1;
    else {
      byId.set(chunk.meetingId, {
        meetingId: chunk.meetingId,
        kind: chunk.meetingKind,
        title: chunk.meetingTitle,
        year: chunk.year,
        startDate: chunk.startDate,
        city: chunk.city,
        paragraphs: 1,
      });
    }
  }
  return [...byId.values()].sort(
    (a, b) => a.startDate.localeCompare(b.startDate) || a.meetingId.localeCompare(b.meetingId),
  );
}

/** Weighs one theme in every meeting. Pure and deterministic: the same paragraphs give the same result. */
export function weighTheme(
  theme: Theme,
  paragraphs: readonly ParagraphText[],
  meetings: readonly TrendMeeting[],
): ThemeWeights {
  const acc = new Map<string, { matching: number; terms: Map<string, number>; strongest?: ParagraphRef }>();
  for (const meeting of meetings) acc.set(meeting.meetingId, { matching: 0, terms: new Map() });
  for (const { chunk, text } of paragraphs) {
    const match = matchTerms(text, theme.terms);
    if (match.hits === 0) continue;
    const entry = acc.get(chunk.meetingId)!;
    entry.matching += 1;
    const lower = text.toLowerCase();
    for (const { term } of theme.terms) {
      const count = occurrences(lower, term.toLowerCase());
      if (count > 0) entry.terms.set(term, (entry.terms.get(term) ?? 0) + count);
    }
    if (entry.strongest === undefined || match.score > entry.strongest.score) {
      entry.strongest = { articleIndex: chunk.articleIndex, paragraph: chunk.paragraph, score: match.score };
    }
  }
  return {
    themeId: theme.id,
    meetings: meetings.map((meeting) => {
      const entry = acc.get(meeting.meetingId)!;
      const terms = [...entry.terms].map(([term, count]) => ({ term, count })).sort((a, b) => b.count - a.count);
      return {
        meetingId: meeting.meetingId,
        matching: entry.matching,
        share: meeting.paragraphs === 0 ? 0 : round4(entry.matching / meeting.paragraphs),
        terms,
        ...(entry.strongest ? { strongest: entry.strongest } : {}),
      };
    }),
  };
}

/** The artefact saved at ingest: every catalogue theme weighed over the index's chunks. */
export function themeWeightsArtefact(
  chunks: readonly Chunk[],
  themes: readonly Theme[] = DEFAULT_THEMES,
): ThemeWeightsArtefact {
  const paragraphs = paragraphsOf(chunks);
  const meetings = trendMeetings(paragraphs);
  return {
    version: THEME_WEIGHTS_VERSION,
    catalogue: catalogueHash(themes),
    meetings,
    themes: themes.map((theme) => weighTheme(theme, paragraphs, meetings)),
  };
}

/** Whether a saved artefact fits this catalogue and code (else it is recomputed). */
export function isCurrentArtefact(
  value: unknown,
  themes: readonly Theme[] = DEFAULT_THEMES,
): value is ThemeWeightsArtefact {
  const artefact = value as Partial<ThemeWeightsArtefact> | undefined;
  return (
    artefact?.version === THEME_WEIGHTS_VERSION &&
    artefact.catalogue === catalogueHash(themes) &&
    Array.isArray(artefact.themes)
  );
}

function catalogueHash(themes: readonly Theme[]): string {
  const terms = themes.map((t) => [t.id, t.terms.map((x) => `${x.term}:${x.weight}`)]);
  return createHash("sha256").update(JSON.stringify(terms)).digest("hex").slice(0, 16);
}

function occurrences(haystack: string, needle: string): number {
  if (needle === "") return 0;
  let count = 0;
  for (let at = haystack.indexOf(needle); at !== -1; at = haystack.indexOf(needle, at + needle.length)) count++;
  return count;
}

function round4(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}
