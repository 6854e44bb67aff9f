/**
 * Telling Telegram failures apart, and describing errors for logs without
 * leaking the bot token. Decisions branch on the error class and code, never
 * on message text — except "message is not modified", which Telegram only
 * reports in the description.
 */
import { BotError, GrammyError, HttpError } from "grammy";

/** What a failed Bot API call means for the caller. */
export type TelegramErrorKind =
  /** Flood control: wait `retryAfter` seconds, then try again. */
  | { kind: "rate-limited"; retryAfter: number }
  /** The user blocked the bot, left, or the chat is gone: stop sending to it. */
  | { kind: "blocked" }
  /** Network failure or Telegram 5xx: retrying later may work. */
  | { kind: "transient" }
  /** Anything else (bad request, bad token…): retrying will not help. */
  | { kind: "permanent" };

/**
 * Classifies an error thrown by a grammY API call (a BotError is unwrapped).
 * The digest delivery uses it to decide between retrying, deactivating a
 * subscriber, and giving up.
 *
 * @example
 * const verdict = classifyTelegramError(err);
 * if (verdict.kind === "rate-limited") await sleep(verdict.retryAfter * 1000);
 */
export function classifyTelegramError(err: unknown): TelegramErrorKind {
  const error = err instanceof BotError ? err.error : err;
  if (error instanceof GrammyError) {
    const code = error.error_code;
    if (code === 429) return { kind: "rate-limited", retryAfter: error.parameters.retry_after ?? 1 };
    // 403 covers "bot was blocked by the user", "user is deactivated", "bot was kicked".
    if (code === 403) return { kind: "blocked" };
    // A deleted chat answers 400 "chat not found"; for delivery it is the same as blocked.
    if (code === 400 && /chat not found/i.test(error.description)) return { kind: "blocked" };
    if (code >= 500) return { kind: "transient" };
    return { kind: "permanent" };
  }
  if (error instanceof HttpError) return { kind: "transient" };
  return { kind: "permanent" };
}

/** True for Telegram's 400 "message is not modified" (an edit that changes nothing), which is harmless. */
export function isNotModified(err: unknown): boolean {
  return err instanceof GrammyError && err.error_code === 400 && /message is not modified/i.test(err.description);
}

// Anything shaped like a bot token: digits, a colon, and a long base64url tail.
const TOKEN_PATTERN = /\d{5,}:[A-Za-z0-9_-]{20,}/g;

/** Replaces the bot token (and anything shaped like one) with `<token>`. */
export function redactSecrets(text: string, token?: string): string {
  let result = text;
  if (token !== undefined && token !== "") result = result.split(token).join("<token>");
  return result.replace(TOKEN_PATTERN, "<token>");
}

/**
 * Log fields for an error: class, message, Telegram code and method, and the
 * cause's message — all with the token redacted, because HttpError causes
 * carry request URLs that contain it.
 */
export function describeError(err: unknown, token?: string): Record<string, unknown> {
  const error = err instanceof BotError ? err.error : err;
  if (!(error instanceof Error)) return { error: redactSecrets(String(error), token) };
  const fields: Record<string, unknown> = { name: error.name, message: redactSecrets(error.message, token) };
  if (error instanceof GrammyError) {
    fields["code"] = error.error_code;
    fields["method"] = error.method;
  }
  const cause = error instanceof HttpError ? error.error : error.cause;
  if (cause instanceof Error) fields["cause"] = redactSecrets(`${cause.name}: ${cause.message}`, token);
  return fields;
}
