/**
 * Field accessors for JSON objects nested in Bot API parameters (reply_markup,
 * entities, inline query results, ...), with tdlib's JsonObject error wording.
 *
 * Why it exists: telegram-bot-api reports malformed nested objects as e.g.
 * `Bad Request: can't parse inline keyboard button: Can't find field "text"`;
 * these helpers produce the inner part of such messages so the emulator's
 * validation errors read like Telegram's.
 */

import { TextError } from "./text-entities.js";

/** A parsed JSON object. */
export type JsonObject = Record<string, unknown>;

/** True for a plain (non-array) JSON object. */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Optional string field; numbers are accepted and stringified like tdlib does. */
export function optionalString(object: JsonObject, name: string): string {
  const value = object[name];
  if (value === undefined || value === null) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number") return String(value);
  throw new TextError(`Field "${name}" must be of type String`);
}

/** Required string field (`Can't find field "<name>"` when absent). */
export function requiredString(object: JsonObject, name: string): string {
  if (object[name] === undefined || object[name] === null) throw new TextError(`Can't find field "${name}"`);
  return optionalString(object, name);
}

/** Required integer field; numeric strings are accepted like tdlib does. */
export function requiredInt(object: JsonObject, name: string): number {
  const value = object[name];
  if (value === undefined || value === null) throw new TextError(`Can't find field "${name}"`);
  const number = typeof value === "string" && /^-?\d+$/u.test(value.trim()) ? Number(value) : value;
  if (typeof number !== "number" || !Number.isFinite(number)) {
    throw new TextError(`Field "${name}" must be a Number`);
  }
  return Math.trunc(number);
}

/** Optional boolean field. */
export function optionalBool(object: JsonObject, name: string): boolean {
  const value = object[name];
  if (value === undefined || value === null) return false;
  if (typeof value === "boolean") return value;
  if (value === "true" || value === 1) return true;
  if (value === "false" || value === 0) return false;
  throw new TextError(`Field "${name}" must be of type Boolean`);
}
