/**
 * The queue planner and the queued delivery job, on the SQLite store with a fake queue and
 * a recording sender: batches read by next_due_at, one claim per subscription and day,
 * election (a second planner does not plan, on PostgreSQL's advisory lock when
 * TEST_DATABASE_URL is set), and the exactly-once rules a job applies to its row.
 */
import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { createDeliveryJobRunner, type Pacing } from "../../src/digest/delivery-job.js";
import { DeliveryError } from "../../src/digest/errors.js";
import { createPlanner, soleLeader, type DeliveryJob, type LeaderLock } from "../../src/digest/planner.js";
import { nextCheckAt, isDue } from "../../src/digest/schedule.js";
import { silentLogger } from "../../src/logger.js";
import { createPostgresStore, createStore, type Store } from "../../src/store/index.js";
import { createPgLeaderLock } from "../../src/store/postgres-leader.js";
import { fakeTime, fixtureChunks, recordingSender, tempDb } from "./helpers.js";

const PG_URL = process.env.TEST_DATABASE_URL;
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

function setup(startIso = "2026-03-07T12:00:00Z") {
  const time = fakeTime(startIso);
  const db = tempDb();
  const store = createStore(db.path, { now: time.now });
  cleanups.push(db.cleanup, () => store.close());
  const queued: DeliveryJob[] = [];
  const plannerFor = (leader: LeaderLock = soleLeader(), batchSize = 3) =>
    createPlanner({
      store,
      chunks: fixtureChunks(),
      logger: silentLogger,
      leader,
      enqueue: async (jobs) => void queued.push(...jobs),
      now: time.now,
      batchSize,
      // The fake queue never sends, so periodic sweeps would put everything back; only the one on election runs.
      sweepEveryMs: Number.POSITIVE_INFINITY,
      every: () => () => {},
    });
  return { time, store, queued, plannerFor };
}

async function subscribe(store: Store, chatId: number, time = "08:00", zone?: string) {
  const subscriber = await store.ensureSubscriber({ chatId });
  if (zone) await store.setTimeZone(subscriber.id, zone);
  await store.upsertSubscription({ subscriberId: subscriber.id, themeId: "tech", themeQuery: null, time });
  return subscriber;
}

const openPacing: Pacing = { chat: async () => ({ open: true }), send: async () => undefined };

