/**
 * The Telegram bot: the only part of the program that imports grammY.
 * main.ts builds {@link BotDeps}, then calls createBot + startBot, or runLocalMode
 * when there is no token.
 */
export { createBot, MeetingsBot, type CreateBotOptions } from "./bot.js";
export {
  startBot,
  type BotHandle,
  type StartBotOptions,
  type PollingStartOptions,
  type WebhookStartOptions,
} from "./start.js";
export { runLocalMode, LOCAL_TOKEN, type LocalModeHandle, type LocalModeOptions } from "./local-mode.js";
export {
  createMemoryFeedbackStore,
  type BotDeps,
  type BotFeature,
  type BotOptions,
  type CommandSpec,
  type CoreSource,
  type CoreView,
  type FeedbackStore,
  type FeedbackVote,
} from "./deps.js";
export type { BotContext } from "./context.js";
export { inProcessChatState, type ChatStateAdapter, type ChatMemoryStore, type RateLimiter } from "./chat-state.js";
export { createRedisChatState, type RedisChatStateOptions } from "./redis-chat-state.js";
export { StartupError } from "./startup-error.js";
export { classifyTelegramError, describeError, redactSecrets, type TelegramErrorKind } from "./errors.js";
export { splitHtmlMessage, TELEGRAM_MESSAGE_LIMIT } from "./split-html.js";
export { escapeHtml, formatAnswerHtml, citationLabel, formatDigestHtml } from "./format.js";
export { createDigestFeature, DIGEST_COMMANDS, type DigestFeatureOptions } from "./features/digests.js";
export {
  createDigestSender,
  toDeliveryError,
  type DigestSenderOptions,
  type DigestApiTarget,
} from "./digest-sender.js";
export { createSqliteFeedbackStore } from "./feedback-store.js";
export { registerCommands, BUILTIN_COMMANDS } from "./commands.js";
export { DEFAULT_RETRY, type RetryOptions } from "./retry.js";
