/** The retrieval interface the answerers depend on. */
import type { Chunk } from "../index/chunk.js";

/** A retrieved chunk with its fused retrieval score (higher is better). */
export interface Retrieved {
  chunk: Chunk;
  score: number;
}

/** What query understanding found in a question. */
export interface QueryInfo {
  /** The question as searched (English terms mapped to Chinese). */
  text: string;
  /** Meetings the question is about (empty means all). */
  meetingIds: string[];
  /** The question asks about the forum rather than the meeting, or vice versa. */
  articleKind?: "meeting" | "forum" | undefined;
  /** Search terms after segmentation, with their weights. */
  terms: { term: string; weight: number }[];
  language: "zh" | "en";
}

/** Result of one retrieval: the understood query and the ranked chunks, best first. */
export interface RetrievalResult {
  query: QueryInfo;
  results: Retrieved[];
}

/** Finds the paragraphs that may answer a question. */
export interface Retriever {
  retrieve(question: string, options?: { k?: number; signal?: AbortSignal }): Promise<RetrievalResult>;
}
