/**
 * The on-disk index. Each build goes to its own folder, and a `CURRENT` file (replaced by rename)
 * points at the live one, so a reader never sees a half-written index and a crash or a full disk
 * mid-build leaves the old one in place. A build folder holds:
 *   manifest.json        format version, corpus hash, embedder, chunk count, the artefact files
 *   chunks.json          the chunks, in order (their position is their id in every other file)
 *   vectors.hnsw         hnswlib's graph over the chunk vectors
 *   embedder.json        the embedder's saved state (the local one's document frequencies)
 *   postings-words.bin   BM25 postings over jieba words      } segmented once at ingest,
 *   postings-bigrams.bin BM25 postings over character bigrams } read at start instead of re-segmenting
 *   + named artefacts    whatever the caller derives at ingest (the parsed corpus, person names…)
 */
import {
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  statfsSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import type { EmbeddingsInterface } from "@langchain/core/embeddings";
import hnswlib from "hnswlib-node";
import { embedText, type Chunk } from "./chunk.js";
import { IndexError } from "./errors.js";
import { buildPostingsFromIds, decodePostings, encodePostings, type Postings } from "./postings.js";
import { charBigrams, createSegmenter, type Segmenter } from "./segmenter.js";

const { HierarchicalNSW } = hnswlib;
type Hnsw = InstanceType<typeof HierarchicalNSW>;

/** Bump when the chunk, postings, bridge or manifest shape changes: older indexes are then rebuilt. */
export const INDEX_FORMAT_VERSION = 9;
const FILES = {
  manifest: "manifest.json",
  chunks: "chunks.json",
  embedder: "embedder.json",
  vectors: "vectors.hnsw",
  words: "postings-words.bin",
  bigrams: "postings-bigrams.bin",
} as const;
const POINTER = "CURRENT";

/**
 * The JSON files of a build (chunks, embedder state, artefacts) are written as UTF-16LE with a byte-order
 * mark: the text is mostly Chinese, 2 bytes a character instead of UTF-8's 3, and decoding it at start is a
 * copy (at 13,616 chunks about 5 ms instead of 55 ms for UTF-8). Files without the mark are read as UTF-8.
 */
export function encodeText(text: string): Buffer {
  return Buffer.from(`\uFEFF${text}`, "utf16le");
}

/** Reads a file written by {@link encodeText} (or plain UTF-8). */
export function decodeText(data: Buffer): string {
  if (data.length >= 2 && data[0] === 0xff && data[1] === 0xfe) return data.toString("utf16le", 2);
  return data.toString("utf8");
}
const HNSW = { m: 16, efConstruction: 100 };

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
  /** Extra files of this build (see `buildIndex`'s `artefacts`). */
  artefacts: string[];
}

/** The chunks as segmented once at ingest: per chunk, feature ids into `names` (jieba words, then "~" bigrams). */
export interface SegmentedChunks {
  names: readonly string[];
  length: number;
  /** The features of chunk i's embedded text (`embedText`), in reading order. */
  features(i: number): Uint32Array;
}

/** How to make an embedder for a new index, and how to restore it for an existing one. */
export interface EmbedderFactory {
  spec: EmbedderSpec;
  /** Creates the embedder for these chunks (a local one learns from them) and the state to save. */
  create(chunks: readonly Chunk[]): Promise<{ embeddings: EmbeddingsInterface; state: unknown }>;
  /** Optional, for embedders that read segmented text (the local one): learns from and embeds the ingest's segmentation, so no chunk is segmented twice. */
  createSegmented?(segmented: SegmentedChunks): {
    embeddings: EmbeddingsInterface;
    state: unknown;
    embed(i: number): Float32Array;
  };
  /** Rebuilds the embedder from the saved state. */
  restore(state: unknown): EmbeddingsInterface;
}

