/**
 * Opens the question-answering core: loads the corpus, loads the index (building
 * it when missing or stale), and wires retrieval to the extractive answerer.
 * Entry points (CLI, bot) call this once and share the result.
 */
import { createExtractiveAnswerer, type ExtractiveAnswerer } from "./answer/extractive.js";
import { hashCorpus, loadCorpus } from "./corpus/load.js";
import { personNames } from "./corpus/names.js";
import type { Corpus, DroppedArticle } from "./corpus/types.js";
import { IndexError } from "./index/errors.js";
import { chunkCorpus } from "./index/chunk.js";
import { localEmbedderFactory } from "./index/embedders.js";
import { createSegmenter, type Segmenter } from "./index/segmenter.js";
import { documentFrequencies, type Postings } from "./index/postings.js";
import {
  buildIndex,
  decodeText,
  INDEX_FORMAT_VERSION,
  loadIndex,
  openIndex,
  readIndexManifest,
  type EmbedderFactory,
  type IndexManifest,
  type LoadedIndex,
} from "./index/store.js";
import { extractKnowledge, knowledgeFrom, type Knowledge, type MeetingFacts } from "./knowledge/extract.js";
import { silentLogger, type Logger } from "./logger.js";
import { BRIDGE_FILE, buildBridge, createBridge } from "./retrieval/bridge.js";
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
  /** Today, for questions that count years back from it ("去年南京那个论坛"); the system clock by default. */
  now?: () => Date;
}

/**
 * What each index build stores beside its chunks, vectors and postings: derived from the parsed
 * corpus at ingest and read back at start, so a start with an unchanged corpus parses nothing.
 * To persist more (a knowledge layer), add an entry; it is written into the build and checked at load.
 */
const ARTEFACTS = {
  corpus: { file: "corpus.json", derive: (corpus: Corpus): Corpus => corpus },
  people: { file: "people.json", derive: (corpus: Corpus): string[] => personNames(corpus) },
  themes: { file: THEME_WEIGHTS_FILE, derive: (corpus: Corpus) => themeWeightsArtefact(chunkCorpus(corpus)) },
  // Facts read by the knowledge layer's patterns: saved per meeting, read back as they are.
  knowledge: {
    file: "knowledge.json",
    derive: (corpus: Corpus): MeetingFacts[] =>
      extractKnowledge(corpus.meetings, chunkCorpus(corpus), personNames(corpus)).meetings,
  },
  // The dictionary is read at ingest only; a start reads the few thousand entries the corpus uses.
  bridge: { file: BRIDGE_FILE, derive: (_corpus: Corpus, words: Postings) => buildBridge(documentFrequencies(words)) },
};
type Artefacts = { [K in keyof typeof ARTEFACTS]: ReturnType<(typeof ARTEFACTS)[K]["derive"]> };

function deriveArtefacts(corpus: Corpus, words: Postings): Artefacts {
  return Object.fromEntries(Object.entries(ARTEFACTS).map(([key, a]) => [key, a.derive(corpus, words)])) as Artefacts;
}

function readArtefacts(index: LoadedIndex): Artefacts {
  return Object.fromEntries(
    Object.entries(ARTEFACTS).map(([key, a]) => {
      const data = index.artefacts.get(a.file);
      if (!data) throw new IndexError(`The index lacks ${a.file}. Run \`npm run ingest\` to rebuild it.`);
      return [key, JSON.parse(decodeText(data))];
    }),
  ) as Artefacts;
}

/**
 * Opens the core. A start hashes the corpus files and, when the index is current, loads everything
 * from it (no parsing, no segmentation); otherwise it parses the corpus and builds the index.
 * When a rebuild fails for lack of disk space, the previous index keeps serving, with a warning.
 * @throws CorpusError for corpus problems, IndexError for a damaged index or a full disk (each says how to fix it).
 */
