/**
 * Bounded, deadline-aware retries for model calls. Retries branch on what the
 * error is (HTTP status, network failure), never on its message: 429 waits for
 * `retry-after` when the server gives one, 5xx and network errors back off
 * exponentially with a cap, and anything else is rethrown at once.
 */
import { setTimeout as sleep } from "node:timers/promises";

/** How many times to retry and how long to wait. */
export interface RetryPolicy {
  /** Retries after the first attempt. */
  retries: number;
  /** First back-off; doubles each retry. */
  baseDelayMs: number;
  /** Cap on one wait; a server asking for a longer `retry-after` is not retried. */
  maxDelayMs: number;
}

/** A sensible default: two quick retries, never waiting more than 2 s. */
export const DEFAULT_RETRY: RetryPolicy = { retries: 2, baseDelayMs: 250, maxDelayMs: 2_000 };

/** The HTTP status carried by an SDK error (`openai` APIError and LangChain wrappers keep `status`). */
export function statusOf(error: unknown): number | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const status = (error as { status?: unknown }).status;
  return typeof status === "number" ? status : undefined;
}

/** True for errors worth another attempt: 408, 409, 429, 5xx, and connection failures (no status). */
export function isRetryable(error: unknown): boolean {
  const status = statusOf(error);
  if (status !== undefined) return status === 408 || status === 409 || status === 429 || status >= 500;
  // The openai SDK's APIConnectionError keeps name "Error"; its class is what tells.
  // Timeouts and aborts are not retried: the deadline is what ran out.
  return classNames(error).includes("APIConnectionError");
}

/** Class names along the prototype chain, so a check needs no import of the SDK that threw. */
function classNames(error: unknown): string[] {
  const names: string[] = [];
  for (
    let proto = typeof error === "object" && error !== null ? Object.getPrototypeOf(error) : null;
    proto;
    proto = Object.getPrototypeOf(proto)
  ) {
    const ctor = (proto as { constructor?: { name?: unknown } }).constructor;
    if (typeof ctor?.name === "string") names.push(ctor.name);
  }
  return names;
}

/** The server's requested wait, from `retry-after-ms` or `retry-after` (seconds or an HTTP date). */
export function retryAfterMs(error: unknown, now: () => number): number | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const headers = (error as { headers?: unknown }).headers;
  const get = (name: string): string | undefined => {
    if (!headers || typeof headers !== "object") return undefined;
    if (typeof (headers as Headers).get === "function") return (headers as Headers).get(name) ?? undefined;
    const value = (headers as Record<string, unknown>)[name];
    return typeof value === "string" ? value : undefined;
  };
  const ms = Number(get("retry-after-ms"));
  if (get("retry-after-ms") !== undefined && Number.isFinite(ms) && ms >= 0) return ms;
  const after = get("retry-after");
  if (after === undefined) return undefined;
  const seconds = Number(after);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(after);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now());
}

/** What {@link withRetries} reports before each wait. */
export interface RetryEvent {
  attempt: number;
  delayMs: number;
  status: number | undefined;
}

/**
 * Runs `call`, retrying retryable errors under `policy`. A wait that would end
 * past `deadline` is not started: the last error is thrown instead, so the caller
 * can still fall back in time.
 */
export async function withRetries<T>(
  call: (attempt: number) => Promise<T>,
  options: {
    policy: RetryPolicy;
    deadline: number;
    now: () => number;
    signal?: AbortSignal;
    onRetry?: (event: RetryEvent) => void;
  },
): Promise<T> {
  const { policy, deadline, now, signal, onRetry } = options;
  for (let attempt = 1; ; attempt++) {
    try {
      return await call(attempt);
    } catch (error) {
      if (attempt > policy.retries || !isRetryable(error) || signal?.aborted) throw error;
      const asked = retryAfterMs(error, now);
      // Retrying sooner than the server asked would only meet another 429.
      if (asked !== undefined && asked > policy.maxDelayMs) throw error;
      const delayMs = Math.min(policy.maxDelayMs, Math.max(policy.baseDelayMs * 2 ** (attempt - 1), asked ?? 0));
      if (now() + delayMs >= deadline) throw error;
      onRetry?.({ attempt, delayMs, status: statusOf(error) });
      await sleep(delayMs, undefined, { signal });
    }
  }
}
