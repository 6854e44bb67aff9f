import { afterEach, describe, expect, it } from "vitest";
import type { Chunk } from "../../src/index/chunk.js";
import { silentLogger } from "../../src/logger.js";
import { matchParagraphs } from "../../src/digest/compose.js";
import { createThrottle, type Clock, type DigestSender } from "../../src/digest/delivery.js";
import { DeliveryError } from "../../src/digest/errors.js";
import { createScheduler, type SchedulerOptions } from "../../src/digest/scheduler.js";
import { createDigestService } from "../../src/digest/service.js";
import { findTheme } from "../../src/digest/themes.js";
import { createStore, type Store } from "../../src/store/index.js";
import { fakeTime, fixtureChunks, flush, recordingSender, tempDb, wallTime } from "./helpers.js";

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

/** A database file, a fake time and helpers to (re)start a bot process on them. */
function world(startIso: string, chunks: readonly Chunk[] = fixtureChunks()) {
  const db = tempDb();
  cleanups.push(db.cleanup);
  const time = fakeTime(startIso);
  const stores: (Store & { open: boolean })[] = [];
  cleanups.push(() => stores.forEach((s) => s.close()));
  /** Starts a "process": its own store connection and scheduler. `await store.close()` may be called any number of times. */
  const boot = (send: DigestSender, extra: Partial<SchedulerOptions> = {}, clock: Clock = time.clock) => {
    const store = Object.assign(createStore(db.path, { now: time.now }), { open: true });
    const close = store.close;
    store.close = async () => {
      if (store.open) await close();
      store.open = false;
    };
    stores.push(store);
    const scheduler = createScheduler({
      store,
      chunks: extra.chunks ?? chunks,
      send,
      logger: silentLogger,
      now: time.now,
      clock,
      throttle: createThrottle({ clock }),
      every: () => () => {},
      ...extra,
    });
    const service = createDigestService({ store, scheduler, chunks: extra.chunks ?? chunks, now: time.now });
    return { store, scheduler, service };
  };
  return { time, boot, path: db.path };
}

/** Ticks once a minute from now until `untilIso`. */
async function tickUntil(time: ReturnType<typeof fakeTime>, scheduler: { tick(): Promise<unknown> }, untilIso: string) {
  const until = Date.parse(untilIso);
  while (time.ms < until) {
    await scheduler.tick();
    time.set(new Date(Math.floor(time.ms / 60_000) * 60_000 + 60_000).toISOString());
  }
}

