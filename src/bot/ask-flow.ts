/**
 * From a question to a reply in a chat: checks (length, rate), typing,
 * streaming in private chats, the final formatted answer with its buttons
 * split over several messages if needed, and the turn remembered for
 * follow-ups. Shared by private messages, group mentions and /ask.
 */
import type { InlineKeyboard } from "grammy";
import type { ReplyParameters } from "grammy/types";

import { normaliseQuestion } from "../answer/question.js";
import type { Answer } from "../answer/types.js";
import type { BotContext } from "./context.js";
import { describeError, isNotModified } from "./errors.js";
import { formatAnswerHtml, formatPartialHtml } from "./format.js";
import { langOfText, texts, type Lang } from "./i18n.js";
import { answerKeyboard } from "./keyboards.js";
import type { BotServices } from "./services.js";
import { splitHtmlMessage } from "./split-html.js";
import { StreamingReply } from "./stream.js";

/**
 * Why a question is not answered. `quiet` is set when the user was already
 * told about the rate limit in this window, so a chat reply would only nag.
 */
export type QuestionCheck = { ok: true } | { ok: false; notice: string; quiet: boolean };

/**
 * Length and rate checks, in that order (an overlong question does not use up
 * the user's quota). Notices are in the question's language.
 */
export async function checkQuestion(
  services: BotServices,
  userId: number,
  question: string,
  lang: Lang,
  limiter: BotServices["limiter"] = services.limiter,
): Promise<QuestionCheck> {
  const t = texts(lang);
  const { maxQuestionChars } = services.deps.options;
  const length = [...question].length;
  if (length > maxQuestionChars) return { ok: false, notice: t.tooLong(maxQuestionChars, length), quiet: false };
  const verdict = await limiter.take(userId);
  if (!verdict.allowed) return { ok: false, notice: t.rateLimited(verdict.retryAfterSeconds), quiet: !verdict.notify };
  return { ok: true };
}

const HTML = { parse_mode: "HTML", link_preview_options: { is_disabled: true } } as const;

/**
 * Answers `question` in the current chat. In groups the reply quotes the
 * question; in private chats a streaming answerer's text appears as it grows.
 */
export async function answerInChat(ctx: BotContext, services: BotServices, rawQuestion: string): Promise<void> {
  const { deps, memory } = services;
  const chat = ctx.chat;
  const from = ctx.from;
  if (chat === undefined || from === undefined) return;
  const question = normaliseQuestion(rawQuestion);
  if (question === "") {
    await ctx.reply(texts(ctx.lang).askUsage);
    return;
  }
  const lang = langOfText(question);
  const replyParameters: ReplyParameters | undefined =
    chat.type === "private" || ctx.msg === undefined
      ? undefined
      : { message_id: ctx.msg.message_id, allow_sending_without_reply: true };
  const check = await checkQuestion(services, from.id, question, lang);
  if (!check.ok) {
    if (!check.quiet) await ctx.reply(check.notice, replyParameters && { reply_parameters: replyParameters });
    ctx.log.info("question refused", { notice: check.notice, quiet: check.quiet });
    return;
  }

  const stopTyping = startTyping(ctx, deps.options.typingIntervalMs ?? 4500);
  const stream =
    chat.type === "private"
      ? new StreamingReply(
          {
            send: async (html) => (await ctx.reply(html, { ...HTML })).message_id,
            edit: (id, html) => editHtml(ctx, chat.id, id, html),
          },
          { intervalMs: deps.options.streamEditIntervalMs ?? 1000, now: deps.now, render: formatPartialHtml },
        )
      : undefined;
  const started = deps.now().getTime();
  let answer: Answer;
  let streamedId: number | undefined;
  try {
    answer = await ctx.core.answerer.ask(question, {
      history: await memory.history(chat.id),
      onPartial:
        stream === undefined
          ? undefined
          : (text) => {
              stopTyping();
              stream.update(text);
            },
    });
  } finally {
    stopTyping();
    // A failed draft edit must not cost the finished answer: it is then sent as a new message.
    streamedId = await stream?.finish().catch((error: unknown) => {
      ctx.log.warn("streamed draft failed", { error: describeError(error, services.token) });
      return undefined;
    });
  }

  const parts = splitHtmlMessage(formatAnswerHtml(answer));
  const keyboard = answerKeyboard(answer.citations, answer.language);
  const lastId = await deliver(ctx, chat.id, parts, keyboard, streamedId, replyParameters);
  await memory.remember(chat.id, {
    question,
    resolved: answer.question,
    answer: answer.answer,
    answered: answer.answered,
    citations: answer.citations,
    messageId: lastId,
  });
  ctx.log.info("answered", {
    path: answer.path,
    answered: answer.answered,
    citations: answer.citations.length,
    parts: parts.length,
    ms: deps.now().getTime() - started,
  });
}

/** Sends the parts (editing the streamed message into the first one); the keyboard goes on the last. Returns its id. */
async function deliver(
  ctx: BotContext,
  chatId: number,
  parts: string[],
  keyboard: InlineKeyboard,
  streamedId: number | undefined,
  replyParameters: ReplyParameters | undefined,
): Promise<number> {
  let lastId = 0;
  for (const [i, part] of parts.entries()) {
    const markup = i === parts.length - 1 ? { reply_markup: keyboard } : {};
    if (i === 0 && streamedId !== undefined) {
      await editHtml(ctx, chatId, streamedId, part, markup);
      lastId = streamedId;
    } else {
      const reply = i === 0 && replyParameters !== undefined ? { reply_parameters: replyParameters } : {};
      lastId = (await ctx.reply(part, { ...HTML, ...markup, ...reply })).message_id;
    }
  }
  return lastId;
}

async function editHtml(
  ctx: BotContext,
  chatId: number,
  messageId: number,
  html: string,
  markup: { reply_markup?: InlineKeyboard } = {},
): Promise<void> {
  try {
    await ctx.api.editMessageText(chatId, messageId, html, { ...HTML, ...markup });
  } catch (error) {
    // Editing to the same content is a no-op for the user; anything else is a real failure.
    if (!isNotModified(error)) throw error;
  }
}

/** Shows "typing…" now and renews it until the returned function is called. Failures only get logged. */
function startTyping(ctx: BotContext, intervalMs: number): () => void {
  const send = () => {
    ctx
      .replyWithChatAction("typing")
      .catch((error: unknown) => ctx.log.debug("typing failed", { error: String(error) }));
  };
  send();
  const timer = setInterval(send, intervalMs);
  return () => clearInterval(timer);
}
