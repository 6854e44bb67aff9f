/**
 * Rebuilds real paragraphs from lines, whatever the source form. PDFs wrap every
 * line and break paragraphs at column ends; newspaper pages cut sentences in two;
 * HTML marks paragraphs but carries captions and editor lines. The rules here use
 * only the shape of the text (line widths, blank lines, punctuation), never the
 * wording of one report, so they hold for new reports of the same forms.
 */
import { endsSentence, hanBigrams, hasClausePunctuation, joinFragments, visualWidth } from "./text.js";
import type { Block, SourceLine } from "./types.js";

/** A piece of the source removed as noise, kept so tests and logs can show why. */
export interface Removed {
  text: string;
  reason: "page-jump" | "editor" | "caption" | "pull-quote" | "boilerplate";
}

const PAGE_JUMP = /^[（(]?\s*(下转|上接|转第|接第|转自第|下接)[^）)]{0,10}版\s*[)）]?$/;
const EDITOR = /^(责任编辑|责编|编辑|校对|审核|监制)[：:\s]/;
const PHOTO_CREDIT = /(本报记者|记者|通讯员|图片|摄影|新华社)[^。]{0,40}摄\s*[)）]?$|^[（(]本文图片[^)）]*[)）]$/;
const LEAD =
  /^(本报讯|本报[^\s，。]{0,8}电|新华社[^\s，。]{0,12}电|[（(]?记者[^)）]{0,20}[)）]?报道)\s*(?:[（(][^)）]{0,40}[)）])?\s*/;

/** Strips a news dateline (本报讯, 新华社…电), saying what it read when there was one. */
export function stripLead(text: string): { text: string; dateline?: string } {
  const m = LEAD.exec(text);
  if (!m || m[0].length === text.length) return { text };
  return { text: text.slice(m[0].length).replace(/^[，、\s]+/, ""), dateline: m[0].trim() };
}

interface WrapProfile {
  /** Lines are hard-wrapped at a near-constant width. */
  wrapped: boolean;
  /** That width, in CJK cells. */
  width: number;
  /** Blank lines separate paragraphs here (rather than following every line). */
  blanksMeanBreaks: boolean;
}

/**
 * Learns how the text was wrapped: if many lines share one width, the text was
 * hard-wrapped, and a line that ends a sentence short of that width ends a
 * paragraph.
 */
export function wrapProfile(lines: readonly SourceLine[]): WrapProfile {
  const widths = lines.filter((l) => !l.role && !l.paragraphEnd).map((l) => visualWidth(l.text));
  let best = 0;
  let bestCount = 0;
  for (const c of new Set(widths.map((w) => Math.round(w)))) {
    const count = widths.filter((w) => Math.abs(w - c) <= 1).length;
    if (count > bestCount || (count === bestCount && c > best)) {
      best = c;
      bestCount = count;
    }
  }
  const wrapped = widths.length >= 8 && best <= 60 && bestCount / widths.length >= 0.3;
  const blankShare = lines.length ? lines.filter((l) => l.blankAfter).length / lines.length : 0;
  return { wrapped, width: best, blanksMeanBreaks: blankShare < 0.85 };
}

function noiseReason(line: SourceLine, bodyText: string): Removed["reason"] | null {
  if (line.role === "boilerplate") return "boilerplate";
  if (line.role === "editor" || EDITOR.test(line.text)) return "editor";
  if (line.role === "caption" || PHOTO_CREDIT.test(line.text)) return "caption";
  if (PAGE_JUMP.test(line.text)) return "page-jump";
  if (line.role === "pullquote" && repeatsBody(line.text, bodyText)) return "pull-quote";
  return null;
}

/** A pull-quote repeats the body: nearly all of its character bigrams occur there. */
function repeatsBody(quote: string, bodyText: string): boolean {
  const grams = hanBigrams(quote);
  if (!grams.length) return true;
  const hits = grams.filter((g) => bodyText.includes(g)).length;
  return hits / grams.length >= 0.8;
}

/**
 * Turns lines into headline and paragraph blocks, and lists what was removed.
 *
 * A paragraph ends where a line ends a sentence and is either short of the wrap
 * width or (where blank lines carry meaning) followed by a blank line. A line
 * that does not end a sentence always continues into the next one, across blank
 * lines, column breaks and removed pull-quotes alike.
 */
export function rebuildParagraphs(lines: readonly SourceLine[]): { blocks: Block[]; removed: Removed[] } {
  const bodyText = lines
    .filter((l) => l.role !== "pullquote")
    .map((l) => l.text)
    .join("");
  const removed: Removed[] = [];
  const kept: SourceLine[] = [];
  for (const line of lines) {
    const reason = noiseReason(line, bodyText);
    if (reason) removed.push({ text: line.text, reason });
    else kept.push(line);
  }

  const profile = wrapProfile(kept);
  const blocks: Block[] = [];
  let buffer = "";
  let seenProse = false;
  const flush = () => {
    if (!buffer) return;
    const { text, dateline } = stripLead(buffer);
    blocks.push(dateline ? { text, role: "body", dateline } : { text, role: "body" });
    buffer = "";
  };

  for (const line of kept) {
    const atBoundary = buffer === "";
    if (line.role === "headline" || (atBoundary && isHeadlineLike(line, profile, seenProse))) {
      flush();
      blocks.push({ text: line.text, role: "headline" });
      continue;
    }
    if (hasClausePunctuation(line.text) || line.text.includes("、")) seenProse = true;
    buffer = joinFragments(buffer, line.text);
    if (endsParagraph(line, profile)) flush();
  }
  flush();
  return { blocks, removed };
}

function endsParagraph(line: SourceLine, profile: WrapProfile): boolean {
  if (line.paragraphEnd) return true;
  if (!endsSentence(line.text)) return false;
  if (!profile.wrapped) return true;
  const full = visualWidth(line.text) >= profile.width - 1.5;
  return !full || (profile.blanksMeanBreaks && line.blankAfter);
}

/**
 * A headline has no sentence punctuation and stands where a paragraph could start.
 * In wrapped text a wrapped body line can look the same, so there a headline must
 * either come before any prose or be too wide to be a wrapped line.
 */
function isHeadlineLike(line: SourceLine, profile: WrapProfile, seenProse: boolean): boolean {
  const text = line.text;
  if (endsSentence(text) || stripLead(text).dateline) return false;
  const width = visualWidth(text);
  if (profile.wrapped) {
    if (hasClausePunctuation(text) || text.includes("、")) return false;
    return !seenProse || width > profile.width + 2;
  }
  if (!hasClausePunctuation(text)) return true;
  // A short line with a comma but no final stop, at a paragraph start: a headline
  // such as "…观察—— 各界合力，为梦想护航".
  return width <= 24 && !/[，；：、]$/.test(text);
}
