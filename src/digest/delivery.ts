/**
 * Sending digests under Telegram's limits: token buckets (≈30 messages/s for the bot,
 * ≤1/s per chat) and the retry policy for each kind of {@link DeliveryError}.
 * Time is injected (`now` in ms, `sleep`) so tests and benchmarks run fast.
 */
import type { Logger } from "../logger.js";
import type { Language } from "../store/store.js";
import type { Digest } from "./compose.js";
import { DeliveryError } from "./errors.js";

/** What a {@link DigestSender} is told besides the digest. */
export interface SendOptions {
  language: Language;
  /**
   * Awaited by a sender that {@link DigestSender.reportsHandOver} right before each
   * request is given to the HTTP client (after it, bytes may reach Telegram). When it
   * rejects, the sender sends nothing and throws a `transient` {@link DeliveryError}.
   */
  onHandOver?: () => Promise<void>;
}

/**
 * Sends one digest; resolves with Telegram's message id or throws a {@link DeliveryError}.
 * `reportsHandOver`: the sender awaits `onHandOver` before any request leaves, so an attempt
 * that died before it is known never to have reached Telegram (without it, any attempt in
 * flight at a crash counts as possibly delivered).
 */
export type DigestSender = ((
  chatId: number,
  digest: Digest,
  options: SendOptions,
) => Promise<{ messageId: number }>) & {
  readonly reportsHandOver?: boolean;
};

/** Time as the throttle and retries see it. */
export interface Clock {
  /** Milliseconds since some epoch. */
  now(): number;
  sleep(ms: number): Promise<void>;
}

/** The real clock. */
export function systemClock(): Clock {
  return { now: () => Date.now(), sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms))) };
}

/**
 * A token bucket that hands out reservations: every caller gets the next free slot at
 * once (tokens may go negative), then sleeps until it. Concurrent callers therefore
 * queue in order without polling.
 */
export class TokenBucket {
  private tokens: number;
  private last: number | undefined;

  /** @param perSecond refill rate; @param capacity largest burst. */
  constructor(
    readonly perSecond: number,
    readonly capacity = 1,
  ) {
    if (!(perSecond > 0) || !(capacity >= 1))
      throw new RangeError("a token bucket needs a positive rate and a capacity of at least 1");
    this.tokens = capacity;
  }

  /** Takes one token at time `at` (ms) and returns how long to wait for it. */
  reserve(at: number): number {
    this.refill(at);
    this.tokens -= 1;
    return this.tokens >= 0 ? 0 : (-this.tokens * 1000) / this.perSecond;
  }

  /** Makes the next reservation wait at least `ms` from `at` (Telegram said "retry after"). */
  pause(at: number, ms: number): void {
    this.refill(at);
    this.tokens = Math.min(this.tokens, 1 - (ms * this.perSecond) / 1000);
  }

  private refill(at: number): void {
    if (this.last !== undefined && at > this.last) {
      this.tokens = Math.min(this.capacity, this.tokens + ((at - this.last) * this.perSecond) / 1000);
    }
    this.last = Math.max(at, this.last ?? at);
  }
}

/** The last `limit` send times: allows a send when the oldest is at least `windowMs` old. */
class SendWindow {
  private readonly times: number[] = [];

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  waitMs(at: number): number {
    if (this.times.length < this.limit) return 0;
    return Math.max(0, this.times[0]! + this.windowMs - at);
  }

  record(at: number): void {
    this.times.push(at);
    if (this.times.length > this.limit) this.times.shift();
  }
}

/** Options of {@link createThrottle}. */
export interface ThrottleOptions {
  /** Messages per second for the whole bot (default 30). */
  globalPerSecond?: number;
  /** Messages per second into one chat (default 1). */
  perChatPerSecond?: number;
  /**
   * Fraction by which to stay under the limits (default 0.05). Telegram counts arrival
   * times: two requests that left evenly spaced can arrive bunched after network jitter.
   * Measured against the local server on a busy machine: 0.02 drew 15 429s per 1000
   * messages, 0.05 none, for a 1% longer broadcast.
   */
  safety?: number;
  clock: Clock;
}

