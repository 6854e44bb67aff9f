/**
 * One base class for errors a person can act on: the entry points print their message alone, and a bug with its stack.
 */
import { afterEach, describe, expect, it, vi } from "vitest";

import { ConfigError, loadConfig } from "../src/config.js";
import { CorpusError } from "../src/corpus/errors.js";
import { UserFacingError } from "../src/errors.js";
import { DigestInputError } from "../src/digest/errors.js";
import { IndexError } from "../src/index/errors.js";
import { StoreError } from "../src/store/errors.js";
import { StartupError } from "../src/bot/index.js";
import { runCli, UsageError } from "../src/wiring.js";

/** Runs a failing CLI body and returns what it wrote to stderr and the exit code it set. */
async function failWith(error: unknown): Promise<{ stderr: string; exitCode: typeof process.exitCode }> {
  let stderr = "";
  const spy = vi.spyOn(process.stderr, "write").mockImplementation((chunk) => {
    stderr += String(chunk);
    return true;
  });
  const before = process.exitCode;
  try {
    await runCli(async () => {
      throw error;
    });
    return { stderr, exitCode: process.exitCode };
  } finally {
    spy.mockRestore();
    process.exitCode = before;
  }
}

afterEach(() => vi.restoreAllMocks());

describe("user-facing errors", () => {
  it("every error class a person can act on shares the base class", () => {
    for (const error of [
      new ConfigError("x"),
      new CorpusError("x", "corpus/a.txt"),
      new IndexError("x"),
      new StartupError("x"),
      new UsageError("x"),
      new StoreError("busy", "x"),
      new DigestInputError("bad-time", { zh: "x", en: "x" }),
    ]) {
      expect(error).toBeInstanceOf(UserFacingError);
      expect(error).toBeInstanceOf(Error);
    }
  });

  it("a malformed env var is printed as its one-line fix, without a stack, and exits 1", async () => {
    let configError: unknown;
    try {
      loadConfig({ RATE_LIMIT_PER_MINUTE: "many" });
    } catch (error) {
      configError = error;
    }
    const { stderr, exitCode } = await failWith(configError);
    expect(stderr).toContain("RATE_LIMIT_PER_MINUTE");
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(exitCode).toBe(1);
  });

  it("an unexpected error is printed with its stack, so whoever reports it can find the bug", async () => {
    const { stderr, exitCode } = await failWith(new TypeError("x is not a function"));
    expect(stderr).toMatch(/^Unexpected error: TypeError: x is not a function\n\s+at /);
    expect(exitCode).toBe(1);
  });
});
