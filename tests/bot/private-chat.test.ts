/**
 * A user in a private chat, end to end over HTTP: questions, citations and
 * their buttons, /source, votes, follow-ups, streaming, long answers, limits
 * and odd input.
 */
import { describe, expect, it } from "vitest";

import type { Message } from "grammy/types";
import { useHarness, settle, until } from "./helpers/harness.js";

const start = useHarness();

const buttonData = (message: Message) =>
  message.reply_markup?.inline_keyboard.flat().map((b) => ("callback_data" in b ? b.callback_data : undefined)) ?? [];

describe("asking in a private chat", () => {
  it("answers with the text, numbered citations and one button per citation plus votes", async () => {
    const { server } = await start();
    const user = server.createUser({ first_name: "Lin", language_code: "zh-hans" });
    server.sendMessage(user, user, "2024年座谈会在哪里举行？");
    const reply = await server.waitForMessage(user.id);
    expect(reply.text).toBe(
      [
        "2024年度座谈会在浙江温州召开[1]，会议要求深化 <创新链> & 产业链协同[2]。",
        "",
        "出处",
        "[1] 2024年度座谈会（温州） · 会议报道 第1段",
        "[2] 2024年度座谈会（温州） · 会议报道 第2段",
      ].join("\n"),
    );
    expect(reply.entities).toEqual([{ type: "bold", offset: expect.any(Number), length: 2 }]);
    expect(reply.reply_markup?.inline_keyboard.map((row) => row.map((b) => b.text))).toEqual([
      ["📄 1", "📄 2"],
      ["👍", "👎"],
    ]);
    expect(buttonData(reply)).toEqual(["src:2024-wenzhou:1:1", "src:2024-wenzhou:1:2", "fb:up", "fb:down"]);
    expect(server.callsTo("sendChatAction")[0]?.params).toMatchObject({ chat_id: user.id, action: "typing" });
    // Exactly one reply: no stray messages.
    await settle();
    expect(server.messagesIn(user.id)).toHaveLength(1);
  });

  it("opens the cited paragraph from its button and from /source N", async () => {
    const { server } = await start();
    const user = server.createUser();
    server.sendMessage(user, user, "会议要求什么？");
    const reply = await server.waitForMessage(user.id);
    const { callbackQuery } = server.pressButton(user, reply, "src:2024-wenzhou:1:2");
    expect(await server.waitForCallbackAnswer(callbackQuery.id)).toMatchObject({ show_alert: false });
    const source = await server.waitForMessage(user.id, (m) => m.message_id !== reply.message_id);
    expect(source.text).toBe(
      [
        "2024年度长三角地区主要领导座谈会",
        "2024-06-05 · 温州",
        "会议报道：2024年度长三角地区主要领导座谈会在温州召开 · 第2段",
        "",
        "会议指出，要深化创新链产业链跨区域协同，<共建> 世界级产业集群 & 创新高地。",
        "",
        "来源：新华网",
      ].join("\n"),
    );
    expect(source.entities).toContainEqual(
      expect.objectContaining({ type: "text_link", url: "https://example.com/news/2024?a=1&b=2" }),
    );
    expect(source.reply_to_message?.message_id).toBe(reply.message_id);

    server.sendMessage(user, user, "/source 1");
    const viaCommand = await server.waitForMessage(user.id, (m) => m.text?.includes("· 第1段") ?? false);
    expect(viaCommand.text).toContain("6月5日，2024年度长三角地区主要领导座谈会在浙江温州召开。");
    server.sendMessage(user, user, "/source 9");
    expect((await server.waitForMessage(user.id, (m) => m.text?.startsWith("请写出处编号") ?? false)).text).toBe(
      "请写出处编号 1–2，例如 /source 1。",
    );
  });

  it("records 👍 with the question it rated and thanks the user", async () => {
    const { server, feedback } = await start();
    const user = server.createUser();
    server.sendMessage(user, user, "会议在哪里？");
    const reply = await server.waitForMessage(user.id);
    const { callbackQuery } = server.pressButton(user, reply, "fb:up");
    expect(await server.waitForCallbackAnswer(callbackQuery.id)).toMatchObject({ text: "谢谢反馈" });
    expect(feedback.votes).toEqual([
      expect.objectContaining({
        chatId: user.id,
        userId: user.id,
        messageId: reply.message_id,
        vote: "up",
        question: "会议在哪里？",
        answered: true,
      }),
    ]);
  });

  it("passes earlier turns as history for follow-ups, and forgets them on /start", async () => {
    const { server, answerer } = await start();
    const user = server.createUser();
    server.sendMessage(user, user, "2024年会议在哪里？");
    await server.waitForMessage(user.id);
    server.sendMessage(user, user, "主题是什么？");
    const second = await server.waitForMessage(user.id, (m) => m.text?.includes("上文") ?? false);
    expect(second.text).toContain("（上文：2024年会议在哪里？）");
    expect(answerer.calls[1]?.history).toEqual([
      { question: "2024年会议在哪里？", answer: expect.stringContaining("温州") },
    ]);
    server.sendMessage(user, user, "/start");
    await server.waitForMessage(user.id, (m) => m.text?.startsWith("你好") ?? false);
    server.sendMessage(user, user, "还有呢？");
    await until(() => answerer.calls.length === 3);
    expect(answerer.calls[2]?.history).toEqual([]);
  });

  it("refusals come without citations, keeping the vote buttons", async () => {
    const { server } = await start();
    const user = server.createUser({ language_code: "en" });
    server.sendMessage(user, user, "What's the weather like?");
    const reply = await server.waitForMessage(user.id);
    expect(reply.text).toBe("The reports don't cover that.");
    expect(buttonData(reply)).toEqual(["fb:up", "fb:down"]);
  });

  it("replies in the question's language and labels citations in English", async () => {
    const { server } = await start();
    const user = server.createUser({ language_code: "zh" });
    server.sendMessage(user, user, "Where was the 2024 meeting?");
    const reply = await server.waitForMessage(user.id);
    expect(reply.text).toContain("Sources\n[1] 2024年度座谈会 (温州) · meeting report, para. 1");
  });
});

