/**
 * The everyday digest habits end to end through the Bot API emulator: natural times
 * and places, buttons under /subscriptions and a bare /digest, a failing group
 * admin check, and a bounded echo of bad input.
 */
import { describe, expect, it } from "vitest";

import { buttonsOf, lastMessageId, say, useDigestHarness } from "./helpers/digest-harness.js";

const start = useDigestHarness();

describe("natural times and places", () => {
  it("/subscribe reads 晚上8点, 早上7点半, 8pm and 7:30pm as times, not as part of the topic", async () => {
    const { server } = await start();
    const user = server.createUser({ language_code: "zh-hans" });
    expect((await say(server, user, "/subscribe 科技创新 晚上8点")).text).toContain(
      "已订阅“科技创新”：每天 20:00（Asia/Shanghai）",
    );
    expect((await say(server, user, "/subscribe 生态环境 早上7点半")).text).toContain("已订阅“生态环境”：每天 07:30");
    expect((await say(server, user, "/subscribe 数字经济 20点")).text).toContain("每天 20:00");
    const english = server.createUser({ language_code: "en" });
    expect((await say(server, english, "/subscribe tech 7:30pm")).text).toContain("every day at 19:30");
    expect((await say(server, english, "/subscribe ecology 8pm")).text).toContain("every day at 20:00");
    const refused = await say(server, user, "/subscribe 科技创新 25:00");
    expect(refused.text).toContain("20:00、20点、晚上8点、早上7点半、8pm 或 7:30pm");
    const list = await say(server, user, "/subscriptions");
    expect(list.text).toContain("• 科技创新 — 每天 20:00");
    expect(list.text).not.toContain("晚上8点");
  });

  it("/timezone takes a city or country in Chinese or English, or a UTC offset", async () => {
    const { server } = await start();
    const user = server.createUser({ language_code: "zh-hans" });
    expect((await say(server, user, "/timezone 纽约")).text).toContain("时区已设为 America/New_York");
    expect((await say(server, user, "/timezone 北京")).text).toContain("时区已设为 Asia/Shanghai");
    expect((await say(server, user, "/timezone Berlin")).text).toContain("时区已设为 Europe/Berlin");
    expect((await say(server, user, "/timezone UTC+8")).text).toContain("时区已设为 Etc/GMT-8");
    expect((await say(server, user, "/timezone +08:00")).text).toContain("时区已设为 Etc/GMT-8");
    const country = await say(server, user, "/timezone 美国");
    expect(country.text).toContain("时区已设为 America/New_York");
    expect(country.text).toMatch(/该国有 \d+ 个时区/u);
    expect((await say(server, user, "/timezone")).text).toContain("当前时区：America/New_York");
  });

  it("echoes at most a short piece of an overlong /timezone argument (Telegram refuses > 4096 characters)", async () => {
    const { server } = await start();
    const user = server.createUser({ language_code: "en" });
    const reply = await say(server, user, `/timezone ${"x".repeat(4000)}`);
    expect(reply.text).toContain("Unknown time zone");
    expect(reply.text!.length).toBeLessThan(400);
  });
});

describe("buttons where a person would tap", () => {
  it("/subscriptions lists each subscription with buttons to change its time or unsubscribe", async () => {
    const { server } = await start();
    const user = server.createUser({ language_code: "zh-hans" });
    await say(server, user, "/subscribe 科技创新 07:30");
    await say(server, user, "/subscribe 人工智能 08:00");
    const list = await say(server, user, "/subscriptions");
    const buttons = buttonsOf(list);
    expect(buttons.map((b) => b.text)).toEqual(["⏰ 科技创新", "✖ 退订科技创新", "⏰ 人工智能", "✖ 退订人工智能"]);

    // Change the time of the free-text topic.
    server.pressButton(user, list, buttons[2]!.callback_data!);
    const picker = await server.waitForMessage(
      user.id,
      (m) => m.message_id === list.message_id && m.text!.includes("每天几点"),
    );
    server.pressButton(user, picker, buttonsOf(picker).find((b) => b.text === "21:00")!.callback_data!);
    await server.waitForMessage(user.id, (m) => m.message_id === list.message_id && m.text!.includes("改为每天 21:00"));
    expect((await say(server, user, "/subscriptions")).text).toContain("• 人工智能 — 每天 21:00");

    // Unsubscribe by button: the list is redrawn without it.
    const again = await say(server, user, "/subscriptions");
    server.pressButton(user, again, buttonsOf(again).find((b) => b.text === "✖ 退订科技创新")!.callback_data!);
    const after = await server.waitForMessage(
      user.id,
      (m) => m.message_id === again.message_id && m.text!.includes("已退订"),
    );
    expect(after.text).not.toContain("• 科技创新");
    expect(buttonsOf(after).map((b) => b.text)).toEqual(["⏰ 人工智能", "✖ 退订人工智能"]);
  });

  it("a bare /digest offers theme buttons, and one tap sends that digest", async () => {
    const { server } = await start();
    const user = server.createUser({ language_code: "zh-hans" });
    const picker = await say(server, user, "/digest");
    expect(picker.text).toBe("要看哪个主题的摘要？");
    const ecology = buttonsOf(picker).find((b) => b.text === "生态环境")!;
    const before = lastMessageId(server, user.id);
    const press = server.pressButton(user, picker, ecology.callback_data!);
    await server.waitForCallbackAnswer(press.callbackQuery.id);
    const digest = await server.waitForMessage(user.id, (m) => m.message_id > before);
    expect(digest.text).toContain("生态环境 每日摘要");
  });

  it("in a group, a failing getChatMember gets a clear message at once, not a generic error after retries", async () => {
    const { server } = await start();
    const owner = server.createUser({ language_code: "zh-hans" });
    const group = server.createGroup({ type: "supergroup", owner: owner.id, botIsAdmin: true });
    server.injectFault({ method: "getChatMember", times: Infinity, kind: { type: "5xx", status: 502 } });
    const after = lastMessageId(server, group.id);
    const started = Date.now();
    server.sendMessage(owner, group, "/subscribe 科技创新 07:30");
    const reply = await server.waitForMessage(group.id, (m) => m.message_id > after && m.from?.is_bot === true);
    expect(reply.text).toContain("暂时无法确认你是否为群管理员");
    expect(Date.now() - started).toBeLessThan(1500);
    expect(server.callsTo("getChatMember").length).toBe(1);
  });
});
