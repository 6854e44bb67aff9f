/** /start greets once with example questions as buttons; /help explains every command. */
import { Composer, InlineKeyboard } from "grammy";

import type { Meeting } from "../../corpus/types.js";
import { DEFAULT_THEMES } from "../../digest/themes.js";
import { answerInChat } from "../ask-flow.js";
import type { BotContext } from "../context.js";
import { escapeHtml } from "../format.js";
import { texts, type Lang } from "../i18n.js";
import type { BotServices } from "../services.js";

/** The help text for this bot, as HTML, with the commands that extra features (digests) add. */
export function helpHtml(ctx: BotContext, services: BotServices): string {
  const extra = (services.deps.extraFeatures ?? []).flatMap((f) => f.commands ?? []);
  const lines = extra.map((c) => `/${c.command} — ${ctx.lang === "en" ? c.en : c.zh}`);
  return escapeHtml([texts(ctx.lang).help(ctx.me.username), ...(lines.length ? ["", ...lines] : [])].join("\n"));
}

/**
 * Example questions built from the loaded meetings (never a fixed list, so a new corpus
 * gets its own): where the latest annual meeting was held, the theme of the first one,
 * and which meetings mention the first digest theme.
 */
export function exampleQuestions(meetings: readonly Meeting[], lang: Lang): string[] {
  const byYear = [...meetings].sort((a, b) => a.startDate.localeCompare(b.startDate));
  const latest = [...byYear].reverse().find((m) => m.kind === "annual") ?? byYear.at(-1);
  const themed = byYear.find((m) => m.theme !== undefined) ?? byYear[0];
  const theme = DEFAULT_THEMES[0];
  const questions: string[] = [];
  if (latest !== undefined)
    questions.push(
      lang === "zh" ? `${latest.year}年的座谈会在哪里举行？` : `Where was the ${latest.year} meeting held?`,
    );
  if (themed !== undefined && themed !== latest) {
    questions.push(
      lang === "zh" ? `${themed.year}年座谈会的主题是什么？` : `What was the theme of the ${themed.year} meeting?`,
    );
  }
  if (theme !== undefined)
    questions.push(
      lang === "zh" ? `哪些会议提到了${theme.zh}？` : `Which meetings mentioned ${theme.en.toLowerCase()}?`,
    );
  return questions;
}

/** /start greets and offers examples; /help explains; an example button asks its question. */
export function helpFeature(services: BotServices): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  composer.command("start", async (ctx) => {
    // A fresh start also starts a fresh conversation.
    if (ctx.chat !== undefined) await services.memory.forget(ctx.chat.id);
    const t = texts(ctx.lang);
    const keyboard = new InlineKeyboard();
    exampleQuestions(ctx.core.meetings, ctx.lang).forEach((question, i) =>
      keyboard.text(question, `ex:${ctx.lang}:${i}`).row(),
    );
    await ctx.reply(`${escapeHtml(t.greeting)}\n\n${escapeHtml(t.examplesHint)}`, {
      parse_mode: "HTML",
      reply_markup: keyboard,
    });
  });
  composer.command("help", (ctx) => ctx.reply(helpHtml(ctx, services), { parse_mode: "HTML" }));
  composer.callbackQuery(/^ex:(zh|en):(\d)$/u, async (ctx) => {
    const question = exampleQuestions(ctx.core.meetings, ctx.match[1] as Lang)[Number(ctx.match[2])];
    if (question === undefined) {
      await ctx.answerCallbackQuery({ text: texts(ctx.lang).unknownButton });
      return;
    }
    await ctx.answerCallbackQuery();
    await answerInChat(ctx, services, question);
  });
  return composer;
}
