/**
 * `npm start`: the composition root. Parses config once, opens the core, wires
 * the bot, the digest store and scheduler, and runs them: against Telegram when a token is set,
 * otherwise locally against our Bot API emulator with a terminal chat. ROLE picks what runs:
 * all (default), web (the bot only), planner or worker (digest delivery on the queue).
 * Shuts down cleanly on SIGINT/SIGTERM.
 */
import {
  createBot,
  createDigestFeature,
  createRedisChatState,
  createDigestSender,
  createSqliteFeedbackStore,
  LOCAL_TOKEN,
  runLocalMode,
  startBot,
  type BotDeps,
} from "./bot/index.js";
import { appendFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";

import { openCore, runCli, stderrLogger } from "./wiring.js";
import { createLogger, type Logger } from "./logger.js";
import { loadConfig } from "./config.js";
import { createDigestService, createScheduler } from "./digest/index.js";
import { openStore } from "./store/index.js";
import { createLiveCore, trendServiceFor } from "./live-core.js";
import { DEFAULT_THEMES } from "./digest/themes.js";

/** Shutdown gets this long before the process exits anyway (containers usually allow 10 s). */
const SHUTDOWN_DEADLINE_MS = 8000;

await runCli(async () => {
  const config = loadConfig(process.env);
  // In local mode the terminal is the chat: log lines go to a file unless LOG_LEVEL=debug asks for them here.
  const localLog =
    !config.TELEGRAM_BOT_TOKEN && config.LOG_LEVEL !== "debug"
      ? join(dirname(config.DATABASE_PATH), "local.log")
      : undefined;
  const logger = localLog === undefined ? stderrLogger(config) : fileLogger(config, localLog);
  const { engine, answerer } = await openCore(config);
  const meetings = engine.corpus.meetings;
  const chunks = engine.index.chunks;
  const stops: (() => Promise<void>)[] = [];
  const shutdown = onceSignal(async () => {
    for (const stop of stops.reverse())
      await stop().catch((error: unknown) => logger.error("shutdown step failed", { error }));
  });

  // Replicas share each chat's follow-up memory and each user's quota through Redis; connected first,
  // so a Redis that does not answer stops the start before anything else is open.
  const redis = config.REDIS_URL
    ? await (await import("./store/redis-connect.js")).connectRedis(config.REDIS_URL, logger)
    : undefined;
  if (redis) stops.push(async () => void (await redis.quit()));
  const store = await openStore({
    databaseUrl: config.DATABASE_URL,
    databasePath: config.DATABASE_PATH,
    defaultTimeZone: config.DEFAULT_TIMEZONE,
    onGone: (message) => logger.error(message),
  });
  stops.push(() => store.close());
  // In local mode the emulator's address is known only once it runs, so the sender asks for it late.
  let apiRoot = config.TELEGRAM_API_ROOT;
  const token = config.TELEGRAM_BOT_TOKEN ?? LOCAL_TOKEN;
  const send = createDigestSender(() => ({ token, ...(apiRoot ? { apiRoot } : {}) }), { logger, meetings });
  const scheduler = createScheduler({ store, chunks, send, logger });
  stops.push(() => scheduler.stop());
  // Daily digests: the in-process scheduler, or with REDIS_URL the queue's planner and workers as ROLE asks.
  // /digest (one digest now) always goes through the scheduler of the process that got the command.
  const role = config.ROLE;
  // BullMQ, ioredis and pg take about 0.25 s of CPU to load, so only a process with REDIS_URL loads them.
  const queue = config.REDIS_URL ? await import("./queue/index.js") : undefined;
  const startDelivery = () => {
    if (!config.REDIS_URL || !queue) return role === "all" ? scheduler.start() : undefined;
    const stop = queue.startQueueRoles({
      redisUrl: config.REDIS_URL,
      databaseUrl: config.DATABASE_URL,
      store,
      chunks,
      send,
      logger,
      planner: role === "all" || role === "planner",
      worker: role === "all" || role === "worker",
    });
    stops.push(stop);
  };
  if (role === "planner" || role === "worker") {
    logger.info(`running as the digest ${role}`, { queue: "digests" });
    // The queue's connections keep the process up until SIGINT/SIGTERM runs the stops.
    startDelivery();
    return;
  }
  const service = createDigestService({ store, scheduler, chunks, defaultTimeZone: config.DEFAULT_TIMEZONE });
  const trend = trendServiceFor(engine);
  // The first chart of a process loads the font and the renderer (~0.8 s): paid once the bot is receiving
  // updates (off the start-up path), not in a user's first /trend.
  const warmCharts = () => {
    const [theme] = DEFAULT_THEMES;
    if (theme)
      void trend
        .trendPng(trend.trend(theme), "zh")
        .catch((error: unknown) => logger.warn("chart warm-up failed", { error }));
  };
  // A running bot follows `npm run ingest`: each update is answered from the build live when it starts.
  const core = createLiveCore({ config, first: { answerer, meetings, trend }, segmenter: engine.segmenter, logger });
  stops.push(async () => core.close());
  const deps: BotDeps = {
    answerer,
    meetings: engine.corpus.meetings,
    logger,
    now: () => new Date(),
    options: {
      rateLimitPerMinute: config.RATE_LIMIT_PER_MINUTE,
      maxQuestionChars: config.MAX_QUESTION_CHARS,
      adminIds: config.ADMIN_USER_IDS,
    },
    feedback: createSqliteFeedbackStore(store),
    trend,
    extraFeatures: [createDigestFeature({ service, adminIds: config.ADMIN_USER_IDS, logger, meetings })],
    core,
    ...(redis ? { chatState: createRedisChatState(redis) } : {}),
  };

  if (!config.TELEGRAM_BOT_TOKEN) {
    process.stderr.write(
      `No TELEGRAM_BOT_TOKEN: running locally. Type a question (or /help); /quit ends. Logs: ${localLog ?? "stderr"}\n`,
    );
    const local = await runLocalMode({ deps, input: process.stdin, output: process.stdout });
    apiRoot = local.url;
    stops.push(() => local.stop());
    startDelivery();
    warmCharts();
    await local.session;
    await shutdown();
    return;
  }
  const bot = createBot(
    config.TELEGRAM_BOT_TOKEN,
    deps,
    config.TELEGRAM_API_ROOT ? { apiRoot: config.TELEGRAM_API_ROOT } : {},
  );
  const handle =
    config.BOT_MODE === "webhook"
      ? await startBot(bot, {
          mode: "webhook",
          secret: config.WEBHOOK_SECRET!,
          port: config.PORT,
          url: config.WEBHOOK_URL,
          logger,
        })
      : await startBot(bot, { mode: "polling", logger });
  stops.push(() => handle.stop());
  startDelivery();
  warmCharts();
  // If polling dies on its own (token revoked, another instance polling), exit rather than run deaf.
  handle.done.catch(async (error: unknown) => {
    logger.error("the bot stopped receiving updates; shutting down", { error });
    await shutdown();
    process.exit(1);
  });
});

/** A logger appending JSON lines to `path` (local mode: the terminal is the chat). */
function fileLogger(config: { LOG_LEVEL: "debug" | "info" | "warn" | "error" }, path: string): Logger {
  mkdirSync(dirname(path), { recursive: true });
  return createLogger({ level: config.LOG_LEVEL, write: (line) => appendFileSync(path, `${line}\n`) });
}

/** Runs `stop` once on the first SIGINT/SIGTERM, within a deadline (a second signal exits at once). */
function onceSignal(stop: () => Promise<void>): () => Promise<void> {
  let stopping: Promise<void> | undefined;
  const run = () =>
    (stopping ??= Promise.race([
      stop(),
      new Promise<void>((resolve) => setTimeout(resolve, SHUTDOWN_DEADLINE_MS).unref()),
    ]));
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      process.once(signal, () => process.exit(130));
      void run().then(() => process.exit(0));
    });
  }
  return run;
}
