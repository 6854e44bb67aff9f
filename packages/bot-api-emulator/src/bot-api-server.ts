/**
 * A faithful local stand-in for api.telegram.org: a plain `node:http` server
 * speaking the Telegram Bot API (`POST|GET /bot<token>/<method>`), plus a
 * control API that plays the users' side (sending messages, pressing buttons,
 * inline queries, blocking the bot), records every call, injects faults and
 * enforces flood limits.
 *
 * Why it exists: the meetings bot must be developed, tested and benchmarked
 * offline and deterministically. Point grammY at it with
 * `new Bot(token, { client: { apiRoot: url } })`; the emulator answers with
 * Telegram's own result shapes and error descriptions (see bot-api-methods.ts),
 * and unknown methods get 404 "Not Found: method not found" so that gaps are
 * visible rather than silently "successful".
 */

import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

import { ApiError, methodNotFound } from "./api-errors.js";
import { Answer, createMethodTable, embedForReply, type MethodHandler, type ReplyMessage } from "./bot-api-methods.js";
import {
  ChatModel,
  type CallbackAnswer,
  type ChatRecord,
  type CreateGroupInit,
  type CreateUserInit,
  type InlineAnswer,
  type UserRecord,
} from "./chat-model.js";
import { FaultInjector, faultResponse, type FaultHandle, type FaultKind, type FaultSpec } from "./faults.js";
import { FileStore } from "./files.js";
import { decodeParams, readBody } from "./http-body.js";
import { toApiEntities } from "./message-text.js";
import { Params } from "./params.js";
import { createFloodControl, type RateLimitOptions } from "./rate-limit.js";
import type { RecordedCall } from "./recorded-call.js";
import { EventBus, type ServerEvent, type ServerEventListener } from "./server-events.js";
import type {
  UserFromGetMe,
  CallbackQuery,
  Chat,
  ChosenInlineResult,
  InlineKeyboardButton,
  InlineQuery,
  Message,
  MessageEntity,
  PhotoSize,
  Update,
  User,
} from "@grammyjs/types";
import { TextError, fixFormattedText, type RawEntity } from "./text-entities.js";
import { UpdateQueue, type UpdateType } from "./update-queue.js";
import { WebhookDelivery, type WebhookDeliveryOptions } from "./webhook.js";

// Re-exported so users of the emulator need a single import.
export type { RecordedCall } from "./recorded-call.js";
export type { FaultHandle, FaultKind, FaultSpec } from "./faults.js";
export type { ServerEvent, ServerEventListener } from "./server-events.js";
export type { CallbackAnswer, CreateGroupInit, CreateUserInit, InlineAnswer } from "./chat-model.js";
export type { RateLimitOptions } from "./rate-limit.js";

/** Options of {@link createBotApiServer}. */
export interface BotApiServerOptions {
  /** Overrides of the bot identity returned by getMe. */
  botInfo?: Partial<Omit<UserFromGetMe, "is_bot">>;
  /** Flood control; omitted limits are not enforced. */
  rateLimit?: RateLimitOptions;
  /** Clock in epoch ms used for dates, `at` and flood control (default Date.now); inject to accelerate. */
  now?: () => number;
  /** Interface to bind (default 127.0.0.1). */
  host?: string;
  /** update_id of the first update (default 100000001, like a long-lived bot's large ids). */
  firstUpdateId?: number;
  /** Webhook delivery tunables. */
  webhook?: WebhookDeliveryOptions;
  /** Callback queries older than this cannot be answered (default: no expiry). */
  callbackQueryTimeoutMs?: number;
}

/** A user reference accepted by the control API. */
export type UserRef = number | User | { user: User };
/** A chat reference accepted by the control API (a user means their private chat). */
export type ChatRef = number | Chat | User | { chat: Chat };
/** A message reference accepted by the control API. */
export type MessageRef = Pick<Message, "message_id"> & { chat: Pick<Chat, "id"> };

/** Extra fields of a user's text message. */
export interface UserMessageExtra {
  /** Message being replied to (e.g. one of the bot's messages). */
  reply_to_message?: MessageRef;
  /** Formatting the user applied (bold etc.); auto-detected entities are added like Telegram does. */
  entities?: MessageEntity[];
}

