/**
 * Hybrid retrieval: BM25 over jieba words and over character bigrams, plus the
 * vector search, fused by normalised score; then the meeting the question
 * names is preferred. If the embedder fails (an API outage), BM25 still answers.
 */
import { LRUCache } from "lru-cache";
import type { Chunk } from "../index/chunk.js";
import { escapeRegExp } from "../text/regexp.js";
import { charBigrams, type Segmenter } from "../index/segmenter.js";
import type { LoadedIndex } from "../index/store.js";
import type { Logger } from "../logger.js";
import { typeBonus } from "./answer-types.js";
import { bm25FromPostings, type SparseScores } from "./bm25.js";
import {
  englishVocabulary,
  isOtherMeetingYear,
  understandQuery,
  type AnswerType,
  type EnglishVocabulary,
  type MeetingInfo,
  type UnderstoodQuery,
} from "./query.js";
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
  // Computed when a chunk first reaches the priors: a start does no regex work per chunk, and a query only for its few candidates.
  const traits: (ChunkTraits | undefined)[] = new Array(chunks.length);
  const traitsAt = (i: number) => (traits[i] ??= traitsOf(chunks[i]!));
  // The chunk fields the priors read, in arrays, so that bounding a candidate's prior touches no object.
  const byMeeting = new Map<string, number[]>();
  const headline = new Uint8Array(chunks.length);
  const forum = new Uint8Array(chunks.length);
  chunks.forEach((chunk, i) => {
    const list = byMeeting.get(chunk.meetingId);
    if (list) list.push(i);
    else byMeeting.set(chunk.meetingId, [i]);
    headline[i] = chunk.paragraph === 0 ? 1 : 0;
    forum[i] = chunk.articleKind === "forum" ? 1 : 0;
  });
  const inNamed = new Uint8Array(chunks.length);
  const fusion = createFusion(chunks.length);

  const known = (w: string) => words.documentFrequency(w) > 0;
  const longForm = abbreviations(chunks, segmenter);
  const understand = (question: string) => understandQuery(question, meetings, segmenter, known, vocabulary, longForm);

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
      const named = new Set(understood.meetingIds);
      // The named meetings' chunks are the likely winners: scoring them first sets a high bar early.
      const seeds = understood.meetingIds.flatMap((id) => byMeeting.get(id) ?? []);
      for (const i of seeds) inNamed[i] = 1;
      // The largest prior a chunk can get, from the factors known without its traits (a little over, never under).
      const kind = understood.articleKind === undefined ? -1 : understood.articleKind === "forum" ? 1 : 0;
      const most = TYPE_FACTOR * (understood.articleKind === "meeting" ? MEETING_VOICE_FACTOR : 1) * (1 + 1e-9);
      const cap = (i: number) =>
        most *
        (named.size && !inNamed[i] ? OTHER_MEETING_FACTOR : 1) *
        (kind >= 0 && forum[i] !== kind ? OTHER_KIND_FACTOR : 1) *
        (headline[i] ? HEADLINE_FACTOR : 1);
      const adjust = (i: number, score: number) => score * prior(chunks[i]!, traitsAt(i), understood, named);
      // Only chunks that can contain the required text can score above 0.
      const within = understood.requiredText ? mayContain(understood.requiredText) : undefined;
      const top = fusion.top(k, total, adjust, { seeds, cap, within });
      for (const i of seeds) inNamed[i] = 0;
      const results = top.map(({ index: i, score }) => ({ chunk: chunks[i]!, score }));
      return { query: toQueryInfo(understood), understood, results, usedVectors: neighbours !== undefined };
    },
  };

  /**
   * The chunks that may contain `text` (a superset, from the bigram postings), or undefined when the
   * postings cannot narrow it. A Han run of two or more characters inside `text` has all its bigrams in
   * any chunk containing `text`; a run of letters or digits is part of some indexed run that contains it.
   */
  function mayContain(text: string): Uint8Array | undefined {
    const lists: Uint32Array[] = [];
    for (const run of text.toLowerCase().match(/\p{Script=Han}{2,}|[a-z0-9]+/gu) ?? []) {
      if (/\p{Script=Han}/u.test(run)) {
        for (let i = 0; i + 1 < run.length; i++) lists.push(bigrams.documentsWith(run.slice(i, i + 2)));
      } else {
        const union = new Set<number>();
        for (const token of bigrams.tokens)
          if (token.includes(run)) for (const doc of bigrams.documentsWith(token)) union.add(doc);
        lists.push(Uint32Array.from(union));
      }
    }
    if (!lists.length) return undefined;
    lists.sort((a, b) => a.length - b.length);
    const marks = new Uint8Array(chunks.length);
    for (const doc of lists[0]!) marks[doc] = 1;
    for (let l = 1; l < lists.length; l++) {
      const here = new Uint8Array(chunks.length);
      for (const doc of lists[l]!) if (marks[doc]) here[doc] = 1;
      marks.set(here);
    }
    return marks;
  }

  function bigramQuery(q: UnderstoodQuery) {
    const grams = new Map<string, number>();
    for (const { term, weight } of q.terms)
      for (const g of charBigrams(term)) grams.set(g, Math.max(grams.get(g) ?? 0, weight));
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
    /**
     * The best k by adjusted score (ties: earlier chunk first), then clears the buffers. The candidates
     * with the highest fused scores (and the `seeds`) are adjusted first, so the k-th best is high from
     * the start and most of the rest are skipped on their fused score alone, or on `cap`, a bound of
     * the prior a doc can get (at most MAX_PRIOR). `within` marks the only chunks that can score above 0.
     */
    top(
      k: number,
      total: number,
      adjust: (doc: number, score: number) => number,
      options: { seeds?: readonly number[]; cap?: (doc: number) => number; within?: Uint8Array | undefined } = {},
    ): { index: number; score: number }[] {
      const { within, cap } = options;
      const heap: { index: number; score: number }[] = [];
      const worse = (a: { index: number; score: number }, b: { index: number; score: number }) =>
        a.score < b.score || (a.score === b.score && a.index > b.index);
      // seen[doc] = 2: adjusted already (by the first pass).
      const consider = (doc: number) => {
        if (seen[doc] === 2 || (within && !within[doc])) return;
        const score = fused[doc]! / total;
        if (seen[doc]) seen[doc] = 2;
        if (score <= 0) return;
        // A candidate that cannot beat the current k-th even with the largest prior is skipped without computing its prior.
        if (heap.length === k && score * MAX_PRIOR < heap[0]!.score) return;
        if (cap && heap.length === k && score * cap(doc) < heap[0]!.score) return;
        const adjusted = adjust(doc, score);
        if (!(adjusted > 0)) return;
        const entry = { index: doc, score: adjusted };
        if (heap.length < k) {
          heap.push(entry);
          siftUp(heap, heap.length - 1, worse);
        } else if (worse(heap[0]!, entry)) {
          heap[0] = entry;
          siftDown(heap, 0, worse);
        }
      };
      if (k > 0) {
        for (const doc of bestFused(options.seeds ?? [], options.seeds?.length ?? 0, k, within)) consider(doc);
        for (const doc of bestFused(touched, count, k, within)) consider(doc);
        for (let i = 0; i < count; i++) consider(touched[i]!);
      }
      for (let i = 0; i < count; i++) {
        fused[touched[i]!] = 0;
        seen[touched[i]!] = 0;
      }
      count = 0;
      return heap.sort((a, b) => (worse(a, b) ? 1 : worse(b, a) ? -1 : 0));
    },
  };

  /** The (at most) `m` docs of `list[0..length)` with the highest fused scores, in no particular order: a min-heap of numbers. */
  function bestFused(list: ArrayLike<number>, length: number, m: number, within: Uint8Array | undefined): number[] {
    const docs: number[] = [];
    const scores: number[] = [];
    const swap = (a: number, b: number) => {
      [docs[a], docs[b]] = [docs[b]!, docs[a]!];
      [scores[a], scores[b]] = [scores[b]!, scores[a]!];
    };
    for (let i = 0; i < length; i++) {
      const doc = list[i]!;
      const score = fused[doc]!;
      if (score <= 0 || (within && !within[doc])) continue;
      if (docs.length < m) {
        let at = docs.push(doc) - 1;
        scores.push(score);
        while (at > 0 && scores[(at - 1) >> 1]! > scores[at]!) {
          swap(at, (at - 1) >> 1);
          at = (at - 1) >> 1;
        }
      } else if (score > scores[0]!) {
        docs[0] = doc;
        scores[0] = score;
        for (let at = 0; ; ) {
          const l = 2 * at + 1;
          let least = at;
          if (l < m && scores[l]! < scores[least]!) least = l;
          if (l + 1 < m && scores[l + 1]! < scores[least]!) least = l + 1;
          if (least === at) break;
          swap(at, least);
          at = least;
        }
      }
    }
    return docs;
  }
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