describe("scheduler: when digests go out", () => {
  it("delivers each subscriber's digest at their local time, once per local day, across a DST change", async () => {
    const w = world("2026-03-06T12:00:00Z");
    const sender = recordingSender(w.time.clock);
    const { service, scheduler } = w.boot(sender.send);
    await service.setTimezone({ chatId: 1 }, "Asia/Shanghai");
    await service.subscribe({ chatId: 1 }, "科技创新", "08:00");
    await service.setTimezone({ chatId: 2 }, "America/New_York");
    await service.subscribe({ chatId: 2 }, "科技创新", "02:30");

    await tickUntil(w.time, scheduler, "2026-03-10T12:00:00Z");

    const shanghai = sender.sent.filter((m) => m.chatId === 1).map((m) => wallTime(m.at, "Asia/Shanghai"));
    const newYork = sender.sent.filter((m) => m.chatId === 2).map((m) => wallTime(m.at, "America/New_York"));
    // Subscribed in the evening: the first digest is the next morning.
    expect(shanghai).toEqual(["2026-03-07 08:00", "2026-03-08 08:00", "2026-03-09 08:00", "2026-03-10 08:00"]);
    // 2026-03-08 has no 02:30 in New York: that day's digest comes at 03:00.
    expect(newYork).toEqual(["2026-03-07 02:30", "2026-03-08 03:00", "2026-03-09 02:30", "2026-03-10 02:30"]);
  });

  it("sends once on the fall-back day although 01:30 happens twice (Europe/Berlin 2026-10-25)", async () => {
    const w = world("2026-10-24T12:00:00Z");
    const sender = recordingSender(w.time.clock);
    const { service, scheduler } = w.boot(sender.send);
    await service.setTimezone({ chatId: 1 }, "Europe/Berlin");
    await service.subscribe({ chatId: 1 }, "生态环境", "02:30");
    await tickUntil(w.time, scheduler, "2026-10-26T12:00:00Z");
    expect(sender.sent.map((m) => wallTime(m.at, "Europe/Berlin"))).toEqual(["2026-10-25 02:30", "2026-10-26 02:30"]);
  });

  it("after downtime over the due time, sends once on restart the same day and skips nothing else", async () => {
    const w = world("2026-03-07T12:00:00Z");
    const first = w.boot(recordingSender(w.time.clock).send);
    await first.service.subscribe({ chatId: 1 }, "科技创新", "08:00");
    await first.store.close();
    // The bot was down from 20:00 until 11:00 the next day (Shanghai).
    w.time.set("2026-03-08T03:00:00Z");
    const sender = recordingSender(w.time.clock);
    const { scheduler } = w.boot(sender.send);
    await tickUntil(w.time, scheduler, "2026-03-08T05:00:00Z");
    expect(sender.sent.map((m) => wallTime(m.at, "Asia/Shanghai"))).toEqual(["2026-03-08 11:00"]);
  });

  it("never runs two ticks at once", async () => {
    const w = world("2026-03-08T00:00:00Z");
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { service, scheduler } = w.boot(async () => {
      await gate;
      return { messageId: 1 };
    });
    await service.subscribe({ chatId: 1 }, "科技创新", "08:00");
    w.time.set("2026-03-09T00:00:00Z");
    const running = scheduler.tick();
    await flush();
    expect((await scheduler.tick()).skipped).toBe(true);
    release();
    expect(await running).toMatchObject({ skipped: false, sent: 1 });
    expect((await scheduler.tick()).claimed).toBe(0);
  });
});

