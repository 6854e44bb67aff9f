/**
 * The digest feature end to end: the real corpus and index (opened once per file in a
 * temp dir), and per test a local Bot API server, a temp SQLite store, the scheduler
 * with the bot's digest sender, the digest service and a bot fed the emulator's updates directly
 * (see harness.ts; `transport: "polling"` long-polls instead; votes go to the store) — everything
 * on one injected wall clock that tests move by hand. The scheduler never ticks by
 * itself; tests call `tick()`.
 */
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll } from "vitest";

import { createBot, type MeetingsBot } from "../../../src/bot/bot.js";
import type { BotDeps } from "../../../src/bot/deps.js";
import { createDigestSender } from "../../../src/bot/digest-sender.js";
import { createDigestFeature } from "../../../src/bot/features/digests.js";
import { createSqliteFeedbackStore } from "../../../src/bot/feedback-store.js";
import { startBot } from "../../../src/bot/start.js";
import {
  createDigestService,
  createScheduler,
  createThrottle,
  systemClock,
  type DigestService,
  type Scheduler,
} from "../../../src/digest/index.js";
import { sharedIndexCopy } from "../../fixtures/helpers.js";
import { openEngine, type Engine } from "../../../src/engine.js";
import { createBotApiServer, type BotApiServer } from "bot-api-emulator";
import type { Message, User } from "grammy/types";
import { createStore, type Store } from "../../../src/store/store.js";
import { captureLogger, deliverUpdates, TEST_RETRY, TOKEN, type Transport } from "./harness.js";

/** The admin of every digest bot (for /stats). */
export const ADMIN_ID = 4242;

/** A wall clock tests set by hand. */
export interface WallClock {
  now: () => Date;
  /** Jumps to an instant (ISO). */
  set(iso: string): void;
}

export interface DigestHarness {
  engine: Engine;
  server: BotApiServer;
  store: Store;
  scheduler: Scheduler;
  service: DigestService;
  bot: MeetingsBot;
  wall: WallClock;
  log: ReturnType<typeof captureLogger>;
  /** The SQLite file, for tests that read what was stored. */
  dbPath: string;
}

/** Options of one digest bot. */
export interface DigestHarnessOptions {
  /** Where the wall clock starts (default 2026-06-01T09:00:00Z). */
  startIso?: string;
  /** How long a store call retries while another process holds the SQLite lock (default 3 s). */
  busyRetryMs?: number;
  /** How updates reach the bot (default `direct`). */
  transport?: Transport;
}

/**
 * Opens the real core once for the file, and returns a starter of one digest bot per
 * test (all stopped and removed after each test).
 */
export function useDigestHarness(): (options?: DigestHarnessOptions) => Promise<DigestHarness> {
  let dir: string;
  let engine: Engine;
  const running: Array<() => Promise<void> | void> = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "bot-digests-"));
    cpSync("corpus", join(dir, "corpus"), { recursive: true });
    engine = await openEngine({ corpusDir: join(dir, "corpus"), indexDir: sharedIndexCopy(dir) });
  }, 60_000);
  afterEach(async () => {
    for (const stop of running.splice(0).reverse()) await stop();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  return async (options = {}) => {
    let wallMs = Date.parse(options.startIso ?? "2026-06-01T09:00:00Z");
    const wall: WallClock = { now: () => new Date(wallMs), set: (iso) => (wallMs = Date.parse(iso)) };
    const log = captureLogger();
    const logger = log.logger;

    const server = createBotApiServer();
    const { url } = await server.start();
    running.push(() => server.stop());

    const dbDir = mkdtempSync(join(tmpdir(), "bot-digests-db-"));
    running.push(() => rmSync(dbDir, { recursive: true, force: true }));
    const dbPath = join(dbDir, "bot.sqlite");
    const store = createStore(dbPath, {
      now: wall.now,
      defaultTimeZone: "Asia/Shanghai",
      ...(options.busyRetryMs === undefined ? {} : { busyRetryMs: options.busyRetryMs }),
    });
    running.push(() => void store.close());

    const chunks = engine.index.chunks;
    const meetings = engine.corpus.meetings;
    const send = createDigestSender({ token: TOKEN, apiRoot: url }, { logger, meetings });
    // Real time for pacing and retry waits (a 429's retry_after is really waited); generous limits so tests don't queue.
    const clock = systemClock();
    const scheduler = createScheduler({
      store,
      chunks,
      send,
      logger,
      now: wall.now,
      clock,
      throttle: createThrottle({ clock, globalPerSecond: 100, perChatPerSecond: 20 }),
      retry: { baseDelayMs: 20, maxDelayMs: 100 },
      every: () => () => undefined,
    });
    running.push(() => scheduler.stop());
    const service = createDigestService({ store, scheduler, chunks, now: wall.now });
    const feature = createDigestFeature({ service, adminIds: [ADMIN_ID], logger, meetings });

    const deps: BotDeps = {
      answerer: engine.extractive,
      meetings,
      logger,
      now: () => new Date(),
      options: { rateLimitPerMinute: 100, maxQuestionChars: 200 },
      feedback: createSqliteFeedbackStore(store),
      extraFeatures: [feature],
    };
    if (options.transport === "polling") {
      const bot = createBot(TOKEN, deps, { apiRoot: url, retry: TEST_RETRY });
      const handle = await startBot(bot, { mode: "polling", pollTimeoutSeconds: 1, logger });
      running.push(() => handle.stop());
      return { engine, server, store, scheduler, service, bot, wall, log, dbPath };
    }
    const bot = createBot(TOKEN, deps, { apiRoot: url, retry: TEST_RETRY, botInfo: server.botInfo });
    running.push(deliverUpdates(server, bot));
    return { engine, server, store, scheduler, service, bot, wall, log, dbPath };
  };
}

/** The highest message id the bot has sent into a chat (0 when none). */
export function lastMessageId(server: BotApiServer, chatId: number): number {
  return Math.max(0, ...server.messagesIn(chatId).map((m) => m.message_id));
}

/** The user sends `text` in their private chat; resolves with the bot's next new message there. */
export async function say(server: BotApiServer, user: User, text: string): Promise<Message> {
  const after = lastMessageId(server, user.id);
  server.sendMessage(user, user, text);
  return server.waitForMessage(user.id, (m) => m.message_id > after);
}

/** The inline buttons of a message, flattened. */
export function buttonsOf(message: Message): Array<{ text: string; callback_data?: string | undefined }> {
  return message.reply_markup?.inline_keyboard.flat() ?? [];
}
