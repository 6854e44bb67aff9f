/**
 * Digest composition, pure: which paragraphs a subscriber gets today and which one
 * sentence of each is shown.
 *
 * Order of preference: 新增 paragraphs (from reports that arrived after the
 * subscription began), then paragraphs not yet sent, then — only when the theme is
 * exhausted — repeats marked 回顾, least recently sent first. A digest never mixes the
 * two: the last unsent paragraphs go out alone (even fewer than `minPoints`), saying
 * that the review comes next, and the first review digest says that it is one; a digest
 * is never padded with anything but its own theme. Within each group the
 * best-scoring paragraphs win, one per meeting first so a digest spans meetings; the
 * chosen points are then shown in meeting order so the reader sees the theme move
 * from one year's meeting to the next.
 */
import type { Chunk } from "../index/chunk.js";
import { matchTerms, paragraphsOf, type ParagraphText, type Theme, type ThemeTerm } from "./themes.js";

/** Marks shown next to a point. */
export type PointMark = "新增" | "回顾";

/** One cited sentence of a digest. */
export interface DigestPoint {
  text: string;
  /** The chunk holding the sentence (the first chunk of the paragraph if it was not found in one). */
  chunkId: string;
  paragraphKey: string;
  meetingId: string;
  meetingTitle: string;
  startDate: string;
  articleTitle: string;
  articleIndex: number;
  paragraph: number;
  source: { name: string; url?: string | undefined };
  mark?: PointMark;
}

/** A composed digest. `points` is empty when no paragraph matches the theme. */
export interface Digest {
  themeId: string;
  themeName: { zh: string; en: string };
  localDate: string;
  title: { zh: string; en: string };
  points: DigestPoint[];
  /** Set when there are no points: why, in both languages. */
  empty?: { zh: string; en: string };
  /** Where the theme's round stands: `last` = these were its last unsent paragraphs, `review` = a 回顾 round. */
  round?: "last" | "review";
}

/** A paragraph that matches a theme, with its score. */
export interface ScoredParagraph extends ParagraphText {
  score: number;
}

/** Inputs of {@link composeDigest}. */
export interface ComposeInput {
  theme: Theme;
  chunks: readonly Chunk[];
  /** Precomputed `matchParagraphs(theme, chunks)`, to score the corpus once per theme in a broadcast. */
  matches?: readonly ScoredParagraph[];
  /** Paragraph keys already sent to this subscriber for this theme. */
  sent: ReadonlySet<string>;
  /** When each sent key was last sent (ISO); repeats go least recently sent first. */
  lastSentAt?: ReadonlyMap<string, string>;
  /** Paragraph keys that are 新增 for this subscriber (new since subscribing, not yet sent). */
  fresh?: ReadonlySet<string>;
  /** The subscriber's local date, YYYY-MM-DD. */
  localDate: string;
  /** Most points in one digest (default 5). */
  maxPoints?: number;
  /** A review digest has at least this many points when the theme has them (default 3). */
  minPoints?: number;
}

/** Sentences longer than this are cut at a clause boundary. */
export const MAX_POINT_CHARS = 90;

/** The paragraphs matching a theme (at least one term hit), best first. */
export function matchParagraphs(theme: Theme, chunks: readonly Chunk[]): ScoredParagraph[] {
  const scored: ScoredParagraph[] = [];
  for (const paragraph of paragraphsOf(chunks)) {
    const match = matchTerms(paragraph.text, theme.terms);
    if (match.hits > 0) scored.push({ ...paragraph, score: match.score });
  }
  return scored.sort((a, b) => b.score - a.score || compareTime(a, b));
}

/**
 * Composes today's digest for one subscriber and theme. Never throws for a theme
 * without matches: the result then has no points and says so in `empty`.
 */
