/**
 * One bot against one local Bot API server, over real HTTP on 127.0.0.1,
 * started per test and stopped afterwards. `makeDeps` is the single place
 * that picks the answerer: switch it to the real core there.
 *
 * Feature tests get the updates straight from the emulator (`transport: "direct"`,
 * the default): each update the emulator queues goes to grammY's `bot.handleUpdate`,
 * with `botInfo` known, as grammY's own tests do, while every call the bot makes still
 * goes over HTTP to the emulator. Long polling (getMe, the command menu, getUpdates
 * through the runner) adds nothing to what those tests prove, only its start-up and
 * shut-down; tests of the transport itself ask for `transport: "polling"`.
 */
import { afterEach } from "vitest";

import type { Update } from "grammy/types";

import { createBot, type MeetingsBot } from "../../../src/bot/bot.js";
import { createMemoryFeedbackStore, type BotDeps, type BotOptions } from "../../../src/bot/deps.js";
import type { RetryOptions } from "../../../src/bot/retry.js";
import { startBot } from "../../../src/bot/start.js";
import { createBotApiServer, type BotApiServer, type BotApiServerOptions } from "bot-api-emulator";
import { createLogger, type Logger } from "../../../src/logger.js";
import { createFakeAnswerer, type FakeAnswerer, type FakeAnswererOptions } from "./fake-answerer.js";
import { MEETINGS } from "./fixtures.js";

export const TOKEN = "123456:TEST-token_for-bot-tests-abcdefghijklmnop";

/** A logger that keeps its JSON lines for assertions. */
export function captureLogger(): { logger: Logger; lines: string[]; entries: () => Array<Record<string, unknown>> } {
  const lines: string[] = [];
  const logger = createLogger({ level: "debug", write: (line) => lines.push(line) });
  return { logger, lines, entries: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

/** Test deps with a fake answerer and an in-memory feedback store. */
export function makeDeps(
  overrides: { answerer?: FakeAnswererOptions; options?: Partial<BotOptions>; now?: () => Date } = {},
) {
  const answerer: FakeAnswerer = createFakeAnswerer(overrides.answerer);
  const feedback = createMemoryFeedbackStore();
  const log = captureLogger();
  const deps: BotDeps = {
    answerer,
    meetings: MEETINGS,
    logger: log.logger,
    now: overrides.now ?? (() => new Date()),
    options: { rateLimitPerMinute: 100, maxQuestionChars: 200, streamEditIntervalMs: 100, ...overrides.options },
    feedback,
  };
  return { deps, answerer, feedback, log };
}

/** Fast retries for tests. */
export const TEST_RETRY: Partial<RetryOptions> = { transientBaseDelayMs: 20, transientMaxDelayMs: 100 };

/** How updates reach the bot: straight from the emulator into `bot.handleUpdate`, or by long polling. */
export type Transport = "direct" | "polling";

export interface Harness extends ReturnType<typeof makeDeps> {
  server: BotApiServer;
  url: string;
  bot: MeetingsBot;
}

/** Options of one harness bot. */
export type HarnessOptions = Parameters<typeof makeDeps>[0] & { server?: BotApiServerOptions; transport?: Transport };

/**
 * Feeds `bot` the updates `server` queues, as `bot.handleUpdate` calls (the bot's own
 * `sequentialize` keeps each chat in order); the returned stop waits for those running.
 */
export function deliverUpdates(server: BotApiServer, bot: MeetingsBot): () => Promise<void> {
  const running = new Set<Promise<void>>();
  const off = server.onEvent((event) => {
    if (event.type !== "update") return;
    // The bot's error boundaries and bot.catch answer and log failures; nothing is left to reject here.
    const handled: Promise<void> = bot.handleUpdate(event.update as Update).finally(() => running.delete(handled));
    running.add(handled);
  });
  return async () => {
    off();
    await Promise.allSettled([...running]);
  };
}

/** Registers cleanup and returns a starter of server + bot. */
export function useHarness(): (options?: HarnessOptions) => Promise<Harness> {
  const running: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const stop of running.splice(0).reverse()) await stop();
  });
  return async (options = {}) => {
    const server = createBotApiServer(options.server ?? {});
    const { url } = await server.start();
    running.push(() => server.stop());
    const made = makeDeps(options);
    if (options.transport === "polling") {
      const bot = createBot(TOKEN, made.deps, { apiRoot: url, retry: TEST_RETRY });
      const handle = await startBot(bot, { mode: "polling", pollTimeoutSeconds: 2, logger: made.deps.logger });
      running.push(() => handle.stop());
      return { ...made, server, url, bot };
    }
    const bot = createBot(TOKEN, made.deps, { apiRoot: url, retry: TEST_RETRY, botInfo: server.botInfo });
    running.push(deliverUpdates(server, bot));
    return { ...made, server, url, bot };
  };
}

/** Waits until `condition` holds. */
export async function until(condition: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Lets the bot process whatever is queued (for asserting that nothing was sent). */
export const settle = (ms = 150) => new Promise((resolve) => setTimeout(resolve, ms));
