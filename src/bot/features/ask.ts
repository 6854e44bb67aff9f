/**
 * Where the bot answers: any text in a private chat; in groups only when
 * mentioned, when a message replies to the bot, or on /ask.
 */
import { Composer } from "grammy";
import type { Message } from "grammy/types";

import { trendIntent } from "../../trend/index.js";
import { answerInChat as answerQuestion } from "../ask-flow.js";
import type { BotContext } from "../context.js";
import { langOfText } from "../i18n.js";
import type { BotServices } from "../services.js";
import { answerTrendInChat } from "./trend.js";

/** A question about a theme's weight over the meetings gets the trend chart; any other the cited answer. */
function answerInChat(ctx: BotContext, services: BotServices, question: string): Promise<void> {
  const intent = ctx.core.trend === undefined ? undefined : trendIntent(question);
  if (intent === undefined) return answerQuestion(ctx, services, question);
  return answerTrendInChat(ctx, services, intent.theme, langOfText(question), question.trim());
}

/** Questions in chats. */
export function askFeature(services: BotServices): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  composer.command("ask", (ctx) => answerInChat(ctx, services, ctx.match));

  // Commands belong to other features; messages we sent "via" inline mode are our own answers.
  const text = composer
    .on("message:text")
    .filter((ctx) => !startsWithCommand(ctx.msg) && ctx.msg.via_bot?.id !== ctx.me.id);
  text.chatType("private").use((ctx) => answerInChat(ctx, services, ctx.msg.text));
  text
    .chatType(["group", "supergroup"])
    .filter((ctx) => mentionsMe(ctx.msg, ctx.me.username, ctx.me.id) || repliesToMe(ctx.msg, ctx.me.id))
    .use((ctx) => answerInChat(ctx, services, withoutMentions(ctx.msg, ctx.me.username)));
  return composer;
}

/** A message that starts with a /command. */
export function startsWithCommand(message: Pick<Message, "entities">): boolean {
  return message.entities?.some((e) => e.type === "bot_command" && e.offset === 0) ?? false;
}

/** The message mentions the bot by @username or by a text mention. */
export function mentionsMe(message: Pick<Message, "text" | "entities">, username: string, botId: number): boolean {
  const text = message.text ?? "";
  return (message.entities ?? []).some(
    (e) =>
      (e.type === "mention" &&
        text.slice(e.offset, e.offset + e.length).toLowerCase() === `@${username.toLowerCase()}`) ||
      (e.type === "text_mention" && e.user.id === botId),
  );
}

/** The message replies to one of the bot's messages. */
export function repliesToMe(message: Pick<Message, "reply_to_message">, botId: number): boolean {
  return message.reply_to_message?.from?.id === botId;
}

/** The text with the bot's @username mentions removed, so the answerer sees only the question. */
export function withoutMentions(message: Pick<Message, "text" | "entities">, username: string): string {
  const text = message.text ?? "";
  const mine = (message.entities ?? [])
    .filter(
      (e) =>
        e.type === "mention" &&
        text.slice(e.offset, e.offset + e.length).toLowerCase() === `@${username.toLowerCase()}`,
    )
    .sort((a, b) => b.offset - a.offset);
  let result = text;
  for (const e of mine) result = result.slice(0, e.offset) + " " + result.slice(e.offset + e.length);
  return result.replace(/\s+/gu, " ").trim();
}
