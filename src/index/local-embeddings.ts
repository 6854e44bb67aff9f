/**
 * The offline embedder: no network, no downloaded model. Each text becomes a
 * hashed bag of its jieba words and character bigrams, weighted by TF-IDF
 * learned from the corpus at ingest, then L2-normalised, so cosine similarity
 * is the TF-IDF cosine. Character bigrams give partial credit where the
 * segmentation of a question and a report differ (三垟湿地 vs 三垟 湿地).
 */
import { Embeddings } from "@langchain/core/embeddings";
import { charBigrams, type Segmenter } from "./segmenter.js";

/** What is saved in the index so the same vectors are produced at question time. */
export interface LocalEmbeddingsState {
  dimensions: number;
  documents: number;
  /** Document frequency per feature (words as-is, bigrams prefixed with "~"). */
  df: Record<string, number>;
}

/** The embedder's identity in an index manifest; a different one means a rebuild. */
export const LOCAL_EMBEDDER_NAME = "local-tfidf-hash-v1";

/** Local TF-IDF hashing embeddings behind LangChain's `Embeddings` interface. */
export class LocalEmbeddings extends Embeddings {
  readonly dimensions: number;
  private readonly df: Map<string, number>;
  private readonly documents: number;

  constructor(
    private readonly segmenter: Segmenter,
    state: LocalEmbeddingsState,
  ) {
    super({});
    this.dimensions = state.dimensions;
    this.documents = state.documents;
    this.df = new Map(Object.entries(state.df));
  }

  /** Learns document frequencies from the corpus' chunks. */
  static fit(segmenter: Segmenter, texts: readonly string[], dimensions = 1024): LocalEmbeddings {
    const df: Record<string, number> = {};
    for (const text of texts) {
      for (const feature of new Set(features(segmenter, text))) df[feature] = (df[feature] ?? 0) + 1;
    }
    return new LocalEmbeddings(segmenter, { dimensions, documents: texts.length, df });
  }

  /**
   * Learns document frequencies from features segmented once at ingest (see `features`): ids into
   * `names`, one list per chunk. Gives the same embedder as `fit` on the texts.
   */
  static fitIds(
    segmenter: Segmenter,
    names: readonly string[],
    documents: { length: number; at(i: number): Uint32Array },
    dimensions = 1024,
  ): LocalEmbeddings {
    const counts = new Uint32Array(names.length);
    const seen = new Uint32Array(names.length);
    for (let d = 0; d < documents.length; d++) {
      for (const id of documents.at(d)) {
        if (seen[id] !== d + 1) {
          seen[id] = d + 1;
          counts[id]!++;
        }
      }
    }
    const df: Record<string, number> = {};
    counts.forEach((c, id) => {
      if (c) df[names[id]!] = c;
    });
    return new LocalEmbeddings(segmenter, { dimensions, documents: documents.length, df });
  }

  /** Embeds a chunk from its feature ids (as given to `fitIds`): the same vector as `embed` on its text, in 32-bit floats. */
  embedIds(ids: Uint32Array, names: readonly string[]): Float32Array {
    return Float32Array.from(this.vectorOf(ids, (id) => names[id]!));
  }

  /** The state to save next to the vectors. */
  toJSON(): LocalEmbeddingsState {
    return { dimensions: this.dimensions, documents: this.documents, df: Object.fromEntries(this.df) };
  }

  override async embedDocuments(documents: string[]): Promise<number[][]> {
    return documents.map((d) => this.embed(d));
  }

  override async embedQuery(document: string): Promise<number[]> {
    return this.embed(document);
  }

  /** Synchronous embedding, for hot paths that need no promise. */
  embed(text: string): number[] {
    return this.vectorOf(features(this.segmenter, text), (f) => f);
  }

  private vectorOf<T>(items: Iterable<T>, name: (item: T) => string): number[] {
    const byItem = new Map<T, number>();
    for (const item of items) byItem.set(item, (byItem.get(item) ?? 0) + 1);
    const counts = new Map<string, number>();
    for (const [item, tf] of byItem) counts.set(name(item), tf);
    const vector = new Array<number>(this.dimensions).fill(0);
    for (const [feature, tf] of counts) {
      const idf = Math.log(1 + this.documents / (1 + (this.df.get(feature) ?? 0)));
      const weight = (1 + Math.log(tf)) * idf * (feature.startsWith("~") ? 0.5 : 1);
      const h = fnv1a(feature);
      // A sign bit from the hash keeps collisions from adding up systematically.
      vector[h % this.dimensions]! += h & 0x80000000 ? -weight : weight;
    }
    const norm = Math.hypot(...vector) || 1;
    return vector.map((v) => v / norm);
  }
}

/** What a text is embedded from: its jieba words, then its character bigrams prefixed with "~". */
export function features(segmenter: Segmenter, text: string): string[] {
  return [...segmenter.words(text), ...charBigrams(text).map((g) => `~${g}`)];
}

function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