describe("queue planner", () => {
  it("claims every due subscription in batches, in order, once per local day", async () => {
    const { time, store, queued, plannerFor } = setup();
    for (let chat = 1; chat <= 7; chat++) await subscribe(store, chat);
    await subscribe(store, 8, "09:00");
    const planner = plannerFor();
    time.set("2026-03-08T00:00:30Z"); // 08:00:30 in Shanghai
    const first = await planner.tick();
    expect(first).toMatchObject({ leader: true, looked: 8, due: 7, claimed: 7, enqueued: 7, batches: 3 });
    expect(queued.map((j) => j.chatId)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(new Set(queued.map((j) => j.deliveryId)).size).toBe(7);

    // The next minute reads nothing: the index says nobody is due before 09:00.
    time.set("2026-03-08T00:01:00Z");
    expect(await planner.tick()).toMatchObject({ looked: 0, claimed: 0 });
    time.set("2026-03-08T01:00:10Z");
    expect(await planner.tick()).toMatchObject({ looked: 1, claimed: 1 });
    expect(queued.at(-1)?.chatId).toBe(8);
    // The next day, everyone again.
    time.set("2026-03-09T01:00:10Z");
    expect(await planner.tick()).toMatchObject({ claimed: 8 });
  });

  it("does not read deactivated subscribers, and looks again when one comes back or changes zone", async () => {
    const { time, store, queued, plannerFor } = setup();
    const blocked = await subscribe(store, 1);
    const moved = await subscribe(store, 2);
    await store.deactivateSubscriber(blocked.id, "Forbidden: bot was blocked by the user");
    const planner = plannerFor();
    time.set("2026-03-08T00:00:30Z");
    expect(await planner.tick()).toMatchObject({ looked: 1, claimed: 1 });
    // 08:00 Shanghai is 00:00 UTC; in London 08:00 comes eight hours later, on the same date there.
    await store.setTimeZone(moved.id, "Europe/London");
    await store.activateSubscriber(blocked.id);
    time.set("2026-03-08T00:02:00Z");
    expect(await planner.tick()).toMatchObject({ looked: 2, claimed: 1 });
    expect(queued.map((j) => j.chatId)).toEqual([2, 1]);
    // Already sent for 8 March (a local date London shares): the next one is London's 9 March.
    time.set("2026-03-08T08:00:30Z");
    expect(await planner.tick()).toMatchObject({ looked: 0, claimed: 0 });
    time.set("2026-03-09T07:59:00Z");
    expect(await planner.tick()).toMatchObject({ claimed: 1 });
    time.set("2026-03-09T08:00:30Z");
    expect(await planner.tick()).toMatchObject({ claimed: 1 });
    expect(queued.map((j) => j.chatId)).toEqual([2, 1, 1, 2]);
  });

  it("only the elected planner plans", async () => {
    const { time, store, queued, plannerFor } = setup();
    await subscribe(store, 1);
    let held = false;
    const lock = (): LeaderLock => {
      let mine = false;
      return {
        acquire: async () => (mine ||= !held && (held = true)),
        release: async () => {
          if (mine) held = mine = false;
        },
      };
    };
    const a = plannerFor(lock());
    const b = plannerFor(lock());
    time.set("2026-03-08T00:00:30Z");
    expect(await a.tick()).toMatchObject({ leader: true });
    expect(await b.tick()).toMatchObject({ leader: false, looked: 0, claimed: 0 });
    await a.stop();
    time.set("2026-03-09T00:00:30Z");
    // Newly elected, it also sweeps: yesterday's row, never taken by a worker here, goes back on the queue.
    expect(await b.tick()).toMatchObject({ leader: true, claimed: 1, requeued: 1 });
    expect(queued).toHaveLength(3);
  });

  it("puts rows nobody took back on the queue after a crash (the job id keeps them single)", async () => {
    const { time, store, queued, plannerFor } = setup();
    await subscribe(store, 1);
    time.set("2026-03-08T00:00:30Z");
    await plannerFor().tick();
    queued.length = 0;
    // A new leader (the old one died before its jobs reached Redis) sweeps stale pending rows.
    time.set("2026-03-08T00:05:00Z");
    expect(await plannerFor().tick()).toMatchObject({ requeued: 1, claimed: 0 });
    expect(queued.map((j) => j.chatId)).toEqual([1]);
  });
});

describe.skipIf(!PG_URL)("planner election on PostgreSQL (pg_try_advisory_lock)", () => {
  it("a second planner does not plan while the first holds the lock, and takes over when it stops", async () => {
    const name = `leader_${randomUUID().replace(/-/g, "").slice(0, 12)}`;
    const admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    cleanups.push(async () => {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    });
    const url = new URL(PG_URL!);
    url.pathname = `/${name}`;
    const time = fakeTime("2026-03-07T12:00:00Z");
    const store = await createPostgresStore(url.toString(), { now: time.now });
    cleanups.push(() => store.close());
    await subscribe(store, 1);
    await subscribe(store, 2);
    const queued: DeliveryJob[] = [];
    const planner = (leader: LeaderLock) =>
      createPlanner({
        store,
        chunks: fixtureChunks(),
        logger: silentLogger,
        leader,
        enqueue: async (jobs) => void queued.push(...jobs),
        now: time.now,
        every: () => () => {},
      });
    const first = planner(createPgLeaderLock(url.toString(), `test-${name}`));
    const second = planner(createPgLeaderLock(url.toString(), `test-${name}`));
    cleanups.push(
      () => first.stop(),
      () => second.stop(),
    );
    time.set("2026-03-08T00:00:30Z");
    expect(await second.tick()).toMatchObject({ leader: true, claimed: 2 });
    expect(await first.tick()).toMatchObject({ leader: false, claimed: 0 });
    expect(await second.tick()).toMatchObject({ leader: true, claimed: 0 });
    await second.stop();
    time.set("2026-03-09T00:00:30Z");
    // Elected, it sweeps yesterday's rows (no worker ran here) back onto the queue, then plans today's.
    expect(await first.tick()).toMatchObject({ leader: true, claimed: 2, requeued: 2 });
    expect(queued.map((j) => j.chatId).sort()).toEqual([1, 1, 1, 2, 2, 2]);
  });
});

describe("queued delivery job", () => {
  async function planned() {
    const s = setup();
    await subscribe(s.store, 1);
    s.time.set("2026-03-08T00:00:30Z");
    await s.plannerFor().tick();
    const sender = recordingSender(s.time.clock);
    const runner = (send = sender.send, runId = "worker-a") =>
      createDeliveryJobRunner({ store: s.store, send, runId, logger: silentLogger });
    return { ...s, job: s.queued[0]!, sender, runner };
  }

  it("sends a row once: the same job again, or on another worker, does nothing", async () => {
    const { store, job, sender, runner } = await planned();
    expect(await runner()(job, { final: false, pacing: openPacing })).toMatchObject({ status: "sent" });
    expect(await runner()(job, { final: false, pacing: openPacing })).toEqual({ status: "done" });
    expect(await runner(sender.send, "worker-b")(job, { final: false, pacing: openPacing })).toEqual({
      status: "done",
    });
    expect(sender.sent).toHaveLength(1);
    expect(await store.getDelivery(job.deliveryId)).toMatchObject({ status: "sent", inFlight: false });
  });

  it("a row in flight when its worker died becomes unknown and is not resent", async () => {
    const { store, job, sender, runner } = await planned();
    // Worker A took the row and started the request; then it was killed.
    expect(await store.adoptDelivery(job.deliveryId, "queued", "worker-a")).toBe(true);
    expect(await store.markInFlight(job.deliveryId, "worker-a")).toBe(true);
    expect(await runner(sender.send, "worker-b")(job, { final: false, pacing: openPacing })).toMatchObject({
      status: "unknown",
    });
    expect(sender.sent).toHaveLength(0);
    expect(await store.getDelivery(job.deliveryId)).toMatchObject({ status: "unknown" });
  });

  it("a worker that died before the request leaves the row to the next one, which sends it", async () => {
    const { store, job, sender, runner } = await planned();
    expect(await store.adoptDelivery(job.deliveryId, "queued", "worker-a")).toBe(true);
    expect(await runner(sender.send, "worker-b")(job, { final: false, pacing: openPacing })).toMatchObject({
      status: "sent",
    });
    expect(sender.sent.map((m) => m.chatId)).toEqual([1]);
    // The first worker, still alive after all, cannot send it again.
    expect(await store.markInFlight(job.deliveryId, "worker-a")).toBe(false);
  });

  it("a 429 is thrown for the queue to pause, the row is not in flight, and the retry sends", async () => {
    const { store, job, runner, time } = await planned();
    let calls = 0;
    const flaky = recordingSender(time.clock, () => {
      if (++calls === 1)
        throw new DeliveryError("rate-limited", "429 Too Many Requests: retry after 3", { retryAfter: 3 });
    });
    await expect(runner(flaky.send)(job, { final: false, pacing: openPacing })).rejects.toMatchObject({
      kind: "rate-limited",
      retryAfter: 3,
    });
    expect(await store.getDelivery(job.deliveryId)).toMatchObject({ status: "pending", inFlight: false });
    expect(await runner(flaky.send, "worker-b")(job, { final: false, pacing: openPacing })).toMatchObject({
      status: "sent",
    });
    expect(flaky.sent).toHaveLength(1);
  });

  it("a chat that just got a message sends later; a blocked chat is deactivated; the last transient failure fails the row", async () => {
    const { store, job, sender, runner, time } = await planned();
    const closed: Pacing = { chat: async () => ({ open: false, waitMs: 400 }), send: async () => undefined };
    expect(await runner()(job, { final: false, pacing: closed })).toEqual({ status: "later", waitMs: 400 });
    expect(sender.sent).toHaveLength(0);
    expect(await store.getDelivery(job.deliveryId)).toMatchObject({ status: "pending", inFlight: false });

    const down = recordingSender(time.clock, () => {
      throw new DeliveryError("transient", "502 Bad Gateway");
    });
    await expect(runner(down.send)(job, { final: false, pacing: openPacing })).rejects.toMatchObject({
      kind: "transient",
    });
    expect(await runner(down.send)(job, { final: true, pacing: openPacing })).toMatchObject({ status: "failed" });

    const second = await planned();
    const gone = recordingSender(second.time.clock, () => {
      throw new DeliveryError("blocked", "403 Forbidden: bot was blocked by the user");
    });
    expect(await second.runner(gone.send)(second.job, { final: false, pacing: openPacing })).toMatchObject({
      status: "blocked",
    });
    expect(await second.store.getSubscriber(1)).toMatchObject({ active: false });
  });
});

describe("nextCheckAt", () => {
  it("is never after the first minute a subscription is due, across daylight-saving changes", () => {
    const cases = [
      { zone: "America/New_York", time: "02:30", from: "2026-03-07T12:00:00Z" }, // 02:30 does not exist on 8 March
      { zone: "America/New_York", time: "01:30", from: "2026-10-31T12:00:00Z" }, // 01:30 happens twice on 1 November
      { zone: "Europe/London", time: "08:00", from: "2026-03-28T09:00:00Z" },
      { zone: "Asia/Shanghai", time: "23:59", from: "2026-03-07T16:00:00Z" },
    ];
    for (const { zone, time, from } of cases) {
      let now = new Date(from);
      // As the planner calls it: for a subscription just claimed (or not due) at `now`.
      let lastLocalDate: string | undefined = new Intl.DateTimeFormat("sv-SE", { timeZone: zone }).format(now);
      for (let day = 0; day < 3; day++) {
        const next = nextCheckAt({ now, zone, time, lastLocalDate });
        // Walk minute by minute: nothing may be due between now and the planned look.
        let firstDue: Date | undefined;
        for (let t = now.getTime() + 60_000; t <= now.getTime() + 3 * 86_400_000; t += 60_000) {
          if (isDue({ now: new Date(t), zone, time, lastLocalDate })) {
            firstDue = new Date(t);
            break;
          }
        }
        expect(firstDue, `${zone} ${time} from ${now.toISOString()}`).toBeDefined();
        expect(next.getTime(), `${zone} ${time} from ${now.toISOString()}`).toBeLessThanOrEqual(
          firstDue!.getTime() + 60_000,
        );
        // The look lands within the hour before it is due (not a minute-by-minute poll all day).
        expect(firstDue!.getTime() - next.getTime()).toBeLessThanOrEqual(3_600_000);
        now = firstDue!;
        lastLocalDate = new Intl.DateTimeFormat("sv-SE", { timeZone: zone }).format(now);
      }
    }
  });
});
