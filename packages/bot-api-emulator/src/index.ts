/**
 * Public entry point of the local Telegram mode: the Bot API emulator, the
 * terminal client and the text helpers they share.
 *
 * Why it exists: tests, benchmarks and the local runner import everything
 * offline-Telegram related from one place, without reaching into internals.
 */

export {
  createBotApiServer,
  type BotApiServer,
  type BotApiServerOptions,
  type CallbackAnswer,
  type CallbackQueryResult,
  type ChatRef,
  type ChosenInlineResultOutcome,
  type CreateGroupInit,
  type CreateUserInit,
  type FaultHandle,
  type FaultKind,
  type FaultSpec,
  type InlineAnswer,
  type InlineQueryResult,
  type MessageRef,
  type RateLimitOptions,
  type RecordedCall,
  type ServerEvent,
  type ServerEventListener,
  type UserMessageExtra,
  type UserMessageResult,
  type UserRef,
} from "./bot-api-server.js";
export {
  formatKeyboard,
  htmlToTerminalText,
  keyboardButtons,
  renderEntitiesText,
  runTerminalClient,
  type TerminalClientOptions,
} from "./terminal-client.js";
export { prepareMessageText, MAX_MESSAGE_LENGTH } from "./message-text.js";
export { parseHtml } from "./telegram-html.js";
