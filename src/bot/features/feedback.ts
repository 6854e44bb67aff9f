/**
 * 👍/👎 under an answer, recorded in the feedback store with the question it rated (the
 * resolved one for a follow-up). The buttons show the vote: the chosen one is marked, a
 * second tap on the other changes it, and after 👎 optional reasons are offered.
 */
import { Composer } from "grammy";

import type { BotContext } from "../context.js";
import type { FeedbackReason } from "../deps.js";
import { isNotModified } from "../errors.js";
import { texts } from "../i18n.js";
import { shownVote, votedKeyboard, type VoteState } from "../keyboards.js";
import type { BotServices } from "../services.js";

/** Vote and reason buttons. */
export function feedbackFeature(services: BotServices): Composer<BotContext> {
  const composer = new Composer<BotContext>();

  const record = async (ctx: BotContext, state: VoteState): Promise<"recorded" | "changed" | "gone"> => {
    const message = ctx.callbackQuery?.message;
    const chatId = ctx.chat?.id;
    if (message === undefined || chatId === undefined || ctx.from === undefined) return "gone";
    const rows = message.reply_markup?.inline_keyboard ?? [];
    const before = shownVote(rows);
    const turn = await services.memory.byMessage(chatId, message.message_id);
    await services.deps.feedback.record({
      chatId,
      userId: ctx.from.id,
      messageId: message.message_id,
      vote: state.vote,
      reason: state.reason,
      question: turn?.resolved ?? turn?.question,
      answered: turn?.answered,
      at: services.deps.now(),
    });
    try {
      await ctx.editMessageReplyMarkup({ reply_markup: votedKeyboard(rows, state, ctx.lang) });
    } catch (error) {
      if (!isNotModified(error)) throw error;
    }
    return before !== undefined && before !== state.vote ? "changed" : "recorded";
  };

  composer.callbackQuery(/^fb:(up|down)$/u, async (ctx) => {
    const vote = ctx.match[1] === "up" ? "up" : "down";
    const outcome = await record(ctx, { vote });
    const t = texts(ctx.lang);
    await ctx.answerCallbackQuery({
      text: outcome === "changed" ? t.voteChanged : vote === "down" ? t.reasonPrompt : t.thanks,
    });
  });

  composer.callbackQuery(/^fb:why:(wrong|incomplete|source|unanswered)$/u, async (ctx) => {
    await record(ctx, { vote: "down", reason: ctx.match[1] as FeedbackReason });
    await ctx.answerCallbackQuery({ text: texts(ctx.lang).thanks });
  });
  return composer;
}
