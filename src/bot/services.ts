/** The per-bot state shared by features: injected deps plus the bot's own memory and limiter (never module-level). */
import type { BotDeps } from "./deps.js";
import type { ChatMemory } from "./memory.js";
import type { UserRateLimiter } from "./rate-limit.js";

/** What every feature factory receives. */
export interface BotServices {
  deps: BotDeps;
  memory: ChatMemory;
  limiter: UserRateLimiter;
  /**
   * Inline queries arrive as the user types, several per question: they get their
   * own, looser quota so typing does not use up the user's questions.
   */
  inlineLimiter: UserRateLimiter;
  /** Only for redacting logs. */
  token: string;
}
