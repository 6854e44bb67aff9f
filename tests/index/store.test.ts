/**
 * The on-disk index: a build can be reloaded unchanged, a new build replaces the
 * old one atomically through CURRENT, a damaged index says to run `npm run ingest`,
 * and a stale index (corpus or embedder changed) is rebuilt by openEngine.
 */
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { Embeddings } from "@langchain/core/embeddings";
import { SyntheticEmbeddings } from "@langchain/core/utils/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadCorpus } from "../../src/corpus/load.js";
import type { Corpus } from "../../src/corpus/types.js";
import { openEngine } from "../../src/engine.js";
import { chunkCorpus, MAX_CHUNK_CHARS, splitLongParagraph, type Chunk } from "../../src/index/chunk.js";
import { localEmbedderFactory } from "../../src/index/embedders.js";
import { IndexError } from "../../src/index/errors.js";
import { LocalEmbeddings } from "../../src/index/local-embeddings.js";
import { createSegmenter, type Segmenter } from "../../src/index/segmenter.js";
import { buildIndex, loadIndex, readIndexManifest, type LoadedIndex } from "../../src/index/store.js";
import { fakeFactory } from "../fixtures/fake-embedder.js";
import { CORPUS, FILES, cleanupTempDirs, copyCorpus, rejected, tempDir, thrown } from "../fixtures/helpers.js";

let segmenter: Segmenter;
let corpus: Corpus;
let chunks: Chunk[];

beforeAll(() => {
  segmenter = createSegmenter();
  corpus = loadCorpus(CORPUS);
  chunks = chunkCorpus(corpus);
});
afterAll(cleanupTempDirs);

const builds = (dir: string) => readdirSync(dir).filter((e) => e.startsWith("build-"));
const cosine = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i]!, 0);

async function search(index: LoadedIndex, question: string, k = 5) {
  const vector = await index.embeddings.embedQuery(question);
  return index.searchVector(vector, k).map((r) => ({ id: index.chunks[r.index]!.id, similarity: r.similarity }));
}

describe("chunks", () => {
  it("one chunk per paragraph, long paragraphs split at sentence ends, ids stable and unique", () => {
    const paragraphs = corpus.meetings.flatMap((m) =>
      m.articles.flatMap((a) => a.paragraphs.map((p) => ({ m, a, p }))),
    );
    const expected = paragraphs.reduce((n, { p }) => n + splitLongParagraph(p.text).length, 0);
    expect(chunks).toHaveLength(expected);
    expect(new Set(chunks.map((c) => c.id)).size).toBe(chunks.length);
    expect(chunkCorpus(loadCorpus(CORPUS)).map((c) => c.id)).toEqual(chunks.map((c) => c.id));
    // Pieces of one paragraph put back together give the paragraph.
    for (const { m, a, p } of paragraphs) {
      const pieces = chunks.filter((c) => c.meetingId === m.id && c.articleIndex === a.index && c.paragraph === p.n);
      expect(pieces.map((c) => c.text).join("")).toBe(p.text);
      for (const piece of pieces) {
        if (pieces.length > 1) expect(piece.text).toMatch(/[。！？][”’）》]*$/);
        expect(piece.id).toBe(`${m.id}/${a.index}/${p.n}${piece.part ? `.${piece.part}` : ""}`);
      }
    }
    expect(chunks.some((c) => c.part > 0)).toBe(true);
    expect(Math.max(...chunks.filter((c) => c.part > 0).map((c) => c.text.length))).toBeLessThanOrEqual(
      MAX_CHUNK_CHARS * 1.5,
    );
  });
});

