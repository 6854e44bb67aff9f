/**
 * Hybrid retrieval: BM25 over jieba words and over character bigrams, plus the
 * vector search, fused by normalised score; then the meeting the question
 * names is preferred. If the embedder fails (an API outage), BM25 still answers.
 */
import type { Chunk } from "../index/chunk.js";
import { charBigrams, type Segmenter } from "../index/segmenter.js";
import type { LoadedIndex } from "../index/store.js";
import type { Logger } from "../logger.js";
import { typeBonus } from "./answer-types.js";
import { bm25FromPostings, type SparseScores } from "./bm25.js";
import { englishVocabulary, isOtherMeetingYear, understandQuery, type AnswerType, type EnglishVocabulary, type MeetingInfo, type UnderstoodQuery } from "./query.js";
import type { RetrievalResult, Retriever } from "./types.js";

/** Weights of the fused score; tuned on the dev set, kept coarse so they generalise. */
const WEIGHTS = { words: 0.5, bigrams: 0.25, vector: 0.25 };
/** Chunks outside the meeting a question names keep a little score, so a wrong guess is not fatal. */
const OTHER_MEETING_FACTOR = 0.15;
const OTHER_KIND_FACTOR = 0.5;
/** Headline lines repeat the meeting's name, so they match every question about it; prefer the prose. */
const HEADLINE_FACTOR = 0.6;
const TYPE_FACTOR = 1.25;
const OTHER_YEAR_FACTOR = 0.7;
const MEETING_VOICE_FACTOR = 1.1;

/** The full retrieval result, with the understood query attached to each call. */
export interface HybridResult extends RetrievalResult {
  understood: UnderstoodQuery;
  /** Whether the vector search contributed (false when the embedder failed). */
  usedVectors: boolean;
}

/** A retriever over a loaded index; also the statistics answer selection needs. */
export interface HybridRetriever extends Retriever {
  retrieve(question: string, options?: { k?: number; signal?: AbortSignal }): Promise<HybridResult>;
  /** Understands a question without searching. */
  understand(question: string): UnderstoodQuery;
  /** IDF of a word over chunks (0 when the corpus lacks it). */
  idf(term: string): number;
  /** How many chunks contain a word. */
  documentFrequency(term: string): number;
  readonly chunks: readonly Chunk[];
}

/** Vector neighbours fused per query, and hnswlib's search breadth (ef ≥ k); measured with `npm run bench`, quality unchanged. */
export const VECTOR_K = 100;
export const VECTOR_EF = 128;