/** A loaded index, ready to search. */
export interface LoadedIndex {
  manifest: IndexManifest;
  chunks: Chunk[];
  embeddings: EmbeddingsInterface;
  /** BM25 postings over the chunks' text (chunk i is document i). */
  postings: { words: Postings; bigrams: Postings };
  /** The extra files of this build, by name, as written. */
  artefacts: Map<string, Buffer>;
  /** Nearest chunks to a query vector, with cosine similarity (higher is closer). `ef` is hnswlib's search breadth (at least k). */
  searchVector(vector: number[], k: number, ef?: number): { index: number; similarity: number }[];
}

/** Progress while embedding: chunks done so far of the total. */
export type BuildProgress = (done: number, total: number) => void;

/** Reads the manifest of the live index (or of `build`), or undefined when none has been built. */
export function readIndexManifest(dir: string, build = readIndexPointer(dir)): IndexManifest | undefined {
  if (!build) return undefined;
  const path = join(dir, build, FILES.manifest);
  if (!existsSync(path)) throw incomplete(dir, FILES.manifest);
  try {
    const manifest = JSON.parse(readFileSync(path, "utf8")) as Omit<IndexManifest, "artefacts"> & {
      artefacts?: string[];
    };
    return { ...manifest, artefacts: manifest.artefacts ?? [] };
  } catch (err) {
    throw new IndexError(`${path} is unreadable. Run \`npm run ingest\` to rebuild the index.`, { cause: err });
  }
}

/**
 * Segments the chunks once, embeds them and writes a new index with the given artefacts, then
 * switches `CURRENT` to it. Batches the embedding calls of an API embedder (`batchSize` texts per request).
 * @throws IndexError with reason "disk-full" when the disk has no room: nothing of the new build is left behind.
 */
