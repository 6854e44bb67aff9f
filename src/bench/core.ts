/**
 * Core benchmarks: ingest time, per-question latency, and scale runs on synthetic corpora N× the
 * size (real paragraphs recombined into new reports). Every figure comes with the naive baseline
 * (src/bench/naive.ts) measured in the same run. Uses only `openEngine`, the corpus loader and the
 * segmenter, so the same bench can be pointed at an older version of the project for before/after.
 */
import { mkdtempSync, rmSync, writeFileSync, readFileSync, cpSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openEngine } from "../engine.js";
import { loadCorpus } from "../corpus/load.js";
import { chunkCorpus } from "../index/chunk.js";
import { createSegmenter, type Segmenter } from "../index/segmenter.js";
import { naiveIndex } from "./naive.js";

/** Median and 95th percentile of a list of numbers. */
export function percentiles(values: readonly number[]): { p50: number; p95: number; n: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;
  return { p50: round(at(0.5)), p95: round(at(0.95)), n: sorted.length };
}

/** Rounds to two decimals for printing. */
export function round(x: number): number {
  return Math.round(x * 100) / 100;
}

/** Ingest time (parse + chunk + embed + write), median of `runs`, into a temp index. */
export async function benchIngest(
  corpusDir: string,
  segmenter: Segmenter,
  runs = 3,
): Promise<{ medianMs: number; chunks: number }> {
  const times: number[] = [];
  let chunks = 0;
  for (let i = 0; i < runs; i++) {
    const dir = mkdtempSync(join(tmpdir(), "bench-index-"));
    const started = performance.now();
    const engine = await openEngine({ corpusDir, indexDir: dir, build: "force", segmenter });
    times.push(performance.now() - started);
    chunks = engine.index.chunks.length;
    rmSync(dir, { recursive: true, force: true });
  }
  return { medianMs: percentiles(times).p50, chunks };
}

/**
 * Question latency in one process: the full answer path, and as a baseline
 * plain BM25 over the same chunks (what the hybrid method adds on top).
 */