describe("scheduler: crash safety", () => {
  /** 40 subscribers due at 08:00 Shanghai on 2026-03-08. */
  async function broadcastWorld() {
    const w = world("2026-03-07T12:00:00Z");
    const setup = w.boot(recordingSender(w.time.clock).send);
    for (let chatId = 1; chatId <= 40; chatId++) await setup.service.subscribe({ chatId }, "科技创新", "08:00");
    await setup.store.close();
    w.time.set("2026-03-08T00:00:00Z");
    return w;
  }

  it("killed while waiting for Telegram's rate limit → restart → everybody gets exactly one digest", async () => {
    const w = await broadcastWorld();
    const before = recordingSender(w.time.clock);
    // The process dies at its 20th wait for a send slot: the store goes away and no wait ever ends.
    let sleeps = 0;
    const dying: Clock = {
      now: w.time.clock.now,
      sleep: (ms) => {
        if (++sleeps < 20) return w.time.clock.sleep(ms);
        void dead.store.close();
        return new Promise(() => {});
      },
    };
    const dead = w.boot(before.send, { throttle: createThrottle({ clock: dying }), concurrency: 4 });
    void dead.scheduler.tick();
    await flush();
    expect(before.sent.length).toBeGreaterThan(0);
    expect(before.sent.length).toBeLessThan(40);

    w.time.advance(3 * 60_000);
    const after = recordingSender(w.time.clock);
    const restarted = w.boot(after.send);
    const report = await restarted.scheduler.tick();
    expect(report.resumed).toBeGreaterThan(0);

    const chats = [...before.sent, ...after.sent].map((m) => m.chatId).sort((a, b) => a - b);
    expect(chats).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    // And the next minute sends nothing more.
    w.time.advance(60_000);
    expect((await restarted.scheduler.tick()).claimed).toBe(0);
    expect(after.sent.length).toBe(40 - before.sent.length);
  });

  it("killed while Telegram handles a request → that digest is not resent (no duplicate), the rest are sent", async () => {
    const w = await broadcastWorld();
    const before = recordingSender(w.time.clock, (_chatId, call) => {
      if (call !== 5) return undefined;
      void dead.store.close(); // the process dies with this request in flight
      return "deliver-then-hang";
    });
    const dead = w.boot(before.send);
    void dead.scheduler.tick();
    await flush();
    const inFlightChat = before.sent[4]!.chatId;

    w.time.advance(3 * 60_000);
    const after = recordingSender(w.time.clock);
    const restarted = w.boot(after.send);
    const report = await restarted.scheduler.tick();
    expect(report.unknown).toBeGreaterThanOrEqual(1);

    const chats = [...before.sent, ...after.sent].map((m) => m.chatId);
    expect(new Set(chats).size).toBe(chats.length);
    expect(new Set(chats).size).toBe(40);
    const subscriber = (await restarted.store.getSubscriber(inFlightChat))!;
    expect((await restarted.store.listDeliveries(subscriber.id))[0]).toMatchObject({ status: "unknown" });
    expect((await restarted.service.stats()).deliveries.unknown).toBe(report.unknown);
  });

  it("a run too slow for the orphan timeout loses its queued digests to the next run instead of sending them twice", async () => {
    const w = await broadcastWorld();
    // The first run's waits for a send slot end only when the test says so: it stalls mid-broadcast but stays alive.
    const waiting: (() => void)[] = [];
    const stalled: Clock = {
      now: w.time.clock.now,
      sleep: (ms) =>
        new Promise<void>((wake) =>
          waiting.push(() => {
            w.time.advance(ms);
            wake();
          }),
        ),
    };
    const before = recordingSender(w.time.clock);
    const slow = w.boot(before.send, { throttle: createThrottle({ clock: stalled }), concurrency: 1 });
    const slowTick = slow.scheduler.tick();
    await flush();
    expect(before.sent.length).toBeLessThan(40);

    // Another process (a rolling restart) sees rows untouched for longer than the orphan timeout and adopts
    // them; its first request to Telegram is slow, so the rest stay pending while both processes run.
    w.time.advance(3 * 60_000);
    let releaseNext: (() => void) | undefined;
    const after = recordingSender(w.time.clock);
    const next = w.boot(
      async (chatId, digest, options) => {
        if (!releaseNext) await new Promise<void>((resume) => (releaseNext = resume));
        return after.send(chatId, digest, options);
      },
      { concurrency: 1 },
    );
    const nextTick = next.scheduler.tick();
    await flush();
    expect(releaseNext).toBeDefined();

    // The slow run wakes up and carries on: it must not send what it no longer owns.
    for (let i = 0; i < 200 && waiting.length; i++) {
      waiting.splice(0).forEach((wake) => wake());
      await flush();
    }
    await slowTick;
    releaseNext!();
    expect((await nextTick).resumed).toBeGreaterThan(0);
    const chats = [...before.sent, ...after.sent].map((m) => m.chatId).sort((a, b) => a - b);
    expect(chats).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
  });

  it("a clean stop mid-broadcast hands the unsent digests to the next run at once", async () => {
    const w = await broadcastWorld();
    let stopAfter = 3;
    let first: ReturnType<typeof w.boot> | undefined;
    const before = recordingSender(w.time.clock, () => {
      if (--stopAfter === 0) void first!.scheduler.stop();
    });
    first = w.boot(before.send, { concurrency: 1 });
    await first.scheduler.tick();
    await first.store.close();
    expect(before.sent.length).toBe(3);

    const after = recordingSender(w.time.clock);
    const restarted = w.boot(after.send);
    expect((await restarted.scheduler.tick()).resumed).toBe(37);
    expect([...before.sent, ...after.sent].map((m) => m.chatId).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 40 }, (_, i) => i + 1),
    );
  });
});

