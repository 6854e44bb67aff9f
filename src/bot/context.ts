/** The context type every feature sees: grammY's Context plus a per-update logger and the interface language. */
import type { Context } from "grammy";

import type { Logger } from "../logger.js";
import type { CoreView } from "./deps.js";
import type { Lang } from "./i18n.js";

/** Fields added by the setup middleware in `bot.ts`. */
export interface BotContextFlavor {
  /** A child logger carrying the update id (and chat id when there is one). */
  log: Logger;
  /** Interface language from the sender's Telegram language_code. */
  lang: Lang;
  /** The answerer, meetings and trends this update is served from, held until it is handled. */
  core: CoreView;
}

/** The context of this bot. */
export type BotContext = Context & BotContextFlavor;
