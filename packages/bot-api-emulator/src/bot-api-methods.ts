/**
 * Implementations of the Bot API methods the local emulator supports, with
 * Telegram's validation order, error wording and result shapes (per
 * https://core.telegram.org/bots/api and tdlib/telegram-bot-api Client.cpp).
 *
 * Why it exists: the bot under test talks to this code exactly as it would to
 * api.telegram.org. Anything not listed here answers 404 "Not Found: method
 * not found" (handled by the server), so a gap is visible instead of silently
 * pretending success.
 */

import { ApiError, Descriptions, badRequest, forbidden, tooManyRequests } from "./api-errors.js";
import {
  orderMessageFields,
  type CallbackAnswer,
  type ChatModel,
  type ChatRecord,
  type InlineAnswer,
  type StoredMessage,
} from "./chat-model.js";
import {
  isJsonObject,
  optionalBool,
  optionalString,
  requiredInt,
  requiredString,
  type JsonObject,
} from "./json-fields.js";
import { asBadRequest, finalizeText, parseInputText, parseInputTextRaw, toApiEntities } from "./message-text.js";
import { type FileStore, imageSize, type StoredFile } from "./files.js";
import type { UploadedFile } from "./http-body.js";
import type { Params } from "./params.js";
import type { FloodControl } from "./rate-limit.js";
import { inlineMarkupOf, parseReplyMarkupValue, type ParsedMarkup } from "./reply-markup.js";
import type { ServerEvent } from "./server-events.js";
import type { BotCommand, InlineKeyboardMarkup, LinkPreviewOptions, Message, MessageEntity } from "@grammyjs/types";
import { TextError, fixFormattedText, type FormattedText } from "./text-entities.js";
import { LONG_POLL_MAX_TIMEOUT, type UpdateQueue } from "./update-queue.js";
import type { WebhookDelivery } from "./webhook.js";

/** A successful result that also carries Telegram's optional `description`. */
export class Answer {
  /** @param result The `result` field. @param description The `description` field. */
  constructor(
    readonly result: unknown,
    readonly description: string,
  ) {}
}

/** Per-call context given to handlers. */
export interface CallInfo {
  /** Aborted when the client goes away (e.g. a cancelled long poll). */
  signal: AbortSignal;
  /**
   * Publishes an event caused by this call. The server delivers it after the
   * call is recorded, so observers that see the effect also see the call.
   */
  emit(event: ServerEvent): void;
}

/** A Bot API method implementation: returns `result` (or an {@link Answer}) or throws ApiError. */
export type MethodHandler = (params: Params, call: CallInfo) => unknown;

/** Everything the handlers need from the server. */
export interface MethodDeps {
  model: ChatModel;
  queue: UpdateQueue;
  webhook: WebhookDelivery;
  flood: FloodControl | undefined;
  /** Callback queries older than this cannot be answered (undefined: no expiry). */
  callbackQueryTimeoutMs: number | undefined;
  now: () => number;
  /** Uploaded files (sendPhoto); getFile reads them. */
  files: FileStore;
}

/** Telegram's caption limit, in Unicode code points after entity parsing. */
const MAX_CAPTION_LENGTH = 1024;
/** sendPhoto: "The photo must be at most 10 MB in size. The photo's width and height must not exceed 10000 in total. Width and height ratio must be at most 20." */
const MAX_PHOTO_BYTES = 10 * 1024 * 1024;

const CHAT_ACTIONS = new Set([
  "cancel",
  "typing",
  "record_video",
  "upload_video",
  "record_audio",
  "record_voice",
  "upload_audio",
  "upload_voice",
  "upload_photo",
  "upload_document",
  "choose_sticker",
  "pick_up_location",
  "find_location",
  "record_video_note",
  "upload_video_note",
]);

const INLINE_RESULT_TYPES = new Set([
  "article",
  "audio",
  "contact",
  "game",
  "document",
  "gif",
  "location",
  "mpeg4_gif",
  "photo",
  "venue",
  "video",
  "voice",
  "sticker",
]);