export async function buildIndex(options: {
  dir: string;
  chunks: readonly Chunk[];
  corpusHash: string;
  factory: EmbedderFactory;
  /** The segmenter that knows the corpus' names (a fresh one when omitted). */
  segmenter?: Segmenter;
  /**
   * Extra files for this build (file name → content), derived at ingest and read back by `loadIndex`;
   * as a function, derived from the segmented words too (their postings), so nothing is segmented twice.
   */
  artefacts?: Record<string, string | Uint8Array> | ((words: Postings) => Record<string, string | Uint8Array>);
  batchSize?: number;
  onProgress?: BuildProgress;
  now?: () => Date;
}): Promise<LoadedIndex> {
  const { dir, chunks, corpusHash, factory, batchSize = 64, onProgress, now = () => new Date() } = options;
  const n = chunks.length;
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    throw diskFullOr(err, dir, 0);
  }
  const segmented = segment(chunks, options.segmenter ?? createSegmenter());
  const artefacts =
    typeof options.artefacts === "function" ? options.artefacts(segmented.words) : (options.artefacts ?? {});
  const textBytes = chunks.reduce((s, c) => s + c.text.length * 3, 0);
  const estimate = (dimensions: number) => n * (dimensions * 4 + 8 * HNSW.m + 64) + textBytes * 4;
  // Fail before the long embedding step when the disk clearly cannot hold the result.
  try {
    checkSpace(dir, textBytes * 2, estimate(1024));
  } catch (err) {
    throw diskFullOr(err, dir, 0);
  }

  let embeddings: EmbeddingsInterface;
  let state: unknown;
  let hnsw: Hnsw | undefined;
  const add = (vector: ArrayLike<number>, label: number) => {
    if (!hnsw) {
      hnsw = new HierarchicalNSW("cosine", vector.length);
      hnsw.initIndex({ maxElements: Math.max(1, n), m: HNSW.m, efConstruction: HNSW.efConstruction, randomSeed: 100 });
    }
    if (vector.length !== hnsw.getNumDimensions())
      throw new IndexError("The embedder returned vectors of different lengths; check the embedding model.");
    hnsw.addPoint(Array.isArray(vector) ? (vector as number[]) : Array.from(vector), label);
  };
  if (factory.createSegmented) {
    const made = factory.createSegmented(segmented.asFeatures);
    ({ embeddings, state } = made);
    for (let i = 0; i < n; i++) {
      add(made.embed(i), i);
      if ((i + 1) % batchSize === 0 || i + 1 === n) onProgress?.(i + 1, n);
    }
  } else {
    ({ embeddings, state } = await factory.create(chunks));
    for (let i = 0; i < n; i += batchSize) {
      const batch = await embeddings.embedDocuments(chunks.slice(i, i + batchSize).map((c) => embedText(c)));
      if (batch.length !== Math.min(batchSize, n - i)) {
        throw new IndexError(
          `The embedder returned ${batch.length} vectors for ${Math.min(batchSize, n - i)} chunks; check the embedding model.`,
        );
      }
      batch.forEach((v, j) => add(v, i + j));
      onProgress?.(Math.min(i + batchSize, n), n);
    }
  }
  if (!hnsw || hnsw.getCurrentCount() !== n || !n) {
    throw new IndexError(
      `The embedder returned ${hnsw?.getCurrentCount() ?? 0} vectors for ${n} chunks; check the embedding model.`,
    );
  }
  const dimensions = hnsw.getNumDimensions();
  const postings = { words: segmented.words, bigrams: segmented.bigrams };
  const manifest: IndexManifest = {
    version: INDEX_FORMAT_VERSION,
    corpusHash,
    embedder: { ...factory.spec, dimensions },
    chunks: n,
    builtAt: now().toISOString(),
    artefacts: Object.keys(artefacts).sort(),
  };
  for (const name of manifest.artefacts) {
    if (Object.values(FILES).includes(name as never) || name === POINTER || name.includes("/"))
      throw new Error(`artefact name ${name} is reserved or not a plain file name`);
  }

  const build = `build-${now().getTime().toString(36)}-${process.pid}`;
  const tmp = join(dir, `.tmp-${build}`);
  const files: [string, string | Uint8Array][] = [
    [FILES.chunks, encodeText(JSON.stringify(chunks))],
    [FILES.embedder, encodeText(JSON.stringify(state ?? null))],
    [FILES.words, encodePostings(postings.words)],
    [FILES.bigrams, encodePostings(postings.bigrams)],
    ...Object.entries(artefacts).map(([file, data]): [string, Uint8Array] => [
      file,
      typeof data === "string" ? encodeText(data) : data,
    ]),
  ];
  const needed = estimate(dimensions) + files.reduce((s, [, data]) => s + Buffer.byteLength(data), 0);
  try {
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp);
    hnsw.writeIndexSync(join(tmp, FILES.vectors));
    // hnswlib does not report a short write: an exhausted disk right after it means the file is cut off.
    checkSpace(dir, 1, needed);
    for (const [file, data] of files) writeFileSync(join(tmp, file), data);
    // The manifest goes last: a folder with a manifest is complete.
    writeFileSync(join(tmp, FILES.manifest), JSON.stringify(manifest, null, 2));
    renameSync(tmp, join(dir, build));
    writeFileSync(join(dir, `${POINTER}.tmp`), build);
    renameSync(join(dir, `${POINTER}.tmp`), join(dir, POINTER));
  } catch (err) {
    // Leave nothing behind: a retry loop on a full disk must not fill it further.
    rmSync(tmp, { recursive: true, force: true });
    rmSync(join(dir, build), { recursive: true, force: true });
    rmSync(join(dir, `${POINTER}.tmp`), { force: true });
    throw diskFullOr(err, dir, needed);
  }
  removeOldBuilds(dir, build, now().getTime());
  return wrap(
    manifest,
    [...chunks],
    embeddings,
    hnsw,
    postings,
    new Map(Object.entries(artefacts).map(([k, v]) => [k, Buffer.from(v)])),
  );
}

/**
 * Loads the live index, or the named build (what `CURRENT` pointed at when a running bot looked).
 * @throws IndexError when a file is missing or unreadable, with the command that fixes it.
 */
export function loadIndex(dir: string, factory: EmbedderFactory, buildName = readIndexPointer(dir)): LoadedIndex {
  const { index, check } = readBuild(dir, factory, buildName, (hnsw, path) => hnsw.readIndexSync(path));
  try {
    check();
  } catch (err) {
    throw damaged(dir, err);
  }
  return index;
}