/** Result of a user action that creates a message. */
export interface UserMessageResult {
  message: Message;
  /** The queued update, or undefined if Telegram would not deliver it (privacy mode, allowed_updates). */
  update: Update | undefined;
}

/** Result of pressing an inline button. */
export interface CallbackQueryResult {
  callbackQuery: CallbackQuery;
  update: Update | undefined;
}

/** Result of sending an inline query. */
export interface InlineQueryResult {
  inlineQuery: InlineQuery;
  update: Update | undefined;
}

/** Result of choosing an inline result. */
export interface ChosenInlineResultOutcome {
  chosen: ChosenInlineResult;
  update: Update | undefined;
  /** Set when the chosen result carries an inline keyboard (Telegram only then assigns one). */
  inlineMessageId?: string;
}

/** The emulator: HTTP Bot API plus control API. */
export interface BotApiServer {
  /** Starts listening; `url` is the API root for grammY's `client.apiRoot`. */
  start(port?: number): Promise<{ url: string }>;
  /** Stops listening, closes connections and timers. */
  stop(): Promise<void>;
  /** The API root (throws before start). */
  readonly url: string;
  /** The bot identity (as returned by getMe). */
  readonly botInfo: UserFromGetMe;

  /** The bytes of a file the bot uploaded (any of a photo's file_ids), or undefined. */
  fileBytes(fileId: string): Buffer | undefined;

  /** Creates a user (and their private chat with the bot). */
  createUser(init?: CreateUserInit): User;
  /** Creates a group or supergroup containing the bot. */
  createGroup(init: CreateGroupInit): Chat;
  /** A known chat by id. */
  getChat(chatId: number): Chat | undefined;

  /** The user sends a text message (commands, mentions, URLs get entities like on Telegram). */
  sendMessage(from: UserRef, chat: ChatRef, text: string, extra?: UserMessageExtra): UserMessageResult;
  /** The user sends a sticker. */
  sendSticker(
    from: UserRef,
    chat: ChatRef,
    extra?: { emoji?: string; reply_to_message?: MessageRef },
  ): UserMessageResult;
  /** The user sends a photo (four sizes, like Telegram). */
  sendPhoto(
    from: UserRef,
    chat: ChatRef,
    extra?: { caption?: string; reply_to_message?: MessageRef },
  ): UserMessageResult;
  /** The user sends a voice message. */
  sendVoice(
    from: UserRef,
    chat: ChatRef,
    extra?: { duration?: number; caption?: string; reply_to_message?: MessageRef },
  ): UserMessageResult;
  /** The user edits one of their text messages (edited_message update). */
  editUserMessage(from: UserRef, message: MessageRef, text: string): UserMessageResult;
  /** The user presses the inline button with this callback_data on a bot message. */
  pressButton(user: UserRef, message: MessageRef, callbackData: string): CallbackQueryResult;
  /** The user types an inline query (`@bot query`). */
  sendInlineQuery(
    user: UserRef,
    query: string,
    extra?: { offset?: string; chat_type?: InlineQuery["chat_type"] },
  ): InlineQueryResult;
  /** The bot's answer to an inline query, once given. */
  getInlineAnswer(inlineQueryId: string): InlineAnswer | undefined;
  /** Waits for the bot's answer to an inline query. */
  waitForInlineAnswer(inlineQueryId: string, timeoutMs?: number): Promise<InlineAnswer>;
  /** The user picks one of the offered inline results (chosen_inline_result update). */
  chooseInlineResult(user: UserRef, inlineQueryId: string, resultId: string): ChosenInlineResultOutcome;
  /** The bot's answer to a callback query, once given. */
  getCallbackAnswer(callbackQueryId: string): CallbackAnswer | undefined;
  /** Waits for the bot's answer to a callback query. */
  waitForCallbackAnswer(callbackQueryId: string, timeoutMs?: number): Promise<CallbackAnswer>;
  /** The user blocks the bot: sends fail with 403 and a my_chat_member update is queued. */
  blockBot(user: UserRef): void;
  /** The user unblocks (restarts) the bot. */
  unblockBot(user: UserRef): void;