/** Builds the retriever over the index's saved postings (no segmentation of chunks at start). */
export function createHybridRetriever(deps: {
  index: LoadedIndex;
  meetings: readonly MeetingInfo[];
  segmenter: Segmenter;
  logger?: Logger;
  /** An API embedder that stalls must not hold up the answer: after this, BM25 answers alone. */
  vectorTimeoutMs?: number;
  /** English phrases and the corpus' names in pinyin; the alias table alone when not given. */
  vocabulary?: EnglishVocabulary;
}): HybridRetriever {
  const { index, meetings, segmenter, logger, vectorTimeoutMs = 3000 } = deps;
  const vocabulary = deps.vocabulary ?? englishVocabulary();
  const chunks = index.chunks;
  const words = bm25FromPostings(index.postings.words);
  const bigrams = bm25FromPostings(index.postings.bigrams);
  const traits = chunks.map(traitsOf);
  const fusion = createFusion(chunks.length);

  const understand = (question: string) => understandQuery(question, meetings, segmenter, (w) => words.documentFrequency(w) > 0, vocabulary);

  return {
    chunks,
    understand,
    idf: (term) => words.idf(term),
    documentFrequency: (term) => words.documentFrequency(term),
    async retrieve(question, options = {}) {
      const k = options.k ?? 10;
      const understood = understand(question);
      let neighbours: { index: number; similarity: number }[] | undefined;
      try {
        const vector = await withTimeout(index.embeddings.embedQuery(understood.text), vectorTimeoutMs);
        neighbours = index.searchVector(vector, Math.min(chunks.length, VECTOR_K), VECTOR_EF);
      } catch (err) {
        logger?.warn("vector search failed; answering from BM25 alone", { error: err });
      }
      // From here on synchronous: the scorers' reused buffers cannot be overwritten by another question.
      const wordScores = words.scoreSparse(understood.terms.map(({ term, weight }) => ({ token: term, weight })));
      fusion.add(wordScores, WEIGHTS.words);
      fusion.add(bigrams.scoreSparse(bigramQuery(understood)), WEIGHTS.bigrams);
      if (neighbours) fusion.addVectors(neighbours, WEIGHTS.vector);
      const total = WEIGHTS.words + WEIGHTS.bigrams + (neighbours ? WEIGHTS.vector : 0);
      const results = fusion.top(k, total, (i, score) => score * prior(chunks[i]!, traits[i]!, understood)).map(({ index: i, score }) => ({
        chunk: chunks[i]!,
        score,
      }));
      return { query: toQueryInfo(understood), understood, results, usedVectors: neighbours !== undefined };
    },
  };

  function bigramQuery(q: UnderstoodQuery) {
    const grams = new Map<string, number>();
    for (const { term, weight } of q.terms) for (const g of charBigrams(term)) grams.set(g, Math.max(grams.get(g) ?? 0, weight));
    return [...grams].map(([token, weight]) => ({ token, weight }));
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the embedder did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The most a prior can raise a score (the product of the factors above 1): bounds which candidates can still make the top k. */
const MAX_PRIOR = TYPE_FACTOR * MEETING_VOICE_FACTOR;

/**
 * Score fusion in buffers reused across queries: each source adds its max-normalised scores for the
 * documents it touched, and `top` selects the best k with a small heap, so no query sorts or even
 * visits every chunk.
 */
function createFusion(n: number) {
  const fused = new Float64Array(n);
  const seen = new Uint8Array(n);
  const touched = new Uint32Array(n);
  let count = 0;
  const touch = (doc: number) => {
    if (!seen[doc]) {
      seen[doc] = 1;
      touched[count++] = doc;
    }
  };
  return {
    add(source: SparseScores, weight: number) {
      if (!source.max) return;
      for (let i = 0; i < source.count; i++) {
        const doc = source.docs[i]!;
        touch(doc);
        fused[doc]! += (weight * source.scores[doc]!) / source.max;
      }
    },
    addVectors(neighbours: readonly { index: number; similarity: number }[], weight: number) {
      let max = 0;
      for (const { similarity } of neighbours) if (similarity > max) max = similarity;
      if (!max) return;
      for (const { index, similarity } of neighbours) {
        if (similarity <= 0) continue;
        touch(index);
        fused[index]! += (weight * similarity) / max;
      }
    },
    /** The best k by adjusted score (ties: earlier chunk first), then clears the buffers. */
    top(k: number, total: number, adjust: (doc: number, score: number) => number): { index: number; score: number }[] {
      const heap: { index: number; score: number }[] = [];
      const worse = (a: { index: number; score: number }, b: { index: number; score: number }) =>
        a.score < b.score || (a.score === b.score && a.index > b.index);
      for (let i = 0; i < count; i++) {
        const doc = touched[i]!;
        const score = fused[doc]! / total;
        if (score <= 0) continue;
        // A candidate that cannot beat the current k-th even with the largest prior is skipped without computing its prior.
        if (heap.length === k && score * MAX_PRIOR < heap[0]!.score) continue;
        const adjusted = adjust(doc, score);
        if (!(adjusted > 0)) continue;
        const entry = { index: doc, score: adjusted };
        if (heap.length < k) {
          heap.push(entry);
          siftUp(heap, heap.length - 1, worse);
        } else if (worse(heap[0]!, entry)) {
          heap[0] = entry;
          siftDown(heap, 0, worse);
        }
      }
      for (let i = 0; i < count; i++) {
        fused[touched[i]!] = 0;
        seen[touched[i]!] = 0;
      }
      count = 0;
      return heap.sort((a, b) => (worse(a, b) ? 1 : worse(b, a) ? -1 : 0));
    },
  };
}

function siftUp<T>(heap: T[], i: number, worse: (a: T, b: T) => boolean): void {
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (!worse(heap[i]!, heap[parent]!)) return;
    [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
    i = parent;
  }
}

function siftDown<T>(heap: T[], i: number, worse: (a: T, b: T) => boolean): void {
  for (;;) {
    const l = 2 * i + 1;
    const r = l + 1;
    let least = i;
    if (l < heap.length && worse(heap[l]!, heap[least]!)) least = l;
    if (r < heap.length && worse(heap[r]!, heap[least]!)) least = r;
    if (least === i) return;
    [heap[i], heap[least]] = [heap[least]!, heap[i]!];
    i = least;
  }
}

/** What the priors need from a chunk's text, computed once at load so a query does no regex work per chunk. */
interface ChunkTraits {
  /** Answer types whose kind of content the chunk has. */
  types: Set<AnswerType>;
  /** Years of the meetings it names ("2025年度…"). */
  years: number[];
  /** It states the meeting's own position (会议指出/强调…). */
  meetingVoice: boolean;
}

const ANSWER_TYPES: readonly AnswerType[] = ["place", "person", "date", "number", "theme", "document", "speech", "list"];

function traitsOf(chunk: Chunk): ChunkTraits {
  return {
    types: new Set(ANSWER_TYPES.filter((t) => typeBonus(chunk.text, t) > 0)),
    years: [...chunk.text.matchAll(/(\d{4})年度/g)].map((m) => Number(m[1])),
    meetingVoice: /^会议(指出|强调|认为|提出|要求)/.test(chunk.text),
  };
}

function prior(chunk: Chunk, traits: ChunkTraits, q: UnderstoodQuery): number {
  if (q.requiredText && !chunk.text.includes(q.requiredText)) return 0;
  let factor = 1;
  if (q.meetingIds.length && !q.meetingIds.includes(chunk.meetingId)) factor *= OTHER_MEETING_FACTOR;
  if (q.articleKind && chunk.articleKind !== q.articleKind) factor *= OTHER_KIND_FACTOR;
  if (chunk.paragraph === 0) factor *= HEADLINE_FACTOR;
  // The kind of content the question wants (a place, a date, a theme…).
  if (traits.types.has(q.answerType)) factor *= TYPE_FACTOR;
  // "会议确定，2025年度…在江苏省召开" is about another year's meeting than the one asked about.
  if (traits.years.length && traits.years.every((y) => isOtherMeetingYear(q, y))) factor *= OTHER_YEAR_FACTOR;
  // Meeting reports state the meeting's own positions as 会议指出/强调; a question about what the meeting said wants those.
  if (q.articleKind === "meeting" && traits.meetingVoice) factor *= MEETING_VOICE_FACTOR;
  return factor;
}

function toQueryInfo(q: UnderstoodQuery) {
  return { text: q.text, meetingIds: q.meetingIds, articleKind: q.articleKind, terms: q.terms, language: q.language };
}
