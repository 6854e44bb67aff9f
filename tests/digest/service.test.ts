import { afterEach, describe, expect, it } from "vitest";
import { silentLogger } from "../../src/logger.js";
import { createThrottle } from "../../src/digest/delivery.js";
import { DigestInputError } from "../../src/digest/errors.js";
import { createScheduler } from "../../src/digest/scheduler.js";
import { createDigestService } from "../../src/digest/service.js";
import { DEFAULT_THEMES } from "../../src/digest/themes.js";
import { createStore } from "../../src/store/index.js";
import { fakeTime, fixtureChunks, recordingSender, tempDb } from "./helpers.js";

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

function setup(startIso = "2026-03-07T12:00:00Z") {
  const db = tempDb();
  const time = fakeTime(startIso);
  const store = createStore(db.path, { now: time.now, defaultTimeZone: "Asia/Shanghai" });
  cleanups.push(() => {
    void store.close();
    db.cleanup();
  });
  const chunks = fixtureChunks();
  const sender = recordingSender(time.clock);
  const scheduler = createScheduler({
    store,
    chunks,
    send: sender.send,
    logger: silentLogger,
    now: time.now,
    clock: time.clock,
    throttle: createThrottle({ clock: time.clock }),
    every: () => () => {},
  });
  const service = createDigestService({ store, scheduler, chunks, now: time.now });
  return { time, store, sender, scheduler, service };
}

async function inputError(fn: () => Promise<unknown>): Promise<DigestInputError> {
  try {
    await fn();
  } catch (error) {
    if (error instanceof DigestInputError) return error;
    throw error;
  }
  throw new Error("expected a DigestInputError");
}

const chat = { chatId: 100, userId: 100 };

describe("DigestService", () => {
  it("subscribes at 08:00 in the default zone unless told otherwise; subscribing again changes the time", async () => {
    const { service } = setup();
    expect(await service.subscribe(chat, "生态环境")).toMatchObject({
      themeId: "ecology",
      time: "08:00",
      timeZone: "Asia/Shanghai",
      created: true,
    });
    expect(await service.subscribe(chat, "ecology", "7:30")).toMatchObject({ time: "07:30", created: false });
    expect(await service.subscribe(chat, "人工智能", "21:00")).toMatchObject({
      custom: true,
      name: { zh: "人工智能" },
    });
    expect((await service.list(chat)).map((s) => [s.name.zh, s.time])).toEqual([
      ["生态环境", "07:30"],
      ["人工智能", "21:00"],
    ]);
  });

  it("explains every bad input with what is accepted", async () => {
    const { service } = setup();
    const badTime = await inputError(() => service.subscribe(chat, "科技创新", "25:00"));
    expect(badTime.text("zh")).toContain("20:00、20点、晚上8点、早上7点半、8pm 或 7:30pm");
    const badZone = await inputError(() => service.setTimezone(chat, "China/Beijing"));
    expect(badZone.text("en")).toContain("Asia/Shanghai");
    // A topic the reports never mention: the message lists the themes to choose from.
    const noMatch = await inputError(() => service.subscribe(chat, "火星基地"));
    expect(noMatch.code).toBe("no-match");
    for (const theme of DEFAULT_THEMES) expect(noMatch.text("zh")).toContain(theme.zh);
    for (const theme of DEFAULT_THEMES) expect(noMatch.text("en")).toContain(theme.en);
    const notMine = await inputError(() => service.unsubscribe(chat, "对外开放"));
    expect(notMine.code).toBe("not-subscribed");
    expect(await service.list(chat)).toEqual([]);
  });

  it("sets the zone in its canonical spelling and uses it for subscriptions", async () => {
    const { service } = setup();
    expect(await service.setTimezone(chat, "america/new_york")).toEqual({ timeZone: "America/New_York" });
    expect((await service.subscribe(chat, "科技创新")).timeZone).toBe("America/New_York");
  });

  it("unsubscribes one theme or all", async () => {
    const { service } = setup();
    await service.subscribe(chat, "科技创新");
    await service.subscribe(chat, "生态环境");
    await service.subscribe(chat, "人工智能");
    expect((await service.unsubscribe(chat, "TECH")).removed.map((r) => r.themeId)).toEqual(["tech"]);
    expect((await service.unsubscribe(chat, "人工智能")).removed).toHaveLength(1);
    expect((await service.unsubscribe(chat, "全部")).removed.map((r) => r.name.zh)).toEqual(["生态环境"]);
    expect(await service.list(chat)).toEqual([]);
  });

  it("sends a digest on request without using up the daily one, and without repeating its paragraphs", async () => {
    const { service, sender, scheduler, time } = setup("2026-03-07T23:00:00Z"); // 07:00 Shanghai
    await service.subscribe(chat, "科技创新", "08:00");
    const now = await service.digestNow(chat);
    expect(now.outcome).toMatchObject({ status: "sent" });
    expect(sender.sent).toHaveLength(1);
    time.set("2026-03-08T00:00:00Z");
    expect((await scheduler.tick()).sent).toBe(1);
    const [first, daily] = sender.sent.map((m) => m.digest.points.map((p) => p.paragraphKey));
    expect(daily!.filter((key) => first!.includes(key))).toEqual([]);
  });

  it("a chat that had blocked the bot and asks for a digest is active again and gets its daily digests", async () => {
    const { service, sender, scheduler, store, time } = setup("2026-03-07T23:00:00Z");
    await service.subscribe(chat, "科技创新", "08:00");
    await store.deactivateSubscriber(
      (await store.getSubscriber(chat.chatId))!.id,
      "Forbidden: bot was blocked by the user",
    );
    expect((await service.digestNow(chat)).outcome).toMatchObject({ status: "sent" });
    expect((await store.getSubscriber(chat.chatId))!.active).toBe(true);
    time.set("2026-03-08T00:00:00Z");
    expect((await scheduler.tick()).sent).toBe(1);
    expect(sender.sent).toHaveLength(2);
  });

  it("asks which theme when a chat with several subscriptions wants a digest now", async () => {
    const { service } = setup();
    await service.subscribe(chat, "科技创新");
    await service.subscribe(chat, "生态环境");
    await expect(service.digestNow(chat)).rejects.toMatchObject({ code: "unknown-theme" });
    await expect(service.digestNow(chat, "生态环境")).resolves.toMatchObject({ outcome: { status: "sent" } });
  });

  it("lists themes with per-meeting counts and gives admins delivery stats", async () => {
    const { service, scheduler, time, sender } = setup();
    const tech = service.themes().find((t) => t.theme.id === "tech")!;
    expect(Object.keys(tech.byMeeting).sort()).toEqual(["2021-annual", "2022-annual", "2023-annual", "2024-annual"]);
    await service.subscribe({ chatId: 1 }, "科技创新");
    await service.subscribe({ chatId: 2 }, "生态环境");
    time.set("2026-03-08T00:00:00Z");
    await scheduler.tick();
    expect(sender.sent).toHaveLength(2);
    expect(await service.stats()).toMatchObject({
      subscribers: { active: 2, inactive: 0 },
      subscriptions: 2,
      deliveries: { sent: 2, failed: 0 },
    });
  });
});