/**
 * Loads the live index while hnswlib reads the vector graph on a worker thread (the largest file:
 * 58 MB at 13,616 chunks), so the caller's own start-up work overlaps it. Search only after `ready`.
 * @throws IndexError at once for a missing or unreadable file, or from `ready` for a damaged vectors file.
 */
export function openIndex(
  dir: string,
  factory: EmbedderFactory,
  buildName = readIndexPointer(dir),
): { index: LoadedIndex; ready: Promise<void> } {
  let reading: Promise<unknown> = Promise.resolve();
  const { index, check } = readBuild(dir, factory, buildName, (hnsw, path) => {
    reading = hnsw.readIndex(path);
    // A file that fails to load below leaves this read unobserved otherwise.
    reading.catch(() => undefined);
  });
  const ready = reading.then(check).catch((err: unknown) => {
    throw damaged(dir, err);
  });
  // Observed here so that an error elsewhere before the caller awaits it is not also an unhandled rejection.
  ready.catch(() => undefined);
  return { index, ready };
}

function readBuild(
  dir: string,
  factory: EmbedderFactory,
  buildName: string | undefined,
  readVectors: (hnsw: Hnsw, path: string) => void,
): { index: LoadedIndex; check: () => void } {
  const manifest = readIndexManifest(dir, buildName);
  if (!manifest || !buildName) throw new IndexError(`No index in ${dir}. Run \`npm run ingest\` to build it.`);
  const build = join(dir, buildName);
  for (const file of [...Object.values(FILES), ...manifest.artefacts])
    if (!existsSync(join(build, file))) throw incomplete(dir, file);
  try {
    const hnsw = new HierarchicalNSW("cosine", manifest.embedder.dimensions);
    readVectors(hnsw, join(build, FILES.vectors));
    const chunks = JSON.parse(decodeText(readFileSync(join(build, FILES.chunks)))) as Chunk[];
    const state = JSON.parse(decodeText(readFileSync(join(build, FILES.embedder)))) as unknown;
    const check = () => {
      if (hnsw.getCurrentCount() !== chunks.length) throw new Error("vector count differs from chunk count");
    };
    const postings = {
      words: decodePostings(readFileSync(join(build, FILES.words))),
      bigrams: decodePostings(readFileSync(join(build, FILES.bigrams))),
    };
    if (postings.words.lengths.length !== chunks.length || postings.bigrams.lengths.length !== chunks.length)
      throw new Error("postings differ from the chunks");
    const artefacts = new Map(manifest.artefacts.map((file) => [file, readFileSync(join(build, file))]));
    const index = wrap(manifest, chunks, factory.restore(state), hnsw, postings, artefacts);
    return { index, check };
  } catch (err) {
    throw damaged(dir, err);
  }
}

function damaged(dir: string, err: unknown): IndexError {
  return new IndexError(
    `The index in ${dir} is damaged (${(err as Error).message}). Run \`npm run ingest\` to rebuild it.`,
    { cause: err },
  );
}

/** An artefact of the live build (see `artefacts` of {@link buildIndex}), parsed as JSON; undefined when absent or unreadable. */
export function readIndexArtefact(dir: string, file: string): unknown {
  const build = readIndexPointer(dir);
  const path = build === undefined ? undefined : join(dir, build, file);
  if (path === undefined || !existsSync(path)) return undefined;
  try {
    return JSON.parse(decodeText(readFileSync(path))) as unknown;
  } catch {
    return undefined;
  }
}

function wrap(
  manifest: IndexManifest,
  chunks: Chunk[],
  embeddings: EmbeddingsInterface,
  hnsw: Hnsw,
  postings: LoadedIndex["postings"],
  artefacts: Map<string, Buffer>,
): LoadedIndex {
  let ef = 0;
  return {
    manifest,
    chunks,
    embeddings,
    postings,
    artefacts,
    searchVector(vector, k, breadth = 128) {
      const n = Math.min(k, hnsw.getCurrentCount());
      if (n === 0) return [];
      const wanted = Math.max(n, breadth);
      if (wanted !== ef) hnsw.setEf((ef = wanted));
      const { neighbors, distances } = hnsw.searchKnn(vector, n);
      return neighbors.map((index, i) => ({ index, similarity: 1 - (distances[i] ?? 1) }));
    },
  };
}