const ANSWER_TYPES: readonly AnswerType[] = [
  "place",
  "person",
  "date",
  "number",
  "theme",
  "document",
  "speech",
  "list",
];

function traitsOf(chunk: Chunk): ChunkTraits {
  return {
    types: new Set(ANSWER_TYPES.filter((t) => typeBonus(chunk.text, t) > 0)),
    years: [...chunk.text.matchAll(/(\d{4})年度/g)].map((m) => Number(m[1])),
    meetingVoice: /^会议(指出|强调|认为|提出|要求)/.test(chunk.text),
  };
}

function prior(chunk: Chunk, traits: ChunkTraits, q: UnderstoodQuery, named: ReadonlySet<string>): number {
  if (q.requiredText && !chunk.text.includes(q.requiredText)) return 0;
  let factor = 1;
  if (named.size && !named.has(chunk.meetingId)) factor *= OTHER_MEETING_FACTOR;
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

/** Particles and function words, which no name's word is. */
const PARTICLE = /^(的|了|是|在|和|与|及|等|之|地|得|着|过|也|都|就|还|又|而|或)$/u;

/**
 * Abbreviations read from the reports themselves: a word they never use whose characters appear, in order,
 * in a longer name they do use, as the first characters of its words (发改委 → 发展|改革|委; 一共 is not
 * 一体化|公共). The name is at most twice as long plus one.
 * The most frequent such name wins; answers are remembered, as one question asks few of them.
 */
function abbreviations(chunks: readonly Chunk[], segmenter: Segmenter): (word: string) => string | undefined {
  // "" remembers that a word abbreviates nothing.
  const found = new LRUCache<string, string>({ max: 1000 });
  let texts: string | undefined;
  return (word) => {
    if (!/^\p{Script=Han}{2,4}$/u.test(word)) return undefined;
    // A place or person name the dictionary knows (江南) abbreviates nothing: it is a name of its own.
    if (/^(ns|nr)/u.test(segmenter.partOfSpeech(word))) return undefined;
    const known = found.get(word);
    if (known !== undefined) return known || undefined;
    // Distinct paragraphs once: a corpus repeated at scale is searched like the original.
    texts ??= [...new Set(chunks.map((c) => c.text))].join("\n");
    const chars = [...word];
    const pattern = new RegExp(chars.map(escapeRegExp).join("\\p{Script=Han}{0,3}?"), "gu");
    const counts = new Map<string, number>();
    for (const m of texts.matchAll(pattern)) {
      const long = m[0];
      if (long.length <= word.length || long.length > word.length * 2 + 1) continue;
      // The abbreviation is the first characters of the name's words (发展|改革|委), not any characters of it.
      const words = segmenter.preciseWords(long);
      const initials = words.map((w) => w[0]).join("");
      // Only a name's last word may be one character (…委), and never a particle: 目的 is not 目标|的.
      const nameLike = words.every((w, i) => (w.length >= 2 || i === words.length - 1) && !PARTICLE.test(w));
      if (initials === word && nameLike) counts.set(long, (counts.get(long) ?? 0) + 1);
    }
    const best = [...counts].sort((a, b) => b[1] - a[1])[0]?.[0];
    found.set(word, best ?? "");
    return best;
  };
}
