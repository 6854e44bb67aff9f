import { existsSync } from "node:fs";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { createStore, migrate, MIGRATIONS, type DeliveryClaim } from "../../src/store/index.js";
import { tempDb } from "../digest/helpers.js";

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

function openTemp(now = () => new Date("2026-03-01T00:00:00Z")) {
  const db = tempDb();
  const store = createStore(db.path, { now });
  cleanups.push(db.cleanup);
  return { ...db, store };
}

const claim = (subscriberId: number, localDate: string, kind: "daily" | "now" = "daily"): DeliveryClaim => ({
  subscriberId,
  themeId: "tech",
  localDate,
  kind,
  paragraphKeys: [`m/1/${localDate}`],
  payload: "{}",
  runId: "run-a",
});

describe("store", () => {
  it("creates the database directory and keeps data and schema version across reopen", async () => {
    const { path, store } = openTemp();
    expect(existsSync(path)).toBe(true);
    const subscriber = await store.ensureSubscriber({ chatId: 42, userId: 7 });
    await store.upsertSubscription({ subscriberId: subscriber.id, themeId: "tech", themeQuery: null, time: "08:00" });
    await store.close();

    const again = createStore(path);
    expect((await again.listSubscriptions(subscriber.id)).map((s) => s.themeId)).toEqual(["tech"]);
    await again.close();
    const raw = new Database(path, { readonly: true });
    const versions = raw.prepare("SELECT version FROM schema_migrations ORDER BY version").pluck().all();
    expect(versions).toEqual(MIGRATIONS.map((m) => m.version));
    expect(raw.pragma("journal_mode", { simple: true })).toBe("wal");
    raw.close();
  });

  it("applies each migration once, in its own transaction, and nothing on reopen", async () => {
    const { path, store } = openTemp();
    await store.close();
    const raw = new Database(path);
    expect(migrate(raw)).toEqual([]);
    // A later migration is applied on its own; a failing one leaves no trace.
    const next = { version: 99, name: "extra", sql: "CREATE TABLE extra (id INTEGER PRIMARY KEY);" };
    expect(migrate(raw, [...MIGRATIONS, next])).toEqual([99]);
    const broken = { version: 100, name: "broken", sql: "CREATE TABLE half (id INTEGER); THIS IS NOT SQL;" };
    expect(() => migrate(raw, [...MIGRATIONS, next, broken])).toThrow();
    expect(raw.prepare("SELECT name FROM sqlite_master WHERE name = 'half'").get()).toBeUndefined();
    expect(raw.prepare("SELECT MAX(version) FROM schema_migrations").pluck().get()).toBe(99);
    raw.close();
  });

  it("gives new subscribers the default zone and keeps one subscriber per chat", async () => {
    const { store } = openTemp();
    const a = await store.ensureSubscriber({ chatId: 1 });
    const b = await store.ensureSubscriber({ chatId: 1, language: "en" });
    expect(b.id).toBe(a.id);
    expect(a.timeZone).toBe("Asia/Shanghai");
    expect(a.active).toBe(true);
  });

  it("lets only one daily claim per subscriber, theme and local date win, but any number of on-request ones", async () => {
    const { store } = openTemp();
    const { id } = await store.ensureSubscriber({ chatId: 1 });
    expect(await store.claimDeliveries([claim(id, "2026-03-01")])).toHaveLength(1);
    expect(await store.claimDeliveries([claim(id, "2026-03-01")])).toHaveLength(0);
    expect(await store.claimDeliveries([claim(id, "2026-03-01", "now"), claim(id, "2026-03-01", "now")])).toHaveLength(
      2,
    );
    expect(await store.claimDeliveries([claim(id, "2026-03-02")])).toHaveLength(1);
  });

  it("counts sent and possibly-sent paragraphs for the rotation, not failed ones", async () => {
    const { store } = openTemp();
    const { id } = await store.ensureSubscriber({ chatId: 1 });
    const [sent, failed, unknown] = await store.claimDeliveries([claim(id, "d1"), claim(id, "d2"), claim(id, "d3")]);
    await store.markSent(sent!.id, 11);
    await store.markFinished(failed!.id, "failed", "400");
    await store.markFinished(unknown!.id, "unknown", "crash");
    expect([...(await store.sentParagraphs(id, "tech")).keys()].sort()).toEqual(["m/1/d1", "m/1/d3"]);
    expect(await store.getDelivery(sent!.id)).toMatchObject({ status: "sent", messageId: 11, payload: null });
  });

  it("keeps the first time a paragraph was seen", async () => {
    let now = new Date("2026-03-01T00:00:00Z");
    const { store } = openTemp(() => now);
    expect(await store.recordParagraphs(["a", "b"])).toBe(2);
    now = new Date("2026-03-02T00:00:00Z");
    expect(await store.recordParagraphs(["a", "b", "c"])).toBe(1);
    expect([...(await store.paragraphsSeenAfter("2026-03-01T12:00:00.000Z"))]).toEqual(["c"]);
  });

  it("keeps the last vote of a user on a message", async () => {
    const { store } = openTemp();
    const vote = { chatId: 1, userId: 2, messageId: 3, question: "2024年会议在哪里举行？" };
    await store.addFeedback({ ...vote, vote: "up" });
    await store.addFeedback({ ...vote, vote: "down" });
    await store.addFeedback({ ...vote, messageId: 4, vote: "up" });
    expect((await store.stats(new Date(0))).feedback).toEqual({ up: 1, down: 1 });
  });

  it("deactivates a subscriber with a reason and keeps their subscriptions", async () => {
    const { store } = openTemp();
    const s = await store.ensureSubscriber({ chatId: 5 });
    await store.upsertSubscription({ subscriberId: s.id, themeId: "tech", themeQuery: null, time: "08:00" });
    await store.deactivateSubscriber(s.id, "Forbidden: bot was blocked by the user");
    expect(await store.getSubscriber(5)).toMatchObject({
      active: false,
      deactivatedReason: "Forbidden: bot was blocked by the user",
    });
    expect(await store.listScheduled()).toHaveLength(0);
    expect(await store.listSubscriptions(s.id)).toHaveLength(1);
    expect((await store.stats(new Date(0))).subscribers).toEqual({ active: 0, inactive: 1 });
  });

  it("counts as subscribers only chats with a subscription, not ones that only looked", async () => {
    const { store } = openTemp();
    await store.ensureSubscriber({ chatId: 6 });
    expect((await store.stats(new Date(0))).subscribers).toEqual({ active: 0, inactive: 0 });
    const s = await store.ensureSubscriber({ chatId: 7 });
    await store.upsertSubscription({ subscriberId: s.id, themeId: "ecology", themeQuery: null, time: "21:00" });
    expect((await store.stats(new Date(0))).subscribers).toEqual({ active: 1, inactive: 0 });
  });
});
