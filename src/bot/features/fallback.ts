/** Unknown commands get the help text; mounted last so every feature sees commands first. */
import { Composer } from "grammy";

import type { BotContext } from "../context.js";
import { escapeHtml } from "../format.js";
import { texts } from "../i18n.js";
import { startsWithCommand } from "./ask.js";
import type { BotServices } from "../services.js";
import { helpHtml } from "./help.js";

/** Replies with help to a command nobody handled (in groups only if addressed to this bot by name), and answers unknown buttons. */
export function fallbackFeature(services: BotServices): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  composer
    .on("message:text")
    .filter((ctx) => startsWithCommand(ctx.msg) && addressedToMe(ctx))
    .use((ctx) =>
      ctx.reply(`${escapeHtml(texts(ctx.lang).unknownCommand)}\n\n${helpHtml(ctx, services)}`, { parse_mode: "HTML" }),
    );
  // A button nobody handles (an old keyboard, forged data) is still answered, or the client's spinner keeps turning.
  composer.on("callback_query", (ctx) => ctx.answerCallbackQuery({ text: texts(ctx.lang).unknownButton }));
  return composer;
}

function addressedToMe(ctx: BotContext & { msg: { text: string } }): boolean {
  if (ctx.chat?.type === "private") return true;
  const command = ctx.msg.text.split(/\s/u, 1)[0] ?? "";
  // In a group, a bare /foo may be meant for another bot; only /foo@us is ours for sure.
  return command.toLowerCase().endsWith(`@${ctx.me.username.toLowerCase()}`);
}
