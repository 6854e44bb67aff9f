/**
 * Queue broadcast benchmark (and the harness of tests/queue/broadcast.test.ts): one
 * theme's daily digest to N subscribers, planned by the real planner onto BullMQ and sent
 * by W workers through a local HTTP stand-in for Telegram that records when each message
 * arrived. It answers: does every rolling second stay at or under 30 messages, how close
 * to 30/s does it get, and did every subscriber get exactly one digest.
 *
 * Time may be accelerated (`timeScale`): the queue's limiter, per-chat interval and
 * pauses run that many times faster, and arrival times are scaled back up, so the
 * figures are in Telegram's time.
 */
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { dirname, extname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Chunk } from "../index/chunk.js";
import { silentLogger, type Logger } from "../logger.js";
import { runPool } from "../digest/delivery.js";
import { createPlanner, soleLeader, type LeaderLock } from "../digest/planner.js";
import { createDigestQueue } from "../queue/digest-queue.js";
import type { DeliveryStatus, Store } from "../store/store.js";
import { syntheticChunks } from "./digest.js";
import type { QueueWorkerProcessConfig } from "./queue-worker.js";

/** The bot token the stand-in answers to. */
export const STUB_TOKEN = "123456:queue-bench-token-for-the-local-stub-only";

/** One message as the stand-in received it. */
export interface Arrival {
  chatId: number;
  /** performance.now() of the stand-in's process when the request arrived (real ms). */
  at: number;
}

/** A minimal Bot API stand-in: answers sendMessage, records arrivals, can answer 429 once per chat. */
export interface RecordingTelegram {
  url: string;
  arrivals: Arrival[];
  /** 429s answered. */
  rateLimited: number;
  stop(): Promise<void>;
}

/**
 * Starts the stand-in on 127.0.0.1. Chats in `tooManyRequestsOnce` get one
 * "429 Too Many Requests: retry after N" first (N = `retryAfter`, default 1).
 */
