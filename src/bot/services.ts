/** The per-bot state shared by features: injected deps plus the bot's own memory and limiter (never module-level). */
import type { ChatMemoryStore, RateLimiter } from "./chat-state.js";
import type { BotDeps } from "./deps.js";

/** What every feature factory receives. */
export interface BotServices {
  deps: BotDeps;
  memory: ChatMemoryStore;
  limiter: RateLimiter;
  /**
   * Inline queries arrive as the user types, several per question: they get their
   * own, looser quota so typing does not use up the user's questions.
   */
  inlineLimiter: RateLimiter;
  /** Only for redacting logs. */
  token: string;
}
