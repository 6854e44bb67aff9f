/**
 * Okapi BM25 over typed-array postings. Each posting's length-normalised term weight is computed
 * once at load, so a query only multiplies by the term's IDF and adds, touching just the documents
 * that contain a query term.
 */
import { buildPostings, type Postings } from "../index/postings.js";

/** Scores of the documents a query touched: `docs[0..count)` with `scores[docs[i]]`. Valid until the next call. */
export interface SparseScores {
  docs: Uint32Array;
  count: number;
  /** Dense by document; only the touched entries are non-zero. */
  scores: Float64Array;
  /** The highest score (0 when nothing matched). */
  max: number;
}

/** A BM25 index over documents given as token lists. */
export interface Bm25 {
  /** Scores every document for the query tokens (weights multiply each token's contribution). A new array per call. */
  score(query: readonly { token: string; weight: number }[]): Float64Array;
  /**
   * The same scores, in buffers reused from call to call: the hot path of retrieval, with no
   * allocation and no pass over untouched documents. Read the result before the next call.
   */
  scoreSparse(query: readonly { token: string; weight: number }[]): SparseScores;
  /** Inverse document frequency of a token (0 when no document has it). */
  idf(token: string): number;
  /** How many documents contain the token. */
  documentFrequency(token: string): number;
  /** The documents that contain the token, ascending (a view into the postings: do not modify); empty when none. */
  documentsWith(token: string): Uint32Array;
  /** Every token of the index (its vocabulary). */
  readonly tokens: readonly string[];
  readonly size: number;
}

/**
 * In a large index, tokens in more than this share of documents are skipped when
 * scoring: they barely change the ranking (their IDF is near 0) but cost a pass over
 * almost every document. Small indexes score every token.
 */
const MAX_DOCUMENT_SHARE = 0.4;
const LARGE_INDEX = 1000;

/** Builds a BM25 index (k1 = 1.2, b = 0.75 unless given). */
export function createBm25(documents: readonly (readonly string[])[], k1 = 1.2, b = 0.75): Bm25 {
  return bm25FromPostings(buildPostings(documents), k1, b);
}

/** A BM25 index over postings saved at ingest. */
export function bm25FromPostings(postings: Postings, k1 = 1.2, b = 0.75): Bm25 {
  const { terms, offsets, docs, tfs, lengths } = postings;
  const n = lengths.length;
  const ids = new Map<string, number>();
  terms.forEach((t, i) => ids.set(t, i));
  let sum = 0;
  for (const x of lengths) sum += x;
  const avg = n ? sum / n : 0;
  const weights = new Float32Array(docs.length);
  for (let i = 0; i < docs.length; i++) {
    const tf = tfs[i]!;
    weights[i] = (tf * (k1 + 1)) / (tf + k1 * (1 - b + (b * lengths[docs[i]!]!) / (avg || 1)));
  }
  const df = (token: string) => {
    const id = ids.get(token);
    return id === undefined ? 0 : offsets[id + 1]! - offsets[id]!;
  };
  const idf = (token: string) => {
    const f = df(token);
    return f ? Math.log(1 + (n - f + 0.5) / (f + 0.5)) : 0;
  };
  const dense = new Float64Array(n);
  const touched = new Uint32Array(n);
  let count = 0;

  const scoreSparse = (query: readonly { token: string; weight: number }[]): SparseScores => {
    for (let i = 0; i < count; i++) dense[touched[i]!] = 0;
    count = 0;
    for (const { token, weight } of query) {
      const id = ids.get(token);
      if (id === undefined) continue;
      const from = offsets[id]!;
      const to = offsets[id + 1]!;
      if (n >= LARGE_INDEX && to - from > n * MAX_DOCUMENT_SHARE) continue;
      const w = idf(token) * weight;
      if (!(w > 0)) continue;
      for (let p = from; p < to; p++) {
        const doc = docs[p]!;
        // A document's first contribution can never be 0 (IDF and the weight are positive), which marks it as touched.
        if (dense[doc] === 0) touched[count++] = doc;
        dense[doc]! += w * weights[p]!;
      }
    }
    let max = 0;
    for (let i = 0; i < count; i++) if (dense[touched[i]!]! > max) max = dense[touched[i]!]!;
    return { docs: touched, count, scores: dense, max };
  };

  const none = new Uint32Array(0);
  return {
    size: n,
    tokens: terms,
    idf,
    documentFrequency: df,
    documentsWith(token) {
      const id = ids.get(token);
      return id === undefined ? none : docs.subarray(offsets[id]!, offsets[id + 1]!);
    },
    scoreSparse,
    score(query) {
      const sparse = scoreSparse(query);
      const out = new Float64Array(n);
      for (let i = 0; i < sparse.count; i++) out[sparse.docs[i]!] = sparse.scores[sparse.docs[i]!]!;
      return out;
    },
  };
}
