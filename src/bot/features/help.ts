/** /start and /help: what the bot does and how to ask, in the user's language. */
import { Composer } from "grammy";

import type { BotContext } from "../context.js";
import { escapeHtml } from "../format.js";
import { texts } from "../i18n.js";
import type { BotServices } from "../services.js";

/** The help text for this bot, as HTML, with the commands that extra features (digests) add. */
export function helpHtml(ctx: BotContext, services: BotServices): string {
  const extra = (services.deps.extraFeatures ?? []).flatMap((f) => f.commands ?? []);
  const lines = extra.map((c) => `/${c.command} — ${ctx.lang === "en" ? c.en : c.zh}`);
  return escapeHtml([texts(ctx.lang).help(ctx.me.username), ...(lines.length ? ["", ...lines] : [])].join("\n"));
}

/** /start greets and explains; /help explains. */
export function helpFeature(services: BotServices): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  composer.command("start", async (ctx) => {
    // A fresh start also starts a fresh conversation.
    if (ctx.chat !== undefined) services.memory.forget(ctx.chat.id);
    await ctx.reply(`${escapeHtml(texts(ctx.lang).welcome)}\n\n${helpHtml(ctx, services)}`, { parse_mode: "HTML" });
  });
  composer.command("help", (ctx) => ctx.reply(helpHtml(ctx, services), { parse_mode: "HTML" }));
  return composer;
}