export async function startRecordingTelegram(
  options: { tooManyRequestsOnce?: Iterable<number>; retryAfter?: number } = {},
): Promise<RecordingTelegram> {
  const limited = new Set(options.tooManyRequestsOnce ?? []);
  let messageId = 0;
  const state = { arrivals: [] as Arrival[], rateLimited: 0 };
  const server: Server = createServer(async (req, res) => {
    const at = performance.now();
    if (req.method === "GET" && req.url === "/_stub/arrivals") {
      res.setHeader("content-type", "application/json");
      return res.end(JSON.stringify({ arrivals: state.arrivals, rateLimited: state.rateLimited }));
    }
    if (req.method === "GET" && req.url === "/_stub/count") return res.end(String(state.arrivals.length));
    const body = await readBody(req);
    const params = parseParams(req.headers["content-type"], body);
    const chatId = Number(params.chat_id);
    res.setHeader("content-type", "application/json");
    if (!req.url?.startsWith(`/bot${STUB_TOKEN}/`)) {
      res.statusCode = 401;
      return res.end(JSON.stringify({ ok: false, error_code: 401, description: "Unauthorized" }));
    }
    if (limited.delete(chatId)) {
      state.rateLimited += 1;
      const retryAfter = options.retryAfter ?? 1;
      res.statusCode = 429;
      return res.end(
        JSON.stringify({
          ok: false,
          error_code: 429,
          description: `Too Many Requests: retry after ${retryAfter}`,
          parameters: { retry_after: retryAfter },
        }),
      );
    }
    state.arrivals.push({ chatId, at });
    res.end(
      JSON.stringify({
        ok: true,
        result: {
          message_id: ++messageId,
          date: Math.floor(Date.now() / 1000),
          chat: { id: chatId, type: "private" },
          text: "",
        },
      }),
    );
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get arrivals() {
      return state.arrivals;
    },
    get rateLimited() {
      return state.rateLimited;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The stand-in in a process of its own, as the harness uses it. */
export interface RecordingTelegramProcess {
  url: string;
  /** Messages received so far. */
  count(): Promise<number>;
  /** Everything recorded (arrival times are the stand-in process's performance.now()). */
  collect(): Promise<{ arrivals: Arrival[]; rateLimited: number }>;
  stop(): Promise<void>;
}

/**
 * Starts the stand-in as a child process (src/bench/telegram-stub.ts): it does nothing but
 * answer and record, so its arrival times are not delayed by the harness's own work.
 */
export async function spawnRecordingTelegram(
  options: { tooManyRequestsOnce?: Iterable<number> } = {},
): Promise<RecordingTelegramProcess> {
  const child = await spawnEntry(
    "telegram-stub",
    { tooManyRequestsOnce: [...(options.tooManyRequestsOnce ?? [])] },
    /listening (\S+)\n/,
  );
  const url = child.match[1]!;
  return {
    url,
    count: async () => Number(await (await fetch(`${url}/_stub/count`)).text()),
    collect: async () =>
      (await (await fetch(`${url}/_stub/arrivals`)).json()) as { arrivals: Arrival[]; rateLimited: number },
    stop: () => child.stop(),
  };
}

/** A child process running one of this folder's entries, started once `ready` shows in its output. */
async function spawnEntry(name: string, config: unknown, ready: RegExp) {
  const here = fileURLToPath(import.meta.url);
  const entry = join(dirname(here), `${name}${extname(here)}`);
  const args = extname(here) === ".ts" ? ["--import", "tsx", entry] : [entry];
  const child = spawn(process.execPath, [...args, JSON.stringify(config)], { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const match = await new Promise<RegExpMatchArray>((resolve, reject) => {
    child.stdout.on("data", (data: Buffer) => {
      output += data.toString();
      const found = output.match(ready);
      if (found) resolve(found);
    });
    child.stderr.on("data", (data: Buffer) => (output += data.toString()));
    child.once("exit", (code) =>
      reject(new Error(`${name} exited (${code}) before it was ready: ${output.slice(-800)}`)),
    );
  });
  return {
    match,
    pid: child.pid!,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exited;
    },
    kill() {
      child.kill("SIGKILL");
    },
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on("data", (chunk: Buffer) => parts.push(chunk));
    req.on("end", () => resolve(Buffer.concat(parts).toString("utf8")));
    req.on("error", reject);
  });
}

function parseParams(type: string | undefined, body: string): Record<string, unknown> {
  if (type?.includes("application/json")) return JSON.parse(body || "{}") as Record<string, unknown>;
  return Object.fromEntries(new URLSearchParams(body));
}

/** The most messages that arrived within any window of `windowMs` (in the times given). */
export function worstWindow(times: readonly number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let worst = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (j < sorted.length && sorted[j]! - sorted[i]! < windowMs) j++;
    worst = Math.max(worst, j - i);
  }
  return worst;
}

/** A worker process started by the harness. */
export interface WorkerProcess {
  pid: number;
  /** SIGTERM, and waits for the exit. */
  stop(): Promise<void>;
  /** `kill -9`: no clean-up at all. */
  kill(): void;
}

/** Starts a worker process (compiled JS from dist/, or the TypeScript source through tsx). */
export async function spawnWorkerProcess(config: QueueWorkerProcessConfig): Promise<WorkerProcess> {
  const { pid, stop, kill } = await spawnEntry("queue-worker", config, /ready\n/);
  return { pid, stop, kill };
}

/** Options of {@link benchQueueBroadcast}. */
export interface QueueBroadcastOptions {
  redisUrl: string;
  /**
   * Opens the store (SQLite file or PostgreSQL) the planner and the workers share, on the
   * harness's wall clock: subscriptions are made the evening before, planned at 08:00:30.
   */
  openStore(now: () => Date): Promise<Store>;
  /** Subscribers (default 5000). */
  subscribers?: number;
  /** Workers (default 2). */
  workers?: number;
  /** Where the worker processes find the store: DATABASE_URL, else this SQLite file. */
  database: { url?: string | undefined; path: string };
  /** Lock duration of the workers' jobs (default BullMQ's 30 s); a killed worker's jobs come back after it. */
  lockDurationMs?: number;
  /** Time acceleration (default 1). */
  timeScale?: number;
  /** Election (default the single process's). */
  leader?: LeaderLock;
  /** Fills the store with `n` subscribers to theme `tech` at 08:00 Shanghai (default: through the store port). */
  seed?: (n: number) => Promise<void>;
  /** Called once when `at` messages have arrived, e.g. to kill a worker. */
  midway?: { at: number; run: (workers: readonly WorkerProcess[]) => Promise<void> | void };
  /** Gives up after this long, real ms (default 10 minutes). */
  timeoutMs?: number;
  tooManyRequestsOnce?: Iterable<number>;
  /** The corpus digests are composed from (default a small synthetic one on 科技创新). */
  chunks?: readonly Chunk[];
  logger?: Logger;
}

/** What {@link benchQueueBroadcast} measured (rates and windows in Telegram's time). */
export interface QueueBroadcastResult {
  subscribers: number;
  workers: number;
  timeScale: number;
  /** Messages per second from the first arrival to the last. */
  achievedPerSecond: number;
  /** The most messages in any rolling second. */
  worstRollingSecond: number;
  /** Virtual seconds from the first arrival to the last. */
  seconds: number;
  /** Real ms of planning (seed excluded) until every row was final. */
  realMs: number;
  /** Real ms the planner took to claim and enqueue every digest. */
  planMs: number;
  delivered: number;
  /** Messages beyond the first to a subscriber (with one theme each; else count `perChat` against the rows). */
  duplicates: number;
  /** Subscribers that got nothing. */
  missed: number;
  /** Rows whose outcome is unknown (in flight at a kill): never resent. */
  unknown: number;
  /** Subscribers with an `unknown` row that got nothing (allowed by the rule; counted in `missed`). */
  unknownMissed: number;
  rateLimited: number;
  /** Row counts by status at the end. */
  rows: Record<DeliveryStatus, number>;
  /** Digests claimed by the planner (one per subscriber and theme). */
  claimed: number;
  /** Chat ids by messages received (for the test's per-row checks). */
  perChat: Map<number, number>;
  /** Every message as it arrived (real ms of the stand-in's process). */
  arrivals: readonly Arrival[];
}

/**
 * Seeds, plans and broadcasts one theme through the queue, and measures it.
 * @example
 * const r = await benchQueueBroadcast({ redisUrl, store, subscribers: 5000, workers: 2, timeScale: 20, startWorker });
 * console.log(r.achievedPerSecond, r.worstRollingSecond, r.duplicates, r.missed);
 */
export async function benchQueueBroadcast(options: QueueBroadcastOptions): Promise<QueueBroadcastResult> {
  const { redisUrl } = options;
  const subscribers = options.subscribers ?? 5000;
  const workerCount = options.workers ?? 2;
  const timeScale = options.timeScale ?? 1;
  const logger = options.logger ?? silentLogger;
  const prefix = `bench-${randomUUID().slice(0, 8)}`;
  const telegram = await spawnRecordingTelegram({ tooManyRequestsOnce: options.tooManyRequestsOnce });
  const queue = createDigestQueue({ redisUrl, prefix, timeScale });
  const workers: WorkerProcess[] = [];
  let wall = new Date("2026-03-07T12:00:00Z");
  const store = await options.openStore(() => wall);
  try {
    await (options.seed ?? ((n) => seedThroughStore(store, n)))(subscribers);
    wall = new Date("2026-03-08T00:00:30Z"); // 08:00:30 in Shanghai
    const planner = createPlanner({
      store,
      chunks: options.chunks ?? syntheticChunks(),
      logger,
      leader: options.leader ?? soleLeader(),
      enqueue: (jobs) => queue.enqueue(jobs),
      now: () => wall,
      every: () => () => {},
    });
    const started = performance.now();
    const deadline = started + (options.timeoutMs ?? 600_000);
    const plan = await planner.tick();
    const plannedMs = performance.now() - started;
    if (plan.claimed < subscribers)
      throw new Error(`the planner claimed ${plan.claimed} digests for ${subscribers} subscribers`);
    // Planned before the workers start: this process records arrival times, and a busy event
    // loop here would bunch them (in production the planner runs ahead of the sending anyway).
    const workerConfig = {
      databaseUrl: options.database.url,
      databasePath: options.database.path,
      redisUrl,
      prefix,
      apiRoot: telegram.url,
      timeScale,
      lockDurationMs: options.lockDurationMs,
    };
    workers.push(...(await Promise.all(Array.from({ length: workerCount }, () => spawnWorkerProcess(workerConfig)))));
    let midwayDone = options.midway === undefined;
    for (;;) {
      if (!midwayDone && (await telegram.count()) >= options.midway!.at) {
        midwayDone = true;
        await options.midway!.run(workers);
      }
      const rows = (await store.stats(new Date(0))).deliveries;
      if (rows.pending === 0) break;
      if (performance.now() > deadline) throw new Error(`broadcast not finished in time: ${JSON.stringify(rows)}`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    const realMs = performance.now() - started;
    await planner.stop();
    const rows = (await store.stats(new Date(0))).deliveries;
    const { arrivals, rateLimited } = await telegram.collect();
    const perChat = new Map<number, number>();
    for (const a of arrivals) perChat.set(a.chatId, (perChat.get(a.chatId) ?? 0) + 1);
    const times = arrivals.map((a) => a.at * timeScale);
    const seconds = times.length > 1 ? (Math.max(...times) - Math.min(...times)) / 1000 : 0;
    const unknownChats = await Promise.all(
      (await store.listUnknown(subscribers)).map(
        async (row) => (await store.getSubscriberById(row.subscriberId))?.chatId,
      ),
    );
    return {
      subscribers,
      workers: workerCount,
      timeScale,
      achievedPerSecond: seconds > 0 ? Math.round(((times.length - 1) / seconds) * 100) / 100 : 0,
      worstRollingSecond: worstWindow(times, 1000),
      seconds: Math.round(seconds * 10) / 10,
      realMs: Math.round(realMs),
      planMs: Math.round(plannedMs),
      delivered: perChat.size,
      duplicates: arrivals.length - perChat.size,
      missed: subscribers - perChat.size,
      unknown: rows.unknown,
      unknownMissed: unknownChats.filter((chat) => chat !== undefined && !perChat.has(chat)).length,
      rateLimited,
      rows,
      claimed: plan.claimed,
      perChat,
      arrivals,
    };
  } finally {
    for (const worker of workers) await worker.stop().catch(() => undefined);
    await queue.close();
    await telegram.stop();
    await store.close();
  }
}

/** n subscribers (chat ids 1..n) to `tech` at 08:00, made the evening before. */
async function seedThroughStore(store: Store, n: number): Promise<void> {
  await runPool(
    Array.from({ length: n }, (_, i) => i + 1),
    16,
    async (chatId) => {
      const subscriber = await store.ensureSubscriber({ chatId, userId: chatId });
      await store.upsertSubscription({ subscriberId: subscriber.id, themeId: "tech", themeQuery: null, time: "08:00" });
    },
  );
}
