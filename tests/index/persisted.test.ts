/**
 * What ingest computes is saved and reused: postings read back give the same BM25 ranking as
 * segmenting the chunks again, the local embedder's vectors from the one segmentation pass equal
 * those from the text, a start with an unchanged corpus parses nothing, and a full disk leaves the
 * old index serving with one clear line and no temporary build behind.
 */
import { execFileSync } from "node:child_process";
import { appendFileSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as corpusLoad from "../../src/corpus/load.js";
import { loadCorpus } from "../../src/corpus/load.js";
import { personNames } from "../../src/corpus/names.js";
import { openEngine } from "../../src/engine.js";
import { extractKnowledge } from "../../src/knowledge/extract.js";
import { chunkCorpus, embedText, type Chunk } from "../../src/index/chunk.js";
import { localEmbedderFactory } from "../../src/index/embedders.js";
import { IndexError } from "../../src/index/errors.js";
import { LocalEmbeddings } from "../../src/index/local-embeddings.js";
import { buildPostings, decodePostings, encodePostings } from "../../src/index/postings.js";
import { charBigrams, createSegmenter, type Segmenter } from "../../src/index/segmenter.js";
import { buildIndex, loadIndex } from "../../src/index/store.js";
import { bm25FromPostings } from "../../src/retrieval/bm25.js";
import { createLogger } from "../../src/logger.js";
import { CORPUS, FILES, cleanupTempDirs, copyCorpus, rejected, tempDir } from "../fixtures/helpers.js";

let segmenter: Segmenter;
let chunks: Chunk[];

beforeAll(() => {
  segmenter = createSegmenter();
  chunks = chunkCorpus(loadCorpus(CORPUS));
});
afterAll(cleanupTempDirs);

/** BM25 as the textbook writes it, over token lists, with a full sort: the reference for the compact one. */
function referenceTop(documents: string[][], query: string[], k: number): number[] {
  const n = documents.length;
  const avg = documents.reduce((s, d) => s + d.length, 0) / n;
  const df = new Map<string, number>();
  for (const d of documents) for (const t of new Set(d)) df.set(t, (df.get(t) ?? 0) + 1);
  const scores = documents.map((d) => {
    let s = 0;
    for (const q of query) {
      const tf = d.filter((t) => t === q).length;
      const f = df.get(q) ?? 0;
      if (!tf || !f) continue;
      s += (Math.log(1 + (n - f + 0.5) / (f + 0.5)) * tf * 2.2) / (tf + 1.2 * (0.25 + (0.75 * d.length) / avg));
    }
    return s;
  });
  return scores
    .map((s, i) => ({ s, i }))
    .filter((x) => x.s > 0)
    .sort((a, b) => b.s - a.s || a.i - b.i)
    .slice(0, k)
    .map((x) => x.i);
}

describe("compact BM25 over saved postings", () => {
  it("gives the reference ranking after a save and load, and touches only documents that contain a query term", () => {
    const documents = chunks.map((c) => segmenter.words(c.text));
    const bm25 = bm25FromPostings(decodePostings(encodePostings(buildPostings(documents))));
    for (const question of ["温州三垟湿地", "都市圈同城化发展", "长三角 科技创新 一体化", "太湖流域水环境综合治理"]) {
      const query = segmenter.words(question);
      const sparse = bm25.scoreSparse(query.map((token) => ({ token, weight: 1 })));
      const touched = [...sparse.docs.subarray(0, sparse.count)];
      expect(touched.every((d) => query.some((q) => documents[d]!.includes(q)))).toBe(true);
      const ranked = touched.sort((a, b) => sparse.scores[b]! - sparse.scores[a]! || a - b).slice(0, 10);
      expect(ranked).toEqual(referenceTop(documents, query, 10));
    }
  });
});

describe("one segmentation pass at ingest", () => {
  it("the local embedder's vectors equal embedding the text, and the saved postings equal segmenting again", async () => {
    const dir = tempDir("csj-persist-");
    const some = chunks.slice(0, 40);
    const index = await buildIndex({
      dir,
      chunks: some,
      corpusHash: "h",
      factory: localEmbedderFactory(segmenter, 256),
      segmenter,
    });
    const fitted = LocalEmbeddings.fit(segmenter, some.map(embedText), 256);
    expect((index.embeddings as LocalEmbeddings).toJSON()).toEqual(fitted.toJSON());
    for (const [i, chunk] of some.entries()) {
      const [neighbour] = index.searchVector(fitted.embed(embedText(chunk)), 1);
      expect(neighbour!.similarity).toBeCloseTo(1, 5);
      expect(some[neighbour!.index]!.text).toBe(some[i]!.text);
    }
    const loaded = loadIndex(dir, localEmbedderFactory(segmenter, 256));
    expect(loaded.postings.words).toEqual(buildPostings(some.map((c) => segmenter.words(c.text))));
    expect(loaded.postings.bigrams.terms.sort()).toEqual([...new Set(some.flatMap((c) => charBigrams(c.text)))].sort());
  });
});

describe("a start with an unchanged corpus", () => {
  it("hashes the files instead of parsing them, and answers from the saved corpus", async () => {
    const corpusDir = copyCorpus();
    const indexDir = join(tempDir(), "index");
    await openEngine({ corpusDir, indexDir, segmenter });
    expect(corpusLoad.hashCorpus(corpusDir)).toBe(loadCorpus(corpusDir).hash);
    // A report the parser could not read proves the start never parses when the hash is unchanged…
    const again = await openEngine({ corpusDir, indexDir, segmenter });
    expect(again.built).toBeUndefined();
    expect((await again.extractive.ask("2024年的座谈会在哪里举行？")).answer).toContain("温州");
    // The knowledge layer and the English bridge come from the build as ingest saved them.
    const corpus = loadCorpus(corpusDir);
    expect(again.knowledge.meetings).toEqual(
      extractKnowledge(corpus.meetings, chunkCorpus(corpus), personNames(corpus)).meetings,
    );
    expect(again.index.manifest.artefacts).toEqual(expect.arrayContaining(["knowledge.json", "english-bridge.json"]));
    expect((await again.extractive.ask("Which wetland did the leaders visit in 2024?")).answer).toContain("三垟湿地");
    // …and any change to a file's bytes is seen.
    appendFileSync(join(corpusDir, FILES["2021-wuxi"]), "\n");
    expect((await openEngine({ corpusDir, indexDir, segmenter })).built).toMatch(/corpus/);
  });
});

/** Mounts a tmpfs of `kb` kilobytes (the tests run as root in CI); undefined where mounting is not allowed. */
function smallDisk(kb: number): string | undefined {
  const dir = tempDir("csj-fulldisk-");
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", `size=${kb}k`, "tmpfs", dir], { stdio: "ignore" });
    return dir;
  } catch {
    return undefined;
  }
}

