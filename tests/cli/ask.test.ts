/**
 * `npm run ask` as a user meets it, over temp copies of the corpus and index, so the repository's index/ is
 * untouched. The command runs in process (the same `ask` the entry point calls, with stdout and stderr
 * collected); one run is a real process (the entry point, see entryArgs), to prove the entry point, its exit code and its
 * output streams.
 */
import { spawn } from "node:child_process";
import { cpSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ask as runAsk } from "../../src/cli/ask.js";
import { reportCliError } from "../../src/wiring.js";
import { CORPUS, FILES, ROOT, cleanupTempDirs, copyCorpus, entryArgs, tempDir } from "../fixtures/helpers.js";

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the ask CLI as a process with only the variables it needs (no API key: offline and deterministic). */
function askProcess(args: string[], env: { CORPUS_DIR: string; INDEX_DIR: string }): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...entryArgs("cli/ask"), ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString("utf8")));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString("utf8")));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** Runs the same command in process, printing a failure as the entry point does (exit code 1). */
async function ask(args: string[], env: { CORPUS_DIR: string; INDEX_DIR: string }): Promise<Run> {
  let stdout = "";
  let stderr = "";
  const io = {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
  };
  try {
    await runAsk(args, env, io);
    return { code: 0, stdout, stderr };
  } catch (error) {
    reportCliError(error, io.stderr);
    return { code: 1, stdout, stderr };
  }
}

interface JsonAnswer {
  question: string;
  answered: boolean;
  answer: string;
  citations: {
    n: number;
    meetingId: string;
    meeting: string;
    article: string;
    paragraph: number;
    text: string;
    source: string;
  }[];
  retrieved: { meetingId: string; paragraph: number; score: number; text: string }[];
  timings: { totalMs: number };
}

const NO_STACK = /\n\s+at |\bat [\w.<>]+ \(|node:internal/;
const BATCH = [
  "2024年会议期间考察了哪些地方？",
  "",
  "长三角三省一市的房价是多少？",
  "Where was the 2021 meeting held?",
];

let corpusDir: string;
let indexDir: string;
let runs: Record<"json" | "empty" | "huge" | "corrupt" | "batch" | "missing", Run>;
let missingIndexDir: string;
let corruptIndexDir: string;

beforeAll(async () => {
  corpusDir = copyCorpus();
  indexDir = join(tempDir("csj-cli-"), "index");
  const env = { CORPUS_DIR: corpusDir, INDEX_DIR: indexDir };

  // A corpus with one report replaced by binary bytes.
  const corrupt = copyCorpus();
  writeFileSync(
    join(corrupt, FILES["2022-shanghai"]),
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0xff, 0xfe, 0xc3, 0x28]),
  );
  corruptIndexDir = join(tempDir("csj-cli-"), "index");

  const [json, empty, huge, corruptRun] = await Promise.all([
    askProcess(["--json", "2024年会议在哪个城市举行？"], env),
    ask(["--json", "   "], env),
    ask(["--json", "长".repeat(10 * 1024)], env),
    ask(["--json", "2024年会议在哪里举行？"], { CORPUS_DIR: corrupt, INDEX_DIR: corruptIndexDir }),
  ]);

  // The index now exists: copy it and remove one file for the damaged-index run.
  missingIndexDir = join(tempDir("csj-cli-"), "index");
  cpSync(indexDir, missingIndexDir, { recursive: true });
  const build = readFileSync(join(missingIndexDir, "CURRENT"), "utf8").trim();
  rmSync(join(missingIndexDir, build, "chunks.json"));

  const batchFile = join(tempDir("csj-cli-"), "questions.txt");
  writeFileSync(batchFile, BATCH.join("\n"));
  const [batch, missing] = await Promise.all([
    ask(["--batch", batchFile], env),
    ask(["--json", "2024年会议在哪里举行？"], { CORPUS_DIR: CORPUS, INDEX_DIR: missingIndexDir }),
  ]);
  runs = { json, empty, huge, corrupt: corruptRun, batch, missing };
}, 60_000);
afterAll(cleanupTempDirs);