  /** Every call received, in completion order (cleared by clearCalls). */
  readonly calls: readonly RecordedCall[];
  /** Recorded calls of one method (case-insensitive). */
  callsTo(method: string): RecordedCall[];
  /**
   * Resolves with the first recorded call of `method` matching `predicate` -
   * already recorded (since the last clearCalls) or arriving within `timeoutMs`
   * (default 5000).
   */
  waitForCall(method: string, predicate?: (call: RecordedCall) => boolean, timeoutMs?: number): Promise<RecordedCall>;
  /** Current state of the bot's messages in a chat (after edits and deletions), in order. */
  messagesIn(chatId: number): Message[];
  /** All live messages of a chat (users' and the bot's), in order. */
  chatHistory(chatId: number): Message[];
  /**
   * Resolves with the first of the bot's messages in the chat matching
   * `predicate` in its current state, or the first one sent/edited into a
   * matching state within `timeoutMs` (default 5000).
   */
  waitForMessage(chatId: number, predicate?: (message: Message) => boolean, timeoutMs?: number): Promise<Message>;
  /** Forgets recorded calls. */
  clearCalls(): void;
  /** Updates not yet confirmed by the bot. */
  pendingUpdates(): Update[];
  /** Subscribes to emulator events; returns the unsubscribe function. */
  onEvent(listener: ServerEventListener): () => void;

  /** Arms a fault for upcoming matching calls. */
  injectFault(spec: FaultSpec): FaultHandle;
  /** Disarms all faults. */
  clearFaults(): void;
}

const DEFAULT_BOT: UserFromGetMe = {
  id: 1000001,
  is_bot: true,
  first_name: "LocalBot",
  username: "local_meetings_bot",
  can_join_groups: true,
  can_read_all_group_messages: false,
  supports_inline_queries: true,
  can_connect_to_business: false,
  has_main_web_app: false,
  has_topics_enabled: false,
  allows_users_to_create_topics: false,
  can_manage_bots: false,
  supports_join_request_queries: false,
};

const DEFAULT_WAIT_MS = 5000;

interface HttpAnswer {
  status: number;
  contentType: string;
  body: string;
  recorded: unknown;
  headers?: Record<string, string>;
}

function jsonAnswer(status: number, value: unknown, headers?: Record<string, string>): HttpAnswer {
  const answer: HttpAnswer = { status, contentType: "application/json", body: JSON.stringify(value), recorded: value };
  if (headers !== undefined) answer.headers = headers;
  return answer;
}

function errorAnswer(error: ApiError): HttpAnswer {
  const retryAfter = error.parameters?.retry_after;
  return jsonAnswer(
    error.errorCode,
    error.toJSON(),
    retryAfter === undefined ? undefined : { "Retry-After": String(retryAfter) },
  );
}

/**
 * Creates a local Telegram Bot API server. Nothing is shared between
 * instances, so every test can have its own.
 */
