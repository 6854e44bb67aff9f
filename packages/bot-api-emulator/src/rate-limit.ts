/**
 * Telegram-like flood control for the local Bot API emulator.
 *
 * Why it exists: Telegram rejects bursts above roughly 30 messages/second per
 * bot and about 1 message/second per chat (20/minute in groups) with
 * `429 Too Many Requests: retry after N`. A broadcast benchmark (5,000 messages
 * at 30 msg/s) is only meaningful if the emulator enforces the same limits
 * exactly and cheaply.
 *
 * Each limit is an exact sliding-window log kept in a ring buffer of the last
 * `limit` accepted timestamps: a call is allowed iff the oldest of those is at
 * least one window old, so checking and recording are O(1) and memory is
 * O(limit) per key. The clock is injectable so benchmarks can run accelerated.
 */

/** Limits, all optional; omitted limits are not enforced. */
export interface RateLimitOptions {
  /** Sends per second across all chats (Telegram: ~30). */
  globalPerSecond?: number;
  /** Sends per second into one chat (Telegram: ~1). Fractional values mean one per 1/rate seconds. */
  perChatPerSecond?: number;
  /** Sends per minute into one group or supergroup (Telegram: ~20). */
  perGroupPerMinute?: number;
}

/** An exact sliding-window limiter: at most `limit` events in any `windowMs` span. */
export class SlidingWindow {
  private readonly times: Float64Array;
  private head = 0;
  private count = 0;

  /** @param limit Events per window (>= 1). @param windowMs Window length in ms. */
  constructor(
    readonly limit: number,
    readonly windowMs: number,
  ) {
    if (!(limit >= 1)) throw new Error("rate limit must allow at least one event per window");
    this.times = new Float64Array(limit);
  }

  /** Milliseconds until one more event would be allowed (0 = allowed now). */
  waitMs(now: number): number {
    if (this.count < this.limit) return 0;
    const oldest = this.times[this.head]!;
    return Math.max(0, oldest + this.windowMs - now);
  }

  /** Records an accepted event at `now` (caller checked {@link waitMs} first). */
  record(now: number): void {
    if (this.count < this.limit) {
      this.times[(this.head + this.count) % this.limit] = now;
      this.count++;
    } else {
      this.times[this.head] = now;
      this.head = (this.head + 1) % this.limit;
    }
  }
}

/** Converts a per-second rate into an exact (limit, window) pair. */
function windowForRate(perSecond: number): { limit: number; windowMs: number } {
  if (!(perSecond > 0)) throw new Error("rate must be positive");
  return Number.isInteger(perSecond) ? { limit: perSecond, windowMs: 1000 } : { limit: 1, windowMs: 1000 / perSecond };
}

/** Flood control of one server. */
export interface FloodControl {
  /**
   * Checks and, if allowed, records a send into `chatKey`. Returns 0 when the
   * call may proceed, otherwise Telegram's retry_after in whole seconds (>= 1).
   */
  acquire(chatKey: string, isGroup: boolean): number;
}

/** Creates flood control for the given limits and clock (epoch ms). */
export function createFloodControl(options: RateLimitOptions, now: () => number): FloodControl {
  const global =
    options.globalPerSecond === undefined
      ? undefined
      : (() => {
          const { limit, windowMs } = windowForRate(options.globalPerSecond);
          return new SlidingWindow(limit, windowMs);
        })();
  const perChat = new Map<string, SlidingWindow>();
  const perGroup = new Map<string, SlidingWindow>();
  const chatWindow = options.perChatPerSecond === undefined ? undefined : windowForRate(options.perChatPerSecond);

  const windowFor = (
    map: Map<string, SlidingWindow>,
    key: string,
    spec: { limit: number; windowMs: number },
  ): SlidingWindow => {
    let window = map.get(key);
    if (window === undefined) {
      window = new SlidingWindow(spec.limit, spec.windowMs);
      map.set(key, window);
    }
    return window;
  };

  return {
    acquire(chatKey, isGroup) {
      const t = now();
      const windows: SlidingWindow[] = [];
      if (global !== undefined) windows.push(global);
      if (chatWindow !== undefined) windows.push(windowFor(perChat, chatKey, chatWindow));
      if (isGroup && options.perGroupPerMinute !== undefined) {
        windows.push(windowFor(perGroup, chatKey, { limit: options.perGroupPerMinute, windowMs: 60_000 }));
      }
      let wait = 0;
      for (const window of windows) wait = Math.max(wait, window.waitMs(t));
      if (wait > 0) return Math.max(1, Math.ceil(wait / 1000));
      for (const window of windows) window.record(t);
      return 0;
    },
  };
}
