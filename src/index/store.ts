/**
 * The on-disk index: hnswlib vectors, the chunk store and a manifest naming the
 * embedder and the corpus hash. Each build goes to its own folder, and a
 * `CURRENT` file (replaced by rename) points at the live one, so a reader never
 * sees a half-written index and a crash mid-build leaves the old one in place.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { EmbeddingsInterface } from "@langchain/core/embeddings";
import hnswlib from "hnswlib-node";
import { embedText, type Chunk } from "./chunk.js";
import { IndexError } from "./errors.js";

const { HierarchicalNSW } = hnswlib;
type Hnsw = InstanceType<typeof HierarchicalNSW>;

/** Bump when the chunk or manifest shape changes: older indexes are then rebuilt. */
export const INDEX_FORMAT_VERSION = 1;
const FILES = { manifest: "manifest.json", chunks: "chunks.json", embedder: "embedder.json", vectors: "vectors.hnsw" } as const;
const POINTER = "CURRENT";

/** Names an embedder; an index built by another one is not reused. */
export interface EmbedderSpec {
  name: string;
  model?: string | undefined;
}

/** The manifest of a built index. */
export interface IndexManifest {
  version: number;
  corpusHash: string;
  embedder: EmbedderSpec & { dimensions: number };
  chunks: number;
  builtAt: string;
}

/** How to make an embedder for a new index, and how to restore it for an existing one. */
export interface EmbedderFactory {
  spec: EmbedderSpec;
  /** Creates the embedder for these chunks (a local one learns from them) and the state to save. */
  create(chunks: readonly Chunk[]): Promise<{ embeddings: EmbeddingsInterface; state: unknown }>;
  /** Rebuilds the embedder from the saved state. */
  restore(state: unknown): EmbeddingsInterface;
}

/** A loaded index, ready to search. */
export interface LoadedIndex {
  manifest: IndexManifest;
  chunks: Chunk[];
  embeddings: EmbeddingsInterface;
  /** Nearest chunks to a query vector, with cosine similarity (higher is closer). */
  searchVector(vector: number[], k: number): { index: number; similarity: number }[];
}

/** Progress while embedding: chunks done so far of the total. */
export type BuildProgress = (done: number, total: number) => void;

/** Reads the manifest of the live index, or undefined when none has been built. */
export function readIndexManifest(dir: string): IndexManifest | undefined {
  const build = currentBuild(dir);
  if (!build) return undefined;
  const path = join(dir, build, FILES.manifest);
  if (!existsSync(path)) throw incomplete(dir, FILES.manifest);
  try {
    return JSON.parse(readFileSync(path, "utf8")) as IndexManifest;
  } catch (err) {
    throw new IndexError(`${path} is unreadable. Run \`npm run ingest\` to rebuild the index.`, { cause: err });
  }
}

/**
 * Embeds the chunks and writes a new index, then switches `CURRENT` to it.
 * Batches the embedding calls (an API embedder gets `batchSize` texts per request).
 */
export async function buildIndex(options: {
  dir: string;
  chunks: readonly Chunk[];
  corpusHash: string;
  factory: EmbedderFactory;
  batchSize?: number;
  onProgress?: BuildProgress;
  now?: () => Date;
  /** Extra JSON files derived from the chunks (e.g. themes.json), written into the build; read with {@link readIndexArtefact}. */
  artefacts?: Readonly<Record<string, unknown>>;
}): Promise<LoadedIndex> {
  const { dir, chunks, corpusHash, factory, batchSize = 64, onProgress, now = () => new Date() } = options;
  mkdirSync(dir, { recursive: true });
  const { embeddings, state } = await factory.create(chunks);
  const vectors: number[][] = [];
  for (let i = 0; i < chunks.length; i += batchSize) {
    const batch = chunks.slice(i, i + batchSize).map((c) => embedText(c));
    vectors.push(...(await embeddings.embedDocuments(batch)));
    onProgress?.(Math.min(i + batchSize, chunks.length), chunks.length);
  }
  const dimensions = vectors[0]?.length ?? 0;
  if (!dimensions || vectors.length !== chunks.length) {
    throw new IndexError(`The embedder returned ${vectors.length} vectors for ${chunks.length} chunks; check the embedding model.`);
  }
  const hnsw = new HierarchicalNSW("cosine", dimensions);
  hnsw.initIndex({ maxElements: Math.max(1, chunks.length), m: 16, efConstruction: 100, randomSeed: 100 });
  vectors.forEach((v, i) => hnsw.addPoint(v, i));

  const manifest: IndexManifest = {
    version: INDEX_FORMAT_VERSION,
    corpusHash,
    embedder: { ...factory.spec, dimensions },
    chunks: chunks.length,
    builtAt: now().toISOString(),
  };
  const build = `build-${now().getTime().toString(36)}-${process.pid}`;
  const tmp = join(dir, `.tmp-${build}`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp);
  hnsw.writeIndexSync(join(tmp, FILES.vectors));
  writeFileSync(join(tmp, FILES.chunks), JSON.stringify(chunks));
  writeFileSync(join(tmp, FILES.embedder), JSON.stringify(state ?? null));
  for (const [file, value] of Object.entries(options.artefacts ?? {})) writeFileSync(join(tmp, file), JSON.stringify(value));
  // The manifest goes last: a folder with a manifest is complete.
  writeFileSync(join(tmp, FILES.manifest), JSON.stringify(manifest, null, 2));
  renameSync(tmp, join(dir, build));
  writeFileSync(join(dir, `${POINTER}.tmp`), build);
  renameSync(join(dir, `${POINTER}.tmp`), join(dir, POINTER));
  removeOldBuilds(dir, build, now().getTime());
  return wrap(manifest, [...chunks], embeddings, hnsw);
}

