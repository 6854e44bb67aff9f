/**
 * Building the bot: the API client with retries, a setup middleware (per-update
 * logger, interface language), per-chat ordering, and one Composer per
 * feature, each behind its own error boundary.
 */
import { sequentialize } from "@grammyjs/runner";
import { Bot, type BotConfig, type Composer } from "grammy";
import type { UserFromGetMe } from "grammy/types";

import { BUILTIN_COMMANDS } from "./commands.js";
import type { BotContext } from "./context.js";
import type { BotDeps, CommandSpec } from "./deps.js";
import { featureErrorHandler } from "./error-boundary.js";
import { describeError } from "./errors.js";
import { askFeature } from "./features/ask.js";
import { fallbackFeature } from "./features/fallback.js";
import { feedbackFeature } from "./features/feedback.js";
import { helpFeature } from "./features/help.js";
import { inlineFeature } from "./features/inline.js";
import { mediaFeature } from "./features/media.js";
import { meetingsFeature } from "./features/meetings.js";
import { sourcesFeature } from "./features/sources.js";
import { TREND_COMMANDS, trendFeature } from "./features/trend.js";
import { langFromCode } from "./i18n.js";
import { inProcessChatState } from "./chat-state.js";
import { DEFAULT_RETRY, installRetries, type RetryOptions } from "./retry.js";
import type { BotServices } from "./services.js";

/** Options of {@link createBot}. */
export interface CreateBotOptions {
  /** Bot API server root (TELEGRAM_API_ROOT, or the local emulator's url). */
  apiRoot?: string;
  /** Skip getMe at start (tests, or a known identity). */
  botInfo?: UserFromGetMe;
  /** Retry tunables; tests shorten the backoff. */
  retry?: Partial<RetryOptions>;
}

/** Inline queries one typed question may cause (Telegram sends one per pause in typing). */
const INLINE_QUERIES_PER_QUESTION = 5;

/** The grammY bot of this project, plus the commands to register in the menu. */
export class MeetingsBot extends Bot<BotContext> {
  /** Built-in and extra feature commands, for setMyCommands. */
  readonly commands: readonly CommandSpec[];
  /** Highest update id seen, so a stopping poller can confirm what it handled. */
  lastUpdateId = 0;
  /** The Bot API server this bot talks to (never holds the token), for error messages. */
  readonly apiRoot: string;

  constructor(token: string, config: BotConfig<BotContext>, commands: readonly CommandSpec[]) {
    super(token, config);
    this.commands = commands;
    this.apiRoot = config.client?.apiRoot ?? "https://api.telegram.org";
  }
}

/**
 * Creates the bot with every feature mounted. Start it with `startBot`, or
 * feed updates with `bot.handleUpdate` (then pass `botInfo`).
 *
 * @example
 * const bot = createBot(config.TELEGRAM_BOT_TOKEN, deps, { apiRoot: config.TELEGRAM_API_ROOT });
 * const handle = await startBot(bot, { mode: "polling" });
 */
export function createBot(token: string, deps: BotDeps, options: CreateBotOptions = {}): MeetingsBot {
  const extra = deps.extraFeatures ?? [];
  const bot = new MeetingsBot(
    token,
    {
      ...(options.apiRoot === undefined ? {} : { client: { apiRoot: options.apiRoot.replace(/\/+$/u, "") } }),
      ...(options.botInfo === undefined ? {} : { botInfo: options.botInfo }),
    },
    [...BUILTIN_COMMANDS, ...(deps.trend ? TREND_COMMANDS : []), ...extra.flatMap((f) => f.commands ?? [])],
  );
  installRetries(bot.api, { ...DEFAULT_RETRY, ...options.retry }, deps.logger, token);

  const { options: limits, now } = deps;
  const state = deps.chatState ?? inProcessChatState;
  const services: BotServices = {
    deps,
    token,
    memory: state.memory({
      maxTurns: limits.memoryTurns ?? 3,
      ttlMs: limits.memoryTtlMs ?? 30 * 60_000,
      maxChats: limits.memoryChats ?? 1000,
      now,
    }),
    limiter: state.rateLimiter("ask", { perMinute: limits.rateLimitPerMinute, now }),
    inlineLimiter: state.rateLimiter("inline", {
      perMinute: limits.rateLimitPerMinute * INLINE_QUERIES_PER_QUESTION,
      now,
    }),
  };
  const fixedCore = { answerer: deps.answerer, meetings: deps.meetings, trend: deps.trend };

  bot.use((ctx, next) => {
    bot.lastUpdateId = Math.max(bot.lastUpdateId, ctx.update.update_id);
    ctx.log = deps.logger.child({
      update_id: ctx.update.update_id,
      ...(ctx.chat === undefined ? {} : { chat_id: ctx.chat.id }),
    });
    ctx.lang = langFromCode(ctx.from?.language_code);
    return next();
  });
  // Concurrent across chats, in order within a chat (follow-ups need the previous answer).
  bot.use(sequentialize((ctx: BotContext) => (ctx.chat === undefined ? undefined : String(ctx.chat.id))));
  // Taken once the update's turn has come (not while it queues behind its chat), so a new build serves it at once.
  bot.use(async (ctx, next) => {
    const lease = deps.core?.acquire();
    ctx.core = lease?.value ?? fixedCore;
    try {
      await next();
    } finally {
      lease?.release();
    }
  });

  const features: Array<{ name: string; composer: Composer<BotContext> }> = [
    { name: "help", composer: helpFeature(services) },
    { name: "meetings", composer: meetingsFeature() },
    { name: "sources", composer: sourcesFeature(services) },
    { name: "feedback", composer: feedbackFeature(services) },
    ...(deps.trend ? [{ name: "trend", composer: trendFeature(services) }] : []),
    { name: "ask", composer: askFeature(services) },
    { name: "inline", composer: inlineFeature(services) },
    { name: "media", composer: mediaFeature() },
    ...extra,
    { name: "fallback", composer: fallbackFeature(services) },
  ];
  for (const feature of features) bot.errorBoundary(featureErrorHandler(feature.name, token)).use(feature.composer);

  // Only errors outside every boundary (none expected) reach here; log them, never the token.
  bot.catch((error) => {
    deps.logger.error("unhandled bot error", {
      update_id: error.ctx.update.update_id,
      error: describeError(error, token),
    });
  });
  return bot;
}
