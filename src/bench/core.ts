/**
 * Core benchmarks: ingest time, per-question latency, and a scale run on a
 * synthetic corpus 100× the size (real paragraphs recombined into new reports).
 */
import { mkdtempSync, rmSync, writeFileSync, readFileSync, cpSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openEngine } from "../engine.js";
import { loadCorpus } from "../corpus/load.js";
import { createSegmenter, type Segmenter } from "../index/segmenter.js";
import { createBm25 } from "../retrieval/bm25.js";

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
export async function benchIngest(corpusDir: string, segmenter: Segmenter, runs = 3): Promise<{ medianMs: number; chunks: number }> {
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
    const bm25 = createBm25(engine.index.chunks.map((c) => segmenter.words(c.text)));
    // Warm up once so the first question does not pay for JIT compilation.
    for (const q of questions.slice(0, 3)) await engine.extractive.ask(q);
    const full: number[] = [];
    const baseline: number[] = [];
    for (let round = 0; round < 5; round++) {
      for (const q of questions) {
        let t = performance.now();
        await engine.extractive.ask(q);
        full.push(performance.now() - t);
        t = performance.now();
        const scores = bm25.score(segmenter.words(q).map((token) => ({ token, weight: 1 })));
        let best = 0;
        for (let i = 1; i < scores.length; i++) if (scores[i]! > scores[best]!) best = i;
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
  const paragraphs = corpus.meetings.flatMap((m) => m.articles.flatMap((a) => a.paragraphs.filter((p) => p.n > 0).map((p) => p.text)));
  const reports = corpus.meetings.length * factor;
  const dir = mkdtempSync(join(tmpdir(), "bench-corpus-"));
  const entries = [];
  let seed = 42;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
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

/** The scale run: ingest and query a synthetic corpus; meant to run in its own process so peak RSS is its own. */
export async function benchScale(corpusDir: string, questions: readonly string[], factor = 100) {
  const segmenter = createSegmenter();
  const synthetic = writeSyntheticCorpus(corpusDir, factor);
  const indexDir = mkdtempSync(join(tmpdir(), "bench-index-"));
  try {
    const started = performance.now();
    const engine = await openEngine({ corpusDir: synthetic, indexDir, build: "force", segmenter });
    const ingestMs = performance.now() - started;
    const times: number[] = [];
    for (const q of questions) {
      const t = performance.now();
      await engine.extractive.ask(q);
      times.push(performance.now() - t);
    }
    return {
      reports: engine.corpus.meetings.length,
      chunks: engine.index.chunks.length,
      ingestMs: round(ingestMs),
      query: percentiles(times),
      peakRssMb: round(process.resourceUsage().maxRSS / 1024),
    };
  } finally {
    rmSync(synthetic, { recursive: true, force: true });
    rmSync(indexDir, { recursive: true, force: true });
  }
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
