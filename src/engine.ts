/**
 * Opens the question-answering core: loads the corpus, loads the index (building
 * it when missing or stale), and wires retrieval to the extractive answerer.
 * Entry points (CLI, bot) call this once and share the result.
 */
import { createExtractiveAnswerer, type ExtractiveAnswerer } from "./answer/extractive.js";
import { loadCorpus } from "./corpus/load.js";
import { personNames } from "./corpus/names.js";
import type { Corpus, DroppedArticle } from "./corpus/types.js";
import { chunkCorpus } from "./index/chunk.js";
import { localEmbedderFactory } from "./index/embedders.js";
import { createSegmenter, type Segmenter } from "./index/segmenter.js";
import { buildIndex, INDEX_FORMAT_VERSION, loadIndex, readIndexArtefact, readIndexManifest, type EmbedderFactory, type LoadedIndex } from "./index/store.js";
import type { Logger } from "./logger.js";
import { silentLogger } from "./logger.js";
import { extractKnowledge, type Knowledge } from "./knowledge/extract.js";
import { corpusVocabulary } from "./retrieval/query.js";
import { createHybridRetriever, type HybridRetriever } from "./retrieval/hybrid.js";
import { THEME_WEIGHTS_FILE, themeWeightsArtefact } from "./trend/weights.js";

/** The opened core. */
export interface Engine {
  corpus: Corpus;
  index: LoadedIndex;
  retriever: HybridRetriever;
  /** The offline extractive answerer (also the LLM answerer's fallback). */
  extractive: ExtractiveAnswerer;
  segmenter: Segmenter;
  /** Facts read from the reports (posts, dates, places, themes, documents, next hosts). */
  knowledge: Knowledge;
  /** The theme weights saved with the index (themes.json), as read; src/trend checks and uses them. */
  themeWeights: unknown;
  /** Whether this call built the index, and why. */
  built?: string | undefined;
}

/** Options for opening the core. */
export interface EngineOptions {
  corpusDir: string;
  indexDir: string;
  /** Defaults to the local embedder. */
  embedder?: (segmenter: Segmenter) => EmbedderFactory;
  /** "auto": build when missing or stale (ask/start); "force": always rebuild (ingest). */
  build?: "auto" | "force";
  logger?: Logger;
  onFile?: (event: { file: string; meetingId: string; articles: number; paragraphs: number }) => void;
  onDropped?: (dropped: DroppedArticle) => void;
  onEmbedProgress?: (done: number, total: number) => void;
  segmenter?: Segmenter;
}

/**
 * Loads the corpus and index and returns the wired core.
 * @throws CorpusError for corpus problems, IndexError for a damaged index (each says how to fix it).
 */
export async function openEngine(options: EngineOptions): Promise<Engine> {
  const logger = options.logger ?? silentLogger;
  const segmenter = options.segmenter ?? createSegmenter();
  const corpus = loadCorpus(options.corpusDir, { onFile: options.onFile, onDropped: options.onDropped });
  const people = personNames(corpus);
  segmenter.learn(people);
  const factory = (options.embedder ?? ((s: Segmenter) => localEmbedderFactory(s)))(segmenter);

  const reason = options.build === "force" ? "requested" : staleReason(options.indexDir, corpus.hash, factory);
  let index: LoadedIndex;
  let themeWeights: unknown;
  if (reason) {
    logger.info("building index", { reason, dir: options.indexDir });
    const chunks = chunkCorpus(corpus);
    themeWeights = themeWeightsArtefact(chunks);
    index = await buildIndex({
      dir: options.indexDir,
      chunks,
      corpusHash: corpus.hash,
      factory,
      onProgress: options.onEmbedProgress,
      artefacts: { [THEME_WEIGHTS_FILE]: themeWeights },
    });
  } else {
    index = loadIndex(options.indexDir, factory);
    themeWeights = readIndexArtefact(options.indexDir, THEME_WEIGHTS_FILE);
  }
  // English spellings of the corpus' own people and places, so a new report's officials are known in English.
  const vocabulary = corpusVocabulary(people, corpus.meetings);
  const retriever = createHybridRetriever({ index, meetings: corpus.meetings, segmenter, logger, vocabulary });
  const knowledge = extractKnowledge(corpus.meetings, index.chunks, people);
  const extractive = createExtractiveAnswerer({ retriever, meetings: corpus.meetings, people: new Set(people), knowledge, partOfSpeech: segmenter.partOfSpeech });
  return { corpus, index, retriever, extractive, segmenter, knowledge, themeWeights, built: reason };
}

/** Why the index must be rebuilt, or undefined when it is current. */
function staleReason(dir: string, corpusHash: string, factory: EmbedderFactory): string | undefined {
  const manifest = readIndexManifest(dir);
  if (!manifest) return "no index yet";
  if (manifest.version !== INDEX_FORMAT_VERSION) return "the index format changed";
  if (manifest.corpusHash !== corpusHash) return "the corpus changed";
  const e = manifest.embedder;
  if (e.name !== factory.spec.name || (e.model ?? "") !== (factory.spec.model ?? "")) {
    return `the embedder changed (${e.name}${e.model ? `:${e.model}` : ""} → ${factory.spec.name}${factory.spec.model ? `:${factory.spec.model}` : ""})`;
  }
  return undefined;
}
