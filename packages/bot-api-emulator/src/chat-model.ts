/**
 * In-memory model of what Telegram knows about the bot's world: users, private
 * chats, groups and supergroups, every message in them (with edits and
 * deletions), pending callback queries, inline queries and inline messages.
 *
 * Why it exists: the emulated Bot API must answer like Telegram does for
 * stateful questions - "chat not found", "bot was blocked by the user",
 * "message to edit not found", "message is not modified", increasing
 * message_ids per chat, replies that embed the replied-to message - so tests
 * and local mode can exercise the bot's real error paths offline.
 */

import type {
  UserFromGetMe,
  CallbackQuery,
  Chat,
  InlineKeyboardMarkup,
  InlineQuery,
  Message,
  User,
} from "@grammyjs/types";

/** Telegram still sends this field for basic groups, although @grammyjs/types no longer lists it. */
const LEGACY_GROUP_FIELDS = { all_members_are_administrators: false };

/** Chat types the emulator models; channels are not modelled. */
export type ChatType = "private" | "group" | "supergroup";

/** A user known to the emulator, with the per-user flags Telegram tracks. */
export interface UserRecord {
  user: User;
  /** The user blocked the bot: sends to the private chat fail with 403. */
  blocked: boolean;
  /** The user has opened the private chat (pressed Start) at least once. */
  startedBot: boolean;
}

/** A chat known to the emulator. */
export interface ChatRecord {
  chat: Chat;
  /** For private chats: the other party. */
  userId?: number;
  /** Bot is an administrator (groups): privacy mode does not filter updates. */
  botIsAdmin: boolean;
  /** Bot is still a member (groups). */
  botIsMember: boolean;
  /** Groups: the owner and the administrators, by user id (everyone else who writes is a plain member). */
  owner?: number;
  administrators?: Set<number>;
  messages: Map<number, StoredMessage>;
  nextMessageId: number;
}

/** A message and the bookkeeping Telegram keeps about it. */
export interface StoredMessage {
  message: Message;
  fromBot: boolean;
  deleted: boolean;
}

/** A callback query awaiting answerCallbackQuery. */
export interface CallbackQueryRecord {
  query: CallbackQuery;
  createdAt: number;
  answer?: CallbackAnswer;
}

/** What the bot answered to a callback query. */
export interface CallbackAnswer {
  callback_query_id: string;
  text?: string;
  show_alert: boolean;
  url?: string;
  cache_time: number;
  at: number;
}

/** An inline query and the bot's answer, once given. */
export interface InlineQueryRecord {
  query: InlineQuery;
  createdAt: number;
  answer?: InlineAnswer;
}

/** What the bot answered to an inline query (results as sent, validated). */
export interface InlineAnswer {
  inline_query_id: string;
  results: Array<Record<string, unknown>>;
  cache_time: number;
  is_personal: boolean;
  next_offset: string;
  button?: unknown;
  at: number;
}

/** A message sent "via" the bot from an inline result, addressable by inline_message_id. */
export interface InlineMessageRecord {
  inlineMessageId: string;
  text: string;
  entities: Message["entities"];
  reply_markup?: InlineKeyboardMarkup;
  editCount: number;
}

/** Fields accepted when creating a user through the control API. */
export interface CreateUserInit {
  id?: number;
  first_name?: string;
  last_name?: string;
  username?: string;
  language_code?: string;
  is_premium?: boolean;
  /** Defaults to true: the user has already started the bot, so it may message them. */
  startedBot?: boolean;
}

/** Fields accepted when creating a group through the control API. */
export interface CreateGroupInit {
  id?: number;
  title?: string;
  type: "group" | "supergroup";
  /** Public username (supergroups), usable as chat_id "@username". */
  username?: string;
  /** Bot is an admin: it receives every message despite privacy mode. */
  botIsAdmin?: boolean;
  /** The user who owns the group (getChatMember answers "creator" for them). */
  owner?: number;
  /** Users who are administrators of the group. */
  administrators?: number[];
}

/** Content of a new message (the model assigns message_id and date). */
export type NewMessage = Omit<Message, "message_id" | "date" | "chat">;

/**
 * State container for users, chats, messages and interactive queries. Created
 * per server so tests never share state.
 */
