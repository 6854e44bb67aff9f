/**
 * One contract for the storage port, run against both adapters: SQLite on a temp file,
 * and PostgreSQL on a fresh database of the server at TEST_DATABASE_URL (.ci/run starts
 * one; without it that half is reported as skipped, not passed).
 */
import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { createPostgresStore, createStore, type DeliveryClaim, type Store } from "../../src/store/index.js";
import { tempDb } from "../digest/helpers.js";

const PG_URL = process.env.TEST_DATABASE_URL;
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

type Open = (now?: () => Date) => Promise<{ store: Store; reopen: () => Promise<Store> }>;

const sqlite: Open = async (now) => {
  const db = tempDb();
  const store = createStore(db.path, { now });
  cleanups.push(db.cleanup, () => store.close());
  return {
    store,
    reopen: async () => {
      const again = createStore(db.path, { now });
      cleanups.push(() => again.close());
      return again;
    },
  };
};

const postgres: Open = async (now) => {
  const name = `contract_${randomUUID().replace(/-/g, "").slice(0, 12)}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(PG_URL!);
  url.pathname = `/${name}`;
  const store = await createPostgresStore(url.toString(), { now });
  cleanups.push(async () => {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  });
  cleanups.push(() => store.close());
  return {
    store,
    reopen: async () => {
      const again = await createPostgresStore(url.toString(), { now });
      cleanups.push(() => again.close());
      return again;
    },
  };
};

const claim = (
  subscriberId: number,
  localDate: string,
  kind: "daily" | "now" = "daily",
  runId = "run-a",
): DeliveryClaim => ({
  subscriberId,
  themeId: "tech",
  localDate,
  kind,
  paragraphKeys: [`m/1/${localDate}`],
  payload: `{"date":"${localDate}"}`,
  runId,
});

describe.each([
  { adapter: "sqlite", open: sqlite, skip: false },
  { adapter: "postgres", open: postgres, skip: !PG_URL },
])("storage contract: $adapter", ({ open, skip }) => {
  const test = it.skipIf(skip);

  test("keeps one subscriber per chat, chat ids beyond 32 bits, and data across reopen", async () => {
    const { store, reopen } = await open();
    const a = await store.ensureSubscriber({ chatId: -1001234567890, userId: 5_000_000_000 });
    const b = await store.ensureSubscriber({ chatId: -1001234567890, language: "en" });
    expect(b.id).toBe(a.id);
    expect(a).toMatchObject({
      chatId: -1001234567890,
      userId: 5_000_000_000,
      timeZone: "Asia/Shanghai",
      active: true,
      language: "zh",
    });
    expect(
      (await store.upsertSubscription({ subscriberId: a.id, themeId: "tech", themeQuery: null, time: "08:00" }))
        .created,
    ).toBe(true);
    const changed = await store.upsertSubscription({
      subscriberId: a.id,
      themeId: "tech",
      themeQuery: null,
      time: "09:30",
    });
    expect(changed).toMatchObject({ created: false, subscription: { time: "09:30" } });
    const again = await reopen();
    expect((await again.listSubscriptions(a.id)).map((s) => [s.themeId, s.time])).toEqual([["tech", "09:30"]]);
    expect(await again.listScheduled()).toMatchObject([{ chatId: -1001234567890, lastLocalDate: null }]);
  });

  test("lets one daily claim per subscriber, theme and local date win, any number of on-request ones", async () => {
    const { store } = await open();
    const { id } = await store.ensureSubscriber({ chatId: 1 });
    expect(await store.claimDeliveries([claim(id, "2026-03-01")])).toHaveLength(1);
    expect(await store.claimDeliveries([claim(id, "2026-03-01", "daily", "run-b")])).toHaveLength(0);
    expect(await store.claimDeliveries([claim(id, "2026-03-01", "now"), claim(id, "2026-03-01", "now")])).toHaveLength(
      2,
    );
    expect((await store.listScheduled()).length).toBe(0); // no subscription yet
    await store.upsertSubscription({ subscriberId: id, themeId: "tech", themeQuery: null, time: "08:00" });
    expect((await store.listScheduled())[0]?.lastLocalDate).toBe("2026-03-01");
  });

  test("in flight only for the owning run; orphans are adopted by one run only", async () => {
    let now = new Date("2026-03-01T00:00:00Z");
    const { store } = await open(() => now);
    const { id } = await store.ensureSubscriber({ chatId: 1 });
    const [row] = await store.claimDeliveries([claim(id, "d1")]);
    expect(await store.markInFlight(row!.id, "run-b")).toBe(false);
    expect(await store.markInFlight(row!.id, "run-a")).toBe(true);
    expect(await store.getDelivery(row!.id)).toMatchObject({ inFlight: true, attempts: 1, status: "pending" });
    await store.markAttemptFailed(row!.id, "502");
    expect(await store.getDelivery(row!.id)).toMatchObject({ inFlight: false, error: "502" });
    now = new Date("2026-03-01T00:10:00Z");
    const orphans = await store.listOrphans({ runId: "run-b", updatedBefore: new Date("2026-03-01T00:05:00Z") });
    expect(orphans.map((o) => o.id)).toEqual([row!.id]);
    expect(await store.adoptDelivery(row!.id, "run-a", "run-b")).toBe(true);
    expect(await store.adoptDelivery(row!.id, "run-a", "run-c")).toBe(false);
    await store.releaseDeliveries([row!.id]);
    expect(await store.getDelivery(row!.id)).toMatchObject({ runId: null });
    expect(await store.adoptDelivery(row!.id, null, "run-c")).toBe(true);
    await store.markSent(row!.id, 77);
    expect(await store.getDelivery(row!.id)).toMatchObject({
      status: "sent",
      messageId: 77,
      payload: null,
      inFlight: false,
    });
  });

  test("the hand-over is recorded only by the owning run, and a new attempt starts awaiting it again", async () => {
    let now = new Date("2026-03-01T00:00:00Z");
    const { store, reopen } = await open(() => now);
    const { id } = await store.ensureSubscriber({ chatId: 1 });
    const [row] = await store.claimDeliveries([claim(id, "d1")]);
    expect(await store.markInFlight(row!.id, "run-a", { awaitingHandOver: true })).toBe(true);
    expect(await store.getDelivery(row!.id)).toMatchObject({
      inFlight: true,
      awaitingHandOver: true,
      handedOverAt: null,
    });
    expect(await store.markHandedOver(row!.id, "run-b")).toBe(false);
    now = new Date("2026-03-01T00:00:01Z");
    expect(await store.markHandedOver(row!.id, "run-a")).toBe(true);
    // What a restarted process reads back: in flight and handed over at that instant.
    expect(await (await reopen()).getDelivery(row!.id)).toMatchObject({
      inFlight: true,
      awaitingHandOver: false,
      handedOverAt: "2026-03-01T00:00:01.000Z",
    });
    await store.markAttemptFailed(row!.id, "timeout");
    expect(await store.markInFlight(row!.id, "run-a", { awaitingHandOver: true })).toBe(true);
    expect(await store.getDelivery(row!.id)).toMatchObject({ attempts: 2, awaitingHandOver: true, handedOverAt: null });
    // A sender that does not report the hand-over: in flight counts as possibly delivered.
    expect(await store.markInFlight(row!.id, "run-a")).toBe(true);
    expect(await store.getDelivery(row!.id)).toMatchObject({ inFlight: true, awaitingHandOver: false });
    await store.markSent(row!.id, 5);
    expect(await store.markHandedOver(row!.id, "run-a")).toBe(false);
  });

  test("counts sent and unknown paragraphs for the rotation; an unknown row can be reopened by hand", async () => {
    const { store } = await open();
    const { id } = await store.ensureSubscriber({ chatId: 1 });
    const [sent, failed, unknown] = await store.claimDeliveries([claim(id, "d1"), claim(id, "d2"), claim(id, "d3")]);
    await store.markSent(sent!.id, 11);
    await store.markFinished(failed!.id, "failed", "400");
    await store.markFinished(unknown!.id, "unknown", "crash");
    expect([...(await store.sentParagraphs(id, "tech")).keys()].sort()).toEqual(["m/1/d1", "m/1/d3"]);
    expect((await store.getDelivery(failed!.id))?.payload).toBeNull();
    expect((await store.listUnknown(10)).map((d) => [d.id, d.payload])).toEqual([[unknown!.id, '{"date":"d3"}']]);
    expect(await store.reopenUnknown(sent!.id, "run-x", "{}")).toBe(false);
    expect(await store.reopenUnknown(unknown!.id, "run-x", '{"date":"d3"}')).toBe(true);
    expect(await store.getDelivery(unknown!.id)).toMatchObject({ status: "pending", runId: "run-x", inFlight: false });
    expect(await store.markInFlight(unknown!.id, "run-x")).toBe(true);
  });

  test("keeps the first time a paragraph was seen, the last vote per user and message, and counts for admins", async () => {
    let now = new Date("2026-03-01T00:00:00Z");
    const { store } = await open(() => now);
    expect(await store.recordParagraphs(["a", "b"])).toBe(2);
    now = new Date("2026-03-02T00:00:00Z");
    expect(await store.recordParagraphs(["a", "b", "c"])).toBe(1);
    expect([...(await store.paragraphsSeenAfter("2026-03-01T12:00:00.000Z"))]).toEqual(["c"]);
    const vote = { chatId: 1, userId: 2, messageId: 3, question: "2024年会议在哪里举行？" };
    await store.addFeedback({ ...vote, vote: "up" });
    await store.addFeedback({ ...vote, vote: "down" });
    await store.addFeedback({ ...vote, messageId: 4, vote: "up" });
    const s = await store.ensureSubscriber({ chatId: 5 });
    await store.ensureSubscriber({ chatId: 6 });
    await store.upsertSubscription({ subscriberId: s.id, themeId: "tech", themeQuery: null, time: "08:00" });
    await store.claimDeliveries([claim(s.id, "d1")]);
    await store.deactivateSubscriber(s.id, "Forbidden: bot was blocked by the user");
    expect(await store.getSubscriber(5)).toMatchObject({
      active: false,
      deactivatedReason: "Forbidden: bot was blocked by the user",
    });
    expect(await store.listScheduled()).toHaveLength(0);
    expect(await store.stats(new Date(0))).toEqual({
      subscribers: { active: 0, inactive: 1 },
      subscriptions: 1,
      deliveries: { pending: 1, sent: 0, failed: 0, blocked: 0, unknown: 0 },
      feedback: { up: 1, down: 1 },
    });
    await store.activateSubscriber(s.id);
    expect(await store.removeSubscription(s.id, "tech")).toBe(true);
    expect(await store.removeAllSubscriptions(s.id)).toBe(0);
  });
  test("lists due subscriptions by next_due_at, earliest first and at most the limit; inactive ones never", async () => {
    let now = new Date("2026-03-07T12:00:00Z");
    const { store } = await open(() => now);
    const ids: number[] = [];
    for (let chat = 1; chat <= 4; chat++) {
      const s = await store.ensureSubscriber({ chatId: chat });
      ids.push(s.id);
      await store.upsertSubscription({ subscriberId: s.id, themeId: "tech", themeQuery: null, time: "08:00" });
      now = new Date(now.getTime() + 1000);
    }
    const due = async (at: string, limit = 10) =>
      (await store.listDue({ now: new Date(at), limit })).map((s) => s.chatId);
    expect(await due("2026-03-07T11:59:59Z")).toEqual([]);
    expect(await due("2026-03-07T12:00:10Z", 3)).toEqual([1, 2, 3]);
    const [first] = await store.listDue({ now: new Date("2026-03-07T12:00:10Z"), limit: 1 });
    expect(first).toMatchObject({
      chatId: 1,
      themeId: "tech",
      time: "08:00",
      timeZone: "Asia/Shanghai",
      lastLocalDate: null,
    });
    await store.setNextDue([{ subscriptionId: first!.id, nextDueAt: "2026-03-08T00:00:00.000Z" }]);
    expect(await due("2026-03-07T12:00:10Z")).toEqual([2, 3, 4]);
    expect(await due("2026-03-08T00:00:00Z")).toEqual([2, 3, 4, 1]);
    // Blocked: not read at all; back, or moved to another zone: read again at once.
    await store.deactivateSubscriber(ids[1]!, "Forbidden");
    expect(await due("2026-03-08T00:00:00Z")).toEqual([3, 4, 1]);
    now = new Date("2026-03-07T13:00:00Z");
    await store.activateSubscriber(ids[1]!);
    await store.setTimeZone(ids[0]!, "Europe/London");
    expect(await due("2026-03-07T13:00:00Z")).toEqual([3, 4, 1, 2]);
  });
});