describe("ordering", () => {
  it("answers different chats concurrently and one chat in order", async () => {
    const { server } = await start({ answerer: { delayMs: 300 } });
    const a = server.createUser();
    const b = server.createUser();
    const startedAt = Date.now();
    server.sendMessage(a, a, "第一个问题");
    server.sendMessage(a, a, "第二个问题");
    server.sendMessage(b, b, "别人的问题");
    await server.waitForMessage(b.id);
    // B did not wait behind A's two slow answers.
    expect(Date.now() - startedAt).toBeLessThan(550);
    await until(() => server.messagesIn(a.id).length === 2, 3000);
    // A's second answer saw the first as history, so they ran one after the other.
    expect(server.messagesIn(a.id)[1]?.text).toContain("（上文：第一个问题）");
  });
});

describe("streaming", () => {
  it("sends a first message, edits it in order at a bounded rate, and ends with citations and buttons", async () => {
    const { server } = await start({ answerer: { stream: { chunks: 8, delayMs: 40 } } });
    const user = server.createUser();
    server.sendMessage(user, user, "会议要求什么？");
    const final = await server.waitForMessage(user.id, (m) => m.reply_markup !== undefined);
    expect(final.text).toContain("[2] 2024年度座谈会（温州） · 会议报道 第2段");
    expect(buttonData(final)).toContain("src:2024-wenzhou:1:1");
    const sends = server.callsTo("sendMessage").filter((c) => c.status === 200);
    expect(sends).toHaveLength(1);
    const edits = server.callsTo("editMessageText").filter((c) => c.status === 200);
    // 8 partials over ~320 ms with a 100 ms gap: a few edits, not one per partial.
    expect(edits.length).toBeGreaterThanOrEqual(2);
    expect(edits.length).toBeLessThan(8);
    const texts = edits.map((c) => String(c.params["text"]));
    for (let i = 1; i < texts.length - 1; i++) expect(texts[i]!.length).toBeGreaterThanOrEqual(texts[i - 1]!.length);
    const gaps = edits.slice(1, -1).map((c, i) => c.at - edits[i]!.at);
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(90);
    expect(edits.at(-1)?.params["reply_markup"]).toBeDefined();
    expect(server.messagesIn(user.id)).toHaveLength(1);
  });

  it("sends a single message when the answerer reports its whole text at once", async () => {
    const { server } = await start({ answerer: { stream: { chunks: 1, delayMs: 0 } } });
    const user = server.createUser();
    server.sendMessage(user, user, "会议要求什么？");
    const reply = await server.waitForMessage(user.id);
    expect(reply.reply_markup).toBeDefined();
    await settle();
    expect(server.callsTo("sendMessage")).toHaveLength(1);
    expect(server.callsTo("editMessageText")).toEqual([]);
  });

  it("survives 'message is not modified' on the final edit", async () => {
    const { server, log } = await start({ answerer: { stream: { chunks: 2, delayMs: 150 } } });
    const user = server.createUser();
    server.injectFault({
      method: "editMessageText",
      times: 10,
      kind: {
        type: "400",
        description: "message is not modified: specified new message content and reply markup are exactly the same",
      },
    });
    server.sendMessage(user, user, "会议要求什么？");
    await until(() => server.callsTo("editMessageText").length >= 1);
    await settle(300);
    // No error message reached the user.
    expect(server.messagesIn(user.id).map((m) => m.text)).not.toContain("出错了，请稍后再试。");
    expect(log.entries().filter((e) => e["level"] === "error")).toEqual([]);
    expect(log.entries()).toContainEqual(expect.objectContaining({ message: "answered" }));
  });
});