export class ChatModel {
  private readonly users = new Map<number, UserRecord>();
  private readonly chats = new Map<number, ChatRecord>();
  private readonly callbackQueries = new Map<string, CallbackQueryRecord>();
  private readonly inlineQueries = new Map<string, InlineQueryRecord>();
  private readonly inlineMessages = new Map<string, InlineMessageRecord>();
  private nextUserId = 700_000_001;
  private nextGroupId = 4_000_000_001;
  private nextSupergroupId = 1_000_000_001;
  private nextQueryId = 1n;
  private nextFileSerial = 1;

  /** @param bot The bot identity. @param now Time source in epoch milliseconds. */
  constructor(
    readonly bot: UserFromGetMe,
    private readonly now: () => number,
  ) {}

  /** Current Unix time in seconds, as used in `date` fields. */
  unixTime(): number {
    return Math.floor(this.now() / 1000);
  }

  /** The bot as it appears in `from` of its messages (no getMe-only fields). */
  botAsUser(): User {
    return { id: this.bot.id, is_bot: true, first_name: this.bot.first_name, username: this.bot.username };
  }

  /** Creates a user and their private chat with the bot. */
  createUser(init: CreateUserInit = {}): UserRecord {
    const id = init.id ?? this.nextUserId++;
    if (this.users.has(id) || this.chats.has(id)) throw new Error(`user ${id} already exists`);
    const user: User = { id, is_bot: false, first_name: init.first_name ?? `User${id}` };
    if (init.last_name !== undefined) user.last_name = init.last_name;
    if (init.username !== undefined) user.username = init.username;
    if (init.language_code !== undefined) user.language_code = init.language_code;
    if (init.is_premium) user.is_premium = true;
    const record: UserRecord = { user, blocked: false, startedBot: init.startedBot ?? true };
    this.users.set(id, record);
    // Built field by field to keep Telegram's key order: id, first_name, last_name, username, type.
    const chat = { id, first_name: user.first_name } as Chat;
    if (user.last_name !== undefined) chat.last_name = user.last_name;
    if (user.username !== undefined) chat.username = user.username;
    chat.type = "private";
    this.chats.set(id, this.newChatRecord(chat, id, false));
    return record;
  }

  /** Creates a group or supergroup the bot is a member of. */
  createGroup(init: CreateGroupInit): ChatRecord {
    const type: ChatType = init.type;
    const id =
      init.id ?? (type === "supergroup" ? -(1_000_000_000_000 + this.nextSupergroupId++) : -this.nextGroupId++);
    if (id >= 0) throw new Error("group ids are negative");
    if (this.chats.has(id)) throw new Error(`chat ${id} already exists`);
    const chat: Chat =
      type === "group"
        ? { id, title: init.title ?? `Group ${-id}`, type, ...LEGACY_GROUP_FIELDS }
        : init.username === undefined
          ? { id, title: init.title ?? `Supergroup ${-id}`, type }
          : { id, title: init.title ?? `Supergroup ${-id}`, username: init.username, type };
    const record = this.newChatRecord(chat, undefined, init.botIsAdmin ?? false);
    if (init.owner !== undefined) record.owner = init.owner;
    record.administrators = new Set(init.administrators ?? []);
    this.chats.set(id, record);
    return record;
  }

  private newChatRecord(chat: Chat, userId: number | undefined, botIsAdmin: boolean): ChatRecord {
    const record: ChatRecord = {
      chat,
      botIsAdmin,
      botIsMember: true,
      messages: new Map(),
      nextMessageId: 1,
    };
    if (userId !== undefined) record.userId = userId;
    return record;
  }

  /** The user with this id, if known. */
  getUser(id: number): UserRecord | undefined {
    return this.users.get(id);
  }

  /** The chat with this id, if known. */
  getChat(id: number): ChatRecord | undefined {
    return this.chats.get(id);
  }

  /** All chats (used for @username lookups). */
  allChats(): IterableIterator<ChatRecord> {
    return this.chats.values();
  }

  /** Appends a message to a chat, assigning the next message_id and the current date. */
  addMessage(chat: ChatRecord, content: NewMessage, fromBot: boolean): StoredMessage {
    const message = orderMessageFields({
      ...content,
      message_id: chat.nextMessageId++,
      chat: chat.chat,
      date: this.unixTime(),
    });
    const stored: StoredMessage = { message, fromBot, deleted: false };
    chat.messages.set(message.message_id, stored);
    return stored;
  }

