/**
 * The Bot API's path from `text` + `parse_mode` / `entities` parameters to the
 * stored message text, ported from telegram-bot-api's
 * `Client::get_input_message_text` / `get_formatted_text` and tdlib's checks.
 *
 * Why it exists: every text-carrying method (sendMessage, editMessageText,
 * inline query results) must validate and transform text identically, with
 * Telegram's error messages ("message text is empty", "text must be
 * non-empty", "message is too long", "can't parse entities: ...").
 */

import { badRequest } from "./api-errors.js";
import { isJsonObject, optionalString, requiredInt, requiredString } from "./json-fields.js";
import { parseHtml } from "./telegram-html.js";
import type { MessageEntity, User } from "@grammyjs/types";
import { TextError, codePointLength, fixFormattedText, type FormattedText, type RawEntity } from "./text-entities.js";

/** Telegram's limit for message text, in Unicode code points, after entity parsing. */
export const MAX_MESSAGE_LENGTH = 4096;

/** telegram-bot-api rejects raw text longer than this many bytes before parsing. */
const MAX_RAW_TEXT_BYTES = 1 << 15;

const AUTO_DETECTED_TYPES = new Set([
  "mention",
  "hashtag",
  "cashtag",
  "bot_command",
  "url",
  "email",
  "phone_number",
  "bank_card_number",
]);

/** Parameters a text-carrying method receives. */
export interface TextInput {
  text: string;
  parseMode?: string;
  /** The `entities` parameter, already JSON-decoded (or a JSON string). */
  entities?: unknown;
}

function parseManualEntity(value: unknown): RawEntity | undefined {
  if (!isJsonObject(value)) throw new TextError("expected an Object");
  const offset = requiredInt(value, "offset");
  const length = requiredInt(value, "length");
  const type = requiredString(value, "type");
  if (type === "") throw new TextError("Type is not specified");
  switch (type) {
    case "bold":
    case "italic":
    case "underline":
    case "strikethrough":
    case "spoiler":
    case "code":
    case "blockquote":
    case "expandable_blockquote":
      return { type, offset, length };
    case "pre": {
      const language = optionalString(value, "language");
      return language === "" ? { type, offset, length } : { type, offset, length, language };
    }
    case "text_link":
      return { type, offset, length, url: requiredString(value, "url") };
    case "text_mention": {
      const user = value["user"];
      if (!isJsonObject(user)) throw new TextError('Can\'t find field "user"');
      return { type, offset, length, userId: requiredInt(user, "id") };
    }
    case "custom_emoji":
      return { type, offset, length, customEmojiId: String(requiredInt(value, "custom_emoji_id")) };
    default:
      if (AUTO_DETECTED_TYPES.has(type)) return undefined;
      throw new TextError("Unsupported type specified");
  }
}

function decodeEntitiesParam(entities: unknown): RawEntity[] {
  let value = entities;
  if (typeof value === "string") {
    try {
      value = JSON.parse(value) as unknown;
    } catch {
      return [];
    }
  }
  if (!Array.isArray(value)) return [];
  const result: RawEntity[] = [];
  for (const item of value) {
    try {
      const entity = parseManualEntity(item);
      if (entity !== undefined) result.push(entity);
    } catch (error) {
      if (error instanceof TextError) throw new TextError(`Can't parse MessageEntity: ${error.message}`);
      throw error;
    }
  }
  return result;
}

/**
 * Parses text with its parse mode or explicit entities, without tdlib's
 * trimming/fixing. Mirrors `Client::get_input_message_text` +
 * `Client::get_formatted_text` and raises tdlib-level messages.
 *
 * @throws TextError e.g. "Message text is empty", "Can't parse entities: ...".
 */
export function parseInputTextRaw(input: TextInput): FormattedText {
  if (input.text === "") throw new TextError("Message text is empty");
  if (Buffer.byteLength(input.text, "utf8") > MAX_RAW_TEXT_BYTES) throw new TextError("Text is too long");
  const mode = (input.parseMode ?? "").toLowerCase();
  if (mode !== "" && mode !== "none") {
    if (mode === "html") return parseHtml(input.text);
    // The product sends HTML only, so the Markdown parse modes are refused loudly rather than emulated loosely.
    if (mode === "markdownv2" || mode === "markdown")
      throw new TextError(`parse_mode ${input.parseMode} is not emulated; use HTML`);
    throw new TextError("Unsupported parse_mode");
  }
  return { text: input.text, entities: decodeEntitiesParam(input.entities) };
}

/**
 * tdlib's server-side checks of a parsed text: cleaning and trimming ("Text
 * must be non-empty"), auto-detected entities and the 4096-character limit
 * ("Message is too long").
 *
 * @throws TextError with tdlib's message.
 */
export function finalizeTextRaw(parsed: FormattedText): FormattedText {
  const fixed = fixFormattedText(parsed, { allowEmpty: false, skipNewEntities: false, skipBotCommands: false });
  if (codePointLength(fixed.text) > MAX_MESSAGE_LENGTH) throw new TextError("Message is too long");
  return fixed;
}

/** Runs `fn`, turning a tdlib-level TextError into Telegram's 400 "Bad Request: ..." (optionally prefixed). */
export function asBadRequest<T>(fn: () => T, prefix = ""): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof TextError) throw badRequest(`${prefix}${error.message}`);
    throw error;
  }
}

/** {@link parseInputTextRaw} with Bot API errors (400). */
export function parseInputText(input: TextInput): FormattedText {
  return asBadRequest(() => parseInputTextRaw(input));
}

/** {@link finalizeTextRaw} with Bot API errors (400). */
export function finalizeText(parsed: FormattedText): FormattedText {
  return asBadRequest(() => finalizeTextRaw(parsed));
}

/**
 * Full validation of a message text as sent by a bot (both stages above).
 *
 * @throws ApiError 400 with Telegram's description.
 */
export function prepareMessageText(input: TextInput): FormattedText {
  return finalizeText(parseInputText(input));
}

/**
 * Converts internal entities to Bot API MessageEntity objects. `text_mention`
 * entities whose user is unknown are dropped, as Telegram cannot resolve them.
 */
export function toApiEntities(
  entities: readonly RawEntity[],
  resolveUser: (id: number) => User | undefined,
): MessageEntity[] {
  const result: MessageEntity[] = [];
  for (const entity of entities) {
    const at = { offset: entity.offset, length: entity.length };
    if (entity.type === "text_link") result.push({ ...at, type: "text_link", url: entity.url ?? "" });
    else if (entity.type === "pre")
      result.push(entity.language ? { ...at, type: "pre", language: entity.language } : { ...at, type: "pre" });
    else if (entity.type === "custom_emoji")
      result.push({ ...at, type: "custom_emoji", custom_emoji_id: entity.customEmojiId ?? "" });
    else if (entity.type === "text_mention") {
      const user = entity.userId === undefined ? undefined : resolveUser(entity.userId);
      if (user !== undefined) result.push({ ...at, type: "text_mention", user });
    } else result.push({ ...at, type: entity.type as MessageEntity.CommonMessageEntity["type"] });
  }
  return result;
}
