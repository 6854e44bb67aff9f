/**
 * Broadcast benchmark: one theme's daily digest to N subscribers under Telegram's
 * limits, through the real scheduler, store (SQLite in a temp dir) and throttle.
 * It answers two questions: how close to the ideal N / rate the broadcast gets, and
 * whether every subscriber got exactly one message.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Chunk } from "../index/chunk.js";
import { silentLogger, type Logger } from "../logger.js";
import { createDigestSender } from "../bot/digest-sender.js";
import { createThrottle, type Clock, type DigestSender } from "../digest/delivery.js";
import { DeliveryError } from "../digest/errors.js";
import { createScheduler } from "../digest/scheduler.js";
import { createBotApiServer } from "bot-api-emulator";
import { createStore } from "../store/store.js";

const BENCH_TOKEN = "123456:bench-token-for-the-local-server-only";

/** A clock running `timeScale` times faster than real time, shared by throttle and server. */
export interface ScaledClock extends Clock {
  readonly timeScale: number;
}

/**
 * Accelerated time: `now()` advances `timeScale` virtual ms per real ms and
 * `sleep(ms)` sleeps ms / timeScale real ms. Give the same clock to the local Bot API
 * server (`createBotApiServer({ now: clock.now })`) so its flood control counts in
 * the same virtual time as the throttle.
 */
export function scaledClock(timeScale = 1): ScaledClock {
  if (!(timeScale > 0)) throw new RangeError("timeScale must be positive");
  const epoch = Date.now();
  const start = performance.now();
  return {
    timeScale,
    now: () => epoch + (performance.now() - start) * timeScale,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms / timeScale))),
  };
}

/** Options of {@link benchBroadcast}. */
export interface BenchBroadcastOptions {
  /** Subscribers, one private chat each (default 5000). */
  subscribers?: number;
  /** The global limit, messages per second (default 30). */
  ratePerSecond?: number;
  /**
   * Time acceleration (default 1 = real time). With 10, a 5000-message broadcast at 30/s
   * (167 s of virtual time) takes about 17 s. Throttle, retries and the built-in local
   * server all run on the same {@link scaledClock}; the reported times are virtual.
   * When you pass your own `send` to a server on its own clock, keep 1, or pass `clock`
   * and give that server `clock.now`.
   */
  timeScale?: number;
  /** The clock to use (default `scaledClock(timeScale)`), to share with your server. */
  clock?: ScaledClock;
  /** Sends through this instead of the built-in local Bot API server (which then is not started). */
  send?: DigestSender;
  /** Corpus to compose from (default: a small synthetic one). */
  chunks?: readonly Chunk[];
  /** The throttle's margin under the limit (default 0.05, see ThrottleOptions.safety). */
  safety?: number;
  /** Theme to broadcast (default "tech"). */
  theme?: string;
  logger?: Logger;
}

/** What {@link benchBroadcast} measured. */
export interface BenchBroadcastResult {
  subscribers: number;
  /** Virtual ms from the tick's start to the last message accepted. */
  elapsedMs: number;
  /** N / rate, in ms. */
  idealMs: number;
  /** elapsedMs / idealMs (1 is perfect; the throttle keeps 5% under the limit on purpose, so about 1.05 is the floor). */
  ratio: number;
  /** Real (wall) ms the broadcast took. */
  realMs: number;
  /** Subscribers that got at least one message. */
  delivered: number;
  /** Messages beyond the first per subscriber (must be 0). */
  duplicates: number;
  /** Subscribers that got nothing (must be 0). */
  missed: number;
  /** 429 answers received (the throttle should keep this at or near 0). */
  rateLimited: number;
  /** A second tick right after claimed nothing (exactly once). */
  secondTickClaimed: number;
  peakRssMb: number;
}

/**
 * Broadcasts one theme to `subscribers` chats and measures it.
 * @example
 * // 5000 subscribers through the built-in local server, 20× faster than real time:
 * const result = await benchBroadcast({ subscribers: 5000, timeScale: 20 });
 * console.log(result.ratio, result.duplicates, result.missed);
 */