describe("scheduler: Telegram errors", () => {
  async function dueWorld(chats: number[]) {
    const w = world("2026-03-07T12:00:00Z");
    const setup = w.boot(recordingSender(w.time.clock).send);
    for (const chatId of chats) await setup.service.subscribe({ chatId }, "科技创新", "08:00");
    await setup.store.close();
    w.time.set("2026-03-08T00:00:00Z");
    return w;
  }

  it("deactivates a subscriber who blocked the bot, keeps the record, and stops sending to them", async () => {
    const w = await dueWorld([1, 2]);
    const sender = recordingSender(w.time.clock, (chatId) => {
      if (chatId === 2) throw new DeliveryError("blocked", "Forbidden: bot was blocked by the user");
    });
    const { scheduler, store, service } = w.boot(sender.send);
    expect(await scheduler.tick()).toMatchObject({ sent: 1, blocked: 1 });
    expect(await store.getSubscriber(2)).toMatchObject({
      active: false,
      deactivatedReason: "Forbidden: bot was blocked by the user",
    });
    expect(await service.list({ chatId: 2 })).toHaveLength(1);
    expect(await service.stats()).toMatchObject({
      subscribers: { active: 1, inactive: 1 },
      deliveries: { sent: 1, blocked: 1 },
    });

    w.time.set("2026-03-09T00:00:00Z");
    const calls = sender.calls;
    await scheduler.tick();
    expect(sender.calls - calls).toBe(1); // only chat 1
    // Coming back and subscribing again resumes delivery.
    await service.subscribe({ chatId: 2 }, "科技创新", "08:00");
    expect((await store.getSubscriber(2))?.active).toBe(true);
  });

  it("honours 429 retry_after and delivers the digest exactly once", async () => {
    const w = await dueWorld([1]);
    const attempts: number[] = [];
    const sender = recordingSender(w.time.clock, (_chat, call) => {
      attempts.push(w.time.ms);
      if (call === 1) throw new DeliveryError("rate-limited", "Too Many Requests: retry after 3", { retryAfter: 3 });
    });
    const { scheduler, store } = w.boot(sender.send);
    expect(await scheduler.tick()).toMatchObject({ sent: 1, failed: 0 });
    expect(sender.sent).toHaveLength(1);
    expect(attempts[1]! - attempts[0]!).toBeGreaterThanOrEqual(3000);
    expect((await store.listDeliveries((await store.getSubscriber(1))!.id))[0]).toMatchObject({
      status: "sent",
      attempts: 2,
    });
  });

  it("retries transient errors with growing waits, then records the failure", async () => {
    const w = await dueWorld([1]);
    const attempts: number[] = [];
    const sender = recordingSender(w.time.clock, () => {
      attempts.push(w.time.ms);
      throw new DeliveryError("transient", "Bad Gateway");
    });
    const retry = { maxAttempts: 4, baseDelayMs: 2000, maxDelayMs: 5000 };
    const { scheduler, store, service } = w.boot(sender.send, { retry });
    expect(await scheduler.tick()).toMatchObject({ sent: 0, failed: 1 });
    const gaps = attempts.slice(1).map((at, i) => at - attempts[i]!);
    // Waits double from the base and stop growing at the cap.
    expect(gaps).toHaveLength(3);
    expect(gaps[0]).toBeGreaterThanOrEqual(2000);
    expect(gaps[1]).toBeGreaterThanOrEqual(4000);
    expect(gaps[2]).toBeGreaterThanOrEqual(5000);
    expect(gaps[2]).toBeLessThan(6000);
    expect((await store.listDeliveries((await store.getSubscriber(1))!.id))[0]).toMatchObject({
      status: "failed",
      attempts: 4,
      error: "Bad Gateway",
    });
    expect((await service.stats()).deliveries.failed).toBe(1);
    // Failed is final for the day: no retry storm every minute.
    w.time.advance(60_000);
    expect((await scheduler.tick()).claimed).toBe(0);
  });

  it("gives up at once on a permanent error", async () => {
    const w = await dueWorld([1]);
    const sender = recordingSender(w.time.clock, () => {
      throw new DeliveryError("permanent", "Bad Request: chat not found");
    });
    const { scheduler } = w.boot(sender.send);
    expect(await scheduler.tick()).toMatchObject({ failed: 1 });
    expect(sender.calls).toBe(1);
  });

  it("keeps under 30 messages a second overall and 1 a second per chat", async () => {
    const w = world("2026-03-07T12:00:00Z");
    const setup = w.boot(recordingSender(w.time.clock).send);
    for (let chatId = 1; chatId <= 100; chatId++) await setup.service.subscribe({ chatId }, "科技创新", "08:00");
    // Chat 7 has three themes due at the same minute.
    await setup.service.subscribe({ chatId: 7 }, "生态环境", "08:00");
    await setup.service.subscribe({ chatId: 7 }, "人工智能", "08:00");
    await setup.store.close();
    w.time.set("2026-03-08T00:00:00Z");
    const sender = recordingSender(w.time.clock);
    const { scheduler } = w.boot(sender.send);
    expect((await scheduler.tick()).sent).toBe(102);

    const times = sender.sent.map((m) => m.at).sort((a, b) => a - b);
    for (let i = 30; i < times.length; i++) expect(times[i]! - times[i - 30]!).toBeGreaterThanOrEqual(1000);
    const chat7 = sender.sent.filter((m) => m.chatId === 7).map((m) => m.at);
    expect(chat7).toHaveLength(3);
    for (let i = 1; i < chat7.length; i++) expect(chat7[i]! - chat7[i - 1]!).toBeGreaterThanOrEqual(1000);
  });
});

