/**
 * Per-user question limit over a sliding minute, with the injected clock.
 * A limited user is told once per window when they may ask again; further
 * messages in the same window are ignored quietly, so the bot never floods a
 * chat with refusals.
 */
import { LRUCache } from "lru-cache";

import type { RateLimiter } from "./chat-state.js";

/** The limiter's decision for one question. */
export type RateVerdict = { allowed: true } | { allowed: false; retryAfterSeconds: number; notify: boolean };

/** Options of a {@link UserRateLimiter}. */
export interface UserRateLimiterOptions {
  perMinute: number;
  now: () => Date;
  /** Users tracked at most; the least recently active is forgotten first (default 10 000). */
  maxUsers?: number;
}

interface UserWindow {
  /** Times (ms) of accepted questions within the last minute, oldest first. */
  accepted: number[];
  /** No further notice until this time (ms). */
  quietUntil: number;
}

/** The sliding window, shared with the Redis adapter. */
export const RATE_WINDOW_MS = 60_000;

/** Sliding-window limiter keyed by user id, in this process. */
export class UserRateLimiter implements RateLimiter {
  private readonly users: LRUCache<number, UserWindow>;

  constructor(private readonly options: UserRateLimiterOptions) {
    this.users = new LRUCache({ max: options.maxUsers ?? 10_000 });
  }

  /** Counts a question from `userId` if the limit allows it. */
  async take(userId: number): Promise<RateVerdict> {
    const now = this.options.now().getTime();
    const window = this.users.get(userId) ?? { accepted: [], quietUntil: 0 };
    while (window.accepted.length > 0 && window.accepted[0]! <= now - RATE_WINDOW_MS) window.accepted.shift();
    this.users.set(userId, window);
    if (window.accepted.length < this.options.perMinute) {
      window.accepted.push(now);
      return { allowed: true };
    }
    const freeAt = window.accepted[0]! + RATE_WINDOW_MS;
    const notify = now >= window.quietUntil;
    if (notify) window.quietUntil = freeAt;
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((freeAt - now) / 1000)), notify };
  }
}
