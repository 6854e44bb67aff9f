/**
 * The naive baseline the bench measures against, in the same run: what a plain script does —
 * segment every chunk with jieba at start, hold BM25 postings as a Map of {doc, tf} objects, and
 * score and sort every chunk for each question. Self-contained on purpose (no code of ours beyond
 * the segmenter), so the same baseline can be run against any version of the project.
 */
import type { Segmenter } from "../index/segmenter.js";

/** A BM25 index as a plain script would build it. */
export function naiveBm25(documents: readonly (readonly string[])[], k1 = 1.2, b = 0.75) {
  const postings = new Map<string, { doc: number; tf: number }[]>();
  const lengths = documents.map((d) => d.length);
  documents.forEach((tokens, doc) => {
    const counts = new Map<string, number>();
    for (const t of tokens) counts.set(t, (counts.get(t) ?? 0) + 1);
    for (const [token, tf] of counts) {
      let list = postings.get(token);
      if (!list) postings.set(token, (list = []));
      list.push({ doc, tf });
    }
  });
  const n = documents.length;
  const avg = lengths.reduce((a, x) => a + x, 0) / (n || 1);
  /** The top k documents for the query tokens, best first. */
  return (query: readonly string[], k = 10): number[] => {
    const scores = new Float64Array(n);
    for (const token of query) {
      const list = postings.get(token);
      if (!list) continue;
      const idf = Math.log(1 + (n - list.length + 0.5) / (list.length + 0.5));
      for (const { doc, tf } of list)
        scores[doc]! += (idf * tf * (k1 + 1)) / (tf + k1 * (1 - b + (b * lengths[doc]!) / (avg || 1)));
    }
    return [...scores.keys()].sort((x, y) => scores[y]! - scores[x]!).slice(0, k);
  };
}

/** Segments the texts and builds the naive index (the baseline's whole start-up). */
export function naiveIndex(texts: readonly string[], segmenter: Segmenter) {
  const search = naiveBm25(texts.map((t) => segmenter.words(t)));
  return (question: string) => search(segmenter.words(question));
}
