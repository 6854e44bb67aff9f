/**
 * What happens when a feature throws: the error is logged with the update id
 * (token redacted), the user is told "出错了，请稍后再试", and the next update
 * is served as usual. A user who blocked the bot is only logged — there is
 * nobody to tell.
 */
import type { BotError } from "grammy";

import type { BotContext } from "./context.js";
import { classifyTelegramError, describeError } from "./errors.js";
import { texts } from "./i18n.js";

/** The error handler of one feature's errorBoundary. */
export function featureErrorHandler(feature: string, token: string): (error: BotError<BotContext>) => Promise<void> {
  return async ({ error, ctx }) => {
    const fields = { feature, error: describeError(error, token) };
    const verdict = classifyTelegramError(error);
    if (verdict.kind === "blocked") {
      ctx.log.warn("chat unreachable (bot blocked or chat gone); update dropped", fields);
      return;
    }
    ctx.log.error("handler failed", fields);
    const t = texts(ctx.lang);
    try {
      if (ctx.callbackQuery !== undefined) await ctx.answerCallbackQuery({ text: t.error }).catch(() => undefined);
      if (ctx.chat !== undefined) await ctx.reply(t.error);
    } catch (notifyError) {
      ctx.log.warn("could not tell the user about the error", { feature, error: describeError(notifyError, token) });
    }
  };
}