/**
 * Segments every chunk once: its words and bigrams become BM25 postings, and (with the cached
 * words of its meeting and article titles) the features the local embedder reads.
 */
function segment(chunks: readonly Chunk[], segmenter: Segmenter) {
  const ids = new Map<string, number>();
  const names: string[] = [];
  const intern = (tokens: readonly string[]) => {
    const out = new Uint32Array(tokens.length);
    tokens.forEach((t, i) => {
      let id = ids.get(t);
      if (id === undefined) ids.set(t, (id = names.push(t) - 1));
      out[i] = id;
    });
    return out;
  };
  const grams = (text: string) => intern(charBigrams(text).map((g) => `~${g}`));
  const titles = new Map<string, { words: Uint32Array; grams: Uint32Array }>();
  const titleOf: { words: Uint32Array; grams: Uint32Array }[] = [];
  const words: Uint32Array[] = [];
  const bigrams: Uint32Array[] = [];
  for (const chunk of chunks) {
    // embedText is "titles\ntext"; jieba and the bigrams both split at white space, so its features
    // are the titles' followed by the text's, and the titles repeat across chunks.
    const head = embedText({ ...chunk, text: "" }).trimEnd();
    let title = titles.get(head);
    if (!title) titles.set(head, (title = { words: intern(segmenter.words(head)), grams: grams(head) }));
    titleOf.push(title);
    words.push(intern(segmenter.words(chunk.text)));
    bigrams.push(grams(chunk.text));
  }
  const bigramPostings = buildPostingsFromIds(bigrams, names);
  bigramPostings.terms = bigramPostings.terms.map((t) => t.slice(1));
  return {
    words: buildPostingsFromIds(words, names),
    bigrams: bigramPostings,
    asFeatures: {
      names,
      length: chunks.length,
      features(i: number) {
        const t = titleOf[i]!;
        const out = new Uint32Array(t.words.length + words[i]!.length + t.grams.length + bigrams[i]!.length);
        let at = 0;
        for (const part of [t.words, words[i]!, t.grams, bigrams[i]!]) {
          out.set(part, at);
          at += part.length;
        }
        return out;
      },
    } satisfies SegmentedChunks,
  };
}

/** Throws ENOSPC when the disk holding `dir` has less than `min` bytes free. */
function checkSpace(dir: string, min: number, needed = min): void {
  let free: number;
  try {
    const fs = statfsSync(dir);
    free = fs.bavail * fs.bsize;
  } catch {
    return;
  }
  if (free < min)
    throw Object.assign(new Error(`ENOSPC: ${free} bytes free, ${needed} needed`), { code: "ENOSPC", needed });
}

/** A full disk (or quota) becomes one line that names the folder and the space needed; anything else passes through. */
function diskFullOr(err: unknown, dir: string, needed: number): unknown {
  const code = (err as NodeJS.ErrnoException)?.code;
  if (code !== "ENOSPC" && code !== "EDQUOT") return err;
  const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
  let free = "";
  try {
    const fs = statfsSync(dir);
    free = `, ${mb(fs.bavail * fs.bsize)} MB free`;
  } catch {
    // The folder may not exist yet; the size needed is still worth saying.
  }
  const need = (err as { needed?: number }).needed ?? needed;
  return new IndexError(
    `No space left on the disk of ${dir}: the index needs about ${mb(need)} MB${free}. Free some space (or set INDEX_DIR to another disk) and run \`npm run ingest\`.`,
    { cause: err, reason: "disk-full" },
  );
}

/**
 * The build folder `CURRENT` names (undefined before the first build): one small read, cheap
 * enough to check before an update. A new build is published by replacing `CURRENT`.
 * @throws IndexError when it names a folder that is not there.
 */
export function readIndexPointer(dir: string): string | undefined {
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