export async function benchBroadcast(options: BenchBroadcastOptions = {}): Promise<BenchBroadcastResult> {
  const subscribers = options.subscribers ?? 5000;
  const rate = options.ratePerSecond ?? 30;
  const clock = options.clock ?? scaledClock(options.timeScale ?? 1);
  const logger = options.logger ?? silentLogger;
  const chunks = options.chunks ?? syntheticChunks();
  const dir = mkdtempSync(join(tmpdir(), "bench-digest-"));
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);

  // Wall time: subscriptions are made the evening before; the broadcast is due at 08:00 Shanghai.
  let wallBase = Date.parse("2026-03-07T12:00:00Z") - clock.now();
  const wall = () => new Date(wallBase + clock.now());

  const server = options.send
    ? undefined
    : createBotApiServer({ rateLimit: { globalPerSecond: rate, perChatPerSecond: 1 }, now: clock.now });
  const store = createStore(join(dir, "bench.sqlite"), { now: wall });
  try {
    let send = options.send;
    if (server) {
      const { url } = await server.start(0);
      for (let i = 1; i <= subscribers; i++) server.createUser({ id: i });
      // Warm up the HTTP client and server so a cold start does not count as jitter.
      for (let i = 0; i < 20; i++) await fetch(`${url}/bot${BENCH_TOKEN}/getMe`).then((r) => r.arrayBuffer());
      // The bot's own digest sender, so the bench measures what production sends.
      send = createDigestSender({ token: BENCH_TOKEN, apiRoot: url }, { logger: options.logger ?? silentLogger });
    }
    const accepted = new Map<number, number>();
    let rateLimited = 0;
    let lastAcceptedAt = 0;
    const counting: DigestSender = async (chatId, digest, extra) => {
      try {
        const result = await send!(chatId, digest, extra);
        accepted.set(chatId, (accepted.get(chatId) ?? 0) + 1);
        lastAcceptedAt = clock.now();
        return result;
      } catch (error) {
        if (error instanceof DeliveryError && error.kind === "rate-limited") rateLimited += 1;
        throw error;
      }
    };

    for (let chatId = 1; chatId <= subscribers; chatId++) {
      const subscriber = await store.ensureSubscriber({ chatId, userId: chatId });
      await store.upsertSubscription({
        subscriberId: subscriber.id,
        themeId: options.theme ?? "tech",
        themeQuery: null,
        time: "08:00",
      });
    }
    wallBase = Date.parse("2026-03-08T00:00:00Z") - clock.now();

    const scheduler = createScheduler({
      store,
      chunks,
      send: counting,
      logger,
      now: wall,
      clock,
      throttle: createThrottle({ clock, globalPerSecond: rate, safety: options.safety }),
      every: () => () => {},
    });
    const startVirtual = clock.now();
    const startReal = performance.now();
    await scheduler.tick();
    const realMs = performance.now() - startReal;
    const elapsedMs = lastAcceptedAt - startVirtual;
    const second = await scheduler.tick();

    const idealMs = (subscribers / rate) * 1000;
    const messages = [...accepted.values()].reduce((a, b) => a + b, 0);
    return {
      subscribers,
      elapsedMs: Math.round(elapsedMs),
      idealMs: Math.round(idealMs),
      ratio: Number((elapsedMs / idealMs).toFixed(3)),
      realMs: Math.round(realMs),
      delivered: accepted.size,
      duplicates: messages - accepted.size,
      missed: subscribers - accepted.size,
      rateLimited,
      secondTickClaimed: second.claimed,
      peakRssMb: Math.round((peakRss / 1024 / 1024) * 10) / 10,
    };
  } finally {
    clearInterval(sampler);
    await store.close();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Four meetings with a few tech paragraphs each, enough for a five-point digest. */
export function syntheticChunks(): Chunk[] {
  const topics = ["集成电路", "人工智能", "创新策源", "科创走廊", "量子信息"];
  return [2021, 2022, 2023, 2024].flatMap((year) =>
    topics.map((topic, i) => ({
      id: `${year}/1/${i + 1}`,
      meetingId: `${year}`,
      meetingKind: "annual" as const,
      meetingTitle: `${year}年度长三角地区主要领导座谈会`,
      year,
      startDate: `${year}-06-01`,
      city: "上海",
      province: "上海",
      articleIndex: 1,
      articleKind: "meeting" as const,
      articleTitle: `${year}年度长三角地区主要领导座谈会举行`,
      paragraph: i + 1,
      part: 0,
      text: `会议指出，要围绕${topic}加强科技创新协同，共建长三角科技创新共同体。`,
      source: { name: "bench", file: "bench.txt" },
    })),
  );
}