const UPDATE_TYPES = new Set([
  "message",
  "edited_message",
  "channel_post",
  "edited_channel_post",
  "business_connection",
  "business_message",
  "edited_business_message",
  "deleted_business_messages",
  "message_reaction",
  "message_reaction_count",
  "inline_query",
  "chosen_inline_result",
  "callback_query",
  "shipping_query",
  "pre_checkout_query",
  "purchased_paid_media",
  "poll",
  "poll_answer",
  "my_chat_member",
  "chat_member",
  "chat_join_request",
  "chat_boost",
  "removed_chat_boost",
]);

/** Builds the method table (keys are lower-case: Telegram method names are case-insensitive). */
export function createMethodTable(deps: MethodDeps): Map<string, MethodHandler> {
  const { model, queue, webhook } = deps;
  const commands = new Map<string, BotCommand[]>();
  const menuButtons = new Map<string, unknown>();

  // ---- shared helpers -------------------------------------------------------

  const resolveChatId = (value: string, field: string): ChatRecord => {
    const raw = value.trim();
    if (raw === "") throw badRequest(`${field} is empty`);
    if (raw.startsWith("@")) {
      const username = raw.slice(1).toLowerCase();
      for (const chat of model.allChats()) {
        if (chat.chat.type !== "private" && chat.chat.username?.toLowerCase() === username) return chat;
      }
      throw new ApiError(400, Descriptions.chatNotFound);
    }
    if (!/^-?\d+$/u.test(raw)) throw new ApiError(400, Descriptions.chatNotFound);
    const chat = model.getChat(Number(raw));
    if (chat === undefined) throw new ApiError(400, Descriptions.chatNotFound);
    return chat;
  };
  const resolveChat = (params: Params, field = "chat_id"): ChatRecord => resolveChatId(params.str(field), field);

  /** Server-side permission checks for writing into a chat. */
  const ensureCanWrite = (chat: ChatRecord): void => {
    if (chat.userId !== undefined) {
      const user = model.getUser(chat.userId);
      if (user?.blocked) throw new ApiError(403, Descriptions.botBlocked);
      if (user !== undefined && !user.startedBot) throw new ApiError(403, Descriptions.cantInitiate);
      return;
    }
    if (!chat.botIsMember) {
      throw forbidden(
        chat.chat.type === "supergroup"
          ? "bot was kicked from the supergroup chat"
          : "bot was kicked from the group chat",
      );
    }
  };

  const consumeFlood = (chat: ChatRecord): void => {
    if (deps.flood === undefined) return;
    const retryAfter = deps.flood.acquire(String(chat.chat.id), chat.chat.type !== "private");
    if (retryAfter > 0) throw tooManyRequests(retryAfter);
  };

  const parseMarkup = (params: Params): ParsedMarkup =>
    parseReplyMarkupValue(params.json("reply_markup", "Can't parse reply keyboard markup JSON object"));

  const linkPreview = (params: Params): LinkPreviewOptions | undefined => {
    const value = params.json("link_preview_options", "Can't parse link preview options JSON object");
    if (value === undefined) return params.bool("disable_web_page_preview") ? { is_disabled: true } : undefined;
    if (!isJsonObject(value)) throw badRequest("Object expected as link preview options");
    const options: LinkPreviewOptions = {};
    asBadRequest(() => {
      if (optionalBool(value, "is_disabled")) options.is_disabled = true;
      const url = optionalString(value, "url");
      if (url !== "") options.url = url;
      if (optionalBool(value, "prefer_small_media")) options.prefer_small_media = true;
      if (optionalBool(value, "prefer_large_media")) options.prefer_large_media = true;
      if (optionalBool(value, "show_above_text")) options.show_above_text = true;
    });
    return Object.keys(options).length === 0 ? undefined : options;
  };

  /** reply_parameters / legacy reply_to_message_id, parsed as telegram-bot-api does. */
  const replyParameters = (params: Params): { messageId: number; chatId: string; allowWithout: boolean } => {
    const value = params.json("reply_parameters", "Can't parse reply parameters JSON object");
    if (value === undefined) {
      return {
        messageId: params.int("reply_to_message_id"),
        chatId: "",
        allowWithout: params.bool("allow_sending_without_reply"),
      };
    }
    if (!isJsonObject(value)) throw badRequest("Object expected as reply parameters");
    return asBadRequest(() => ({
      messageId: requiredInt(value, "message_id"),
      chatId: optionalString(value, "chat_id"),
      allowWithout: optionalBool(value, "allow_sending_without_reply"),
    }));
  };

  const resolveReply = (
    chat: ChatRecord,
    reply: { messageId: number; chatId: string; allowWithout: boolean },
  ): ReplyMessage | undefined => {
    if (reply.messageId <= 0) return undefined;
    const targetChatId = reply.chatId === "" ? chat.chat.id : Number(reply.chatId);
    const target = Number.isFinite(targetChatId) ? model.findMessage(targetChatId, reply.messageId) : undefined;
    if (target === undefined || targetChatId !== chat.chat.id) {
      // Cross-chat replies (external_reply) are not modelled; they read as "not found".
      if (reply.allowWithout) return undefined;
      throw badRequest("message to be replied not found");
    }
    return embedForReply(target.message);
  };

  const apiEntities = (text: FormattedText): MessageEntity[] =>
    toApiEntities(text.entities, (id) => model.getUser(id)?.user);

  const emitMessage = (call: CallInfo, type: "message" | "edit", stored: StoredMessage): void => {
    call.emit({ type, chatId: stored.message.chat.id, message: structuredClone(stored.message) });
  };

  const editTarget = (params: Params): { chat: ChatRecord; stored: StoredMessage } => {
    const chat = resolveChat(params);
    const messageId = params.int("message_id");
    const stored = messageId > 0 ? model.findMessage(chat.chat.id, messageId) : undefined;
    if (stored === undefined) throw badRequest("message to edit not found");
    return { chat, stored };
  };

  /** Applies an edit: sets edit_date, replaces or (with null) removes fields, keeps Telegram's key order. */
  const applyEdit = (stored: StoredMessage, changes: { [K in keyof Message]?: Message[K] | null }): void => {
    const next: Record<string, unknown> = { ...stored.message, edit_date: model.unixTime() };
    for (const [key, value] of Object.entries(changes)) {
      if (value === null || value === undefined) delete next[key];
      else next[key] = value;
    }
    stored.message = orderMessageFields(next as unknown as Message);
  };

  const sameMarkup = (a: InlineKeyboardMarkup | undefined, b: InlineKeyboardMarkup | undefined): boolean =>
    JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

  // ---- methods --------------------------------------------------------------

  const table = new Map<string, MethodHandler>();
  const define = (name: string, handler: MethodHandler): void => {
    table.set(name.toLowerCase(), handler);
  };

  define("getMe", () => model.bot);

  define("getUpdates", async (params, call) => {
    if (webhook.active !== undefined) throw new ApiError(409, Descriptions.webhookActive);
    const offset = params.int("offset", 0, -(2 ** 31), 2 ** 31 - 1);
    const limit = params.int("limit", 100, 1, 100);
    const timeout = params.int("timeout", 0, 0, LONG_POLL_MAX_TIMEOUT);
    queue.setAllowedUpdates(allowedUpdates(params));
    const poll = queue.poll(offset, limit, timeout);
    if (call.signal.aborted) poll.cancel();
    else call.signal.addEventListener("abort", poll.cancel, { once: true });
    return poll.promise;
  });

  define("setWebhook", (params) => {
    const url = params.str("url");
    if (url === "") return deleteWebhook(params);
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw badRequest("invalid webhook URL specified");
    }
    // Telegram requires https; the emulator also accepts http so tests can use a local server.
    if (parsed.protocol !== "https:" && parsed.protocol !== "http:") {
      throw badRequest("bad webhook: HTTPS url must be provided for webhook");
    }
    const secretToken = params.str("secret_token");
    if (secretToken.length > 256) throw badRequest("secret token is too long");
    if (!/^[A-Za-z0-9_-]*$/u.test(secretToken)) throw badRequest("secret token contains unallowed characters");
    const maxConnections = params.int("max_connections", 40, 1, 100);
    const drop = params.bool("drop_pending_updates");
    const current = webhook.active;
    queue.setAllowedUpdates(allowedUpdates(params));
    if (
      current !== undefined &&
      current.url === url &&
      current.secretToken === secretToken &&
      current.maxConnections === maxConnections &&
      !drop
    ) {
      return new Answer(true, "Webhook is already set");
    }
    if (drop) queue.clear();
    queue.terminateWaiter(Descriptions.terminatedBySetWebhook);
    webhook.set({ url, secretToken, maxConnections });
    return new Answer(true, "Webhook was set");
  });

  const deleteWebhook = (params: Params): Answer => {
    if (params.bool("drop_pending_updates")) queue.clear();
    if (webhook.active === undefined) return new Answer(true, "Webhook is already deleted");
    webhook.delete();
    return new Answer(true, "Webhook was deleted");
  };
  define("deleteWebhook", deleteWebhook);

  define("getWebhookInfo", () => webhook.info());

  define("sendMessage", (params, call) => {
    const parsed = parseInputText({
      text: params.str("text"),
      parseMode: params.str("parse_mode"),
      entities: params.raw["entities"],
    });
    const reply = replyParameters(params);
    const markup = parseMarkup(params);
    const preview = linkPreview(params);
    const chat = resolveChat(params);
    const replyTo = resolveReply(chat, reply);
    const text = finalizeText(parsed);
    ensureCanWrite(chat);
    consumeFlood(chat);
    const entities = apiEntities(text);
    const content: Omit<Message, "message_id" | "date" | "chat"> = { from: model.botAsUser() };
    if (params.bool("protect_content")) content.has_protected_content = true;
    if (replyTo !== undefined) content.reply_to_message = replyTo;
    content.text = text.text;
    if (entities.length > 0) content.entities = entities;
    if (preview !== undefined) content.link_preview_options = preview;
    const inline = inlineMarkupOf(markup);
    if (inline !== undefined) content.reply_markup = inline;
    const stored = model.addMessage(chat, content, true);
    emitMessage(call, "message", stored);
    return stored.message;
  });

  // ---- sendPhoto / getFile (https://core.telegram.org/bots/api#sendphoto) ----
  const uploadedPhoto = (params: Params): StoredFile => {
    let value: unknown = params.raw["photo"];
    if (typeof value === "string" && value.startsWith("attach://")) value = params.raw[value.slice("attach://".length)];
    if (value === undefined || value === "") throw badRequest("there is no photo in the request");
    if (typeof value === "string") {
      const known = deps.files.get(value.trim());
      if (known !== undefined) return known;
      if (/^https?:\/\//iu.test(value)) throw badRequest("failed to get HTTP URL content"); // the emulator is offline
      throw badRequest("wrong file identifier/HTTP URL specified");
    }
    const upload = value as UploadedFile;
    if (upload.kind !== "file" || !Buffer.isBuffer(upload.data)) throw badRequest("there is no photo in the request");
    if (upload.data.length > MAX_PHOTO_BYTES) throw badRequest("PHOTO_SAVE_FILE_INVALID");
    const size = imageSize(upload.data);
    if (size === undefined) throw badRequest("IMAGE_PROCESS_FAILED");
    if (
      size.width + size.height > 10_000 ||
      Math.max(size.width, size.height) > 20 * Math.min(size.width, size.height)
    ) {
      throw badRequest("PHOTO_INVALID_DIMENSIONS");
    }
    return deps.files.put(model.newFileIds("AgACAgIAAxkBAAI"), upload.data, upload.data[0] === 0x89 ? "png" : "jpg");
  };

  /** Telegram's thumbnails (s 90, m 320, x 800, y 1280) smaller than the photo, then the photo itself (at most 2560). */
  const photoSizes = (file: StoredFile): Message["photo"] => {
    const { width, height } = imageSize(file.bytes)!;
    const longest = Math.max(width, height);
    const scale = longest > 2560 ? 2560 / longest : 1;
    const sides = [90, 320, 800, 1280].filter((side) => side < longest * scale);
    const sizes = sides.map((side) => {
      const ids = model.newFileIds("AgACAgIAAxkBAAI");
      deps.files.alias(ids.file_id, file);
      const k = side / longest;
      return {
        ...ids,
        file_size: Math.round(file.bytes.length * k * k),
        width: Math.round(width * k),
        height: Math.round(height * k),
      };
    });
    return [
      ...sizes,
      {
        file_id: file.file_id,
        file_unique_id: file.file_unique_id,
        file_size: file.bytes.length,
        width: Math.round(width * scale),
        height: Math.round(height * scale),
      },
    ];
  };

  define("sendPhoto", (params, call) => {
    const caption = params.has("caption")
      ? parseInputText({
          text: params.str("caption"),
          parseMode: params.str("parse_mode"),
          entities: params.raw["caption_entities"],
        })
      : undefined;
    const reply = replyParameters(params);
    const markup = parseMarkup(params);
    const chat = resolveChat(params);
    const replyTo = resolveReply(chat, reply);
    const file = uploadedPhoto(params);
    const text =
      caption === undefined
        ? undefined
        : asBadRequest(() =>
            fixFormattedText(caption, { allowEmpty: true, skipNewEntities: false, skipBotCommands: false }),
          );
    if (text !== undefined && [...text.text].length > MAX_CAPTION_LENGTH)
      throw badRequest("message caption is too long");
    ensureCanWrite(chat);
    consumeFlood(chat);
    const content: Omit<Message, "message_id" | "date" | "chat"> = { from: model.botAsUser() };
    if (params.bool("protect_content")) content.has_protected_content = true;
    if (replyTo !== undefined) content.reply_to_message = replyTo;
    content.photo = photoSizes(file);
    if (text !== undefined && text.text !== "") {
      content.caption = text.text;
      const entities = apiEntities(text);
      if (entities.length > 0) content.caption_entities = entities;
      if (params.bool("show_caption_above_media")) content.show_caption_above_media = true;
    }
    if (params.bool("has_spoiler")) content.has_media_spoiler = true;
    const inline = inlineMarkupOf(markup);
    if (inline !== undefined) content.reply_markup = inline;
    const stored = model.addMessage(chat, content, true);
    emitMessage(call, "message", stored);
    return stored.message;
  });

  define("getFile", (params) => {
    const id = params.str("file_id").trim();
    const file = id === "" ? undefined : deps.files.get(id);
    if (file === undefined) throw badRequest("invalid file_id");
    return {
      file_id: id,
      file_unique_id: file.file_unique_id,
      file_size: file.bytes.length,
      file_path: file.file_path,
    };
  });

  define("editMessageText", (params, call) => {
    const parsed = parseInputText({
      text: params.str("text"),
      parseMode: params.str("parse_mode"),
      entities: params.raw["entities"],
    });
    const markup = parseMarkup(params);
    const preview = linkPreview(params);
    const inline = inlineMarkupOf(markup);
    if (!params.has("chat_id") && params.int("message_id") === 0) {
      const id = params.str("inline_message_id");
      if (id === "") throw badRequest("Message identifier is not specified");
      const record = model.getInlineMessage(id);
      if (record === undefined) throw badRequest("MESSAGE_ID_INVALID");
      const text = finalizeText(parsed);
      const entities = apiEntities(text);
      if (
        record.text === text.text &&
        JSON.stringify(record.entities ?? []) === JSON.stringify(entities) &&
        sameMarkup(record.reply_markup, inline)
      ) {
        throw new ApiError(400, Descriptions.messageNotModified);
      }
      record.text = text.text;
      record.entities = entities;
      if (inline === undefined) delete record.reply_markup;
      else record.reply_markup = inline;
      record.editCount++;
      call.emit({ type: "inline_message_edit", inlineMessageId: id, text: text.text });
      return true;
    }
    const { chat, stored } = editTarget(params);
    if (!stored.fromBot) throw badRequest("message can't be edited");
    if (stored.message.text === undefined) throw badRequest("there is no text in the message to edit");
    const text = finalizeText(parsed);
    ensureCanWrite(chat);
    const entities = apiEntities(text);
    if (
      stored.message.text === text.text &&
      JSON.stringify(stored.message.entities ?? []) === JSON.stringify(entities) &&
      sameMarkup(stored.message.reply_markup, inline)
    ) {
      throw new ApiError(400, Descriptions.messageNotModified);
    }
    consumeFlood(chat);
    // The edit replaces the whole content: omitted link preview options and keyboard are dropped.
    applyEdit(stored, {
      text: text.text,
      entities: entities.length > 0 ? entities : null,
      link_preview_options: preview ?? null,
      reply_markup: inline ?? null,
    });
    emitMessage(call, "edit", stored);
    return stored.message;
  });

  define("editMessageReplyMarkup", (params, call) => {
    const markup = parseMarkup(params);
    const inline = inlineMarkupOf(markup);
    if (!params.has("chat_id") && params.int("message_id") === 0) {
      const id = params.str("inline_message_id");
      if (id === "") throw badRequest("Message identifier is not specified");
      const record = model.getInlineMessage(id);
      if (record === undefined) throw badRequest("MESSAGE_ID_INVALID");
      if (sameMarkup(record.reply_markup, inline)) throw new ApiError(400, Descriptions.messageNotModified);
      if (inline === undefined) delete record.reply_markup;
      else record.reply_markup = inline;
      record.editCount++;
      return true;
    }
    const { chat, stored } = editTarget(params);
    if (!stored.fromBot) throw badRequest("message can't be edited");
    ensureCanWrite(chat);
    if (sameMarkup(stored.message.reply_markup, inline)) throw new ApiError(400, Descriptions.messageNotModified);
    consumeFlood(chat);
    applyEdit(stored, { reply_markup: inline ?? null });
    emitMessage(call, "edit", stored);
    return stored.message;
  });

  define("deleteMessage", (params, call) => {
    const chat = resolveChat(params);
    const messageId = params.int("message_id");
    const stored = messageId > 0 ? model.findMessage(chat.chat.id, messageId) : undefined;
    if (stored === undefined) throw badRequest("message to delete not found");
    // Bots may delete their own messages anywhere, incoming ones only in private chats or as admins.
    if (!stored.fromBot && chat.chat.type !== "private" && !chat.botIsAdmin) {
      throw badRequest("message can't be deleted");
    }
    stored.deleted = true;
    call.emit({ type: "delete", chatId: chat.chat.id, messageId });
    return true;
  });

  define("sendChatAction", (params, call) => {
    const action = params.str("action").toLowerCase();
    if (!CHAT_ACTIONS.has(action)) throw badRequest("Wrong parameter action in request");
    const chat = resolveChat(params);
    ensureCanWrite(chat);
    call.emit({ type: "chat_action", chatId: chat.chat.id, action });
    return true;
  });

  define("answerCallbackQuery", (params, call) => {
    const id = params.str("callback_query_id").trim();
    const record = model.getCallbackQuery(id);
    const expired =
      record !== undefined &&
      deps.callbackQueryTimeoutMs !== undefined &&
      deps.now() - record.createdAt > deps.callbackQueryTimeoutMs;
    if (record === undefined || record.answer !== undefined || expired) {
      throw new ApiError(400, Descriptions.queryTooOld);
    }
    const answer: CallbackAnswer = {
      callback_query_id: id,
      show_alert: params.bool("show_alert"),
      cache_time: params.int("cache_time", 0, 0, 24 * 30 * 60 * 60),
      at: deps.now(),
    };
    if (params.has("text")) answer.text = params.str("text");
    if (params.has("url")) answer.url = params.str("url");
    record.answer = answer;
    call.emit({ type: "callback_answer", answer: structuredClone(answer) });
    return true;
  });

  define("answerInlineQuery", (params, call) => {
    const id = params.str("inline_query_id").trim();
    const results = parseInlineResults(params);
    const nextOffset = params.str("next_offset");
    if (Buffer.byteLength(nextOffset, "utf8") > 64) throw badRequest("NEXT_OFFSET_INVALID");
    const record = model.getInlineQuery(id);
    if (record === undefined || record.answer !== undefined) throw new ApiError(400, Descriptions.queryTooOld);
    const answer: InlineAnswer = {
      inline_query_id: id,
      results,
      cache_time: params.int("cache_time", 300, 0, 2 ** 31 - 1),
      is_personal: params.bool("is_personal"),
      next_offset: nextOffset,
      at: deps.now(),
    };
    const button = params.json("button", "Can't parse inline query results button JSON object");
    if (button !== undefined) answer.button = button;
    record.answer = answer;
    call.emit({ type: "inline_answer", answer: structuredClone(answer) });
    return true;
  });

  define("setMyCommands", (params) => {
    const list = parseCommands(params);
    const key = commandKey(params);
    if (list.length === 0) commands.delete(key);
    else commands.set(key, list);
    return true;
  });

  define("getMyCommands", (params) => structuredClone(commands.get(commandKey(params)) ?? []));

  define("deleteMyCommands", (params) => {
    commands.delete(commandKey(params));
    return true;
  });

  define("setChatMenuButton", (params) => {
    const key = params.has("chat_id") ? String(resolveChat(params).chat.id) : "";
    const value = params.json("menu_button", "Can't parse menu button JSON object");
    if (value === undefined) {
      menuButtons.delete(key);
      return true;
    }
    if (!isJsonObject(value)) throw badRequest("MenuButton must be an Object");
    const type = asBadRequest(() => requiredString(value, "type"), "Can't parse menu button: ");
    if (type === "default" || type === "commands") menuButtons.set(key, { type });
    else if (type === "web_app") {
      asBadRequest(() => {
        const text = requiredString(value, "text");
        const app = value["web_app"];
        if (!isJsonObject(app)) throw new TextError('Can\'t find field "web_app"');
        menuButtons.set(key, { type, text, web_app: { url: requiredString(app, "url") } });
      }, "Can't parse menu button: ");
    } else {
      throw badRequest("Can't parse menu button: Unsupported type specified");
    }
    return true;
  });

  define("getChatMenuButton", (params) => {
    const key = params.has("chat_id") ? String(resolveChat(params).chat.id) : "";
    return structuredClone(menuButtons.get(key) ?? menuButtons.get("") ?? { type: "commands" });
  });

  // Shapes as in the Bot API's ChatMemberOwner / ChatMemberAdministrator / ChatMemberMember.
  define("getChatMember", (params) => {
    const chat = resolveChat(params);
    const userId = params.int("user_id");
    const user = model.getUser(userId)?.user;
    if (user === undefined) throw badRequest("user not found");
    if (chat.userId !== undefined) {
      if (chat.userId !== userId) throw badRequest("user not found");
      return { status: "member", user };
    }
    if (chat.owner === userId) return { status: "creator", user, is_anonymous: false };
    if (chat.administrators?.has(userId)) {
      return {
        status: "administrator",
        user,
        can_be_edited: false,
        is_anonymous: false,
        can_manage_chat: true,
        can_delete_messages: true,
        can_manage_video_chats: true,
        can_restrict_members: true,
        can_promote_members: false,
        can_change_info: true,
        can_invite_users: true,
        can_post_stories: false,
        can_edit_stories: false,
        can_delete_stories: false,
      };
    }
    return { status: "member", user };
  });

  define("getChat", (params) => {
    const chat = resolveChat(params);
    return {
      ...chat.chat,
      accent_color_id: Math.abs(chat.chat.id) % 7,
      max_reaction_count: 11,
      accepted_gift_types: {
        unlimited_gifts: false,
        limited_gifts: false,
        unique_gifts: false,
        premium_subscription: false,
        gifts_from_channels: false,
      },
    };
  });

  // ---- method-specific parsing ------------------------------------------------

  function allowedUpdates(params: Params): string[] | undefined {
    let value: unknown;
    try {
      value = params.json("allowed_updates", "Can't parse allowed_updates");
    } catch {
      return undefined;
    }
    if (!Array.isArray(value)) return undefined;
    return value.filter((item): item is string => typeof item === "string" && UPDATE_TYPES.has(item));
  }

  function commandKey(params: Params): string {
    const value = params.json("scope", "Can't parse BotCommandScope JSON object");
    let scope = "default";
    if (value !== undefined) {
      if (!isJsonObject(value)) throw badRequest("Can't parse BotCommandScope: BotCommandScope must be an Object");
      scope = asBadRequest(() => commandScopeKey(value), "Can't parse BotCommandScope: ");
      if (scope.startsWith("chat")) {
        const chatId = /:(-?\d+|@\w+)/u.exec(scope)?.[1] ?? "";
        const chat = resolveChatId(chatId, "chat_id");
        scope = scope.replace(chatId, String(chat.chat.id));
      }
    }
    return `${scope}|${params.str("language_code")}`;
  }

  function commandScopeKey(value: JsonObject): string {
    const type = requiredString(value, "type");
    if (["default", "all_private_chats", "all_group_chats", "all_chat_administrators"].includes(type)) return type;
    if (type !== "chat" && type !== "chat_administrators" && type !== "chat_member") {
      throw new TextError("Unsupported type specified");
    }
    const chatId = requiredString(value, "chat_id");
    if (chatId === "") throw new TextError("Empty chat_id specified");
    if (type !== "chat_member") return `${type}:${chatId}`;
    const userId = requiredInt(value, "user_id");
    if (userId <= 0) throw new TextError("Invalid user_id specified");
    return `${type}:${chatId}:${userId}`;
  }

  function parseCommands(params: Params): BotCommand[] {
    const value = params.json("commands", "Can't parse commands JSON object");
    if (value === undefined) return [];
    if (!Array.isArray(value)) throw badRequest("Expected an Array of BotCommand");
    const list = value.map((item) =>
      asBadRequest(() => {
        if (!isJsonObject(item)) throw new TextError("expected an Object");
        return { command: requiredString(item, "command"), description: requiredString(item, "description") };
      }, "Can't parse BotCommand: "),
    );
    // Server-side rules: <= 100 commands, command [a-z0-9_]{1,32}, description 1-256 characters.
    if (list.length > 100) throw badRequest("BOT_COMMANDS_TOO_MUCH");
    for (const command of list) {
      const name = command.command.startsWith("/") ? command.command.slice(1) : command.command;
      if (!/^[a-z0-9_]{1,32}$/u.test(name)) throw badRequest("BOT_COMMAND_INVALID");
      const length = [...command.description.trim()].length;
      if (length < 1 || length > 256) throw badRequest("BOT_COMMAND_DESCRIPTION_INVALID");
      command.command = name;
    }
    return list;
  }

  function parseInlineResults(params: Params): Array<Record<string, unknown>> {
    let value: unknown;
    try {
      value = params.json("results", "");
    } catch {
      throw badRequest("Can't parse JSON encoded inline query results");
    }
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) throw badRequest("Expected an Array of inline query results");
    if (value.length > 50) throw badRequest("Too many inline query results specified");
    const results = value.map((item) =>
      asBadRequest(() => validateInlineResult(item), "Can't parse inline query result: "),
    );
    const ids = new Set<string>();
    for (const result of results) {
      const id = String(result["id"]);
      if (Buffer.byteLength(id, "utf8") === 0 || Buffer.byteLength(id, "utf8") > 64) {
        throw badRequest("RESULT_ID_INVALID");
      }
      if (ids.has(id)) throw badRequest("RESULT_ID_DUPLICATE");
      ids.add(id);
    }
    return results;
  }

  function validateInlineResult(item: unknown): Record<string, unknown> {
    if (!isJsonObject(item)) throw new TextError("Inline query result must be an object");
    const type = requiredString(item, "type").toLowerCase();
    requiredString(item, "id");
    const content = item["input_message_content"];
    const needsText = type === "article";
    if (isJsonObject(content)) {
      const messageText = optionalString(content, "message_text");
      const hasOtherContent =
        (content["latitude"] !== undefined && content["longitude"] !== undefined) ||
        content["phone_number"] !== undefined ||
        content["payload"] !== undefined;
      if (messageText !== "") {
        parseInputTextRaw({
          text: messageText,
          parseMode: optionalString(content, "parse_mode"),
          entities: content["entities"],
        });
      } else if (!hasOtherContent && needsText) {
        throw new TextError("Input message content is not specified");
      }
    } else if (needsText) {
      // Legacy flat form: message_text directly on the result.
      parseInputTextRaw({
        text: requiredString(item, "message_text"),
        parseMode: optionalString(item, "parse_mode"),
        entities: item["entities"],
      });
    }
    if (item["reply_markup"] !== undefined) {
      try {
        parseReplyMarkupValue(item["reply_markup"]);
      } catch (error) {
        if (error instanceof ApiError) throw new TextError(error.description.replace(/^Bad Request: /u, ""));
        throw error;
      }
    }
    if (type === "article") {
      requiredString(item, "title");
      return { ...item, type };
    }
    if (!INLINE_RESULT_TYPES.has(type))
      throw new TextError(`type "${type}" is unsupported for the inline query result`);
    return { ...item, type };
  }

  return table;
}

/** A replied-to message as embedded in `reply_to_message`. */
export type ReplyMessage = NonNullable<Message["reply_to_message"]>;

/** A replied-to message as embedded in `reply_to_message` (Telegram does not nest further). */
export function embedForReply(message: Message): ReplyMessage {
  const { reply_to_message: _nested, ...rest } = structuredClone(message);
  return rest as ReplyMessage;
}
