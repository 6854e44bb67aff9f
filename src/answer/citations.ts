/** Builds citations from chunks, pointing at whole paragraphs, and labels meetings for people. */
import type { Meeting, Paragraph } from "../corpus/types.js";
import type { Chunk } from "../index/chunk.js";
import { pinyinAliases } from "../text/english.js";
import type { Citation } from "./types.js";

/** A place's English name, its pinyin (温州 → Wenzhou), or the Chinese name when it has none. */
export function englishPlaceName(city: string): string {
  let name = placeNames.get(city);
  if (name === undefined) {
    const english = Object.keys(pinyinAliases([], [city])).find((spelling) => !spelling.includes(" "));
    name = english ? english.charAt(0).toUpperCase() + english.slice(1) : city;
    placeNames.set(city, name);
  }
  return name;
}

/** Host cities are few; their spellings are computed once. */
const placeNames = new Map<string, string>();

/**
 * Looks up a paragraph's full text (a chunk may hold only part of it), as the report prints it: with the
 * dateline it opens with ("本报讯 6月6日上午，…"), which ingest keeps out of the searched text.
 */
export function paragraphText(meetings: readonly Meeting[], chunk: Chunk): string {
  const meeting = meetings.find((m) => m.id === chunk.meetingId);
  const article = meeting?.articles.find((a) => a.index === chunk.articleIndex);
  const paragraph = article?.paragraphs.find((p) => p.n === chunk.paragraph);
  return paragraph ? asPrinted(paragraph) : chunk.text;
}

/** A paragraph as the report prints it, with its dateline ("本报讯 6月6日上午，…"). */
export function asPrinted(paragraph: Paragraph): string {
  return paragraph.dateline ? `${paragraph.dateline} ${paragraph.text}` : paragraph.text;
}

/** A citation numbered `n` for this chunk's paragraph (the whole paragraph when `meetings` are given). */
export function toCitation(n: number, chunk: Chunk, meetings: readonly Meeting[] = []): Citation {
  return {
    n,
    meetingId: chunk.meetingId,
    meeting: chunk.meetingTitle,
    article: chunk.articleTitle,
    articleIndex: chunk.articleIndex,
    articleKind: chunk.articleKind,
    paragraph: chunk.paragraph,
    text: paragraphText(meetings, chunk),
    source: { name: chunk.source.name, url: chunk.source.url },
    date: chunk.startDate,
    city: chunk.city,
  };
}

/** A short label for a meeting: "2024年度座谈会（温州）", "2023年深入推进长三角一体化发展座谈会（上海）", "the 2024 leaders' meeting (Wenzhou)". */
export function meetingLabel(
  m: { kind: string; year: number; title: string; city: string },
  language: "zh" | "en" = "zh",
): string {
  if (language === "en") {
    const city = englishPlaceName(m.city);
    return m.kind === "annual" ? `the ${m.year} leaders' meeting (${city})` : `the ${m.year} symposium (${city})`;
  }
  return m.kind === "annual" ? `${m.year}年度座谈会（${m.city}）` : `${m.year}年${m.title}（${m.city}）`;
}
