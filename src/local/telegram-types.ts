/**
 * The subset of Telegram Bot API object shapes that the local emulator produces
 * and consumes (https://core.telegram.org/bots/api#available-types).
 *
 * Why it exists: src/local must not depend on grammY at runtime or in types, so
 * that the emulator stays an independent, faithful stand-in for
 * api.telegram.org. Field names and optionality follow the official docs; only
 * the fields the emulator can actually produce are listed.
 */

/** A Telegram user or bot (https://core.telegram.org/bots/api#user). */
export interface User {
  id: number;
  is_bot: boolean;
  first_name: string;
  last_name?: string;
  username?: string;
  language_code?: string;
  is_premium?: true;
}

/** The bot's own identity as returned by getMe (https://core.telegram.org/bots/api#getme). */
export interface BotUser extends User {
  is_bot: true;
  username: string;
  can_join_groups: boolean;
  can_read_all_group_messages: boolean;
  supports_inline_queries: boolean;
  can_connect_to_business: boolean;
  has_main_web_app: boolean;
  has_topics_enabled: boolean;
  allows_users_to_create_topics: boolean;
  can_manage_bots: boolean;
  supports_join_request_queries: boolean;
}

/** Chat types the emulator models. Channels are not modelled. */
export type ChatType = "private" | "group" | "supergroup";

/** A chat as embedded in messages (https://core.telegram.org/bots/api#chat). */
export interface Chat {
  id: number;
  type: ChatType;
  title?: string;
  username?: string;
  first_name?: string;
  last_name?: string;
  /** Legacy field Telegram still sends for basic groups. */
  all_members_are_administrators?: boolean;
}

/** A formatting or auto-detected entity (https://core.telegram.org/bots/api#messageentity). */
export interface MessageEntity {
  type: string;
  /** Offset in UTF-16 code units. */
  offset: number;
  /** Length in UTF-16 code units. */
  length: number;
  url?: string;
  user?: User;
  language?: string;
  custom_emoji_id?: string;
}

/** One button of an inline keyboard (https://core.telegram.org/bots/api#inlinekeyboardbutton). */
export interface InlineKeyboardButton {
  text: string;
  url?: string;
  callback_data?: string;
  switch_inline_query?: string;
  switch_inline_query_current_chat?: string;
  [field: string]: unknown;
}

/** An inline keyboard (https://core.telegram.org/bots/api#inlinekeyboardmarkup). */
export interface InlineKeyboardMarkup {
  inline_keyboard: InlineKeyboardButton[][];
}

/** https://core.telegram.org/bots/api#linkpreviewoptions */
export interface LinkPreviewOptions {
  is_disabled?: boolean;
  url?: string;
  prefer_small_media?: boolean;
  prefer_large_media?: boolean;
  show_above_text?: boolean;
}

/** https://core.telegram.org/bots/api#photosize */
export interface PhotoSize {
  file_id: string;
  file_unique_id: string;
  width: number;
  height: number;
  file_size?: number;
}

/** https://core.telegram.org/bots/api#sticker */
export interface Sticker {
  file_id: string;
  file_unique_id: string;
  type: "regular" | "mask" | "custom_emoji";
  width: number;
  height: number;
  is_animated: boolean;
  is_video: boolean;
  thumbnail?: PhotoSize;
  emoji?: string;
  set_name?: string;
  file_size?: number;
}

/** https://core.telegram.org/bots/api#voice */
export interface Voice {
  file_id: string;
  file_unique_id: string;
  duration: number;
  mime_type?: string;
  file_size?: number;
}

/** A message (https://core.telegram.org/bots/api#message), limited to the kinds the emulator creates. */
export interface Message {
  message_id: number;
  from?: User;
  chat: Chat;
  date: number;
  edit_date?: number;
  reply_to_message?: Message;
  via_bot?: User;
  has_protected_content?: true;
  text?: string;
  entities?: MessageEntity[];
  link_preview_options?: LinkPreviewOptions;
  sticker?: Sticker;
  photo?: PhotoSize[];
  voice?: Voice;
  caption?: string;
  caption_entities?: MessageEntity[];
  show_caption_above_media?: true;
  has_media_spoiler?: true;
  reply_markup?: InlineKeyboardMarkup;
}

/** https://core.telegram.org/bots/api#callbackquery */
export interface CallbackQuery {
  id: string;
  from: User;
  message?: Message;
  inline_message_id?: string;
  chat_instance: string;
  data?: string;
}

/** https://core.telegram.org/bots/api#inlinequery */
export interface InlineQuery {
  id: string;
  from: User;
  query: string;
  offset: string;
  chat_type?: "sender" | "private" | "group" | "supergroup" | "channel";
}

/** https://core.telegram.org/bots/api#choseninlineresult */
export interface ChosenInlineResult {
  result_id: string;
  from: User;
  query: string;
  inline_message_id?: string;
}

/** https://core.telegram.org/bots/api#chatmember (only the statuses the emulator produces). */
export interface ChatMember {
  status: "member" | "kicked" | "left" | "administrator";
  user: User;
  until_date?: number;
}

/** https://core.telegram.org/bots/api#chatmemberupdated */
export interface ChatMemberUpdated {
  chat: Chat;
  from: User;
  date: number;
  old_chat_member: ChatMember;
  new_chat_member: ChatMember;
}

/** An incoming update (https://core.telegram.org/bots/api#update). Exactly one optional field is set. */
export interface Update {
  update_id: number;
  message?: Message;
  edited_message?: Message;
  callback_query?: CallbackQuery;
  inline_query?: InlineQuery;
  chosen_inline_result?: ChosenInlineResult;
  my_chat_member?: ChatMemberUpdated;
}

/** Names of the update kinds the emulator can produce. */
export type UpdateType = Exclude<keyof Update, "update_id">;

/** https://core.telegram.org/bots/api#responseparameters */
export interface ResponseParameters {
  retry_after?: number;
  migrate_to_chat_id?: number;
}

/** https://core.telegram.org/bots/api#botcommand */
export interface BotCommand {
  command: string;
  description: string;
}