export function composeDigest(input: ComposeInput): Digest {
  const { theme, sent, localDate } = input;
  const maxPoints = input.maxPoints ?? 5;
  const minPoints = Math.min(input.minPoints ?? 3, maxPoints);
  const matches = input.matches ?? matchParagraphs(theme, input.chunks);
  const fresh = input.fresh ?? new Set<string>();
  const digest: Digest = {
    themeId: theme.id,
    themeName: { zh: theme.zh, en: theme.en },
    localDate,
    title: { zh: `${localDate} · ${theme.zh} 每日摘要`, en: `${localDate} · ${theme.en} daily digest` },
    points: [],
  };
  if (matches.length === 0) {
    digest.empty = {
      zh: `会议报道中没有找到与“${theme.zh}”相关的段落。`,
      en: `No paragraph of the meeting reports matches “${theme.en}”.`,
    };
    return digest;
  }

  const freshOnes = matches.filter((p) => fresh.has(p.key) && !sent.has(p.key));
  const unsent = matches.filter((p) => !fresh.has(p.key) && !sent.has(p.key));
  const lastSent = (p: ScoredParagraph) => input.lastSentAt?.get(p.key) ?? "";
  // Stable sort keeps score order among paragraphs sent at the same time.
  const repeats = matches.filter((p) => sent.has(p.key)).sort((a, b) => lastSent(a).localeCompare(lastSent(b)));

  const picked: { paragraph: ScoredParagraph; mark?: PointMark }[] = [];
  const meetings = new Set<string>();
  const take = (group: ScoredParagraph[], limit: number, mark?: PointMark) => {
    // Two passes: first one paragraph per meeting not yet in the digest, then the best of the rest.
    for (const spreadOnly of [true, false]) {
      for (const paragraph of group) {
        if (picked.length >= limit) return;
        if (picked.some((p) => p.paragraph.key === paragraph.key)) continue;
        if (spreadOnly && meetings.has(paragraph.chunk.meetingId)) continue;
        picked.push(mark ? { paragraph, mark } : { paragraph });
        meetings.add(paragraph.chunk.meetingId);
      }
    }
  };
  take(freshOnes, maxPoints, "新增");
  take(unsent, maxPoints);
  if (picked.length > 0) {
    if (picked.length === freshOnes.length + unsent.length) digest.round = "last";
  } else {
    // The theme is exhausted: a 回顾 round of this theme only.
    take(repeats, Math.max(minPoints, maxPoints), "回顾");
    digest.round = "review";
  }

  picked.sort((a, b) => compareTime(a.paragraph, b.paragraph));
  digest.points = picked.map(({ paragraph, mark }) => toPoint(paragraph, theme.terms, input.chunks, mark));
  return digest;
}

/** Splits Chinese prose into sentences after 。！？ (closing quotes stay with their sentence). */
export function splitSentences(text: string): string[] {
  return (
    text
      .match(/[^。！？!?]+(?:[。！？!?]+[”’」』）)》]*)?/gu)
      ?.map((s) => s.trim())
      .filter(Boolean) ?? []
  );
}

/**
 * The sentence of a paragraph that best matches the terms (the earliest on a tie),
 * cut to at most `max` characters at clause boundaries around its best clause.
 */
export function bestSentence(paragraph: string, terms: readonly ThemeTerm[], max = MAX_POINT_CHARS): string {
  const sentences = splitSentences(paragraph);
  let best = sentences[0] ?? paragraph;
  let bestScore = -1;
  for (const sentence of sentences) {
    const score = matchTerms(sentence, terms).score;
    if (score > bestScore) [best, bestScore] = [sentence, score];
  }
  return shorten(best, terms, max);
}

/** Keeps the best clause and as many neighbours as fit, marking cut ends with "…". */
function shorten(sentence: string, terms: readonly ThemeTerm[], max: number): string {
  if ([...sentence].length <= max) return sentence;
  const clauses = sentence.match(/[^，；,;：:]+[，；,;：:]?/gu) ?? [sentence];
  let center = 0;
  let centerScore = -1;
  clauses.forEach((clause, i) => {
    const score = matchTerms(clause, terms).score;
    if (score > centerScore) [center, centerScore] = [i, score];
  });
  let from = center;
  let to = center + 1;
  const length = (a: number, b: number) => [...clauses.slice(a, b).join("")].length + 2;
  // Grow forwards first: the clauses after a topic word usually carry what was decided.
  for (;;) {
    if (to < clauses.length && length(from, to + 1) <= max) to++;
    else if (from > 0 && length(from - 1, to) <= max) from--;
    else break;
  }
  let text = clauses.slice(from, to).join("");
  if ([...text].length > max - 2) text = [...text].slice(0, max - 2).join("");
  const head = from > 0 ? "…" : "";
  const tail = to < clauses.length ? "…" : "";
  if (tail) text = text.replace(/[，；,;：:]$/u, "");
  return head + text + tail;
}

function toPoint(
  paragraph: ScoredParagraph,
  terms: readonly ThemeTerm[],
  chunks: readonly Chunk[],
  mark?: PointMark,
): DigestPoint {
  const text = bestSentence(paragraph.text, terms);
  const core = text.replace(/^…|…$/g, "");
  const holder =
    chunks.find(
      (c) =>
        c.meetingId === paragraph.chunk.meetingId &&
        c.articleIndex === paragraph.chunk.articleIndex &&
        c.paragraph === paragraph.chunk.paragraph &&
        c.text.includes(core),
    ) ?? paragraph.chunk;
  const { chunk } = paragraph;
  const point: DigestPoint = {
    text,
    chunkId: holder.id,
    paragraphKey: paragraph.key,
    meetingId: chunk.meetingId,
    meetingTitle: chunk.meetingTitle,
    startDate: chunk.startDate,
    articleTitle: chunk.articleTitle,
    articleIndex: chunk.articleIndex,
    paragraph: chunk.paragraph,
    source: { name: chunk.source.name, url: chunk.source.url },
  };
  if (mark) point.mark = mark;
  return point;
}

function compareTime(a: ParagraphText, b: ParagraphText): number {
  return (
    a.chunk.startDate.localeCompare(b.chunk.startDate) ||
    a.chunk.meetingId.localeCompare(b.chunk.meetingId) ||
    a.chunk.articleIndex - b.chunk.articleIndex ||
    a.chunk.paragraph - b.chunk.paragraph
  );
}
