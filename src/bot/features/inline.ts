/**
 * Inline mode: `@bot question` in any chat offers the answer as one article
 * to send. Results are not personal (no history) and cached briefly.
 */
import { Composer } from "grammy";
import type { InlineQueryResultArticle } from "grammy/types";

import { checkQuestion } from "../ask-flow.js";
import type { BotContext } from "../context.js";
import { citationLabel, formatAnswerHtml } from "../format.js";
import { langOfText, texts } from "../i18n.js";
import type { BotServices } from "../services.js";
import { splitHtmlMessage } from "../split-html.js";

/** Seconds Telegram may cache an inline answer; short, since answers can improve with the corpus. */
const CACHE_SECONDS = 10;

/** Answers inline queries. */
export function inlineFeature(services: BotServices): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  composer.on("inline_query", async (ctx) => {
    const question = ctx.inlineQuery.query.trim();
    if (question === "") {
      await ctx.answerInlineQuery([], {
        cache_time: CACHE_SECONDS,
        button: { text: texts(ctx.lang).inlineHint, start_parameter: "help" },
      });
      return;
    }
    const lang = langOfText(question);
    const check = await checkQuestion(services, ctx.from.id, question, lang, services.inlineLimiter);
    if (!check.ok) {
      // Unlike chat replies, an inline notice never clutters a chat, so it is shown every time.
      await ctx.answerInlineQuery([noticeResult(check.notice)], { cache_time: 0, is_personal: true });
      return;
    }
    const answer = await ctx.core.answerer.ask(question);
    const t = texts(answer.language);
    const first = answer.citations[0];
    const result: InlineQueryResultArticle = {
      type: "article",
      id: "answer",
      title: answer.answered ? truncate(answer.answer, 64) : t.inlineNoAnswer,
      description: first === undefined ? truncate(question, 64) : citationLabel(first, answer.language),
      input_message_content: {
        // An inline message has no room for a second part; the first keeps the start of the answer.
        message_text: splitHtmlMessage(formatAnswerHtml(answer))[0]!,
        parse_mode: "HTML",
        link_preview_options: { is_disabled: true },
      },
    };
    await ctx.answerInlineQuery([result], { cache_time: CACHE_SECONDS });
  });
  return composer;
}

function noticeResult(notice: string): InlineQueryResultArticle {
  return { type: "article", id: "notice", title: notice, input_message_content: { message_text: notice } };
}

function truncate(text: string, max: number): string {
  const chars = [...text.replace(/\s+/gu, " ").trim()];
  return chars.length <= max ? chars.join("") : `${chars.slice(0, max - 1).join("")}…`;
}
