/**
 * The queue adapter of digest delivery (BullMQ on Redis, when REDIS_URL is set): the
 * planner puts one job per claimed delivery row on the `digests` queue, and workers on
 * every replica run them with {@link DeliveryJobRunner}. Thin on purpose: what a job
 * does lives in src/digest/delivery-job.ts, what is planned in src/digest/planner.ts.
 *
 * Pacing, shared by all workers through Redis:
 * - BullMQ's queue-wide limiter starts at most `max` jobs per `duration`, in fixed windows:
 *   {max: 30, duration: 1000} lets 51–58 messages into one rolling second (a full window at
 *   the end of one and another at the start of the next). {max: 5, duration: 175} shapes the
 *   flow to 28.6/s, but a rolling second can still touch 7 windows: 34–40 measured here.
 * - A 429 from Telegram pauses the whole queue for its retry_after (`worker.rateLimit`),
 *   and the job goes back to the queue without counting as an attempt.
 * - One message per second into a chat: a Redis key per chat (SET NX PX) taken right
 *   before the send; a job that finds it taken goes back to the queue, delayed, so it
 *   passes the limiter again instead of sending next to other jobs' messages.
 *
 * - Right before each request, a sliding-window log of send times in Redis makes the
 *   guarantee exact whatever the limiter's windows do: at most 30 in any 1.1 s.
 *
 * `timeScale` speeds these up for the bench and tests (as the in-process bench's scaled
 * clock does): at 10, a second of Telegram's time is 100 ms here. Only the 100 ms margin
 * for jitter stays real time, so an accelerated run sends well below 30/s of its time.
 */
import { DelayedError, Queue, Worker, type Job } from "bullmq";
import { Redis } from "ioredis";
import type { DeliveryJobRunner, JobOutcome, Pacing } from "../digest/delivery-job.js";
import { DeliveryError } from "../digest/errors.js";
import type { DeliveryJob } from "../digest/planner.js";
import type { Logger } from "../logger.js";

/** The queue's name in Redis. */
export const DIGEST_QUEUE = "digests";

/** Queue-wide limiter: shapes the flow to 28.6 jobs/s (the send window below makes the 30/s bound exact; see the module doc). */
export const TELEGRAM_LIMITER = { max: 5, duration: 175 } as const;

/**
 * Telegram's one message per second into a chat, plus a margin in real time for what lies between the send slot
 * and the request's arrival (the hand-over mark, the HTTP client, a busy machine): 90 ms was seen on CI, so 200 ms.
 */
const PER_CHAT = { intervalMs: 1000, marginMs: 200 } as const;

/**
 * At most 30 sends in any rolling second plus a margin, counted right before each request:
 * the guarantee of "≤ 30 in any rolling second" at Telegram, with room for the requests'
 * own jitter. The margin is real time (jitter does not speed up with `timeScale`): 100 ms,
 * since 50 ms (the in-process throttle's 5%) let 31–32 messages into one rolling second
 * of the 20,000-subscriber test on a loaded two-core machine, where a worker can wait that
 * long for the CPU between its slot and its request. It costs 9%: 27.3 msg/s at most.
 */
export const SEND_WINDOW = { windowMs: 1000, marginMs: 100, limit: 30 } as const;

/** Where the queue lives. */
export interface DigestQueueConnection {
  redisUrl: string;
  /** Prefix of every key (default "csj-bot"); tests use their own. */
  prefix?: string;
  /** Speeds the limiter, the per-chat interval, 429 pauses and backoff up by this factor (default 1). */
  timeScale?: number;
}

/** The producer side, for the planner. */
export interface DigestQueue {
  /** Adds one job per delivery; a job whose id (`delivery-<id>`) is already queued is not added twice. */
  enqueue(jobs: readonly DeliveryJob[]): Promise<void>;
  /** Jobs waiting, delayed or running. */
  pending(): Promise<number>;
  close(): Promise<void>;
}

/** Opens the producer side; connection errors go to `logger` (BullMQ reconnects by itself). */
export function createDigestQueue(connection: DigestQueueConnection, logger?: Logger): DigestQueue {
  const scale = connection.timeScale ?? 1;
  const queue = new Queue<DeliveryJob>(DIGEST_QUEUE, {
    connection: { url: connection.redisUrl },
    prefix: connection.prefix ?? "csj-bot",
  });
  queue.on("error", (error) => logger?.error("digest queue error", { error }));
  return {
    async enqueue(jobs) {
      if (jobs.length === 0) return;
      await queue.addBulk(
        jobs.map((data) => ({
          name: "digest",
          data,
          opts: {
            jobId: `delivery-${data.deliveryId}`,
            attempts: 4,
            backoff: { type: "exponential", delay: 1000 / scale },
            // Finished jobs go at once: the row says it is done, so a re-added job does nothing.
            removeOnComplete: true,
            removeOnFail: true,
          },
        })),
      );
    },
    async pending() {
      const counts = await queue.getJobCounts("wait", "delayed", "active", "prioritized");
      return Object.values(counts).reduce((a, b) => a + b, 0);
    },
    close: () => queue.close(),
  };
}

/** Options of {@link startDigestWorker}. */
export interface DigestWorkerOptions extends DigestQueueConnection {
  run: DeliveryJobRunner;
  logger: Logger;
  /** Jobs at once in this process (default 16: enough for 30/s with half a second of latency). */
  concurrency?: number;
  /** Queue-wide limiter in real ms before `timeScale` (default {@link TELEGRAM_LIMITER}). */
  limiter?: { max: number; duration: number };
  /** A job whose worker stopped renewing it this long goes back to the queue (default 30 s, BullMQ's). */
  lockDurationMs?: number;
  /** Called after each job, e.g. for the bench's counts. */
  onOutcome?: (outcome: JobOutcome, job: DeliveryJob) => void;
}

