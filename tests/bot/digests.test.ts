/**
 * The daily digests as a user meets them, over real HTTP against the local Bot API
 * server, with the real corpus, a temp SQLite file and a hand-moved wall clock:
 * browsing themes, subscribing by command and by keyboard, bad input, time zones,
 * the scheduled digest (on time, once, with working source buttons), a digest now,
 * a user who blocked the bot, flood control, and unsubscribing.
 */
import { describe, expect, it } from "vitest";

import { createDigestSender } from "../../src/bot/digest-sender.js";
import type { Digest } from "../../src/digest/index.js";
import { DeliveryError } from "../../src/digest/index.js";
import { silentLogger } from "../../src/logger.js";
import { ADMIN_ID, buttonsOf, lastMessageId, say, useDigestHarness } from "./helpers/digest-harness.js";
import { TOKEN } from "./helpers/harness.js";

const start = useDigestHarness();

/** The points of a digest message: its citation lines `[n] …`. */
const citationLines = (text: string) => text.split("\n").filter((line) => /^\[\d\] /u.test(line));

describe("/themes", () => {
  it("lists every theme in both languages with its paragraphs in each meeting", async () => {
    const { server, service } = await start();
    const user = server.createUser({ language_code: "zh-hans" });
    const reply = await say(server, user, "/themes");
    const tech = service.themes().find((c) => c.theme.id === "tech")!;
    expect(reply.text).toContain("每日摘要主题");
    expect(reply.text).toContain("1. 科技创新 · Science & technology innovation · tech");
    expect(reply.text).toContain(`共${tech.total}段：2021无锡 ${tech.byMeeting["2021-wuxi"]}`);
    expect(reply.text).toContain(`2025南京 ${tech.byMeeting["2025-nanjing"]}`);
    expect(reply.text).toContain("10. 数字经济");
    expect(reply.text).toContain("/subscribe 科技创新 07:30");

    const english = server.createUser({ language_code: "en" });
    const en = await say(server, english, "/themes");
    expect(en.text).toContain("3. Ecology & environment · 生态环境 · ecology");
    expect(en.text).toMatch(/\d+ para\.: 2021无锡 \d+/u);
  });
});