function expectContract(a: JsonAnswer) {
  expect(Object.keys(a)).toEqual(
    expect.arrayContaining(["question", "answered", "answer", "citations", "retrieved", "timings"]),
  );
  expect(typeof a.answer).toBe("string");
  expect(typeof a.answered).toBe("boolean");
  for (const c of a.citations) {
    expect(Object.keys(c).sort()).toEqual(["article", "meeting", "meetingId", "n", "paragraph", "source", "text"]);
    expect(c.text.length).toBeGreaterThan(0);
    expect(typeof c.source).toBe("string");
  }
  expect(a.citations.map((c) => c.n)).toEqual(a.citations.map((_, i) => i + 1));
  expect(a.retrieved.length).toBeLessThanOrEqual(10);
  const scores = a.retrieved.map((r) => r.score);
  expect(scores).toEqual([...scores].sort((x, y) => y - x));
  expect(a.timings.totalMs).toBeGreaterThanOrEqual(0);
}

describe("--json", () => {
  it("prints exactly one JSON object with the contract, answering from the cited paragraph", () => {
    const { code, stdout, stderr } = runs.json;
    expect(code, stderr).toBe(0);
    const lines = stdout.trim().split("\n");
    expect(lines).toHaveLength(1);
    const a = JSON.parse(lines[0]!) as JsonAnswer;
    expectContract(a);
    expect(a.question).toBe("2024年会议在哪个城市举行？");
    expect(a.answered).toBe(true);
    expect(a.answer).toContain("温州");
    expect(a.citations[0]).toMatchObject({
      n: 1,
      meetingId: "2024-wenzhou",
      meeting: "2024年度长三角地区主要领导座谈会",
    });
    expect(a.citations[0]!.text).toContain("温州");
    expect(a.retrieved.length).toBeGreaterThan(0);
    expect(a.retrieved[0]!.meetingId).toBe("2024-wenzhou");
  });

  it("builds the index in INDEX_DIR on first use and says so on stderr, leaving nothing half-written", () => {
    expect(runs.json.stderr).toMatch(/Built the index/);
    expect(runs.json.stderr).not.toMatch(NO_STACK);
    const entries = readdirSync(indexDir);
    expect(entries).toContain("CURRENT");
    expect(entries.filter((e) => e.startsWith(".tmp-") || e.endsWith(".tmp"))).toEqual([]);
  });
});

describe("--batch FILE", () => {
  it("prints one JSON line per question, in order, skipping blank lines", () => {
    const { code, stdout, stderr } = runs.batch;
    expect(code, stderr).toBe(0);
    const lines = stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as JsonAnswer);
    const questions = BATCH.filter((q) => q.trim());
    expect(lines.map((l) => l.question)).toEqual(questions);
    lines.forEach(expectContract);
    expect(lines.map((l) => l.answered)).toEqual([true, false, true]);
    expect(lines[0]!.citations[0]!.text).toContain("三垟湿地");
    expect(lines[1]!.citations).toEqual([]);
    expect(lines[2]!.answer).toContain("无锡");
  });

  it("reuses the index built by the first run (no rebuild notice)", () => {
    expect(runs.batch.stderr).not.toMatch(/Built the index/);
  });
});

describe("errors a user can meet", () => {
  for (const [name, what] of [
    ["empty", /空|empty/i],
    ["huge", /太长|too long|characters/i],
  ] as const) {
    it(`${name === "empty" ? "an empty" : "a 10 KB"} question: a clear message on stderr, exit code 1, no stack trace, no output`, () => {
      const { code, stdout, stderr } = runs[name];
      expect(code).toBe(1);
      expect(stdout).toBe("");
      expect(stderr.split("\n")[0]).toMatch(what);
      expect(stderr.trim().split("\n").length).toBeLessThanOrEqual(2);
      expect(stderr).not.toMatch(NO_STACK);
      expect(stderr.length).toBeLessThan(400);
    });
  }

  it("an index with a missing file: one message telling to run npm run ingest, nothing half-written", () => {
    const { code, stdout, stderr } = runs.missing;
    expect(code).toBe(1);
    expect(stdout).toBe("");
    expect(stderr).toContain("npm run ingest");
    expect(stderr).toContain("chunks.json");
    expect(stderr.trim().split("\n")).toHaveLength(1);
    expect(stderr).not.toMatch(NO_STACK);
    expect(readdirSync(missingIndexDir).filter((e) => e.startsWith(".tmp-") || e.endsWith(".tmp"))).toEqual([]);
  });

  it("a corrupt corpus file: the message names the file, and no index is written", () => {
    const { code, stdout, stderr } = runs.corrupt;
    expect(code).toBe(1);
    expect(stdout).toBe("");
    expect(stderr).toContain(FILES["2022-shanghai"]);
    expect(stderr.trim().split("\n")).toHaveLength(1);
    expect(stderr).not.toMatch(NO_STACK);
    expect(() => readdirSync(corruptIndexDir)).toThrow();
  });
});
