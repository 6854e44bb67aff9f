/**
 * Typed access to Bot API method parameters with telegram-bot-api's coercion
 * rules (Client.cpp: `get_integer_arg`, `to_bool`, JSON-encoded object args).
 *
 * Why it exists: Telegram sees every parameter as a string - JSON bodies are
 * flattened, nested objects arrive JSON-encoded - so `"true"`, `"1"` and `true`
 * mean the same, and `reply_markup` may be an object or a JSON string. Handlers
 * read parameters only through this class so the coercion is uniform.
 */

import { badRequest } from "./api-errors.js";

/** Read-only view of one call's parameters. */
export class Params {
  /** @param raw Decoded parameters (JSON values or strings). */
  constructor(readonly raw: Readonly<Record<string, unknown>>) {}

  /** The parameter as Telegram's string form; "" when absent or null. */
  str(name: string): string {
    const value = this.raw[name];
    if (value === undefined || value === null) return "";
    if (typeof value === "string") return value;
    if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") return String(value);
    return JSON.stringify(value);
  }

  /** True when the parameter is present and non-empty. */
  has(name: string): boolean {
    return this.str(name) !== "";
  }

  /** Integer with default and clamping, like `get_integer_arg` (non-numeric text reads as 0). */
  int(name: string, defaultValue = 0, min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER): number {
    const text = this.str(name).trim();
    const value = text === "" ? defaultValue : toInteger(text);
    return Math.min(max, Math.max(min, value));
  }

  /** Boolean like `Client::to_bool`: "true", "yes" or "1" (case-insensitive). */
  bool(name: string): boolean {
    const text = this.str(name).trim().toLowerCase();
    return text === "true" || text === "yes" || text === "1";
  }

  /**
   * A JSON-valued parameter: objects are used as is, strings are decoded.
   * Returns undefined when absent; throws 400 `errorMessage` on invalid JSON.
   */
  json(name: string, errorMessage: string): unknown {
    const value = this.raw[name];
    if (value === undefined || value === null || value === "") return undefined;
    if (typeof value !== "string") return value;
    try {
      return JSON.parse(value) as unknown;
    } catch {
      throw badRequest(errorMessage);
    }
  }
}

/** tdlib's `to_integer`: optional sign and leading digits; anything else reads as 0. */
export function toInteger(text: string): number {
  const match = /^[+-]?\d+/u.exec(text.trim());
  return match === null ? 0 : Number(match[0]);
}