describe("/subscribe", () => {
  it("subscribes with a theme name and a time, confirms the zone, and /subscriptions shows it", async () => {
    const { server } = await start();
    const user = server.createUser({ language_code: "zh-hans" });
    expect((await say(server, user, "/subscriptions")).text).toContain("还没有订阅");

    const confirm = await say(server, user, "/subscribe 科技创新 07:30");
    expect(confirm.text).toContain("已订阅“科技创新”：每天 07:30（Asia/Shanghai）发送摘要。");
    expect(confirm.text).toContain("/digest tech");

    // Free text works too; no time means 08:00.
    expect((await say(server, user, "/subscribe 人工智能")).text).toContain(
      "已订阅“人工智能”：每天 08:00（Asia/Shanghai）",
    );

    const list = await say(server, user, "/subscriptions");
    expect(list.text).toContain("• 科技创新 — 每天 07:30（Asia/Shanghai）");
    expect(list.text).toContain("• 人工智能 — 每天 08:00（Asia/Shanghai）");
  });

  it("in a group, only the group's administrators change its digests; members are told so", async () => {
    const { server } = await start();
    const owner = server.createUser({ language_code: "zh-hans" });
    const member = server.createUser({ language_code: "zh-hans" });
    // The bot is an admin here, so it sees plain commands despite privacy mode.
    const group = server.createGroup({ type: "supergroup", owner: owner.id, botIsAdmin: true });
    const inGroup = async (user: typeof owner, text: string) => {
      const after = lastMessageId(server, group.id);
      server.sendMessage(user, group, text);
      return server.waitForMessage(group.id, (m) => m.message_id > after && m.from?.is_bot === true);
    };
    expect((await inGroup(member, "/subscribe 科技创新 07:30")).text).toContain("只有群管理员");
    expect((await inGroup(member, "/subscriptions")).text).toContain("还没有订阅");
    expect((await inGroup(owner, "/subscribe 科技创新 07:30")).text).toContain("已订阅“科技创新”");
    expect((await inGroup(member, "/unsubscribe all")).text).toContain("只有群管理员");
    expect((await inGroup(member, "/subscriptions")).text).toContain("科技创新 — 每天 07:30");
    expect(server.callsTo("getChatMember").length).toBeGreaterThanOrEqual(3);
  });

  it("subscribes through the keyboards: theme, then time", async () => {
    const { server } = await start();
    const user = server.createUser({ language_code: "zh" });
    const picker = await say(server, user, "/subscribe");
    expect(picker.text).toBe("请选择要订阅的主题：");
    const themes = buttonsOf(picker);
    expect(themes.map((b) => b.text)).toEqual(expect.arrayContaining(["科技创新", "生态环境", "数字经济"]));
    for (const b of themes) expect(Buffer.byteLength(b.callback_data ?? "", "utf8")).toBeLessThanOrEqual(64);

    const press = server.pressButton(user, picker, themes.find((b) => b.text === "生态环境")!.callback_data!);
    await server.waitForCallbackAnswer(press.callbackQuery.id);
    const timePicker = await server.waitForMessage(
      user.id,
      (m) => m.message_id === picker.message_id && m.text!.includes("每天几点"),
    );
    expect(timePicker.text).toContain("“生态环境”每天几点发送？（时区 Asia/Shanghai");
    const times = buttonsOf(timePicker);
    expect(times.map((b) => b.text)).toEqual(["07:00", "08:00", "12:00", "18:00", "21:00"]);

    server.pressButton(user, timePicker, times.find((b) => b.text === "18:00")!.callback_data!);
    const done = await server.waitForMessage(
      user.id,
      (m) => m.message_id === picker.message_id && m.text!.startsWith("已订阅"),
    );
    expect(done.text).toContain("已订阅“生态环境”：每天 18:00（Asia/Shanghai）发送摘要。");
    expect(buttonsOf(done)).toEqual([]);
    expect((await say(server, user, "/subscriptions")).text).toContain("• 生态环境 — 每天 18:00（Asia/Shanghai）");
  });

  it("answers bad input with what is accepted, in the user's language", async () => {
    const { server } = await start();
    const user = server.createUser({ language_code: "zh-hans" });
    const unknown = await say(server, user, "/subscribe 火星移民计划");
    expect(unknown.text).toContain("会议报道中没有提到“火星移民计划”的段落。可选主题：科技创新、产业协同");
    const badTime = await say(server, user, "/subscribe 科技创新 25:00");
    expect(badTime.text).toContain("无法识别时间“25:00”。可以这样写：20:00、20点、晚上8点、早上7点半、8pm 或 7:30pm。");
    const badZone = await say(server, user, "/timezone Mars/Base");
    expect(badZone.text).toContain(
      "未知时区“Mars/Base”：可以写城市或国家（北京、纽约、Tokyo、日本）、UTC 偏移（UTC+8、+08:00）或 IANA 时区名",
    );
    expect((await say(server, user, "/subscriptions")).text).toContain("还没有订阅");

    const english = server.createUser({ language_code: "en-US" });
    expect((await say(server, english, "/timezone Mars/Base")).text).toContain(
      "Unknown time zone “Mars/Base”: name a city or country (Beijing, New York, Berlin, Japan), a UTC offset (UTC+8, +08:00) or an IANA zone such as Asia/Shanghai",
    );
    expect((await say(server, english, "/subscribe tech 7.30")).text).toContain(
      "Write it like 20:00, 20点, 晚上8点, 早上7点半, 8pm or 7:30pm.",
    );
  });
});

