/**
 * Log lines a person can trust: the configured level, an intact time/level/message, errors that explain
 * themselves, and no secrets.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterEach, describe, expect, it, vi } from "vitest";

import { loadConfig } from "../src/config.js";
import { createLogger, type LogLevel } from "../src/logger.js";
import { openCore } from "../src/wiring.js";

const NOW = new Date("2026-03-01T08:00:00.000Z");

function capture(level: LogLevel) {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({ level, now: () => NOW, write: (line) => lines.push(JSON.parse(line)) });
  return { logger, lines };
}

afterEach(() => vi.restoreAllMocks());

describe("logger", () => {
  it("drops lines below the configured level and keeps the rest", () => {
    const { logger, lines } = capture("info");
    logger.debug("noise");
    logger.info("started");
    logger.child({ update_id: 7 }).warn("slow");
    expect(lines.map((line) => [line.level, line.message, line.update_id])).toEqual([
      ["info", "started", undefined],
      ["warn", "slow", 7],
    ]);
  });

  it("never lets a field overwrite time, level or message; the field is kept under another name", () => {
    const { logger, lines } = capture("info");
    logger.child({ level: "child" }).info("digest sent", { time: "08:00", message: "hi" });
    expect(lines[0]).toMatchObject({
      time: NOW.toISOString(),
      level: "info",
      message: "digest sent",
      "field.time": "08:00",
      "field.message": "hi",
      "field.level": "child",
    });
    expect(Object.keys(lines[0]!).slice(0, 3)).toEqual(["time", "level", "message"]);
  });

  it("keeps an error's cause chain, and its stack only at debug", () => {
    const error = new Error("could not open the database", {
      cause: Object.assign(new Error("EACCES"), { code: "EACCES" }),
    });
    const atInfo = capture("info");
    atInfo.logger.error("start-up failed", { error });
    expect(atInfo.lines[0]!.error).toEqual({
      name: "Error",
      message: "could not open the database",
      cause: { name: "Error", message: "EACCES", code: "EACCES" },
    });
    const atDebug = capture("debug");
    atDebug.logger.error("start-up failed", { error });
    const logged = atDebug.lines[0]!.error as { stack: string; cause: { stack: string } };
    expect(logged.stack).toContain("could not open the database\n    at ");
    expect(logged.cause.stack).toContain("EACCES");
  });

  it("logs no secret: not by field name, not inside a URL or an error message", () => {
    const token = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw1";
    const { logger, lines } = capture("debug");
    logger.warn(`request to https://api.telegram.org/bot${token}/getMe failed`, {
      token,
      OPENAI_API_KEY: "sk-abcdefghijklmnopqrstuvwx",
      headers: { authorization: "Bearer abc.def" },
      botToken: "x",
      prompt_tokens: 12,
      error: new Error(`fetch https://api.telegram.org/bot${token}/getUpdates`, { cause: new Error("Bearer abc.def") }),
    });
    const text = JSON.stringify(lines);
    expect(text).not.toContain("AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw1");
    expect(text).not.toContain("sk-abcdefghijklmnopqrstuvwx");
    expect(text).not.toContain("abc.def");
    expect(lines[0]).toMatchObject({
      token: "[redacted]",
      OPENAI_API_KEY: "[redacted]",
      botToken: "[redacted]",
      prompt_tokens: 12,
    });
  });

  it("openCore logs at the configured level (info reaches the engine, not clamped to warn)", async () => {
    const indexDir = mkdtempSync(join(tmpdir(), "logger-index-"));
    let stderr = "";
    vi.spyOn(process.stderr, "write").mockImplementation((chunk) => {
      stderr += String(chunk);
      return true;
    });
    try {
      await openCore(loadConfig({ LOG_LEVEL: "info", INDEX_DIR: indexDir }));
    } finally {
      vi.restoreAllMocks();
      rmSync(indexDir, { recursive: true, force: true });
    }
    const building = stderr
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line));
    expect(building).toContainEqual(
      expect.objectContaining({ level: "info", message: "building index", dir: indexDir }),
    );
  });
});
