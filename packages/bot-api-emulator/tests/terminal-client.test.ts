/**
 * The terminal client: pure formatting helpers, and a scripted session with a
 * small grammY bot (reply with keyboard, typing, button press, callback
 * notice, streamed edits, inline queries).
 */

import { PassThrough } from "node:stream";

import { Bot, InlineKeyboard } from "grammy";
import { describe, expect, it } from "vitest";

import { formatKeyboard, htmlToTerminalText, runTerminalClient } from "../src/terminal-client.js";
import { TOKEN, useServers } from "./helpers.js";

const startServer = useServers();

/** Collects a stream's text and waits for substrings to appear. */
function capture(stream: PassThrough) {
  let text = "";
  stream.on("data", (chunk: Buffer) => {
    text += chunk.toString("utf8");
  });
  return {
    get text() {
      return text;
    },
    async waitFor(needle: string, timeoutMs = 3000): Promise<void> {
      const deadline = Date.now() + timeoutMs;
      while (!text.includes(needle)) {
        if (Date.now() > deadline) throw new Error(`output never contained ${JSON.stringify(needle)}:\n${text}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
  };
}

describe("terminal formatting helpers", () => {
  it("converts Telegram HTML to plain text", () => {
    expect(htmlToTerminalText("<b>长三角</b> &lt;会议&gt; &amp; <i>纪要</i>")).toBe("长三角 <会议> & 纪要");
    expect(htmlToTerminalText('见 <a href="https://example.com/m/1">来源</a>')).toBe(
      "见 来源 (https://example.com/m/1)",
    );
    expect(htmlToTerminalText("<b>unclosed")).toBe("unclosed");
  });

  it("numbers keyboard buttons and shows url targets", () => {
    expect(
      formatKeyboard({
        inline_keyboard: [
          [
            { text: "📄 来源 1", callback_data: "src:1" },
            { text: "👍", callback_data: "up" },
            { text: "👎", callback_data: "down" },
          ],
          [{ text: "原文", url: "https://example.com/" }],
        ],
      }),
    ).toBe("  [1] 📄 来源 1   [2] 👍   [3] 👎\n  [4] 原文 (https://example.com/)");
  });
});

describe("terminal client session", () => {
  it("shows replies with numbered buttons and presses them by number", async () => {
    const { server, url } = await startServer();
    const bot = new Bot(TOKEN, { client: { apiRoot: url } });
    bot.on("message:text", async (ctx) => {
      await ctx.replyWithChatAction("typing");
      await ctx.replyWithChatAction("typing");
      const draft = await ctx.reply("…");
      await ctx.api.editMessageText(ctx.chat.id, draft.message_id, "答：<b>第一次</b>", { parse_mode: "HTML" });
      await ctx.api.editMessageText(ctx.chat.id, draft.message_id, `答：<b>第一次</b>会议讨论了 ${ctx.message.text}`, {
        parse_mode: "HTML",
        reply_markup: new InlineKeyboard().text("📄 来源 1", "src:1").text("👍", "up").text("👎", "down"),
      });
    });
    bot.on("callback_query:data", (ctx) => ctx.answerCallbackQuery({ text: `已收到 ${ctx.callbackQuery.data}` }));
    bot.on("inline_query", (ctx) =>
      ctx.answerInlineQuery([
        {
          type: "article",
          id: "m1",
          title: "第一次会议",
          description: "2019 上海",
          input_message_content: { message_text: "<b>第一次会议</b> 纪要", parse_mode: "HTML" },
        },
      ]),
    );
    await bot.init();
    const polling = bot.start({ timeout: 2 });

    const input = new PassThrough();
    const output = new PassThrough();
    const out = capture(output);
    const session = runTerminalClient({
      server,
      input,
      output,
      user: { first_name: "Dev" },
      language: "zh",
      editSettleMs: 100,
    });

    await out.waitFor("Type /quit to leave.");
    input.write("长三角合作\n");
    await out.waitFor("[3] 👎");
    expect(out.text).toContain("… typing");
    expect(out.text.match(/… typing/g)).toHaveLength(1);
    expect(out.text).toContain("bot> …");
    expect(out.text).toContain("bot (edited)> 答：第一次会议讨论了 长三角合作");
    expect(out.text).toContain("  [1] 📄 来源 1   [2] 👍   [3] 👎");
    // The intermediate streaming state collapsed into the settled edit.
    expect(out.text).not.toContain("bot (edited)> 答：第一次\n");

    input.write("2\n");
    await out.waitFor("(notice) 已收到 up");

    input.write("@bot 会议\n");
    await out.waitFor("[1] 第一次会议 — 2019 上海");
    input.write("1\n");
    await out.waitFor("(sent via @local_meetings_bot) 第一次会议 纪要");

    input.write("/quit\n");
    await session;
    const chat = server.chatHistory(server.calls.find((c) => c.method === "sendMessage")!.params["chat_id"] as number);
    expect(chat[0]).toMatchObject({ text: "长三角合作", from: { first_name: "Dev", language_code: "zh" } });
    await bot.stop();
    await polling;
  });

  it("sends commands with bot_command entities and ends at EOF", async () => {
    const { server } = await startServer();
    const user = server.createUser({ first_name: "Cli" });
    const input = new PassThrough();
    const output = new PassThrough();
    const out = capture(output);
    const session = runTerminalClient({ server, input, output, user, drainMs: 50 });
    input.end("/ask@local_meetings_bot 长三角\n");
    await session;
    expect(out.text).toContain("as Cli");
    expect(server.chatHistory(user.id)[0]).toMatchObject({
      text: "/ask@local_meetings_bot 长三角",
      entities: [{ type: "bot_command", offset: 0, length: 23 }],
    });
  });
});