describe("build and load", () => {
  let dir: string;
  let built: LoadedIndex;

  beforeAll(async () => {
    dir = tempDir("csj-index-");
    built = await buildIndex({ dir, chunks, corpusHash: corpus.hash, factory: localEmbedderFactory(segmenter, 256) });
  });

  it("loading the build gives the same chunks, manifest and search results", async () => {
    const loaded = loadIndex(dir, localEmbedderFactory(segmenter, 256));
    expect(loaded.chunks).toEqual(chunks);
    expect(loaded.manifest).toEqual(built.manifest);
    expect(loaded.manifest).toMatchObject({
      corpusHash: corpus.hash,
      chunks: chunks.length,
      embedder: { name: "local-tfidf-hash-v1", dimensions: 256 },
    });
    for (const q of ["温州三垟湿地", "都市圈同城化发展体制机制", "太湖流域水环境综合治理"]) {
      const a = await search(built, q);
      const b = await search(loaded, q);
      expect(b.map((r) => r.id)).toEqual(a.map((r) => r.id));
      b.forEach((r, i) => expect(r.similarity).toBeCloseTo(a[i]!.similarity, 5));
    }
  });

  it("vector search finds the paragraph that uses the query's words, with similarity (higher is closer)", async () => {
    const results = await search(built, "三垟湿地 中国眼谷 正泰集团", 5);
    const best = built.chunks.find((c) => c.id === results[0]!.id)!;
    expect(best.text).toContain("三垟湿地");
    expect(results[0]!.similarity).toBeGreaterThan(0);
    expect(results[0]!.similarity).toBeLessThanOrEqual(1.0001);
    const sims = results.map((r) => r.similarity);
    expect(sims).toEqual([...sims].sort((x, y) => y - x));
  });

  it("CURRENT names the live build, and the build folder holds every file", () => {
    const current = readFileSync(join(dir, "CURRENT"), "utf8").trim();
    expect(builds(dir)).toEqual([current]);
    expect(readdirSync(join(dir, current)).sort()).toEqual([
      "chunks.json",
      "embedder.json",
      "manifest.json",
      "postings-bigrams.bin",
      "postings-words.bin",
      "vectors.hnsw",
    ]);
    expect(readdirSync(dir).filter((e) => e.startsWith(".tmp-") || e.endsWith(".tmp"))).toEqual([]);
  });
});

describe("a second build replaces the first", () => {
  it("switches CURRENT to the new build and removes the old folder", async () => {
    const dir = tempDir("csj-index-");
    const factory = localEmbedderFactory(segmenter, 128);
    const first = await buildIndex({
      dir,
      chunks,
      corpusHash: "one",
      factory,
      now: () => new Date("2026-01-01T00:00:00Z"),
    });
    const firstBuild = readFileSync(join(dir, "CURRENT"), "utf8").trim();
    const fewer = chunks.filter((c) => c.meetingId === "2024-wenzhou");
    await buildIndex({ dir, chunks: fewer, corpusHash: "two", factory, now: () => new Date("2026-01-02T00:00:00Z") });
    const secondBuild = readFileSync(join(dir, "CURRENT"), "utf8").trim();

    expect(secondBuild).not.toBe(firstBuild);
    expect(builds(dir)).toEqual([secondBuild]);
    expect(existsSync(join(dir, firstBuild))).toBe(false);
    const loaded = loadIndex(dir, factory);
    expect(loaded.manifest.corpusHash).toBe("two");
    expect(loaded.chunks.map((c) => c.id)).toEqual(fewer.map((c) => c.id));
    expect(first.manifest.builtAt).toBe("2026-01-01T00:00:00.000Z");
    expect(loaded.manifest.builtAt).toBe("2026-01-02T00:00:00.000Z");
  });

  it("a leftover half-written build from a crash is ignored and cleaned up later; one still being written is left alone", async () => {
    const dir = tempDir("csj-index-");
    const factory = localEmbedderFactory(segmenter, 64);
    await buildIndex({ dir, chunks, corpusHash: "a", factory });
    // A crash mid-build leaves only a temp folder: the live index still loads.
    const crashed = join(dir, ".tmp-build-crashed-1");
    mkdirSync(crashed);
    writeFileSync(join(crashed, "chunks.json"), "[");
    const hoursAgo = new Date(Date.now() - 2 * 3600_000);
    utimesSync(crashed, hoursAgo, hoursAgo);
    // Another process building right now.
    const writing = join(dir, ".tmp-build-writing-2");
    mkdirSync(writing);
    expect(loadIndex(dir, factory).manifest.corpusHash).toBe("a");
    await buildIndex({ dir, chunks, corpusHash: "b", factory, now: () => new Date(Date.now() + 60_000) });
    expect(existsSync(crashed)).toBe(false);
    expect(existsSync(writing)).toBe(true);
    expect(loadIndex(dir, factory).manifest.corpusHash).toBe("b");
  });
});

