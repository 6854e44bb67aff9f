/**
 * Validation of `reply_markup` as telegram-bot-api does it
 * (Client.cpp: `get_reply_markup`, `get_inline_keyboard_button`,
 * `get_keyboard_button`) plus the server-side button checks Telegram adds
 * (BUTTON_DATA_INVALID for callback_data over 64 bytes, BUTTON_URL_INVALID).
 *
 * Why it exists: keyboard mistakes (a button without an action, oversized
 * callback data) are rejected by Telegram with 400; the emulator must reject
 * them too, and must echo inline keyboards back in the returned Message the
 * way Telegram does (reply keyboards are not echoed).
 */

import { badRequest } from "./api-errors.js";
import { isJsonObject, optionalBool, optionalString, requiredString, type JsonObject } from "./json-fields.js";
import { checkedLink } from "./telegram-html.js";
import type { InlineKeyboardButton, InlineKeyboardMarkup } from "@grammyjs/types";
import { TextError } from "./text-entities.js";

/** The kinds of markup a message can carry. */
export type ParsedMarkup =
  | { kind: "none" }
  | { kind: "inline"; markup: InlineKeyboardMarkup }
  | { kind: "keyboard"; markup: JsonObject }
  | { kind: "remove"; markup: JsonObject }
  | { kind: "force_reply"; markup: JsonObject };

const INLINE_BUTTON_TYPES = [
  "url",
  "callback_data",
  "web_app",
  "login_url",
  "switch_inline_query",
  "switch_inline_query_current_chat",
  "switch_inline_query_chosen_chat",
  "copy_text",
  "callback_game",
  "pay",
] as const;

function parseInlineButton(value: unknown): InlineKeyboardButton {
  if (!isJsonObject(value)) throw new TextError("InlineKeyboardButton must be an Object");
  const text = requiredString(value, "text");
  const url = optionalString(value, "url");
  if (url !== "") {
    if (checkedLink(url) === "") throw Object.assign(new TextError("BUTTON_URL_INVALID"), { serverSide: true });
    return { text, url };
  }
  const data = optionalString(value, "callback_data");
  if (data !== "") {
    if (Buffer.byteLength(data, "utf8") > 64) {
      throw Object.assign(new TextError("BUTTON_DATA_INVALID"), { serverSide: true });
    }
    return { text, callback_data: data };
  }
  for (const type of INLINE_BUTTON_TYPES) {
    if (type === "url" || type === "callback_data") continue;
    if (value[type] !== undefined) {
      if (type === "pay" || type === "callback_game") optionalBool(value, type);
      return { text, [type]: value[type] } as unknown as InlineKeyboardButton;
    }
  }
  throw new TextError("Text buttons are unallowed in the inline keyboard");
}

function parseKeyboardButton(value: unknown): unknown {
  if (typeof value === "string") return { text: value };
  if (!isJsonObject(value)) throw new TextError("KeyboardButton must be a String or an Object");
  requiredString(value, "text");
  return value;
}

/** Decodes and validates a reply_markup object (already JSON-decoded). */
export function parseReplyMarkupValue(value: unknown): ParsedMarkup {
  if (value === undefined) return { kind: "none" };
  if (!isJsonObject(value)) throw badRequest("Object expected as reply markup");
  const keyboard = value["keyboard"];
  const rows: unknown[][] = [];
  if (keyboard !== undefined && keyboard !== null) {
    if (!Array.isArray(keyboard)) throw badRequest('Field "keyboard" must be of type Array');
    for (const row of keyboard) {
      if (!Array.isArray(row)) throw badRequest('Field "keyboard" must be an Array of Arrays');
      rows.push(
        row.map((button) => {
          try {
            return parseKeyboardButton(button);
          } catch (error) {
            if (error instanceof TextError) throw badRequest(`Can't parse keyboard button: ${error.message}`);
            throw error;
          }
        }),
      );
    }
  }
  const inline = value["inline_keyboard"];
  const inlineRows: InlineKeyboardButton[][] = [];
  if (inline !== undefined && inline !== null) {
    if (!Array.isArray(inline)) throw badRequest('Field "inline_keyboard" must be of type Array');
    for (const row of inline) {
      if (!Array.isArray(row)) {
        throw badRequest('Field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays');
      }
      inlineRows.push(
        row.map((button) => {
          try {
            return parseInlineButton(button);
          } catch (error) {
            if (error instanceof TextError) {
              // Server-side rejections (BUTTON_*) are not wrapped by the Bot API layer.
              if ((error as { serverSide?: boolean }).serverSide) throw badRequest(error.message);
              throw badRequest(`Can't parse inline keyboard button: ${error.message}`);
            }
            throw error;
          }
        }),
      );
    }
  }
  if (rows.length > 0) return { kind: "keyboard", markup: { ...value, keyboard: rows } };
  if (inlineRows.some((row) => row.length > 0)) {
    return { kind: "inline", markup: { inline_keyboard: inlineRows.filter((row) => row.length > 0) } };
  }
  if (value["remove_keyboard"] === true || value["hide_keyboard"] === true) return { kind: "remove", markup: value };
  if (value["force_reply"] === true) return { kind: "force_reply", markup: value };
  return { kind: "none" };
}

/** The inline keyboard to echo in a returned Message, if any. */
export function inlineMarkupOf(parsed: ParsedMarkup): InlineKeyboardMarkup | undefined {
  return parsed.kind === "inline" ? parsed.markup : undefined;
}