/** Global and per-chat pacing. */
export interface Throttle {
  /** Resolves when one more message may go to `chatId`. */
  acquire(chatId: number): Promise<void>;
  /** Holds back all sending for `ms` (after a 429). */
  pause(ms: number): void;
}

/**
 * Creates the pacing for broadcasts. The global bucket holds one token, i.e. messages
 * are evenly spaced: a bucket of 30 would allow a burst of 30 followed by one every
 * 33 ms, which breaks Telegram's "30 in any one second". Per chat, messages pass one at
 * a time and the interval is measured from the previous message's actual send time:
 * a slot reserved ahead could be overtaken while the message waits for the global one.
 */
export function createThrottle(options: ThrottleOptions): Throttle {
  const { clock } = options;
  const safety = 1 + (options.safety ?? 0.05);
  const global = new TokenBucket((options.globalPerSecond ?? 30) / safety);
  const chatIntervalMs = (1000 * safety) / (options.perChatPerSecond ?? 1);
  const recent = new SendWindow(Math.max(1, Math.floor(options.globalPerSecond ?? 30)), 1000 * safety);
  const chats = new Map<number, { queue: Promise<void>; waiting: number; lastSent: number }>();
  let acquisitions = 0;

  const forgetIdleChats = () => {
    const at = clock.now();
    for (const [id, chat] of chats) if (chat.waiting === 0 && at - chat.lastSent >= chatIntervalMs) chats.delete(id);
  };
  return {
    async acquire(chatId) {
      // Now and then, so a 100k-subscriber broadcast does not keep 100k entries.
      if (++acquisitions % 1000 === 0) forgetIdleChats();
      let chat = chats.get(chatId);
      if (!chat) chats.set(chatId, (chat = { queue: Promise.resolve(), waiting: 0, lastSent: -Infinity }));
      const previous = chat.queue;
      let done!: () => void;
      chat.queue = new Promise((resolve) => (done = resolve));
      chat.waiting += 1;
      try {
        await previous;
        const chatWait = chat.lastSent + chatIntervalMs - clock.now();
        if (chatWait > 0) await clock.sleep(chatWait);
        const globalWait = global.reserve(clock.now());
        if (globalWait > 0) await clock.sleep(globalWait);
        // Timers wake late by varying amounts, so evenly reserved slots can still bunch;
        // the window over actual send times makes "at most N in any window" hold regardless.
        for (let wait = recent.waitMs(clock.now()); wait > 0; wait = recent.waitMs(clock.now()))
          await clock.sleep(wait);
        recent.record(clock.now());
        chat.lastSent = clock.now();
      } finally {
        chat.waiting -= 1;
        done();
      }
    },
    pause(ms) {
      global.pause(clock.now(), ms);
    },
  };
}

/** How failed sends are retried. */
export interface RetryPolicy {
  /** Attempts in all for transient errors (default 4). */
  maxAttempts?: number;
  /** 429 answers honoured per message before giving up (default 5). */
  maxRateLimited?: number;
  /** First transient backoff (default 1000 ms), doubled each time. */
  baseDelayMs?: number;
  /** Backoff cap (default 30 s). */
  maxDelayMs?: number;
}

/** How one delivery ended. */
export type DeliveryOutcome =
  | { status: "sent"; messageId: number; attempts: number }
  | { status: "blocked" | "failed"; error: string; attempts: number }
  /** Handed over, then no answer: it may have arrived, so it was not retried. */
  | { status: "unknown"; error: string; attempts: number }
  /** Another run took the delivery over (it outlived the orphan timeout): this one must not send. */
  | { status: "taken"; attempts: number };

/** Called around each attempt so the store can track what is in flight. */
export interface DeliveryHooks {
  /** Right before the request to Telegram starts; returning false means the delivery is no longer ours to send. */
  onAttempt?(attempt: number): boolean | void | Promise<boolean | void>;
  /** Passed to the sender as {@link SendOptions.onHandOver}: the last moment before Telegram may receive the request. */
  onHandOver?(): Promise<void>;
  /** After a failed attempt that will be retried in `delayMs`. */
  onRetry?(error: DeliveryError, delayMs: number): void | Promise<void>;
}

