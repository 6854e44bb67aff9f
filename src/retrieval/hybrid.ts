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
import { createBm25 } from "./bm25.js";
import { englishVocabulary, isOtherMeetingYear, understandQuery, type AnswerType, type EnglishVocabulary, type MeetingInfo, type UnderstoodQuery } from "./query.js";
import type { Retrieved, RetrievalResult, Retriever } from "./types.js";

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

/** Builds the retriever. BM25 is built in memory here (milliseconds for this corpus). */
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
  const searchable = chunks.map((c) => `${c.text}`);
  const words = createBm25(searchable.map((t) => segmenter.words(t)));
  const bigrams = createBm25(searchable.map((t) => charBigrams(t)));
  const traits = chunks.map(traitsOf);

  const understand = (question: string) => understandQuery(question, meetings, segmenter, (w) => words.documentFrequency(w) > 0, vocabulary);

  return {
    chunks,
    understand,
    idf: (term) => words.idf(term),
    documentFrequency: (term) => words.documentFrequency(term),
    async retrieve(question, options = {}) {
      const k = options.k ?? 10;
      const understood = understand(question);
      const wordScores = words.score(understood.terms.map(({ term, weight }) => ({ token: term, weight })));
      const bigramScores = bigrams.score(bigramQuery(understood));
      let vectorScores: Float64Array | undefined;
      try {
        const vector = await withTimeout(index.embeddings.embedQuery(understood.text), vectorTimeoutMs);
        vectorScores = new Float64Array(chunks.length);
        for (const { index: i, similarity } of index.searchVector(vector, Math.min(chunks.length, 100))) {
          vectorScores[i] = Math.max(0, similarity);
        }
      } catch (err) {
        logger?.warn("vector search failed; answering from BM25 alone", { error: err });
      }
      const fused = fuse(wordScores, bigramScores, vectorScores);
      const scored: Retrieved[] = [];
      fused.forEach((score, i) => {
        if (score <= 0) return;
        const chunk = chunks[i]!;
        const adjusted = score * prior(chunk, traits[i]!, understood);
        if (adjusted > 0) scored.push({ chunk, score: adjusted });
      });
      scored.sort((a, b) => b.score - a.score);
      return { query: toQueryInfo(understood), understood, results: scored.slice(0, k), usedVectors: vectorScores !== undefined };
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

function fuse(words: Float64Array, bigrams: Float64Array, vectors: Float64Array | undefined): Float64Array {
  const maxW = max(words);
  const maxB = max(bigrams);
  const maxV = vectors ? max(vectors) : 0;
  const total = WEIGHTS.words + WEIGHTS.bigrams + (vectors ? WEIGHTS.vector : 0);
  const out = new Float64Array(words.length);
  for (let i = 0; i < words.length; i++) {
    const s =
      (maxW ? (WEIGHTS.words * words[i]!) / maxW : 0) +
      (maxB ? (WEIGHTS.bigrams * bigrams[i]!) / maxB : 0) +
      (vectors && maxV ? (WEIGHTS.vector * vectors[i]!) / maxV : 0);
    out[i] = s / total;
  }
  return out;
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

function max(a: Float64Array): number {
  let m = 0;
  for (const x of a) if (x > m) m = x;
  return m;
}

function toQueryInfo(q: UnderstoodQuery) {
  return { text: q.text, meetingIds: q.meetingIds, articleKind: q.articleKind, terms: q.terms, language: q.language };
}