/** A running worker. */
export interface DigestWorker {
  /** Stops taking jobs, lets running ones finish, closes its connections. */
  close(): Promise<void>;
}

/** Starts a worker on the `digests` queue. */
export function startDigestWorker(options: DigestWorkerOptions): DigestWorker {
  const { run, logger } = options;
  const scale = options.timeScale ?? 1;
  const prefix = options.prefix ?? "csj-bot";
  const limiter = options.limiter ?? TELEGRAM_LIMITER;
  const lockDuration = options.lockDurationMs ?? 30_000;
  const gateRedis = new Redis(options.redisUrl, { maxRetriesPerRequest: null });
  const pacing = redisPacing(gateRedis, {
    keyPrefix: `${prefix}:pacing:`,
    perChatIntervalMs: Math.round(PER_CHAT.intervalMs / scale + PER_CHAT.marginMs),
    windowMs: SEND_WINDOW.windowMs / scale + SEND_WINDOW.marginMs,
    limit: SEND_WINDOW.limit,
  });

  const worker: Worker<DeliveryJob> = new Worker<DeliveryJob>(
    DIGEST_QUEUE,
    async (job: Job<DeliveryJob>, token?: string) => {
      const final = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      let outcome: JobOutcome;
      try {
        outcome = await run(job.data, { final, pacing });
      } catch (error) {
        if (error instanceof DeliveryError && error.kind === "rate-limited") {
          const ms = (Math.max(1, error.retryAfter ?? 1) * 1000) / scale;
          logger.warn("Telegram rate-limited the bot; pausing the digest queue", { ms: Math.round(ms * scale) });
          await worker.rateLimit(ms);
          throw Worker.RateLimitError();
        }
        throw error;
      }
      options.onOutcome?.(outcome, job.data);
      if (outcome.status === "later") {
        await job.moveToDelayed(Date.now() + outcome.waitMs, token);
        throw new DelayedError();
      }
      return outcome.status;
    },
    {
      connection: { url: options.redisUrl, maxRetriesPerRequest: null },
      prefix,
      concurrency: options.concurrency ?? 16,
      limiter: { max: limiter.max, duration: Math.max(1, limiter.duration / scale) },
      lockDuration,
      stalledInterval: Math.max(500, Math.round(lockDuration / 2)),
      // A job can stall (its worker was killed) more than once in a long broadcast; the row decides anyway.
      maxStalledCount: 5,
    },
  );
  worker.on("failed", (job, error) => logger.warn("digest job failed", { jobId: job?.id, error: error.message }));
  worker.on("error", (error) => logger.error("digest worker error", { error }));
  return {
    async close() {
      await worker.close();
      await gateRedis.quit().catch(() => undefined);
    },
  };
}

/**
 * The rolling-second limit as a sliding-window log in Redis (a sorted set of send times,
 * Redis's own clock in µs, so every replica counts on one clock): a slot is granted when
 * fewer than `limit` were granted in the last `windowUs`. Returns 0 (granted) or the µs to wait.
 * A grant also restarts the chat's interval (KEYS[2]) in the same step, nothing in between.
 */
const SEND_SLOT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local window = tonumber(ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[2]) then
  redis.call('ZADD', KEYS[1], now, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], math.ceil(window / 1000) + 1000)
  redis.call('SET', KEYS[2], '1', 'PX', ARGV[4])
  return 0
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return math.max(1, tonumber(oldest[2]) + window - now)
`;

/** Options of {@link redisPacing}, in real ms (already divided by any time scale). */
export interface RedisPacingOptions {
  keyPrefix: string;
  /** Between two messages into one chat. */
  perChatIntervalMs: number;
  /** The rolling window and how many messages it may hold. */
  windowMs: number;
  limit: number;
}

/**
 * {@link Pacing} on Redis, shared by every worker: a key per chat (SET NX PX, taken by
 * the sender) and the sliding-window log of send times for the whole bot.
 */
export function redisPacing(redis: Redis, options: RedisPacingOptions): Pacing {
  const { keyPrefix, perChatIntervalMs, windowMs, limit } = options;
  const windowUs = Math.round(windowMs * 1000);
  let seq = 0;
  const member = `${process.pid}-${Math.random().toString(36).slice(2)}`;
  const chatKey = (chatId: number) => `${keyPrefix}chat:${chatId}`;
  return {
    async chat(chatId) {
      // Held through the wait for a send slot (up to about a window), then set to one interval from the send.
      if ((await redis.set(chatKey(chatId), "1", "PX", Math.ceil(perChatIntervalMs + 2 * windowMs), "NX")) === "OK")
        return { open: true };
      return { open: false, waitMs: Math.max(1, await redis.pttl(chatKey(chatId))) };
    },
    async send(chatId) {
      for (;;) {
        const args = [windowUs, limit, `${member}-${++seq}`, perChatIntervalMs];
        const waitUs = Number(await redis.eval(SEND_SLOT, 2, `${keyPrefix}sent`, chatKey(chatId), ...args));
        if (waitUs <= 0) return;
        await new Promise((resolve) => setTimeout(resolve, Math.max(1, Math.ceil(waitUs / 1000))));
      }
    },
  };
}
