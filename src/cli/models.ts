/** Chooses the embedder from config: local unless an API key is set and local embeddings are switched off. */
import type { Config } from "../config.js";
import type { EngineOptions } from "../engine.js";
import { apiEmbedderFactory } from "../index/embedders.js";

/** The embedder factory for this configuration, or undefined for the local default. */
export function embedderFor(config: Config): EngineOptions["embedder"] {
  if (!config.OPENAI_API_KEY || config.USE_LOCAL_EMBEDDINGS) return undefined;
  return () => apiEmbedderFactory(createApiEmbeddings(config), config.OPENAI_EMBEDDING_MODEL ?? "text-embedding-3-small");
}

function createApiEmbeddings(config: Config): never {
  void config;
  throw new Error("API embeddings are wired in with the LLM path");
}
