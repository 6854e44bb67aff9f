/**
 * Opening a cited paragraph: the 📄 buttons under an answer, and /source N
 * for citation N of the chat's last answer. Both show the same message.
 */
import { Composer } from "grammy";

import type { Meeting } from "../../corpus/types.js";
import type { BotContext } from "../context.js";
import { formatSourceHtml, sourceViewOf, sourceViewOfCitation, type SourceView } from "../format.js";
import { texts } from "../i18n.js";
import { findMeeting, parseSourceCallbackData, type SourceRef } from "../keyboards.js";
import type { BotServices } from "../services.js";
import { splitHtmlMessage } from "../split-html.js";

/** Finds the paragraph a source reference points at in the loaded meetings. */
export function resolveSource(meetings: readonly Meeting[], ref: SourceRef): SourceView | undefined {
  const meeting = findMeeting(meetings, ref.meetingRef);
  const article = meeting?.articles.find((a) => a.index === ref.articleIndex);
  const paragraph = article?.paragraphs.find((p) => p.n === ref.paragraph);
  if (meeting === undefined || article === undefined || paragraph === undefined) return undefined;
  return sourceViewOf(meeting, article, paragraph);
}

/** Source buttons and /source N. */
export function sourcesFeature(services: BotServices): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  composer.callbackQuery(/^src:/, async (ctx) => {
    const ref = parseSourceCallbackData(ctx.callbackQuery.data);
    const view = ref === undefined ? undefined : resolveSource(ctx.core.meetings, ref);
    if (view === undefined || ctx.chat === undefined) {
      await ctx.answerCallbackQuery({ text: texts(ctx.lang).sourceNotFound, show_alert: true });
      return;
    }
    await ctx.answerCallbackQuery();
    const message = ctx.callbackQuery.message;
    await sendSource(ctx, view, message === undefined ? undefined : message.message_id);
  });

  composer.command("source", async (ctx) => {
    const t = texts(ctx.lang);
    const last = await services.memory.last(ctx.chat.id);
    if (last === undefined || last.citations.length === 0) {
      await ctx.reply(t.noLastAnswer);
      return;
    }
    const n = Number.parseInt(ctx.match.trim(), 10);
    const citation = last.citations.find((c) => c.n === n);
    if (citation === undefined) {
      await ctx.reply(t.sourceUsage(last.citations.length));
      return;
    }
    const view =
      resolveSource(ctx.core.meetings, {
        meetingRef: citation.meetingId,
        articleIndex: citation.articleIndex,
        paragraph: citation.paragraph,
      }) ?? sourceViewOfCitation(citation);
    await sendSource(ctx, view, last.messageId);
  });
  return composer;
}

async function sendSource(ctx: BotContext, view: SourceView, replyTo: number | undefined): Promise<void> {
  const parts = splitHtmlMessage(formatSourceHtml(view, ctx.lang));
  for (const [i, part] of parts.entries()) {
    await ctx.reply(part, {
      parse_mode: "HTML",
      link_preview_options: { is_disabled: true },
      ...(i === 0 && replyTo !== undefined
        ? { reply_parameters: { message_id: replyTo, allow_sending_without_reply: true } }
        : {}),
    });
  }
}