/**
 * Loads the live index.
 * @throws IndexError when a file is missing or unreadable, with the command that fixes it.
 */
export function loadIndex(dir: string, factory: EmbedderFactory): LoadedIndex {
  const manifest = readIndexManifest(dir);
  if (!manifest) throw new IndexError(`No index in ${dir}. Run \`npm run ingest\` to build it.`);
  const build = join(dir, currentBuild(dir)!);
  for (const file of Object.values(FILES)) if (!existsSync(join(build, file))) throw incomplete(dir, file);
  try {
    const chunks = JSON.parse(readFileSync(join(build, FILES.chunks), "utf8")) as Chunk[];
    const state = JSON.parse(readFileSync(join(build, FILES.embedder), "utf8")) as unknown;
    const hnsw = new HierarchicalNSW("cosine", manifest.embedder.dimensions);
    hnsw.readIndexSync(join(build, FILES.vectors));
    if (hnsw.getCurrentCount() !== chunks.length) throw new Error("vector count differs from chunk count");
    return wrap(manifest, chunks, factory.restore(state), hnsw);
  } catch (err) {
    throw new IndexError(`The index in ${dir} is damaged (${(err as Error).message}). Run \`npm run ingest\` to rebuild it.`, { cause: err });
  }
}

/** An extra file of the live build (see `artefacts` of {@link buildIndex}), parsed; undefined when absent or unreadable. */
export function readIndexArtefact(dir: string, file: string): unknown {
  const build = currentBuild(dir);
  const path = build === undefined ? undefined : join(dir, build, file);
  if (path === undefined || !existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, "utf8")) as unknown;
  } catch {
    return undefined;
  }
}

function wrap(manifest: IndexManifest, chunks: Chunk[], embeddings: EmbeddingsInterface, hnsw: Hnsw): LoadedIndex {
  hnsw.setEf(Math.max(64, Math.min(400, chunks.length)));
  return {
    manifest,
    chunks,
    embeddings,
    searchVector(vector, k) {
      const n = Math.min(k, hnsw.getCurrentCount());
      if (n === 0) return [];
      const { neighbors, distances } = hnsw.searchKnn(vector, n);
      return neighbors.map((index, i) => ({ index, similarity: 1 - (distances[i] ?? 1) }));
    },
  };
}

function currentBuild(dir: string): string | undefined {
  const pointer = join(dir, POINTER);
  if (!existsSync(pointer)) return undefined;
  const build = readFileSync(pointer, "utf8").trim();
  if (!build || !existsSync(join(dir, build))) throw incomplete(dir, build || POINTER);
  return build;
}

/** A temp build this old was left by a crash; a younger one may be another process still writing. */
const STALE_TMP_MS = 60 * 60_000;

function removeOldBuilds(dir: string, keep: string, now: number): void {
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    const old = entry.startsWith("build-") && entry !== keep;
    const abandoned = entry.startsWith(".tmp-build-") && now - statSync(path).mtimeMs > STALE_TMP_MS;
    if (old || abandoned) rmSync(path, { recursive: true, force: true });
  }
}

function incomplete(dir: string, file: string): IndexError {
  return new IndexError(`The index in ${dir} is incomplete: ${file} is missing. Run \`npm run ingest\` to rebuild it.`);
}
