/**
 * Where a chat's state lives: the follow-up memory (recent turns per chat) and
 * the per-user question limits. One async port, two adapters: in this process
 * (memory.ts, rate-limit.ts; the default) or in Redis (redis-chat-state.ts), so
 * webhook replicas behind a load balancer share one conversation per chat and
 * one quota per user.
 */
import type { Turn } from "../answer/types.js";
import type { ChatTurn, ChatMemoryOptions } from "./memory.js";
import { ChatMemory } from "./memory.js";
import type { RateVerdict, UserRateLimiterOptions } from "./rate-limit.js";
import { UserRateLimiter } from "./rate-limit.js";

/** Recent turns per chat, expiring after a silence (see {@link ChatMemory} for the rules both adapters keep). */
export interface ChatMemoryStore {
  /** Earlier answered turns of the chat, oldest first, as the answerer expects them. */
  history(chatId: number): Promise<Turn[]>;
  /** The most recent turn, for /source N. */
  last(chatId: number): Promise<ChatTurn | undefined>;
  /** The turn whose reply is this message, for votes. */
  byMessage(chatId: number, messageId: number): Promise<ChatTurn | undefined>;
  /** Records a turn; the oldest beyond the turn limit is dropped. */
  remember(chatId: number, turn: ChatTurn): Promise<void>;
  /** Forgets a chat (e.g. after /start). */
  forget(chatId: number): Promise<void>;
}

/** A per-user limit over a sliding minute. */
export interface RateLimiter {
  /** Counts a question from `userId` if the limit allows it. */
  take(userId: number): Promise<RateVerdict>;
}

/** Makes the bot's memory and limiters; `scope` keeps separate quotas apart (questions, inline queries). */
export interface ChatStateAdapter {
  memory(options: ChatMemoryOptions): ChatMemoryStore;
  rateLimiter(scope: string, options: UserRateLimiterOptions): RateLimiter;
}

/** State in this process: right for one process, lost on restart. */
export const inProcessChatState: ChatStateAdapter = {
  memory: (options) => new ChatMemory(options),
  rateLimiter: (_scope, options) => new UserRateLimiter(options),
};