/** Sends one digest with throttling and retries. */
export interface Deliverer {
  deliver(chatId: number, digest: Digest, language: Language, hooks?: DeliveryHooks): Promise<DeliveryOutcome>;
}

/** Dependencies of {@link createDeliverer}. */
export interface DelivererOptions {
  send: DigestSender;
  throttle: Throttle;
  clock: Clock;
  logger: Logger;
  retry?: RetryPolicy;
}

/**
 * Creates the deliverer. Retries branch on the error kind: `rate-limited` waits
 * `retryAfter` (and holds back the whole bot when that is over a second: Telegram is
 * throttling the bot, not just one message); `transient` backs off exponentially up to `maxAttempts`; `blocked`,
 * `permanent` and `unknown` (a retry could deliver it twice) end at once. Errors that are not DeliveryErrors count as transient.
 */
export function createDeliverer(options: DelivererOptions): Deliverer {
  const { send, throttle, clock, logger } = options;
  const maxAttempts = options.retry?.maxAttempts ?? 4;
  const maxRateLimited = options.retry?.maxRateLimited ?? 5;
  const baseDelayMs = options.retry?.baseDelayMs ?? 1000;
  const maxDelayMs = options.retry?.maxDelayMs ?? 30_000;

  return {
    async deliver(chatId, digest, language, hooks = {}) {
      let attempts = 0;
      let transientFailures = 0;
      let rateLimited = 0;
      for (;;) {
        await throttle.acquire(chatId);
        attempts += 1;
        if ((await hooks.onAttempt?.(attempts)) === false) return { status: "taken", attempts };
        let error: DeliveryError;
        try {
          const { messageId } = await send(
            chatId,
            digest,
            hooks.onHandOver ? { language, onHandOver: hooks.onHandOver } : { language },
          );
          return { status: "sent", messageId, attempts };
        } catch (caught) {
          error =
            caught instanceof DeliveryError
              ? caught
              : new DeliveryError("transient", caught instanceof Error ? caught.message : String(caught), {
                  cause: caught,
                });
        }
        const log = { chatId, themeId: digest.themeId, attempts, kind: error.kind, error: error.message };
        if (error.kind === "blocked") return { status: "blocked", error: error.message, attempts };
        if (error.kind === "unknown") {
          logger.warn("digest outcome unknown; not retried, so it cannot arrive twice", log);
          return { status: "unknown", error: error.message, attempts };
        }
        if (error.kind === "permanent") {
          logger.warn("digest rejected by Telegram", log);
          return { status: "failed", error: error.message, attempts };
        }
        let delayMs: number;
        if (error.kind === "rate-limited") {
          if (++rateLimited > maxRateLimited) return { status: "failed", error: error.message, attempts };
          delayMs = Math.max(1, error.retryAfter ?? 1) * 1000;
          // "retry after 1" is what a momentary overshoot earns (network jitter bunched two
          // requests); anything longer is Telegram throttling the bot, so everyone waits.
          if (delayMs > 1000) throttle.pause(delayMs);
        } else {
          if (++transientFailures >= maxAttempts) {
            logger.error("digest failed after retries", log);
            return { status: "failed", error: error.message, attempts };
          }
          delayMs = Math.min(maxDelayMs, baseDelayMs * 2 ** (transientFailures - 1));
        }
        logger.info("digest send will be retried", { ...log, delayMs });
        await hooks.onRetry?.(error, delayMs);
        await clock.sleep(delayMs);
      }
    },
  };
}

/** Runs `worker` over `items` with at most `concurrency` running at once. */
export async function runPool<T>(
  items: readonly T[],
  concurrency: number,
  worker: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, async () => {
    while (next < items.length) await worker(items[next++]!);
  });
  await Promise.all(lanes);
}