export async function openEngine(options: EngineOptions): Promise<Engine> {
  const logger = options.logger ?? silentLogger;
  const segmenter = options.segmenter ?? createSegmenter();
  const factory = (options.embedder ?? ((s: Segmenter) => localEmbedderFactory(s)))(segmenter);

  const reason =
    options.build === "force" ? "requested" : staleReason(options.indexDir, hashCorpus(options.corpusDir), factory);
  let index: LoadedIndex;
  let artefacts: Artefacts;
  if (reason) {
    const corpus = loadCorpus(options.corpusDir, { onFile: options.onFile, onDropped: options.onDropped });
    // Names first, so segmentation keeps them whole; the rest is derived from the segmented words too.
    segmenter.learn(personNames(corpus));
    logger.info("building index", { reason, dir: options.indexDir });
    let derived: Artefacts | undefined;
    try {
      index = await buildIndex({
        dir: options.indexDir,
        chunks: chunkCorpus(corpus),
        corpusHash: corpus.hash,
        factory,
        segmenter,
        artefacts: (words) => {
          derived = deriveArtefacts(corpus, words);
          return Object.fromEntries(
            Object.entries(ARTEFACTS).map(([key, a]) => [a.file, JSON.stringify(derived![key as keyof Artefacts])]),
          );
        },
        onProgress: options.onEmbedProgress,
      });
      artefacts = derived!;
    } catch (err) {
      const previous =
        options.build !== "force" && err instanceof IndexError && err.reason === "disk-full"
          ? usable(options.indexDir, factory)
          : undefined;
      if (!previous) throw err;
      logger.warn(
        `${(err as Error).message} Answering from the previous index (built ${previous.manifest.builtAt}) meanwhile.`,
      );
      const kept = readArtefacts(previous);
      segmenter.learn(kept.people);
      return wire(previous, kept, segmenter, logger, undefined, options.now);
    }
  } else {
    // The vector graph loads on a worker thread while this thread parses the rest and wires the core.
    const opened = openIndex(options.indexDir, factory);
    index = opened.index;
    artefacts = readArtefacts(index);
    segmenter.learn(artefacts.people);
    const engine = wire(index, artefacts, segmenter, logger, reason, options.now);
    await opened.ready;
    return engine;
  }
  return wire(index, artefacts, segmenter, logger, reason, options.now);
}

/**
 * Opens one existing build of the index as it was written (a running bot switching to a build that
 * `npm run ingest` published): it never parses the corpus or builds, so every replica serves exactly
 * what the build holds, whatever its own corpus folder says.
 * @throws IndexError when the build is damaged, gone, or made by another embedder or index format.
 */
export function openIndexBuild(
  options: Pick<EngineOptions, "indexDir" | "embedder" | "logger" | "segmenter" | "now">,
  build: string,
): Engine {
  const segmenter = options.segmenter ?? createSegmenter();
  const factory = (options.embedder ?? ((s: Segmenter) => localEmbedderFactory(s)))(segmenter);
  const manifest = readIndexManifest(options.indexDir, build);
  if (!manifest) throw new IndexError(`No index in ${options.indexDir}. Run \`npm run ingest\` to build it.`);
  const unusable =
    manifest.version !== INDEX_FORMAT_VERSION ? "the index format changed" : embedderChange(manifest, factory);
  if (unusable) throw new IndexError(`The index build ${build} cannot be served by this program: ${unusable}.`);
  const index = loadIndex(options.indexDir, factory, build);
  const artefacts = readArtefacts(index);
  segmenter.learn(artefacts.people);
  return wire(index, artefacts, segmenter, options.logger ?? silentLogger, undefined, options.now);
}

function wire(
  index: LoadedIndex,
  artefacts: Artefacts,
  segmenter: Segmenter,
  logger: Logger,
  built: string | undefined,
  now: () => Date = () => new Date(),
): Engine {
  const { corpus, people, themes, bridge } = artefacts;
  // English spellings of the corpus' own people and places, and its words' English glosses, so a new report is known in English.
  const vocabulary = corpusVocabulary(people, corpus.meetings, createBridge(bridge));
  const retriever = createHybridRetriever({ index, meetings: corpus.meetings, segmenter, logger, vocabulary });
  const knowledge = knowledgeFrom(artefacts.knowledge);
  const extractive = createExtractiveAnswerer({
    retriever,
    meetings: corpus.meetings,
    people: new Set(people),
    knowledge,
    partOfSpeech: segmenter.partOfSpeech,
    now,
  });
  return { corpus, index, retriever, extractive, segmenter, knowledge, themeWeights: themes, built };
}

/** The live index when it can still be served by this program and embedder (its corpus may be older). */
function usable(dir: string, factory: EmbedderFactory): LoadedIndex | undefined {
  try {
    const manifest = readIndexManifest(dir);
    if (!manifest || manifest.version !== INDEX_FORMAT_VERSION || embedderChange(manifest, factory)) return undefined;
    return loadIndex(dir, factory);
  } catch {
    return undefined;
  }
}

/** Why the index must be rebuilt, or undefined when it is current. */
function staleReason(dir: string, corpusHash: string, factory: EmbedderFactory): string | undefined {
  const manifest = readIndexManifest(dir);
  if (!manifest) return "no index yet";
  if (manifest.version !== INDEX_FORMAT_VERSION) return "the index format changed";
  if (manifest.corpusHash !== corpusHash) return "the corpus changed";
  return embedderChange(manifest, factory);
}

function embedderChange(manifest: IndexManifest, factory: EmbedderFactory): string | undefined {
  const e = manifest.embedder;
  if (e.name !== factory.spec.name || (e.model ?? "") !== (factory.spec.model ?? "")) {
    return `the embedder changed (${e.name}${e.model ? `:${e.model}` : ""} → ${factory.spec.name}${factory.spec.model ? `:${factory.spec.model}` : ""})`;
  }
  return undefined;
}
