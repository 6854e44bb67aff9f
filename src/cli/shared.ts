/** What the CLI entry points share: opening the core from config, and turning known errors into one line. */
import type { Answerer } from "../answer/types.js";
import type { Config } from "../config.js";
import { openEngine, type Engine, type EngineOptions } from "../engine.js";
import { createLogger, type Logger } from "../logger.js";
import { answererFor, embedderFor } from "../wiring.js";

/** A command-line mistake: printed as one line, without a stack trace. */
export class UsageError extends Error {
  override name = "UsageError";
}

/** Errors whose message already says what to do: shown alone, without a stack. */
const USER_ERRORS = new Set(["UsageError", "CorpusError", "IndexError", "ConfigError"]);

/** Runs a CLI body; a known error prints one clear line and exits 1. */
export async function runCli(body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (err) {
    const error = err as Error;
    if (USER_ERRORS.has(error?.name)) {
      process.stderr.write(`${error.message}\n`);
    } else {
      process.stderr.write(`Unexpected error: ${error?.message ?? String(err)}\n${process.env.DEBUG ? `${error?.stack}\n` : ""}`);
    }
    process.exitCode = 1;
  }
}

/** A logger to stderr at the configured level. */
export function stderrLogger(config: Config): Logger {
  return createLogger({ level: config.LOG_LEVEL, write: (line) => process.stderr.write(`${line}\n`) });
}

/**
 * Opens the core for a CLI: builds the index when missing or stale (noting it on
 * stderr) and picks the answerer the configuration asks for.
 */
export async function openCore(config: Config, options: Partial<EngineOptions> = {}): Promise<{ engine: Engine; answerer: Answerer }> {
  const logger = createLogger({ level: config.LOG_LEVEL === "debug" ? "debug" : "warn", write: (line) => process.stderr.write(`${line}\n`) });
  const engine = await openEngine({
    corpusDir: config.CORPUS_DIR,
    indexDir: config.INDEX_DIR,
    embedder: await embedderFor(config),
    logger,
    ...options,
  });
  if (engine.built && !options.build) process.stderr.write(`Built the index in ${config.INDEX_DIR}/ (${engine.built}).\n`);
  return { engine, answerer: await answererFor(config, engine, logger) };
}
