/**
 * The dev-set scorer's contract with the model path on: `npm run ask -- --json --batch`
 * against a local OpenAI-speaking server that answers some questions well and
 * some with garbage. Every line must still be valid, cited JSON.
 */
import { execFile } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { entryArgs, sharedIndexCopy } from "../fixtures/helpers.js";
import { startOpenAiServer, type OpenAiTestServer } from "../helpers/openai-server.js";

const run = promisify(execFile);
const SCORER = join("..", "shared", "eval", "score.mjs");
/** `npm run ask` without npm and npx in front (each adds about a second): node running the entry point. */
const ASK = [process.execPath, ...entryArgs("cli/ask")];
const QUESTIONS = [
  "2024年度长三角地区主要领导座谈会在哪里举行？",
  "2025年度座谈会的主题是什么？",
  "What was the theme of the 2022 meeting?",
  "2021年会议期间考察了哪些地方？",
  "长三角三省一市2024年的GDP总量是多少？",
  "习近平在座谈会上强调了哪几个“统筹”？",
];

let server: OpenAiTestServer;
let dir: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  server = await startOpenAiServer();
  let calls = 0;
  // A model that quotes the first sentence of paragraph 1, except every third reply is not JSON.
  server.handle("chat", (request) => {
    calls++;
    if (calls % 3 === 0) return { content: "Sorry, I cannot produce JSON today." };
    const text = JSON.stringify(request.body);
    const first = /<paragraph n=\\"1\\"[^>]*>\\n([^。]*。)/.exec(text)?.[1];
    if (!first) return { content: JSON.stringify({ answered: false, answer: "", citations: [] }) };
    return { content: JSON.stringify({ answered: true, answer: `${first}[1]`, citations: [1] }) };
  });
  dir = mkdtempSync(join(tmpdir(), "scorer-llm-"));
  cpSync("corpus", join(dir, "corpus"), { recursive: true });
  env = {
    ...process.env,
    CORPUS_DIR: join(dir, "corpus"),
    INDEX_DIR: sharedIndexCopy(dir),
    OPENAI_API_KEY: "test-key",
    OPENAI_BASE_URL: server.baseURL,
    OPENAI_TIMEOUT_MS: "5000",
  };
});

afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("ask --json --batch with the model path on", () => {
  it("prints one valid, cited JSON line per question, from the model or the fallback", async () => {
    const file = join(dir, "questions.txt");
    writeFileSync(file, `${QUESTIONS.join("\n")}\n`);
    const { stdout } = await run(ASK[0]!, [...ASK.slice(1), "--json", "--batch", file], { env, timeout: 60_000 });
    const lines = stdout
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(QUESTIONS.length);
    lines.forEach((line, i) => {
      expect(line.question).toBeTruthy();
      expect(typeof line.answered).toBe("boolean");
      expect(typeof line.timings.totalMs).toBe("number");
      expect(line.retrieved.length).toBeLessThanOrEqual(10);
      if (line.answered) {
        expect(line.citations.length).toBeGreaterThan(0);
        for (const c of line.citations) expect(line.answer).toContain(`[${c.n}]`);
      }
      // The refusal question stays refused whichever path answered it.
      if (QUESTIONS[i]!.includes("GDP")) expect(line.answered).toBe(false);
    });
    const paths = new Set(lines.map((l) => l.path));
    expect(paths.has("llm")).toBe(true);
    expect(paths.has("llm-fallback")).toBe(true);
    // A model answer cites a paragraph that was retrieved.
    for (const line of lines.filter((l) => l.path === "llm")) {
      expect(
        line.retrieved
          .map((r: { text: string }) => r.text)
          .some((t: string) => line.citations[0].text.includes(t.slice(0, 20))),
      ).toBe(true);
    }
  }, 90_000);

  it.runIf(existsSync(SCORER))(
    "the dev-set scorer runs to its summary without a crash",
    async () => {
      const { stdout } = await run(
        "node",
        [SCORER, "--cmd", `${ASK.map((part) => JSON.stringify(part)).join(" ")} --json --batch`],
        { env, timeout: 120_000 },
      ).catch((err: { stdout: string; code: number }) => {
        // Exit 1 only means a --min threshold failed; none is given, so any exit but 2 (crash/contract) is fine.
        if (err.code === 2) throw err;
        return { stdout: err.stdout };
      });
      const summary = JSON.parse(stdout.trim().split("\n").at(-1)!);
      expect(summary.questions).toBeGreaterThan(0);
      expect(summary.refusalAccuracy).toBe(1);
    },
    150_000,
  );
});