describe("long answers", () => {
  it("splits into parts of at most 4096 characters with valid HTML and whole citation lines", async () => {
    const { server } = await start();
    const user = server.createUser();
    server.sendMessage(user, user, "请给我长答案");
    const last = await server.waitForMessage(user.id, (m) => m.reply_markup !== undefined);
    const messages = server.messagesIn(user.id);
    expect(messages.length).toBeGreaterThanOrEqual(2);
    expect(messages.at(-1)?.message_id).toBe(last.message_id);
    for (const call of server.callsTo("sendMessage")) {
      expect(call.status).toBe(200); // the emulator rejects malformed HTML and texts over 4096
      expect(String(call.params["text"]).length).toBeLessThanOrEqual(4096);
    }
    const all = messages.map((m) => m.text).join("\n");
    for (let n = 1; n <= 6; n++)
      expect(all).toMatch(new RegExp(`\\[${n}\\] 2024年度座谈会（温州） · 会议报道 第\\d段`));
    expect(all).toContain("第300句：会议强调 <协同> & 创新[1]。");
  });
});

describe("limits and odd input", () => {
  it("applies the per-user rate limit with one polite notice per window", async () => {
    let clock = Date.parse("2026-01-01T00:00:00Z");
    const { server, answerer } = await start({ options: { rateLimitPerMinute: 2 }, now: () => new Date(clock) });
    const user = server.createUser();
    const other = server.createUser();
    for (const q of ["问题一", "问题二", "问题三", "问题四"]) server.sendMessage(user, user, q);
    server.sendMessage(other, other, "别人的问题");
    await server.waitForMessage(user.id, (m) => m.text?.startsWith("提问有点频繁") ?? false);
    await server.waitForMessage(other.id);
    await settle();
    expect(server.messagesIn(user.id).map((m) => m.text?.slice(0, 6))).toEqual([
      "2024年度",
      "2024年度",
      "提问有点频繁",
    ]);
    expect(server.messagesIn(user.id)[2]?.text).toBe("提问有点频繁，请 60 秒后再试。");
    clock += 61_000;
    server.sendMessage(user, user, "问题五");
    await until(() => answerer.calls.length === 4);
    const asked = answerer.calls.map((c) => c.question);
    expect(asked.filter((q) => q !== "别人的问题")).toEqual(["问题一", "问题二", "问题五"]);
  });

  it("refuses overlong questions saying the limit, without asking the answerer", async () => {
    const { server, answerer } = await start({ options: { maxQuestionChars: 20 } });
    const user = server.createUser();
    server.sendMessage(user, user, "长".repeat(25));
    expect((await server.waitForMessage(user.id)).text).toBe("问题太长了（25 字）。请控制在 20 字以内。");
    expect(answerer.calls).toEqual([]);
  });

  it("explains that stickers, photos and voice are not read", async () => {
    const { server } = await start();
    const user = server.createUser({ language_code: "en" });
    server.sendSticker(user, user, { emoji: "😀" });
    server.sendPhoto(user, user, { caption: "看这个" });
    server.sendVoice(user, user);
    await until(() => server.messagesIn(user.id).length === 3);
    expect(new Set(server.messagesIn(user.id).map((m) => m.text))).toEqual(
      new Set(["I can only read text. Please send your question about the meetings as text."]),
    );
  });

  it("answers an unknown command with help, and /help in the user's language", async () => {
    const { server, answerer } = await start();
    const user = server.createUser({ language_code: "en" });
    server.sendMessage(user, user, "/frobnicate");
    const reply = await server.waitForMessage(user.id);
    expect(reply.text).toMatch(/^I don't know that command\.\n\nI answer questions about the Yangtze River Delta/);
    expect(reply.text).toContain("/source N — source N of the last answer");
    server.sendMessage(user, user, "/help");
    await until(() => server.messagesIn(user.id).length === 2);
    expect(answerer.calls).toEqual([]);
  });

  it("/ask without a question explains how to ask", async () => {
    const { server } = await start();
    const user = server.createUser();
    server.sendMessage(user, user, "/ask");
    expect((await server.waitForMessage(user.id)).text).toBe(
      "请在 /ask 后面写上问题，例如：/ask 2024年座谈会在哪里举行？",
    );
  });

  it("/meetings lists each meeting with date, place, theme and articles", async () => {
    const { server } = await start();
    const user = server.createUser();
    server.sendMessage(user, user, "/meetings");
    const reply = await server.waitForMessage(user.id);
    expect(reply.text).toBe(
      [
        "长三角地区主要领导座谈会",
        "",
        "2023年度长三角地区主要领导座谈会",
        "2023-06-05 – 2023-06-06 · 安徽合肥",
        "主题：携手推进长三角一体化发展",
        "• 会议报道：2023年度长三角地区主要领导座谈会在合肥举行（1段）",
        "",
        "2024年度长三角地区主要领导座谈会",
        "2024-06-05 · 浙江温州",
        "主题：深化创新链产业链跨区域协同",
        "同期论坛：第六届长三角一体化发展高层论坛",
        "• 会议报道：2024年度长三角地区主要领导座谈会在温州召开（3段）",
        "• 论坛报道：第六届长三角一体化发展高层论坛举行（1段）",
      ].join("\n"),
    );
  });

  it("registers the command menu in Chinese and English at start-up", async () => {
    const { server } = await start({ transport: "polling" });
    await server.waitForCall("setMyCommands", (c) => c.params["language_code"] === "en");
    const en = server.callsTo("setMyCommands").find((c) => c.params["language_code"] === "en");
    const zh = server.callsTo("setMyCommands").find((c) => c.params["language_code"] === "zh");
    expect(en?.params["commands"]).toContainEqual({ command: "meetings", description: "List of meetings" });
    expect(zh?.params["commands"]).toContainEqual({ command: "meetings", description: "会议列表" });
  });
});
