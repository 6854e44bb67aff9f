/** Okapi BM25 over pre-tokenised documents. Small and exact; the corpus fits in memory many times over. */

/** A BM25 index over documents given as token lists. */
export interface Bm25 {
  /** Scores every document for the query tokens (weights multiply each token's contribution). */
  score(query: readonly { token: string; weight: number }[]): Float64Array;
  /** Inverse document frequency of a token (0 when no document has it). */
  idf(token: string): number;
  /** How many documents contain the token. */
  documentFrequency(token: string): number;
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
  const postings = new Map<string, { doc: number; tf: number }[]>();
  const lengths = new Float64Array(documents.length);
  documents.forEach((tokens, doc) => {
    lengths[doc] = tokens.length;
    const counts = new Map<string, number>();
    for (const t of tokens) counts.set(t, (counts.get(t) ?? 0) + 1);
    for (const [token, tf] of counts) {
      let list = postings.get(token);
      if (!list) postings.set(token, (list = []));
      list.push({ doc, tf });
    }
  });
  const n = documents.length;
  const avg = n ? lengths.reduce((a, x) => a + x, 0) / n : 0;
  const idf = (token: string) => {
    const df = postings.get(token)?.length ?? 0;
    return df ? Math.log(1 + (n - df + 0.5) / (df + 0.5)) : 0;
  };
  return {
    size: n,
    idf,
    documentFrequency: (token) => postings.get(token)?.length ?? 0,
    score(query) {
      const scores = new Float64Array(n);
      for (const { token, weight } of query) {
        const list = postings.get(token);
        if (!list || (n >= LARGE_INDEX && list.length > n * MAX_DOCUMENT_SHARE)) continue;
        const w = idf(token) * weight;
        for (const { doc, tf } of list) {
          const norm = tf + k1 * (1 - b + (b * lengths[doc]!) / (avg || 1));
          scores[doc]! += (w * tf * (k1 + 1)) / norm;
        }
      }
      return scores;
    },
  };
}
