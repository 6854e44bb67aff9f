/** Embedder factories for the index: the local one (default) and any API embedder behind LangChain's interface. */
import type { EmbeddingsInterface } from "@langchain/core/embeddings";
import { embedText } from "./chunk.js";
import { IndexError } from "./errors.js";
import { LOCAL_EMBEDDER_NAME, LocalEmbeddings, type LocalEmbeddingsState } from "./local-embeddings.js";
import type { Segmenter } from "./segmenter.js";
import type { EmbedderFactory } from "./store.js";

/** The offline embedder: learns IDF from the chunks at build time and saves it with the index. */
export function localEmbedderFactory(segmenter: Segmenter, dimensions = 1024): EmbedderFactory {
  return {
    spec: { name: LOCAL_EMBEDDER_NAME },
    async create(chunks) {
      const embeddings = LocalEmbeddings.fit(segmenter, chunks.map(embedText), dimensions);
      return { embeddings, state: embeddings.toJSON() };
    },
    createSegmented(segmented) {
      const embeddings = LocalEmbeddings.fitIds(
        segmenter,
        segmented.names,
        { length: segmented.length, at: segmented.features },
        dimensions,
      );
      return {
        embeddings,
        state: embeddings.toJSON(),
        embed: (i) => embeddings.embedIds(segmented.features(i), segmented.names),
      };
    },
    restore(state) {
      if (!state || typeof state !== "object" || !("df" in state)) {
        throw new IndexError(
          "The local embedder's state is missing from the index. Run `npm run ingest` to rebuild it.",
        );
      }
      return new LocalEmbeddings(segmenter, state as LocalEmbeddingsState);
    },
  };
}

/** An API embedder (e.g. OpenAIEmbeddings): stateless, named by its model so a model change forces a rebuild. */
export function apiEmbedderFactory(embeddings: EmbeddingsInterface, model: string): EmbedderFactory {
  return {
    spec: { name: "openai", model },
    async create() {
      return { embeddings, state: null };
    },
    restore() {
      return embeddings;
    },
  };
}