export function createBotApiServer(options: BotApiServerOptions = {}): BotApiServer {
  const now = options.now ?? Date.now;
  const bot: UserFromGetMe = { ...DEFAULT_BOT, ...options.botInfo, is_bot: true };
  const model = new ChatModel(bot, now);
  const events = new EventBus();
  const queue = new UpdateQueue(options.firstUpdateId ?? 100_000_001);
  const faults = new FaultInjector();
  const flood = options.rateLimit === undefined ? undefined : createFloodControl(options.rateLimit, now);
  const calls: RecordedCall[] = [];
  const sleeps = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();
  let seq = 0;
  let server: Server | undefined;
  let baseUrl: string | undefined;

  const webhook = new WebhookDelivery(queue, options.webhook ?? {}, {
    unixTime: () => model.unixTime(),
    onWebhookReply: (method, params) => {
      void execute(method, params, new AbortController().signal, true);
    },
  });
  const files = new FileStore();
  const methods: Map<string, MethodHandler> = createMethodTable({
    files,
    model,
    queue,
    webhook,
    flood,
    callbackQueryTimeoutMs: options.callbackQueryTimeoutMs,
    now,
  });

  // ---- recording -------------------------------------------------------------

  const record = (call: Omit<RecordedCall, "seq">): RecordedCall => {
    const full: RecordedCall = { seq: ++seq, ...call };
    calls.push(full);
    events.emit({ type: "call", call: full });
    return full;
  };

  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const entry = {
        resolve,
        timer: setTimeout(() => {
          sleeps.delete(entry);
          resolve();
        }, ms),
      };
      sleeps.add(entry);
    });

  // ---- dispatch ----------------------------------------------------------------

  /** Runs one Bot API call (HTTP or webhook reply) and records it; returns the HTTP answer or "drop". */
  async function execute(
    method: string,
    rawParams: Record<string, unknown>,
    signal: AbortSignal,
    viaWebhookReply = false,
  ): Promise<HttpAnswer | "drop" | "aborted"> {
    const at = now();
    const started = performance.now();
    const caused: ServerEvent[] = [];
    const finish = (
      answer: HttpAnswer | "drop" | "aborted",
      fault?: FaultKind["type"],
    ): HttpAnswer | "drop" | "aborted" => {
      const entry: Omit<RecordedCall, "seq"> = {
        method,
        params: rawParams,
        at,
        durationMs: performance.now() - started,
        status: typeof answer === "string" ? 0 : answer.status,
        response: typeof answer === "string" ? undefined : answer.recorded,
      };
      if (fault !== undefined) entry.fault = fault;
      if (answer === "aborted") entry.aborted = true;
      if (viaWebhookReply) entry.viaWebhookReply = true;
      record(entry);
      for (const event of caused.splice(0)) events.emit(event);
      return answer;
    };

    const fault = faults.take(method, rawParams);
    if (fault !== undefined) {
      if (fault.type === "drop") return finish("drop", fault.type);
      if (fault.type !== "delay") return finish(faultResponse(fault), fault.type);
      await sleep(fault.ms);
    }
    const handler = methods.get(method.toLowerCase());
    if (handler === undefined) return finish(errorAnswer(methodNotFound()), fault?.type);
    try {
      const result = await handler(new Params(rawParams), { signal, emit: (event) => caused.push(event) });
      if (signal.aborted) return finish("aborted", fault?.type);
      const body =
        result instanceof Answer
          ? { ok: true, result: result.result, description: result.description }
          : { ok: true, result };
      return finish(jsonAnswer(200, body), fault?.type);
    } catch (error) {
      if (signal.aborted) return finish("aborted", fault?.type);
      if (error instanceof ApiError) return finish(errorAnswer(error), fault?.type);
      console.error(`[local-bot-api] ${method} failed:`, error);
      return finish(jsonAnswer(500, { ok: false, error_code: 500, description: "Internal Server Error" }), fault?.type);
    }
  }

  function send(res: ServerResponse, answer: HttpAnswer): void {
    if (res.destroyed) return;
    res.writeHead(answer.status, {
      "Content-Type": answer.contentType,
      "Content-Length": Buffer.byteLength(answer.body),
      ...answer.headers,
    });
    res.end(answer.body);
  }

  async function handleRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://localhost");
    const match = /^\/bot([^/]+)\/([^/]*)$/u.exec(url.pathname);
    if (match === null) {
      send(res, jsonAnswer(404, { ok: false, error_code: 404, description: "Not Found" }));
      return;
    }
    let params: Record<string, unknown>;
    try {
      params = decodeParams(req.headers["content-type"], await readBody(req), url.searchParams);
    } catch (error) {
      const apiError = error instanceof ApiError ? error : new ApiError(400, "Bad Request: can't read request body");
      send(res, errorAnswer(apiError));
      return;
    }
    const method = decodeURIComponent(match[2] ?? "") || String(params["method"] ?? "");
    const controller = new AbortController();
    res.on("close", () => {
      if (!res.writableFinished) controller.abort();
    });
    const answer = await execute(method, params, controller.signal);
    if (answer === "drop") {
      // A network failure as the client sees it: the connection dies without a response.
      req.socket.destroy();
      return;
    }
    if (answer === "aborted") return;
    send(res, answer);
  }

  // ---- control API helpers -------------------------------------------------------

  const userRecordOf = (ref: UserRef): UserRecord => {
    const id = typeof ref === "number" ? ref : "user" in ref ? ref.user.id : ref.id;
    const record = model.getUser(id);
    if (record === undefined) throw new Error(`unknown user ${id}; create it with createUser()`);
    return record;
  };

  const chatRecordOf = (ref: ChatRef): ChatRecord => {
    const id = typeof ref === "number" ? ref : "chat" in ref ? ref.chat.id : ref.id;
    const record = model.getChat(id);
    if (record === undefined) throw new Error(`unknown chat ${id}; create it with createUser()/createGroup()`);
    return record;
  };

  // The emulator models no channels, so its messages are the non-channel kind each update field asks for.
  const enqueue = (kind: UpdateType, payload: object, chatKey: string): Update | undefined => {
    const update = queue.push(kind, structuredClone(payload) as Update[UpdateType], chatKey);
    if (update !== undefined) events.emit({ type: "update", update });
    return update;
  };

  const setBlocked = (user: UserRecord, blocked: boolean): void => {
    if (user.blocked === blocked) return;
    user.blocked = blocked;
    const botMember = { user: model.botAsUser() };
    const member = { status: "member" as const, ...botMember };
    const kicked = { status: "kicked" as const, ...botMember, until_date: 0 };
    const chat = chatRecordOf(user.user.id).chat;
    enqueue(
      "my_chat_member",
      {
        chat,
        from: user.user,
        date: model.unixTime(),
        old_chat_member: blocked ? member : kicked,
        new_chat_member: blocked ? kicked : member,
      },
      String(chat.id),
    );
  };

  /** A user writing into a chat implies they (re)started the bot there. */
  const userSpeaks = (user: UserRecord, chat: ChatRecord): void => {
    if (chat.userId === undefined) return;
    if (chat.userId !== user.user.id)
      throw new Error(`user ${user.user.id} cannot write into ${chat.userId}'s private chat`);
    if (user.blocked) setBlocked(user, false);
    user.startedBot = true;
  };

  /** Privacy mode (https://core.telegram.org/bots/features#privacy-mode) for group messages. */
  const deliversToBot = (chat: ChatRecord, message: Message): boolean => {
    if (chat.chat.type === "private") return true;
    if (!chat.botIsMember) return false;
    if (bot.can_read_all_group_messages || chat.botIsAdmin) return true;
    if (message.reply_to_message?.from?.id === bot.id) return true;
    const text = message.text ?? message.caption ?? "";
    const entities = message.entities ?? message.caption_entities ?? [];
    const botName = bot.username.toLowerCase();
    for (const entity of entities) {
      const value = text.slice(entity.offset, entity.offset + entity.length).toLowerCase();
      if (entity.type === "bot_command" && entity.offset === 0) {
        const target = value.split("@")[1];
        if (target === undefined || target === botName) return true;
      }
      if (entity.type === "mention" && value === `@${botName}`) return true;
    }
    return false;
  };

  const replyOf = (chat: ChatRecord, ref: MessageRef | undefined): ReplyMessage | undefined => {
    if (ref === undefined) return undefined;
    const target = model.findMessage(ref.chat.id, ref.message_id);
    if (target === undefined || ref.chat.id !== chat.chat.id) {
      throw new Error(`message ${ref.message_id} not found in chat ${chat.chat.id}`);
    }
    return embedForReply(target.message);
  };

  const formatUserText = (
    text: string,
    entities: MessageEntity[] | undefined,
  ): { text: string; entities: MessageEntity[] } => {
    const raw: RawEntity[] = (entities ?? []).map((entity) => {
      const out: RawEntity = { type: entity.type, offset: entity.offset, length: entity.length };
      if (entity.type === "text_link") out.url = entity.url;
      if (entity.type === "pre" && entity.language !== undefined) out.language = entity.language;
      if (entity.type === "text_mention") out.userId = entity.user.id;
      return out;
    });
    try {
      const fixed = fixFormattedText({ text, entities: raw }, { skipBotCommands: false });
      return { text: fixed.text, entities: toApiEntities(fixed.entities, (id) => model.getUser(id)?.user) };
    } catch (error) {
      if (error instanceof TextError) throw new Error(`invalid user message: ${error.message}`);
      throw error;
    }
  };

  const postUserMessage = (
    fromRef: UserRef,
    chatRef: ChatRef,
    content: Omit<Message, "message_id" | "date" | "chat" | "from">,
    replyTo: MessageRef | undefined,
  ): UserMessageResult => {
    const user = userRecordOf(fromRef);
    const chat = chatRecordOf(chatRef);
    userSpeaks(user, chat);
    const reply = replyOf(chat, replyTo);
    const stored = model.addMessage(
      chat,
      { from: user.user, ...(reply === undefined ? {} : { reply_to_message: reply }), ...content },
      false,
    );
    const message = structuredClone(stored.message);
    const update = deliversToBot(chat, message) ? enqueue("message", message, String(chat.chat.id)) : undefined;
    return { message, update };
  };

  const waitForEvent = <T>(
    check: () => T | undefined,
    onEvent: (event: ServerEvent) => T | undefined,
    timeoutMs: number,
    describe: () => string,
  ): Promise<T> => {
    const existing = check();
    if (existing !== undefined) return Promise.resolve(existing);
    return new Promise<T>((resolve, reject) => {
      const unsubscribe = events.on((event) => {
        const found = onEvent(event);
        if (found === undefined) return;
        clearTimeout(timer);
        unsubscribe();
        resolve(found);
      });
      const timer = setTimeout(() => {
        unsubscribe();
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${describe()}`));
      }, timeoutMs);
    });
  };

  const findButton = (markup: Message["reply_markup"], data: string): InlineKeyboardButton | undefined =>
    markup?.inline_keyboard.flat().find((button) => "callback_data" in button && button.callback_data === data);

  // ---- the object -------------------------------------------------------------

  const api: BotApiServer = {
    async start(port = 0) {
      if (server !== undefined) throw new Error("server already started");
      const host = options.host ?? "127.0.0.1";
      const created = createServer((req, res) => {
        handleRequest(req, res).catch((error: unknown) => {
          console.error("[local-bot-api] request failed:", error);
          if (!res.headersSent)
            send(res, jsonAnswer(500, { ok: false, error_code: 500, description: "Internal Server Error" }));
        });
      });
      // Long polls hold requests for up to 50 s; Node's default timeouts must not cut them.
      created.requestTimeout = 0;
      created.keepAliveTimeout = 5000;
      await new Promise<void>((resolve, reject) => {
        created.once("error", reject);
        created.listen(port, host, () => {
          created.off("error", reject);
          resolve();
        });
      });
      server = created;
      const address = created.address() as AddressInfo;
      baseUrl = `http://${host}:${address.port}`;
      webhook.resume();
      return { url: baseUrl };
    },

    async stop() {
      webhook.stop();
      queue.close();
      for (const entry of sleeps) {
        clearTimeout(entry.timer);
        entry.resolve();
      }
      sleeps.clear();
      const current = server;
      server = undefined;
      if (current === undefined) return;
      await new Promise<void>((resolve) => {
        current.close(() => resolve());
        current.closeAllConnections();
      });
    },

    get url() {
      if (baseUrl === undefined) throw new Error("server not started");
      return baseUrl;
    },

    get botInfo() {
      return structuredClone(bot);
    },

    fileBytes(fileId) {
      const file = files.get(fileId);
      return file === undefined ? undefined : Buffer.from(file.bytes);
    },

    createUser(init) {
      return structuredClone(model.createUser(init).user);
    },

    createGroup(init) {
      return structuredClone(model.createGroup(init).chat);
    },

    getChat(chatId) {
      const chat = model.getChat(chatId);
      return chat === undefined ? undefined : structuredClone(chat.chat);
    },

    sendMessage(from, chat, text, extra = {}) {
      const formatted = formatUserText(text, extra.entities);
      const content: Omit<Message, "message_id" | "date" | "chat" | "from"> = { text: formatted.text };
      if (formatted.entities.length > 0) content.entities = formatted.entities;
      return postUserMessage(from, chat, content, extra.reply_to_message);
    },

    sendSticker(from, chat, extra = {}) {
      const ids = model.newFileIds("CAACAgIAAxkBAAI");
      const thumb = model.newFileIds("AAMCAgADGQEAAI");
      return postUserMessage(
        from,
        chat,
        {
          sticker: {
            width: 512,
            height: 512,
            emoji: extra.emoji ?? "👍",
            set_name: "LocalStickers",
            is_animated: false,
            is_video: false,
            type: "regular",
            thumbnail: { ...thumb, file_size: 5416, width: 128, height: 128 },
            ...ids,
            file_size: 28_342,
          },
        },
        extra.reply_to_message,
      );
    },

    sendPhoto(from, chat, extra = {}) {
      const sizes: PhotoSize[] = [
        [90, 68, 1_412],
        [320, 240, 18_305],
        [800, 600, 76_204],
        [1280, 960, 151_882],
      ].map(([width, height, size]) => ({
        ...model.newFileIds("AgACAgIAAxkBAAI"),
        file_size: size!,
        width: width!,
        height: height!,
      }));
      const content: Omit<Message, "message_id" | "date" | "chat" | "from"> = { photo: sizes };
      if (extra.caption !== undefined) {
        const formatted = formatUserText(extra.caption, undefined);
        content.caption = formatted.text;
        if (formatted.entities.length > 0) content.caption_entities = formatted.entities;
      }
      return postUserMessage(from, chat, content, extra.reply_to_message);
    },

    sendVoice(from, chat, extra = {}) {
      const content: Omit<Message, "message_id" | "date" | "chat" | "from"> = {
        voice: {
          duration: extra.duration ?? 3,
          mime_type: "audio/ogg",
          ...model.newFileIds("AwACAgIAAxkBAAI"),
          file_size: 12_000 * (extra.duration ?? 3),
        },
      };
      if (extra.caption !== undefined) {
        const formatted = formatUserText(extra.caption, undefined);
        content.caption = formatted.text;
        if (formatted.entities.length > 0) content.caption_entities = formatted.entities;
      }
      return postUserMessage(from, chat, content, extra.reply_to_message);
    },

    editUserMessage(from, ref, text) {
      const user = userRecordOf(from);
      const stored = model.findMessage(ref.chat.id, ref.message_id);
      if (stored === undefined || stored.fromBot || stored.message.from?.id !== user.user.id) {
        throw new Error(`message ${ref.message_id} is not an editable message of user ${user.user.id}`);
      }
      const formatted = formatUserText(text, undefined);
      const { entities: _old, text: _oldText, ...rest } = stored.message;
      const next: Message = { ...rest, edit_date: model.unixTime(), text: formatted.text };
      if (formatted.entities.length > 0) next.entities = formatted.entities;
      stored.message = next;
      const chat = chatRecordOf(ref.chat.id);
      const message = structuredClone(next);
      const update = deliversToBot(chat, message)
        ? enqueue("edited_message", message, String(chat.chat.id))
        : undefined;
      return { message, update };
    },

    pressButton(userRef, ref, callbackData) {
      const user = userRecordOf(userRef);
      const stored = model.findMessage(ref.chat.id, ref.message_id);
      if (stored === undefined) throw new Error(`message ${ref.message_id} not found in chat ${ref.chat.id}`);
      if (findButton(stored.message.reply_markup, callbackData) === undefined) {
        throw new Error(
          `message ${ref.message_id} has no inline button with callback_data ${JSON.stringify(callbackData)}`,
        );
      }
      const query: CallbackQuery = {
        id: model.newQueryId(),
        from: user.user,
        message: structuredClone(stored.message),
        chat_instance: model.chatInstance(ref.chat.id),
        data: callbackData,
      };
      model.addCallbackQuery(query);
      const update = enqueue("callback_query", query, String(ref.chat.id));
      return { callbackQuery: structuredClone(query), update };
    },

    sendInlineQuery(userRef, text, extra = {}) {
      const user = userRecordOf(userRef);
      const query: InlineQuery = {
        id: model.newQueryId(),
        from: user.user,
        chat_type: extra.chat_type ?? "sender",
        query: text,
        offset: extra.offset ?? "",
      };
      model.addInlineQuery(query);
      const update = enqueue("inline_query", query, `user:${user.user.id}`);
      return { inlineQuery: structuredClone(query), update };
    },

    getInlineAnswer(id) {
      const answer = model.getInlineQuery(id)?.answer;
      return answer === undefined ? undefined : structuredClone(answer);
    },

    waitForInlineAnswer(id, timeoutMs = DEFAULT_WAIT_MS) {
      return waitForEvent(
        () => api.getInlineAnswer(id),
        (event) => (event.type === "inline_answer" && event.answer.inline_query_id === id ? event.answer : undefined),
        timeoutMs,
        () => `answerInlineQuery for ${id}`,
      );
    },

    chooseInlineResult(userRef, inlineQueryId, resultId) {
      const user = userRecordOf(userRef);
      const record = model.getInlineQuery(inlineQueryId);
      const result = record?.answer?.results.find((item) => String(item["id"]) === resultId);
      if (record === undefined || result === undefined) {
        throw new Error(`inline query ${inlineQueryId} has no answered result ${resultId}`);
      }
      const chosen: ChosenInlineResult = { result_id: resultId, from: user.user, query: record.query.query };
      const outcome: ChosenInlineResultOutcome = { chosen, update: undefined };
      const markup = result["reply_markup"] as Message["reply_markup"];
      if (markup !== undefined) {
        const content = (result["input_message_content"] ?? result) as Record<string, unknown>;
        const inline = model.addInlineMessage({
          text: String(content["message_text"] ?? ""),
          entities: [],
          reply_markup: markup,
        });
        chosen.inline_message_id = inline.inlineMessageId;
        outcome.inlineMessageId = inline.inlineMessageId;
      }
      outcome.update = enqueue("chosen_inline_result", chosen, `user:${user.user.id}`);
      return outcome;
    },

    getCallbackAnswer(id) {
      const answer = model.getCallbackQuery(id)?.answer;
      return answer === undefined ? undefined : structuredClone(answer);
    },

    waitForCallbackAnswer(id, timeoutMs = DEFAULT_WAIT_MS) {
      return waitForEvent(
        () => api.getCallbackAnswer(id),
        (event) =>
          event.type === "callback_answer" && event.answer.callback_query_id === id ? event.answer : undefined,
        timeoutMs,
        () => `answerCallbackQuery for ${id}`,
      );
    },

    blockBot(userRef) {
      setBlocked(userRecordOf(userRef), true);
    },

    unblockBot(userRef) {
      setBlocked(userRecordOf(userRef), false);
    },

    get calls() {
      return calls;
    },

    callsTo(method) {
      const lower = method.toLowerCase();
      return calls.filter((call) => call.method.toLowerCase() === lower);
    },

    waitForCall(method, predicate = () => true, timeoutMs = DEFAULT_WAIT_MS) {
      const lower = method.toLowerCase();
      const matches = (call: RecordedCall): boolean => call.method.toLowerCase() === lower && predicate(call);
      return waitForEvent(
        () => calls.find(matches),
        (event) => (event.type === "call" && matches(event.call) ? event.call : undefined),
        timeoutMs,
        () =>
          `a ${method} call; recent calls: ${calls
            .slice(-8)
            .map((call) => `${call.method}→${call.status}`)
            .join(", ")}`,
      );
    },

    messagesIn(chatId) {
      return model.listMessages(chatId, true).map((stored) => structuredClone(stored.message));
    },

    chatHistory(chatId) {
      return model.listMessages(chatId, false).map((stored) => structuredClone(stored.message));
    },

    waitForMessage(chatId, predicate = () => true, timeoutMs = DEFAULT_WAIT_MS) {
      return waitForEvent(
        () => api.messagesIn(chatId).find(predicate),
        (event) =>
          (event.type === "message" || event.type === "edit") && event.chatId === chatId && predicate(event.message)
            ? event.message
            : undefined,
        timeoutMs,
        () => `a bot message in chat ${chatId}`,
      );
    },

    clearCalls() {
      calls.length = 0;
    },

    pendingUpdates() {
      return queue.pending().map((item) => structuredClone(item.update));
    },

    onEvent(listener) {
      return events.on(listener);
    },

    injectFault(spec) {
      return faults.inject(spec);
    },

    clearFaults() {
      faults.clear();
    },
  };
  return api;
}