export async function benchQuestions(corpusDir: string, questions: readonly string[], segmenter: Segmenter) {
  const dir = mkdtempSync(join(tmpdir(), "bench-index-"));
  try {
    const engine = await openEngine({ corpusDir, indexDir: dir, segmenter });
    const naive = naiveIndex(
      engine.index.chunks.map((c) => c.text),
      segmenter,
    );
    // Warm up with one full round so no measured question pays for JIT compilation.
    for (const q of questions) {
      await engine.extractive.ask(q);
      naive(q);
    }
    const full: number[] = [];
    const baseline: number[] = [];
    for (let round = 0; round < 5; round++) {
      for (const q of questions) {
        let t = performance.now();
        await engine.extractive.ask(q);
        full.push(performance.now() - t);
        t = performance.now();
        naive(q);
        baseline.push(performance.now() - t);
      }
    }
    const f = percentiles(full);
    const b = percentiles(baseline);
    return { full: f, bm25Baseline: b, ratioP50: round(f.p50 / (b.p50 || 0.001)) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Builds a corpus `factor`× the size from real paragraphs: each synthetic report
 * is a plain-text page with a dateline lead and paragraphs drawn from all reports.
 */
export function writeSyntheticCorpus(corpusDir: string, factor: number): string {
  const corpus = loadCorpus(corpusDir);
  const paragraphs = corpus.meetings.flatMap((m) =>
    m.articles.flatMap((a) => a.paragraphs.filter((p) => p.n > 0).map((p) => p.text)),
  );
  const reports = corpus.meetings.length * factor;
  const dir = mkdtempSync(join(tmpdir(), "bench-corpus-"));
  const entries = [];
  let seed = 42;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  for (let i = 0; i < reports; i++) {
    const year = 3000 + i;
    const body = Array.from({ length: 20 }, () => paragraphs[Math.floor(random() * paragraphs.length)]!);
    const text = [
      `${year}年度长三角地区主要领导座谈会在江苏南京举行`,
      "",
      `本报讯 6月6日至7日，${year}年度长三角地区主要领导座谈会在江苏南京举行。三省一市主要领导出席会议。`,
      "",
      ...body.flatMap((p) => [p, ""]),
    ].join("\n");
    const file = `synthetic-${String(i).padStart(4, "0")}.txt`;
    writeFileSync(join(dir, file), text);
    entries.push({ file, id: `synthetic-${i}` });
  }
  writeFileSync(join(dir, "manifest.json"), JSON.stringify({ reports: entries }));
  return dir;
}

/** Peak and current resident memory of this process, in MB. */
export function memoryMb(): { peakRssMb: number; rssMb: number } {
  return { peakRssMb: round(process.resourceUsage().maxRSS / 1024), rssMb: round(process.memoryUsage().rss / 2 ** 20) };
}

/** Scale part 1 (own process): a forced ingest of the synthetic corpus into `indexDir`. */
export async function benchScaleIngest(corpusDir: string, indexDir: string) {
  const started = performance.now();
  const cpu = process.cpuUsage();
  const engine = await openEngine({ corpusDir, indexDir, build: "force", segmenter: createSegmenter() });
  const used = process.cpuUsage(cpu);
  return {
    chunks: engine.index.chunks.length,
    reports: engine.corpus.meetings.length,
    ingestMs: round(performance.now() - started),
    ingestCpuMs: round((used.user + used.system) / 1000),
    ...memoryMb(),
  };
}

/**
 * Scale part 2 (own process, a restart): time from process start until the core is open on the
 * existing index, then `rounds` passes over the questions after a warm-up pass.
 */
export async function benchScaleRestart(corpusDir: string, indexDir: string, questions: readonly string[], rounds = 3) {
  const engine = await openEngine({ corpusDir, indexDir, segmenter: createSegmenter() });
  // performance.now() counts from process start: boot, imports and loading the index.
  const restartMs = performance.now();
  const cpu = process.cpuUsage();
  const afterLoad = memoryMb();
  if (engine.built) throw new Error(`the restart rebuilt the index (${engine.built})`);
  for (const q of questions) await engine.extractive.ask(q);
  const times: number[] = [];
  // Retrieval alone as well, to tell the search from the answer stage when a query is slow.
  const retrieval: number[] = [];
  for (let r = 0; r < rounds; r++) {
    for (const q of questions) {
      let t = performance.now();
      await engine.extractive.ask(q);
      times.push(performance.now() - t);
      t = performance.now();
      await engine.retriever.retrieve(q, { k: 10 });
      retrieval.push(performance.now() - t);
    }
  }
  return {
    restartMs: round(restartMs),
    restartCpuMs: round((cpu.user + cpu.system) / 1000),
    rssAfterLoadMb: afterLoad.rssMb,
    query: percentiles(times),
    retrieval: percentiles(retrieval),
    ...memoryMb(),
  };
}

/** The naive baseline at scale (own process): parse, segment every chunk, Map BM25, full sort per question. */
export function benchScaleNaive(corpusDir: string, questions: readonly string[], rounds = 3) {
  const started = performance.now();
  const texts = chunkCorpus(loadCorpus(corpusDir)).map((c) => c.text);
  const search = naiveIndex(texts, createSegmenter());
  const startMs = performance.now() - started;
  const afterLoad = memoryMb();
  for (const q of questions) search(q);
  const times: number[] = [];
  for (let r = 0; r < rounds; r++) {
    for (const q of questions) {
      const t = performance.now();
      search(q);
      times.push(performance.now() - t);
    }
  }
  return { startMs: round(startMs), rssAfterLoadMb: afterLoad.rssMb, query: percentiles(times), ...memoryMb() };
}

/** Reads questions from a JSON Lines file (field `q` or `question`) or a plain list, one per line. */
export function readQuestionFile(file: string): string[] {
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => {
      if (!l.trim().startsWith("{")) return l.trim();
      const row = JSON.parse(l) as { q?: string; question?: string };
      return row.q ?? row.question ?? "";
    })
    .filter(Boolean);
}

/** Copies a corpus folder (so a bench never touches the real one). */
export function copyCorpus(from: string): string {
  const dir = mkdtempSync(join(tmpdir(), "bench-corpus-"));
  cpSync(from, dir, { recursive: true });
  return dir;
}
