/**
 * A real grammY bot against the emulator: init via getMe, long polling,
 * formatted replies, GrammyError fields on injected 429s, and the
 * auto-retry plugin honouring retry_after.
 */

import { autoRetry } from "@grammyjs/auto-retry";
import { Bot, GrammyError, HttpError, InlineKeyboard } from "grammy";
import { describe, expect, it } from "vitest";

import { TOKEN, useServers } from "./helpers.js";

const startServer = useServers();

describe("grammY against the emulator", () => {
  it("initialises, polls and echoes with formatting, typing and a keyboard", async () => {
    const { server, url } = await startServer();
    const bot = new Bot(TOKEN, { client: { apiRoot: url } });
    bot.command("start", (ctx) => ctx.reply("欢迎"));
    bot.on("message:text", async (ctx) => {
      await ctx.replyWithChatAction("typing");
      await ctx.reply(`<b>回声</b>: ${ctx.message.text}`, {
        parse_mode: "HTML",
        reply_parameters: { message_id: ctx.message.message_id },
        reply_markup: new InlineKeyboard().text("👍", "up"),
      });
    });
    bot.on("callback_query:data", (ctx) => ctx.answerCallbackQuery({ text: `got ${ctx.callbackQuery.data}` }));
    await bot.init();
    expect(bot.botInfo).toMatchObject({ id: 1000001, username: "local_meetings_bot" });

    const polling = bot.start({ timeout: 2 });
    const user = server.createUser({ first_name: "Lin" });
    server.sendMessage(user, user, "/start");
    server.sendMessage(user, user, "长三角 😀");
    const echo = await server.waitForMessage(user.id, (m) => m.text?.startsWith("回声") ?? false);
    expect(echo).toMatchObject({
      text: "回声: 长三角 😀",
      entities: [{ type: "bold", offset: 0, length: 2 }],
      reply_to_message: { text: "长三角 😀", from: { id: user.id } },
      reply_markup: { inline_keyboard: [[{ text: "👍", callback_data: "up" }]] },
    });
    expect(server.messagesIn(user.id).map((m) => m.text)).toEqual(["欢迎", "回声: 长三角 😀"]);
    expect(server.callsTo("sendChatAction")[0]?.params).toMatchObject({ chat_id: user.id, action: "typing" });

    const { callbackQuery } = server.pressButton(user, echo, "up");
    expect(await server.waitForCallbackAnswer(callbackQuery.id)).toMatchObject({ text: "got up" });

    await bot.stop();
    await polling;
    // bot.stop() confirms the processed updates.
    expect(server.pendingUpdates()).toEqual([]);
  });

  it("records the long poll that bot.stop() aborts", async () => {
    const { server, url } = await startServer();
    const bot = new Bot(TOKEN, { client: { apiRoot: url } });
    bot.on("message", () => undefined);
    const polling = bot.start({ timeout: 5 });
    await server.waitForCall("deleteWebhook");
    await new Promise((resolve) => setTimeout(resolve, 50));
    await bot.stop();
    await polling;
    const aborted = await server.waitForCall("getUpdates", (call) => call.aborted === true);
    expect(aborted).toMatchObject({ status: 0, response: undefined, params: { timeout: 5 } });
    // The confirming call grammY makes after aborting (its record may precede the aborted one).
    expect(server.callsTo("getUpdates").find((call) => call.params["limit"] === 1)).toMatchObject({ status: 200 });
  });

  it("surfaces an injected 429 as GrammyError with retry_after", async () => {
    const { server, url } = await startServer();
    const bot = new Bot(TOKEN, { client: { apiRoot: url } });
    await bot.init();
    const user = server.createUser();
    server.injectFault({ method: "sendMessage", kind: { type: "429", retryAfter: 3 } });
    const error = await bot.api.sendMessage(user.id, "hi").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GrammyError);
    expect((error as GrammyError).error_code).toBe(429);
    expect((error as GrammyError).description).toBe("Too Many Requests: retry after 3");
    expect((error as GrammyError).parameters.retry_after).toBe(3);

    server.injectFault({ method: "sendMessage", kind: { type: "403" } });
    const blocked = await bot.api.sendMessage(user.id, "hi").catch((e: unknown) => e);
    expect((blocked as GrammyError).error_code).toBe(403);

    server.injectFault({ method: "sendMessage", kind: { type: "drop" } });
    expect(await bot.api.sendMessage(user.id, "hi").catch((e: unknown) => e)).toBeInstanceOf(HttpError);
    server.injectFault({ method: "sendMessage", kind: { type: "5xx", status: 502 } });
    expect(await bot.api.sendMessage(user.id, "hi").catch((e: unknown) => e)).toBeInstanceOf(HttpError);
  });

  it("lets the auto-retry plugin wait out retry_after", async () => {
    const { server, url } = await startServer();
    const bot = new Bot(TOKEN, { client: { apiRoot: url } });
    bot.api.config.use(autoRetry({ maxRetryAttempts: 2, maxDelaySeconds: 5 }));
    await bot.init();
    const user = server.createUser();
    server.injectFault({ method: "sendMessage", kind: { type: "429", retryAfter: 1 } });
    const started = Date.now();
    const message = await bot.api.sendMessage(user.id, "eventually");
    expect(message.text).toBe("eventually");
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(server.callsTo("sendMessage").map((call) => call.status)).toEqual([429, 200]);
  });
});