describe("scheduler: what each digest contains", () => {
  it("brings new paragraphs every day while unsent ones remain, then 回顾", async () => {
    const chunks = fixtureChunks();
    const total = matchParagraphs(findTheme("tech")!, chunks).length;
    const w = world("2026-03-07T12:00:00Z", chunks);
    const sender = recordingSender(w.time.clock);
    const { service, scheduler } = w.boot(sender.send);
    await service.subscribe({ chatId: 1 }, "科技创新", "08:00");

    const seen = new Set<string>();
    let days = 0;
    for (let day = 8; seen.size < total || days < 6; day++) {
      w.time.set(`2026-03-${String(day).padStart(2, "0")}T00:00:00Z`);
      await scheduler.tick();
      const digest = sender.sent.at(-1)!.digest;
      expect(digest.localDate).toBe(`2026-03-${String(day).padStart(2, "0")}`);
      const remaining = total - seen.size;
      const keys = digest.points.map((p) => p.paragraphKey);
      if (remaining >= 3) {
        expect(keys.filter((k) => seen.has(k))).toEqual([]);
        expect(digest.points.some((p) => p.mark)).toBe(false);
      } else if (remaining === 0) {
        expect(digest.points.every((p) => p.mark === "回顾")).toBe(true);
      }
      keys.forEach((k) => seen.add(k));
      days += 1;
      expect(days).toBeLessThan(20);
    }
    expect(days).toBeGreaterThanOrEqual(5);
  });

  it("puts paragraphs of a report ingested after subscribing first, marked 新增", async () => {
    const w = world("2026-03-07T12:00:00Z", fixtureChunks([2021, 2022, 2023]));
    const first = w.boot(recordingSender(w.time.clock).send);
    await first.service.subscribe({ chatId: 1 }, "科技创新", "08:00");
    w.time.set("2026-03-08T00:00:00Z");
    await first.scheduler.tick();
    await first.store.close();

    // The 2024 report is ingested; the bot restarts with the larger corpus.
    w.time.set("2026-03-08T12:00:00Z");
    const sender = recordingSender(w.time.clock);
    const { scheduler } = w.boot(sender.send, { chunks: fixtureChunks() });
    w.time.set("2026-03-09T00:00:00Z");
    await scheduler.tick();
    const points = sender.sent[0]!.digest.points;
    expect(points.length).toBeGreaterThan(0);
    expect(points.every((p) => p.mark === "新增" && p.meetingId === "2024-annual")).toBe(true);
  });
});