describe("a full disk", () => {
  const disk = smallDisk(2000);
  afterAll(() => {
    if (disk) execFileSync("umount", [disk]);
  });

  it.skipIf(!disk)(
    "ingest fails with one line naming the folder and the space needed, leaves no temporary build, and the old index keeps serving",
    async () => {
      const indexDir = join(disk!, "index");
      mkdirSync(indexDir);
      // The real corpus fits (about 1 MB), and the space left passes the check before embedding…
      const corpusDir = copyCorpus();
      await openEngine({ corpusDir, indexDir, segmenter });
      const before = readdirSync(indexDir).sort();
      // …but a corpus three times the size does not fit when the files are written.
      for (const file of Object.values(FILES)) {
        for (const copy of [1, 2]) {
          execFileSync("cp", [join(corpusDir, file), join(corpusDir, `copy${copy}-${file}`)]);
        }
      }
      const manifestPath = join(corpusDir, "manifest.json");
      const manifest = JSON.parse(execFileSync("cat", [manifestPath], { encoding: "utf8" })) as {
        reports: { file: string; id: string }[];
      };
      const copies = manifest.reports.flatMap((r) =>
        [1, 2].map((c) => ({ ...r, file: `copy${c}-${r.file}`, id: `${r.id}-copy${c}` })),
      );
      execFileSync("sh", ["-c", `cat > ${manifestPath}`], {
        input: JSON.stringify({ ...manifest, reports: [...manifest.reports, ...copies] }),
      });

      const err = await rejected(openEngine({ corpusDir, indexDir, segmenter, build: "force" }));
      expect(err).toBeInstanceOf(IndexError);
      expect(err.message).toContain(indexDir);
      expect(err.message).toMatch(/No space left.*needs about [\d.]+ MB/);
      expect(err.message.split("\n")).toHaveLength(1);
      expect(readdirSync(indexDir).sort()).toEqual(before);

      // ask/start on the changed corpus: the previous index answers, with a warning.
      const warnings: string[] = [];
      const logger = createLogger({ level: "warn", write: (line) => warnings.push(line) });
      const engine = await openEngine({ corpusDir, indexDir, segmenter, logger });
      expect(engine.corpus.meetings).toHaveLength(5);
      expect((await engine.extractive.ask("2024年的座谈会在哪里举行？")).answer).toContain("温州");
      expect(warnings.join("\n")).toMatch(/No space left.*previous index/);
      expect(readdirSync(indexDir).sort()).toEqual(before);
      rmSync(join(corpusDir, `copy1-${FILES["2021-wuxi"]}`));
    },
  );
});