describe("the scheduled digest", () => {
  it("arrives at 07:30 New York time, not before, exactly once, with citations and working source buttons", async () => {
    // 09:00 UTC = 05:00 in New York (EDT), 17:00 in Shanghai.
    const { server, scheduler, wall } = await start({ startIso: "2026-06-01T09:00:00Z" });
    const user = server.createUser({ language_code: "zh-hans" });
    await say(server, user, "/subscribe 科技创新 07:30");
    expect((await say(server, user, "/timezone")).text).toContain(
      "当前时区：Asia/Shanghai。修改请发送 /timezone 地区/城市",
    );
    expect((await say(server, user, "/timezone America/New_York")).text).toContain(
      "时区已设为 America/New_York。你的 1 个订阅将按当地时间发送。",
    );
    expect((await say(server, user, "/subscriptions")).text).toContain("• 科技创新 — 每天 07:30（America/New_York）");
    const before = lastMessageId(server, user.id);

    wall.set("2026-06-01T11:29:00Z"); // 07:29 in New York
    expect(await scheduler.tick()).toMatchObject({ due: 0, sent: 0 });
    expect(lastMessageId(server, user.id)).toBe(before);

    wall.set("2026-06-01T11:30:00Z"); // 07:30
    expect(await scheduler.tick()).toMatchObject({ due: 1, sent: 1 });
    const digest = await server.waitForMessage(user.id, (m) => m.message_id > before);
    const text = digest.text!;
    expect(text.split("\n")[0]).toBe("2026-06-01 · 科技创新 每日摘要");
    const lines = citationLines(text);
    expect(lines.length).toBeGreaterThanOrEqual(3);
    expect(lines.length).toBeLessThanOrEqual(5);
    for (const line of lines) expect(line).toMatch(/^\[\d\] .+ · (会议报道|论坛报道) 第\d+段$/u);
    expect(text).toMatch(/^\[1\] 2021年度座谈会（无锡） · 会议报道 第\d+段$/mu);
    // Meeting time order: the years of the cited meetings never go back.
    const years = lines.map((line) => Number(/(\d{4})年度/u.exec(line)?.[1] ?? "2023"));
    expect(years).toEqual([...years].sort((a, b) => a - b));
    const sources = buttonsOf(digest);
    expect(sources.map((b) => b.text)).toEqual(lines.map((_, i) => `📄 ${i + 1}`));
    for (const b of sources) expect(b.callback_data).toMatch(/^src:[\w-]+:\d+:\d+$/u);

    // Ticking again that day (or the same minute) sends nothing more.
    wall.set("2026-06-01T11:31:00Z");
    expect(await scheduler.tick()).toMatchObject({ due: 0, claimed: 0 });
    wall.set("2026-06-01T20:00:00Z");
    expect(await scheduler.tick()).toMatchObject({ due: 0, claimed: 0 });
    expect(server.messagesIn(user.id).filter((m) => m.text?.includes("每日摘要"))).toHaveLength(1);

    // 📄 1 opens the cited paragraph, which contains the point's sentence.
    const point = text.split("\n").find((line) => line.startsWith("1. "))!;
    const quoted = point.replace(/^1\. (【(新增|回顾)】)?/u, "").replace(/^…|…$/gu, "");
    server.pressButton(user, digest, sources[0]!.callback_data!);
    const paragraph = await server.waitForMessage(user.id, (m) => m.message_id > digest.message_id);
    expect(paragraph.text).toContain("2021年度长三角地区主要领导座谈会");
    expect(paragraph.text).toContain(quoted);
  });

  it("comes in English for an English-speaking subscriber", async () => {
    // 00:00 UTC = 08:00 in Shanghai; subscribed the evening before.
    const { server, scheduler, wall } = await start({ startIso: "2026-05-31T12:00:00Z" });
    const user = server.createUser({ language_code: "en" });
    expect((await say(server, user, "/subscribe ecology")).text).toContain(
      "Subscribed to “Ecology & environment”: a digest every day at 08:00 (Asia/Shanghai).",
    );
    wall.set("2026-06-01T00:00:00Z");
    expect(await scheduler.tick()).toMatchObject({ sent: 1 });
    const digest = await server.waitForMessage(user.id, (m) => m.text?.includes("daily digest") === true);
    expect(digest.text).toContain("2026-06-01 · Ecology & environment daily digest");
    expect(digest.text).toMatch(/\[1\] 2021年度座谈会 \(无锡\) · meeting report, para\. \d+/u);
    expect(digest.text).toContain("Stop: /unsubscribe ecology");
  });

  it("/digest sends one now, looking like the daily one", async () => {
    const { server } = await start();
    const user = server.createUser({ language_code: "zh-hans" });
    const digest = await say(server, user, "/digest 生态环境");
    expect(digest.text!.split("\n")[0]).toBe("2026-06-01 · 生态环境 每日摘要");
    const lines = citationLines(digest.text!);
    expect(lines.length).toBeGreaterThanOrEqual(3);
    expect(buttonsOf(digest)).toHaveLength(lines.length);
    // A second one brings other paragraphs (the first ones count as sent).
    const second = await say(server, user, "/digest 生态环境");
    expect(citationLines(second.text!)).not.toEqual(lines);
    // With no single subscription to pick, a bare /digest offers the themes as buttons.
    const picker = await say(server, user, "/digest");
    expect(picker.text).toBe("要看哪个主题的摘要？");
    expect(buttonsOf(picker).map((b) => b.text)).toContain("生态环境");
  });

  it("marks repeats 回顾 once a topic's paragraphs have all been sent", async () => {
    const { server } = await start();
    const user = server.createUser({ language_code: "zh-hans" });
    const first = await say(server, user, "/digest 人工智能");
    expect(first.text).not.toContain("【回顾】");
    // The topic has few paragraphs: the first digest has them all and says the review comes next.
    expect(first.text).toContain("这是“人工智能”最后几段未发送的内容，下一期起开始回顾。");
    const again = await say(server, user, "/digest 人工智能");
    expect(again.text).toContain("“人工智能”的段落都已发送过，本期起开始回顾。");
    const points = again.text!.split("\n").filter((line) => /^\d\. /u.test(line));
    expect(points.length).toBeGreaterThan(0);
    for (const point of points) expect(point).toMatch(/^\d\. 【回顾】/u);
  });

  it("stops for a user who blocked the bot, and /stats shows it to admins only", async () => {
    const { server, scheduler, wall } = await start({ startIso: "2026-06-01T09:00:00Z" });
    const user = server.createUser({ language_code: "zh-hans" });
    const other = server.createUser({ language_code: "zh-hans" });
    const admin = server.createUser({ id: ADMIN_ID, language_code: "zh-hans" });
    await say(server, user, "/subscribe 科技创新 07:30");
    await say(server, other, "/subscribe 生态环境 07:30");
    server.injectFault({ method: "sendMessage", chatId: user.id, kind: { type: "403" } });

    wall.set("2026-06-01T23:30:00Z"); // 07:30 next morning in Shanghai
    expect(await scheduler.tick()).toMatchObject({ sent: 1, blocked: 1 });
    expect(server.messagesIn(other.id).some((m) => m.text?.includes("生态环境 每日摘要"))).toBe(true);

    expect((await say(server, user, "/stats")).text).toBe("抱歉，/stats 仅供机器人管理员使用。");
    const stats = await say(server, admin, "/stats");
    expect(stats.text).toContain("订阅者：活跃 1 · 停用 1");
    expect(stats.text).toContain("最近 24 小时发送：成功 1 · 失败 0 · 被拉黑 1");

    // The next morning only the other subscriber gets one.
    const before = lastMessageId(server, user.id);
    wall.set("2026-06-02T23:30:00Z");
    expect(await scheduler.tick()).toMatchObject({ due: 1, sent: 1 });
    expect(lastMessageId(server, user.id)).toBe(before);
  });

  it("/stats counts 👍/👎 on answers, stored in SQLite", async () => {
    const { server } = await start();
    const user = server.createUser({ language_code: "zh-hans" });
    const admin = server.createUser({ id: ADMIN_ID, language_code: "en" });
    const answer = await say(server, user, "2024年的座谈会在哪里举行？");
    const up = server.pressButton(user, answer, "fb:up");
    expect((await server.waitForCallbackAnswer(up.callbackQuery.id)).text).toBe("谢谢反馈");
    const again = server.pressButton(user, answer, "fb:down"); // changes the vote, not a second one
    await server.waitForCallbackAnswer(again.callbackQuery.id);
    expect((await say(server, admin, "/stats")).text).toContain("Answer feedback: 👍 0 · 👎 1");
  });

  it("waits out a 429 (retry_after 1) and delivers the digest once", async () => {
    const { server, scheduler, store, wall } = await start({ startIso: "2026-05-31T12:00:00Z" });
    const user = server.createUser({ language_code: "zh-hans" });
    await say(server, user, "/subscribe 科技创新");
    server.clearCalls();
    server.injectFault({ method: "sendMessage", chatId: user.id, kind: { type: "429", retryAfter: 1 } });

    wall.set("2026-06-01T00:00:00Z");
    const startedAt = Date.now();
    expect(await scheduler.tick()).toMatchObject({ sent: 1, failed: 0 });
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(950);
    // One refused attempt, one accepted: retried by the scheduler, not a second time inside the API client.
    expect(server.callsTo("sendMessage").map((c) => c.status)).toEqual([429, 200]);
    expect(server.messagesIn(user.id).filter((m) => m.text?.includes("科技创新 每日摘要"))).toHaveLength(1);
    const [delivery] = await store.listDeliveries((await store.getSubscriber(user.id))!.id);
    expect(delivery).toMatchObject({ status: "sent", attempts: 2 });
  });
});