describe("a missing or damaged index", () => {
  async function freshIndex() {
    const dir = tempDir("csj-index-");
    const factory = localEmbedderFactory(segmenter, 64);
    // A few chunks are enough to test damage, and quick to embed.
    await buildIndex({ dir, chunks: chunks.filter((c) => c.meetingId === "2024-wenzhou"), corpusHash: "h", factory });
    return { dir, factory, build: join(dir, readFileSync(join(dir, "CURRENT"), "utf8").trim()) };
  }
  const expectIngestHint = (err: Error) => {
    expect(err).toBeInstanceOf(IndexError);
    expect(err.message).toContain("npm run ingest");
  };

  it("no index at all: readIndexManifest says none, loadIndex says to build it", () => {
    const dir = tempDir();
    expect(readIndexManifest(dir)).toBeUndefined();
    expectIngestHint(thrown(() => loadIndex(dir, localEmbedderFactory(segmenter))));
  });

  for (const file of ["chunks.json", "vectors.hnsw", "embedder.json", "manifest.json", "postings-words.bin"]) {
    it(`${file} deleted: IndexError naming it and telling to run npm run ingest`, async () => {
      const { dir, factory, build } = await freshIndex();
      rmSync(join(build, file));
      const err = thrown(() => loadIndex(dir, factory));
      expectIngestHint(err);
      expect(err.message).toContain(file);
    });
  }

  it("CURRENT pointing at a removed build folder", async () => {
    const { dir, factory, build } = await freshIndex();
    rmSync(build, { recursive: true });
    expectIngestHint(thrown(() => loadIndex(dir, factory)));
  });

  it("a corrupt chunks.json or a truncated vectors file", async () => {
    const a = await freshIndex();
    writeFileSync(join(a.build, "chunks.json"), '[{"id": ');
    expectIngestHint(thrown(() => loadIndex(a.dir, a.factory)));
    const b = await freshIndex();
    writeFileSync(join(b.build, "vectors.hnsw"), readFileSync(join(b.build, "vectors.hnsw")).subarray(0, 100));
    expectIngestHint(thrown(() => loadIndex(b.dir, b.factory)));
  });

  it("openEngine passes the error on instead of silently rebuilding over a damaged index", async () => {
    const { dir, build } = await freshIndex();
    // Make the index current for the real corpus first, then damage it.
    await openEngine({ corpusDir: CORPUS, indexDir: dir, segmenter, build: "force" });
    const live = join(dir, readFileSync(join(dir, "CURRENT"), "utf8").trim());
    expect(live).not.toBe(build);
    rmSync(join(live, "chunks.json"));
    expectIngestHint(await rejected(openEngine({ corpusDir: CORPUS, indexDir: dir, segmenter })));
  });
});

