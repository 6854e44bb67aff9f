/**
 * Retries of Bot API calls, installed as API transformers so every call the
 * bot makes is covered. Two cases, told apart by error class:
 * - 429 (GrammyError with retry_after): @grammyjs/auto-retry waits exactly as long as Telegram asks;
 * - HttpError (network) and 5xx: a short exponential backoff with a cap.
 * Everything else is returned to the caller untouched.
 */
import { setTimeout as sleep } from "node:timers/promises";

import { autoRetry } from "@grammyjs/auto-retry";
import { HttpError, type Api, type Transformer } from "grammy";

import type { Logger } from "../logger.js";
import { describeError } from "./errors.js";

/** Retry tunables; defaults suit production, tests shrink the delays. */
export interface RetryOptions {
  /** 429 retries per call (default 3). */
  maxRateLimitRetries: number;
  /** A retry_after longer than this is not waited out: the reply would be stale (default 60 s). */
  maxRetryAfterSeconds: number;
  /** Retries of a network error or 5xx per call (default 3). */
  maxTransientRetries: number;
  /** First backoff delay; doubles on every retry (default 500 ms). */
  transientBaseDelayMs: number;
  /** Backoff cap (default 8 s). */
  transientMaxDelayMs: number;
}

/** The defaults of {@link RetryOptions}. */
export const DEFAULT_RETRY: RetryOptions = {
  maxRateLimitRetries: 3,
  maxRetryAfterSeconds: 60,
  maxTransientRetries: 3,
  transientBaseDelayMs: 500,
  transientMaxDelayMs: 8000,
};

/**
 * Calls that are not worth waiting for: a typing indicator that arrives after the answer
 * is wrong, a missing menu costs nothing, and a member check the user waits on is better
 * refused at once with a clear message than retried for seconds. A failure is returned
 * to the caller on the first try (a 429 too).
 */
export const FAIL_FAST_METHODS: ReadonlySet<string> = new Set(["sendChatAction", "setMyCommands", "getChatMember"]);

/** Installs both retry transformers on `api`. */
export function installRetries(api: Api, options: RetryOptions, logger: Logger, token: string): void {
  // Inner: 429 only — network errors and 5xx are left to the backoff below, whose delays we control.
  const rateLimitRetry = autoRetry({
    maxRetryAttempts: options.maxRateLimitRetries,
    maxDelaySeconds: options.maxRetryAfterSeconds,
    rethrowHttpErrors: true,
    rethrowInternalServerErrors: true,
  });
  api.config.use((prev, method, payload, signal) =>
    FAIL_FAST_METHODS.has(method) ? prev(method, payload, signal) : rateLimitRetry(prev, method, payload, signal),
  );
  api.config.use(transientRetry(options, logger, token));
}

/**
 * A transformer retrying HttpErrors and 5xx answers with capped exponential
 * backoff. getUpdates is left alone (the runner has its own retry loop), and
 * aborted calls are never retried.
 */
export function transientRetry(options: RetryOptions, logger: Logger, token: string): Transformer {
  return async (prev, method, payload, signal) => {
    if (method === "getUpdates") {
      // The runner retries polling itself (and runs silently), so only log here.
      try {
        const result = await prev(method, payload, signal);
        if (!result.ok)
          logger.warn("polling failed; retrying", { code: result.error_code, description: result.description });
        return result;
      } catch (error) {
        if (signal?.aborted !== true) logger.warn("polling failed; retrying", { error: describeError(error, token) });
        throw error;
      }
    }
    if (FAIL_FAST_METHODS.has(method)) return prev(method, payload, signal);
    for (let attempt = 0; ; attempt++) {
      const last = attempt >= options.maxTransientRetries;
      try {
        const result = await prev(method, payload, signal);
        if (result.ok || result.error_code < 500 || last) return result;
        logger.warn("telegram 5xx, retrying", { method, code: result.error_code, attempt: attempt + 1 });
      } catch (error) {
        if (!(error instanceof HttpError) || last || signal?.aborted === true) throw error;
        logger.warn("network error, retrying", { method, attempt: attempt + 1, error: describeError(error, token) });
      }
      await sleep(Math.min(options.transientMaxDelayMs, options.transientBaseDelayMs * 2 ** attempt), undefined, {
        signal: signal as AbortSignal | undefined,
      });
    }
  };
}
