/** 👍/👎 under an answer: recorded in the feedback store with the question it rated. */
import { Composer } from "grammy";

import type { BotContext } from "../context.js";
import { texts } from "../i18n.js";
import type { BotServices } from "../services.js";

/** Vote buttons. */
export function feedbackFeature(services: BotServices): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  composer.callbackQuery(/^fb:(up|down)$/, async (ctx) => {
    const message = ctx.callbackQuery.message;
    const chatId = ctx.chat?.id;
    if (message !== undefined && chatId !== undefined) {
      const turn = services.memory.byMessage(chatId, message.message_id);
      await services.deps.feedback.record({
        chatId,
        userId: ctx.from.id,
        messageId: message.message_id,
        vote: ctx.match[1] === "up" ? "up" : "down",
        question: turn?.question,
        answered: turn?.answered,
        at: services.deps.now(),
      });
    }
    await ctx.answerCallbackQuery({ text: texts(ctx.lang).thanks });
  });
  return composer;
}
