/**
 * Error values of the local Telegram Bot API emulator.
 *
 * Why it exists: every failure the emulator reports must look exactly like
 * api.telegram.org's, i.e. `{ ok: false, error_code, description, parameters? }`
 * with the HTTP status equal to `error_code`. The description rules mirror
 * telegram-bot-api's `Client::fail_query_with_error` (tdlib/telegram-bot-api,
 * Client.cpp): a "Bad Request: " / "Forbidden: " prefix, and the first letter of
 * the underlying message lower-cased unless the message is an UPPER_CASE code
 * such as `BUTTON_DATA_INVALID`.
 */

import type { ResponseParameters } from "@grammyjs/types";

/** A Bot API error that is answered to the client as `{ ok: false, ... }`. */
export class ApiError extends Error {
  /** @param errorCode HTTP status and `error_code`. @param description Full Telegram description. */
  constructor(
    readonly errorCode: number,
    readonly description: string,
    readonly parameters?: ResponseParameters,
  ) {
    super(description);
    this.name = "ApiError";
  }

  /** The JSON body Telegram sends for this error. */
  toJSON(): { ok: false; error_code: number; description: string; parameters?: ResponseParameters } {
    return this.parameters === undefined
      ? { ok: false, error_code: this.errorCode, description: this.description }
      : { ok: false, error_code: this.errorCode, description: this.description, parameters: this.parameters };
  }
}

/**
 * Applies telegram-bot-api's capitalisation rule to a tdlib-style message:
 * "Message text is empty" becomes "message text is empty", while codes like
 * "BUTTON_DATA_INVALID" (second char `_` or upper case) are kept verbatim.
 */
export function tdMessageToDescription(message: string): string {
  if (message.length >= 2) {
    const second = message[1] ?? "";
    if (second === "_" || (second >= "A" && second <= "Z")) return message;
  }
  return message.charAt(0).toLowerCase() + message.slice(1);
}

/** 400 "Bad Request: <message>" with Telegram's capitalisation rule applied. */
export function badRequest(message: string): ApiError {
  return new ApiError(400, `Bad Request: ${tdMessageToDescription(message)}`);
}

/** 403 "Forbidden: <message>". */
export function forbidden(message: string): ApiError {
  return new ApiError(403, `Forbidden: ${message}`);
}

/** 409 "Conflict: <message>". */
export function conflict(message: string): ApiError {
  return new ApiError(409, `Conflict: ${message}`);
}

/** 429 flood-control error with `parameters.retry_after` (integer seconds, at least 1). */
export function tooManyRequests(retryAfterSeconds: number): ApiError {
  const retryAfter = Math.max(1, Math.ceil(retryAfterSeconds));
  return new ApiError(429, `Too Many Requests: retry after ${retryAfter}`, { retry_after: retryAfter });
}

/** 404 used for unknown methods, worded as telegram-bot-api does. */
export function methodNotFound(): ApiError {
  return new ApiError(404, "Not Found: method not found");
}

/** Well-known descriptions, kept in one place so tests and handlers agree on the wording. */
export const Descriptions = {
  botBlocked: "Forbidden: bot was blocked by the user",
  cantInitiate: "Forbidden: bot can't initiate conversation with a user",
  botKicked: "Forbidden: bot was kicked from the group chat",
  chatNotFound: "Bad Request: chat not found",
  messageNotModified:
    "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message",
  queryTooOld: "Bad Request: query is too old and response timeout expired or query ID is invalid",
  webhookActive:
    "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
  terminatedByOtherGetUpdates:
    "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running",
  terminatedBySetWebhook: "Conflict: terminated by setWebhook request",
} as const;
