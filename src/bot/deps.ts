/**
 * What the bot is given from outside: the answerer, the meetings, a logger, a
 * clock, limits from config, a feedback store and optional extra features.
 * Everything that varies is injected here, so tests swap in fakes.
 */
import type { Composer } from "grammy";

import type { Answerer } from "../answer/types.js";
import type { Meeting } from "../corpus/types.js";
import type { Logger } from "../logger.js";
import type { TrendService } from "../trend/index.js";
import type { ChatStateAdapter } from "./chat-state.js";
import type { BotContext } from "./context.js";

/** The reasons offered after a 👎. */
export type FeedbackReason = "wrong" | "incomplete" | "source" | "unanswered";

/** A 👍 or 👎 on one of the bot's answers. */
export interface FeedbackVote {
  chatId: number;
  userId: number;
  /** The bot message that carried the vote buttons. */
  messageId: number;
  vote: "up" | "down";
  /** Why a 👎, when the user picked one of the reasons offered after it. */
  reason?: FeedbackReason | undefined;
  /** The question that was answered (a follow-up resolved into a standalone one), when the chat memory still holds it. */
  question?: string | undefined;
  /** Whether the reports covered the question (false for refusals). */
  answered?: boolean | undefined;
  at: Date;
}

/** Where votes go; the SQLite store implements this, tests use {@link createMemoryFeedbackStore}. */
export interface FeedbackStore {
  record(vote: FeedbackVote): void | Promise<void>;
}

/** A command shown in Telegram's command menu, in both interface languages. */
export interface CommandSpec {
  /** Without the slash: lower case letters, digits and underscores. */
  command: string;
  zh: string;
  en: string;
}

/**
 * A feature mounted after the built-in ones (e.g. digests): its own Composer,
 * protected by the same error boundary, and the commands it adds to the menu.
 */
export interface BotFeature {
  name: string;
  composer: Composer<BotContext>;
  commands?: CommandSpec[];
}

/** Limits and switches, usually from `Config`. */
export interface BotOptions {
  /** Questions per user per minute (RATE_LIMIT_PER_MINUTE). */
  rateLimitPerMinute: number;
  /** Longest question accepted, in characters (MAX_QUESTION_CHARS). */
  maxQuestionChars: number;
  /** ADMIN_USER_IDS; extra features may use them. */
  adminIds?: readonly number[];
  /** Turns remembered per chat for follow-ups (default 3). */
  memoryTurns?: number;
  /** Follow-up memory expires after this much silence (default 30 min). */
  memoryTtlMs?: number;
  /** Chats remembered at most; the least recently used is forgotten first (default 1000). */
  memoryChats?: number;
  /** Minimum gap between streamed edits of one message (default 1000 ms, Telegram's comfort zone). */
  streamEditIntervalMs?: number;
  /** How often the typing indicator is renewed while answering (default 4500 ms; Telegram shows it ~5 s). */
  typingIntervalMs?: number;
}

/** What answers come from: one index build's answerer, meetings and trends. */
export interface CoreView {
  answerer: Answerer;
  meetings: readonly Meeting[];
  trend?: TrendService | undefined;
}

/**
 * The live core when it can change under a running bot (a new index build). Each update
 * holds one lease from its start to its end, so it is answered from one build throughout,
 * and a replaced build is released only when the last update using it has finished.
 */
export interface CoreSource {
  acquire(): { readonly value: CoreView; release(): void };
}

/** Everything {@link createBot} needs. */
export interface BotDeps {
  answerer: Answerer;
  meetings: readonly Meeting[];
  logger: Logger;
  now: () => Date;
  options: BotOptions;
  feedback: FeedbackStore;
  /** Theme trends and comparisons: turns on /trend, /compare and trend questions in words. */
  trend?: TrendService;
  /** Features mounted after the built-ins and before the unknown-command fallback. */
  extraFeatures?: BotFeature[];
  /** Where follow-up memory and rate limits live (default: this process; Redis for replicas). */
  chatState?: ChatStateAdapter;
  /** A core that switches to new index builds; without it `answerer`, `meetings` and `trend` serve every update. */
  core?: CoreSource;
}

/** An in-memory {@link FeedbackStore}, for tests and the local terminal mode. */
export function createMemoryFeedbackStore(): FeedbackStore & { readonly votes: FeedbackVote[] } {
  const votes: FeedbackVote[] = [];
  return {
    votes,
    record(vote) {
      votes.push(vote);
    },
  };
}
