/** Chunks: the unit that is indexed and retrieved. One paragraph, or a sentence-aligned piece of a long one. */
import type { ArticleKind, Corpus, Meeting, MeetingKind, SourceRef } from "../corpus/types.js";
import { splitSentences } from "../corpus/text.js";

/** A piece of one paragraph, with everything a citation needs. */
export interface Chunk {
  /** Stable across rebuilds of the same corpus: `meetingId/article/paragraph[.part]`. */
  id: string;
  meetingId: string;
  meetingKind: MeetingKind;
  meetingTitle: string;
  year: number;
  startDate: string;
  city: string;
  province: string;
  articleIndex: number;
  articleKind: ArticleKind;
  articleTitle: string;
  /** Paragraph number within its article (0 is the headline block). */
  paragraph: number;
  /** 0 unless a long paragraph was split. */
  part: number;
  text: string;
  source: SourceRef;
}

/**
 * The text embedded for a chunk: the meeting and article give context that the
 * paragraph leaves implicit. The local embedder learns its IDF from the same text.
 */
export function embedText(chunk: Chunk): string {
  return `${chunk.meetingTitle} ${chunk.articleTitle}\n${chunk.text}`;
}

/** Paragraphs longer than this are split at sentence boundaries. */
export const MAX_CHUNK_CHARS = 300;

/** Splits a paragraph into sentence-aligned pieces of at most `max` characters (a longer single sentence stays whole). */
export function splitLongParagraph(text: string, max = MAX_CHUNK_CHARS): string[] {
  if (text.length <= max) return [text];
  const pieces: string[] = [];
  let current = "";
  for (const sentence of splitSentences(text)) {
    if (current && current.length + sentence.length > max) {
      pieces.push(current);
      current = "";
    }
    current += sentence;
  }
  if (current) pieces.push(current);
  return pieces;
}

/** Turns every paragraph of every meeting into chunks, in reading order. */
export function chunkCorpus(corpus: Corpus): Chunk[] {
  return corpus.meetings.flatMap(chunkMeeting);
}

function chunkMeeting(meeting: Meeting): Chunk[] {
  const chunks: Chunk[] = [];
  for (const article of meeting.articles) {
    for (const paragraph of article.paragraphs) {
      splitLongParagraph(paragraph.text).forEach((text, part) => {
        chunks.push({
          id: `${meeting.id}/${article.index}/${paragraph.n}${part ? `.${part}` : ""}`,
          meetingId: meeting.id,
          meetingKind: meeting.kind,
          meetingTitle: meeting.title,
          year: meeting.year,
          startDate: meeting.startDate,
          city: meeting.city,
          province: meeting.province,
          articleIndex: article.index,
          articleKind: article.kind,
          articleTitle: article.title,
          paragraph: paragraph.n,
          part,
          text,
          source: meeting.source,
        });
      });
    }
  }
  return chunks;
}
