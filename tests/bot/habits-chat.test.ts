/**
 * The everyday chat habits end to end through the Bot API emulator, with the real
 * corpus and extractive answerer and a temp SQLite store: /start greets once with
 * example questions as buttons, votes show and can change, reasons follow a 👎,
 * the stored question of a follow-up is the resolved one, and an unknown button is
 * still answered.
 */
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";

import { buttonsOf, lastMessageId, say, useDigestHarness } from "./helpers/digest-harness.js";

const start = useDigestHarness();

describe("/start", () => {
  it("greets once, with example questions as buttons that ask them", async () => {
    const { server, engine } = await start();
    const user = server.createUser({ language_code: "zh-hans" });
    const greeting = await say(server, user, "/start");
    expect(greeting.text).toContain("你好！");
    // One greeting: no second welcome, and not the whole /help.
    expect(greeting.text!.match(/你好/gu)?.length).toBe(1);
    expect(greeting.text).not.toContain("/source N");
    const examples = buttonsOf(greeting);
    expect(examples.length).toBeGreaterThanOrEqual(2);
    const latestYear = Math.max(...engine.corpus.meetings.filter((m) => m.kind === "annual").map((m) => m.year));
    expect(examples[0]!.text).toBe(`${latestYear}年的座谈会在哪里举行？`);

    const before = lastMessageId(server, user.id);
    const press = server.pressButton(user, greeting, examples[0]!.callback_data!);
    await server.waitForCallbackAnswer(press.callbackQuery.id);
    const answer = await server.waitForMessage(
      user.id,
      (m) => m.message_id > before && (m.reply_markup?.inline_keyboard.length ?? 0) > 0,
    );
    expect(answer.text).toContain("[1]");
    expect(
      server.messagesIn(user.id).filter((m) => m.from?.is_bot && m.message_id > before && m.text?.includes("你好"))
        .length,
    ).toBe(0);
  });
});

describe("feedback", () => {
  it("marks the chosen vote, lets a second tap change it, offers reasons after 👎, and stores the resolved question", async () => {
    const { server, dbPath } = await start();
    const user = server.createUser({ language_code: "zh-hans" });
    await say(server, user, "2024年的座谈会在哪里举行？");
    await server.waitForMessage(user.id, (m) => buttonsOf(m).some((b) => b.callback_data === "fb:up"));
    const followUpAfter = lastMessageId(server, user.id);
    server.sendMessage(user, user, "那2022年呢？");
    const answer = await server.waitForMessage(
      user.id,
      (m) => m.message_id > followUpAfter && buttonsOf(m).some((b) => b.callback_data === "fb:up"),
    );
    const sources = buttonsOf(answer).filter((b) => b.callback_data?.startsWith("src:"));

    const up = server.pressButton(user, answer, "fb:up");
    expect((await server.waitForCallbackAnswer(up.callbackQuery.id)).text).toBe("谢谢反馈");
    const voted = await server.waitForMessage(
      user.id,
      (m) => m.message_id === answer.message_id && buttonsOf(m).some((b) => b.text === "✓ 👍"),
    );
    expect(buttonsOf(voted).map((b) => b.text)).toEqual([...sources.map((b) => b.text), "✓ 👍", "👎"]);

    const down = server.pressButton(user, voted, "fb:down");
    expect((await server.waitForCallbackAnswer(down.callbackQuery.id)).text).toBe("已改为你的新评价");
    const changed = await server.waitForMessage(
      user.id,
      (m) => m.message_id === answer.message_id && buttonsOf(m).some((b) => b.text === "✓ 👎"),
    );
    const reasons = buttonsOf(changed).filter((b) => b.callback_data?.startsWith("fb:why:"));
    expect(reasons.map((b) => b.text)).toEqual(["内容不对", "不完整", "出处不对", "没回答问题"]);

    const why = server.pressButton(user, changed, "fb:why:incomplete");
    await server.waitForCallbackAnswer(why.callbackQuery.id);
    await server.waitForMessage(
      user.id,
      (m) => m.message_id === answer.message_id && buttonsOf(m).some((b) => b.text === "✓ 不完整"),
    );

    const db = new Database(dbPath, { readonly: true });
    try {
      const rows = db
        .prepare("SELECT question, vote, reason FROM feedback WHERE message_id = ?")
        .all(answer.message_id);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ vote: "down", reason: "incomplete" });
      const question = (rows[0] as { question: string }).question;
      expect(question).not.toBe("那2022年呢？");
      expect(question).toContain("2022");
    } finally {
      db.close();
    }
  });

  it("answers a button nobody knows (a keyboard from an older version), so the spinner stops", async () => {
    const { server, bot } = await start();
    const user = server.createUser({ language_code: "zh-hans" });
    await say(server, user, "/start");
    const old = await bot.api.sendMessage(user.id, "old", {
      reply_markup: { inline_keyboard: [[{ text: "old", callback_data: "v0:legacy" }]] },
    });
    const press = server.pressButton(user, { chat: { id: user.id }, message_id: old.message_id }, "v0:legacy");
    expect((await server.waitForCallbackAnswer(press.callbackQuery.id)).text).toBe("这个按钮已失效。");
  });
});