  /** A live (not deleted) message of a chat. */
  findMessage(chatId: number, messageId: number): StoredMessage | undefined {
    const stored = this.chats.get(chatId)?.messages.get(messageId);
    return stored === undefined || stored.deleted ? undefined : stored;
  }

  /** Live messages of a chat in order; optionally only the bot's. */
  listMessages(chatId: number, onlyFromBot: boolean): StoredMessage[] {
    const chat = this.chats.get(chatId);
    if (chat === undefined) return [];
    return [...chat.messages.values()].filter((m) => !m.deleted && (!onlyFromBot || m.fromBot));
  }

  /** A stable chat_instance for callback queries from a chat (Telegram: a global chat identifier). */
  chatInstance(chatId: number): string {
    let hash = 0x811c9dc5n;
    for (const ch of `chat:${chatId}`) {
      hash ^= BigInt(ch.charCodeAt(0));
      hash = (hash * 0x100000001b3n) & 0xffffffffffffffffn;
    }
    return BigInt.asIntN(64, hash).toString();
  }

  /** A fresh numeric query id, shaped like Telegram's 64-bit ids. */
  newQueryId(): string {
    const id = 4_382_985_469_038_582_000n + this.nextQueryId * 7919n;
    this.nextQueryId++;
    return id.toString();
  }

  /** A fresh pair of file ids for emulated media. */
  newFileIds(prefix: string): { file_id: string; file_unique_id: string } {
    const serial = this.nextFileSerial++;
    const body = Buffer.from(`${prefix}:${this.bot.id}:${serial}`).toString("base64url");
    return { file_id: `${prefix}${body}`, file_unique_id: `AgAD${serial.toString(36).padStart(6, "0")}` };
  }

  /** Registers a callback query created by the control API. */
  addCallbackQuery(query: CallbackQuery): CallbackQueryRecord {
    const record: CallbackQueryRecord = { query, createdAt: this.now() };
    this.callbackQueries.set(query.id, record);
    return record;
  }

  /** The callback query with this id, if any. */
  getCallbackQuery(id: string): CallbackQueryRecord | undefined {
    return this.callbackQueries.get(id);
  }

  /** Registers an inline query created by the control API. */
  addInlineQuery(query: InlineQuery): InlineQueryRecord {
    const record: InlineQueryRecord = { query, createdAt: this.now() };
    this.inlineQueries.set(query.id, record);
    return record;
  }

  /** The inline query with this id, if any. */
  getInlineQuery(id: string): InlineQueryRecord | undefined {
    return this.inlineQueries.get(id);
  }

  /** Registers a message sent via the bot from an inline result. */
  addInlineMessage(record: Omit<InlineMessageRecord, "inlineMessageId" | "editCount">): InlineMessageRecord {
    const inlineMessageId = Buffer.from(`inline:${this.bot.id}:${this.nextQueryId++}`).toString("base64url");
    const full: InlineMessageRecord = { ...record, inlineMessageId, editCount: 0 };
    this.inlineMessages.set(inlineMessageId, full);
    return full;
  }

  /** The inline message with this id, if any. */
  getInlineMessage(id: string): InlineMessageRecord | undefined {
    return this.inlineMessages.get(id);
  }
}

/** Key order of Message fields in Telegram's JSON (telegram-bot-api's JsonMessage::store). */
const MESSAGE_KEY_ORDER: ReadonlyArray<keyof Message> = [
  "message_id",
  "from",
  "chat",
  "date",
  "edit_date",
  "reply_to_message",
  "text",
  "entities",
  "link_preview_options",
  "photo",
  "sticker",
  "voice",
  "caption",
  "caption_entities",
  "reply_markup",
  "via_bot",
  "has_protected_content",
];

/**
 * Returns the message with its keys in Telegram's order, so JSON bodies look
 * like the real ones (tests may snapshot them).
 */
export function orderMessageFields(message: Message): Message {
  const ordered: Record<string, unknown> = {};
  const source = message as unknown as Record<string, unknown>;
  for (const key of MESSAGE_KEY_ORDER) {
    if (source[key] !== undefined) ordered[key] = source[key];
  }
  for (const [key, value] of Object.entries(source)) {
    if (!(key in ordered) && value !== undefined) ordered[key] = value;
  }
  return ordered as unknown as Message;
}