describe("/unsubscribe", () => {
  it("removes one theme or all of them", async () => {
    const { server } = await start();
    const user = server.createUser({ language_code: "zh-hans" });
    await say(server, user, "/subscribe 科技创新 07:30");
    await say(server, user, "/subscribe 生态环境");
    await say(server, user, "/subscribe 交通与基础设施");
    expect((await say(server, user, "/unsubscribe transport")).text).toBe("已退订：交通与基础设施。");
    expect((await say(server, user, "/unsubscribe 数字经济")).text).toContain(
      "没有订阅“数字经济”；你订阅的主题：科技创新、生态环境。",
    );
    expect((await say(server, user, "/unsubscribe all")).text).toBe("已退订：科技创新、生态环境。");
    expect((await say(server, user, "/subscriptions")).text).toContain("还没有订阅。发送 /themes 查看主题");
  });
});

describe("the digest sender", () => {
  const longDigest = (): Digest => ({
    themeId: "tech",
    themeName: { zh: "科技创新", en: "Science & technology innovation" },
    localDate: "2026-06-01",
    title: { zh: "2026-06-01 · 科技创新 每日摘要", en: "2026-06-01 · Science & technology innovation daily digest" },
    points: [1, 2, 3].map((n) => ({
      text: `${"科技创新<协同>&合作。".repeat(180)}${n}`,
      chunkId: `2024-wenzhou/1/${n}`,
      paragraphKey: `2024-wenzhou/1/${n}`,
      meetingId: "2024-wenzhou",
      meetingTitle: "2024年度长三角地区主要领导座谈会",
      startDate: "2024-06-05",
      articleTitle: "2024年度长三角地区主要领导座谈会在浙江温州举行",
      articleIndex: 1,
      paragraph: n,
      source: { name: "新华网" },
      ...(n === 1 ? { mark: "新增" as const } : {}),
    })),
  });

  it("splits a long digest, puts the buttons under the last part, and resumes a retry at the part that failed", async () => {
    const { server } = await start();
    const send = createDigestSender({ token: TOKEN, apiRoot: server.url }, { logger: silentLogger });

    const reader = server.createUser();
    await send(reader.id, longDigest(), { language: "zh" });
    const parts = server.messagesIn(reader.id);
    expect(parts.length).toBeGreaterThanOrEqual(2);
    for (const m of parts) expect(m.text!.length).toBeLessThanOrEqual(4096);
    expect(parts[0]!.text).toContain("【新增】科技创新<协同>&合作。");
    expect(buttonsOf(parts.at(-1)!).map((b) => b.text)).toEqual(["📄 1", "📄 2", "📄 3"]);
    expect(parts.slice(0, -1).every((m) => buttonsOf(m).length === 0)).toBe(true);

    // Flood control hits the second part: the sender reports it, and the retry sends only what is missing.
    const user = server.createUser();
    const off = server.onEvent((event) => {
      if (event.type !== "message" || event.chatId !== user.id) return;
      off();
      server.injectFault({ method: "sendMessage", chatId: user.id, kind: { type: "429", retryAfter: 2 } });
    });
    const digest = longDigest();
    const failure = await send(user.id, digest, { language: "zh" }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(DeliveryError);
    expect(failure).toMatchObject({ kind: "rate-limited", retryAfter: 2 });
    const { messageId } = await send(user.id, digest, { language: "zh" });
    const delivered = server.messagesIn(user.id);
    expect(delivered.map((m) => m.text)).toEqual(parts.map((m) => m.text));
    expect(messageId).toBe(delivered[0]!.message_id);
  });

  it("maps Telegram's refusals onto delivery errors", async () => {
    const { server } = await start();
    const user = server.createUser();
    const send = createDigestSender({ token: TOKEN, apiRoot: server.url }, { logger: silentLogger });
    const kind = (promise: Promise<unknown>) =>
      promise.then(
        () => "ok",
        (error: unknown) => (error instanceof DeliveryError ? error.kind : "other"),
      );
    server.injectFault({ method: "sendMessage", kind: { type: "5xx", status: 502 } });
    expect(await kind(send(user.id, longDigest(), { language: "en" }))).toBe("transient");
    server.injectFault({ method: "sendMessage", kind: { type: "drop" } });
    expect(await kind(send(user.id, longDigest(), { language: "en" }))).toBe("transient");
    server.injectFault({
      method: "sendMessage",
      kind: { type: "400", description: "Bad Request: can't parse entities" },
    });
    expect(await kind(send(user.id, longDigest(), { language: "en" }))).toBe("permanent");
    expect(await kind(send(999_999, longDigest(), { language: "en" }))).toBe("blocked");
    server.blockBot(user);
    expect(await kind(send(user.id, longDigest(), { language: "en" }))).toBe("blocked");
  });
});