describe("openEngine rebuilds a stale index", () => {
  it("builds when missing, reuses when current, rebuilds when the manifest or a report changes", async () => {
    const corpusDir = copyCorpus();
    const indexDir = join(tempDir(), "index");
    const open = () => openEngine({ corpusDir, indexDir, segmenter });

    const first = await open();
    expect(first.built).toMatch(/no index/);
    const again = await open();
    expect(again.built).toBeUndefined();
    expect(again.index.manifest.builtAt).toBe(first.index.manifest.builtAt);

    const manifestPath = join(corpusDir, "manifest.json");
    const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as {
      reports: { file: string; source?: { name: string } }[];
    };
    manifest.reports.find((r) => r.file === FILES["2022-shanghai"])!.source = { name: "解放日报" };
    writeFileSync(manifestPath, JSON.stringify(manifest));
    const afterManifest = await open();
    expect(afterManifest.built).toMatch(/corpus/);
    expect(afterManifest.index.chunks.find((c) => c.meetingId === "2022-shanghai")!.source.name).toBe("解放日报");

    appendFileSync(join(corpusDir, FILES["2024-wenzhou"]), "\n");
    const afterFile = await open();
    expect(afterFile.built).toMatch(/corpus/);
    expect(afterFile.index.manifest.corpusHash).not.toBe(afterManifest.index.manifest.corpusHash);
    expect(builds(indexDir)).toHaveLength(1);

    // An index written by an older version of this program is rebuilt, not read with the wrong shape.
    const live = join(indexDir, readFileSync(join(indexDir, "CURRENT"), "utf8").trim(), "manifest.json");
    writeFileSync(live, JSON.stringify({ ...JSON.parse(readFileSync(live, "utf8")), version: 0 }));
    expect((await open()).built).toMatch(/format/);
  });

  it("rebuilds when the embedder changes (name or model), and restores the saved embedder otherwise", async () => {
    const indexDir = join(tempDir(), "index");
    await openEngine({ corpusDir: CORPUS, indexDir, segmenter });
    const m1 = fakeFactory("m1");
    const toFake = await openEngine({ corpusDir: CORPUS, indexDir, segmenter, embedder: () => m1 });
    expect(toFake.built).toMatch(/embedder/);
    expect(toFake.built).toContain("fake-bigram");
    expect(toFake.index.manifest.embedder).toMatchObject({ name: "fake-bigram", model: "m1", dimensions: 64 });
    expect(m1.created).toBe(1);

    const m1again = fakeFactory("m1");
    const reused = await openEngine({ corpusDir: CORPUS, indexDir, segmenter, embedder: () => m1again });
    expect(reused.built).toBeUndefined();
    expect(m1again.restored).toBe(1);
    expect(m1again.created).toBe(0);

    const m2 = fakeFactory("m2");
    const modelChanged = await openEngine({ corpusDir: CORPUS, indexDir, segmenter, embedder: () => m2 });
    expect(modelChanged.built).toMatch(/embedder/);
    expect(modelChanged.built).toContain("m2");
    // And answers still work with the fake embedder in place.
    const answer = await modelChanged.extractive.ask("2024年会议期间考察了哪些地方？");
    expect(answer.citations[0]?.text).toContain("三垟湿地");
  });
});

describe("LocalEmbeddings (LangChain Embeddings interface)", () => {
  let embeddings: LocalEmbeddings;
  beforeAll(() => {
    embeddings = LocalEmbeddings.fit(
      segmenter,
      chunks.map((c) => c.text),
      512,
    );
  });
  const texts = {
    wetland: "领导考察了三垟湿地和中国眼谷",
    wetlandToo: "三垟湿地位于温州，领导前往考察",
    unrelated: "民营企业融资环境持续优化",
  };

  it("is a LangChain Embeddings", () => {
    expect(embeddings).toBeInstanceOf(Embeddings);
  });

  it("embedQuery and embedDocuments return unit vectors of the configured dimension, the same for the same text", async () => {
    const [a, b] = await embeddings.embedDocuments([texts.wetland, texts.unrelated]);
    const q = await embeddings.embedQuery(texts.wetland);
    for (const v of [a!, b!, q]) {
      expect(v).toHaveLength(512);
      expect(Math.hypot(...v)).toBeCloseTo(1, 6);
    }
    expect(q).toEqual(a);
  });

  it("Chinese texts that share words are closer than unrelated ones (LangChain's synthetic fake cannot tell them apart)", async () => {
    const [w, w2, u] = await embeddings.embedDocuments([texts.wetland, texts.wetlandToo, texts.unrelated]);
    expect(cosine(w!, w2!)).toBeGreaterThan(cosine(w!, u!) + 0.2);
    const synthetic = new SyntheticEmbeddings({ vectorSize: 8 });
    const [sw, sw2, su] = await synthetic.embedDocuments([texts.wetland, texts.wetlandToo, texts.unrelated]);
    expect(sw).toEqual(su);
    expect(sw2).toEqual(su);
  });

  it("saves and restores its state: the same vectors after a JSON round trip", async () => {
    const restored = new LocalEmbeddings(segmenter, JSON.parse(JSON.stringify(embeddings.toJSON())));
    expect(await restored.embedQuery(texts.wetlandToo)).toEqual(await embeddings.embedQuery(texts.wetlandToo));
  });

  it("an empty or punctuation-only text embeds to a zero vector, not NaN", async () => {
    for (const v of [await embeddings.embedQuery(""), await embeddings.embedQuery("？！。")]) {
      expect(v).toHaveLength(512);
      expect(v.every((x) => x === 0)).toBe(true);
    }
  });
});
