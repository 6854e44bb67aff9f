/**
 * The two kinds of error the digest feature can raise: a send that Telegram refused
 * or that never finished ({@link DeliveryError}), and a user input the digest commands
 * cannot accept ({@link DigestInputError}, a {@link UserFacingError}: its text says what is accepted).
 */

import { UserFacingError } from "../errors.js";

/** Why a send failed, which decides what the delivery loop does next. */
export type DeliveryErrorKind =
  /** 429 Too Many Requests: wait `retryAfter` seconds, then send again. */
  | "rate-limited"
  /** 403 Forbidden (bot blocked, user deactivated, kicked): stop sending to this chat. */
  | "blocked"
  /** 5xx or the request never finished (network, timeout): retry with backoff. */
  | "transient"
  /**
   * The request was handed over and then no answer came (the connection broke, or the
   * deadline passed, after it could have been written): Telegram may have delivered it, so
   * a retry could duplicate it. Not retried; the row becomes `unknown` for an admin to check.
   */
  | "unknown"
  /** Any other 4xx (e.g. message too long): retrying cannot help. (400 "chat not found" counts as blocked: the chat is gone.) */
  | "permanent";

/**
 * Thrown by the injected `send` function when Telegram did not accept a digest.
 * The bot adapter maps grammY's errors onto it:
 * - `GrammyError` 429 → `rate-limited` with `parameters.retry_after`;
 * - `GrammyError` 403, and 400 "chat not found" (the chat is gone) → `blocked`;
 * - `GrammyError` 5xx and `HttpError` (network, aborted, non-JSON 502 page) → `transient`,
 *   except an `HttpError` after the hand-over that is not a failure to connect → `unknown`;
 * - any other `GrammyError` → `permanent`.
 * @example throw new DeliveryError("rate-limited", "Too Many Requests: retry after 3", { retryAfter: 3 })
 */
export class DeliveryError extends Error {
  override name = "DeliveryError";
  /** Seconds to wait before retrying; set for `rate-limited`. */
  readonly retryAfter: number | undefined;

  constructor(
    readonly kind: DeliveryErrorKind,
    message: string,
    options: { retryAfter?: number; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.retryAfter = options.retryAfter;
  }
}

/** What was wrong with a digest command's input. */
export type DigestInputErrorCode =
  | "bad-time"
  | "bad-zone"
  | "unknown-theme"
  | "empty-topic"
  | "topic-too-long"
  | "no-match"
  | "not-subscribed";

/**
 * Thrown for an input a user typed that the digest commands cannot accept. Both texts
 * say what is accepted, so the bot can show `error.text(language)` as is.
 */
export class DigestInputError extends UserFacingError {
  override name = "DigestInputError";

  constructor(
    readonly code: DigestInputErrorCode,
    readonly texts: { zh: string; en: string },
  ) {
    super(texts.en);
  }

  /** The message in the user's language. */
  text(language: "zh" | "en"): string {
    return this.texts[language];
  }
}
