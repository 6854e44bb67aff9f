/**
 * The scale-out broadcast: 20,000 subscribers of one theme (1,000 in `npm test`, see SUBSCRIBERS), planned onto BullMQ and sent by
 * two worker processes (real child processes, real PostgreSQL and Redis) to a local
 * Telegram stand-in that records arrival times. One worker is killed with SIGKILL a third
 * of the way through; the other takes its jobs over once their locks expire.
 *
 * Time runs 20× faster (the queue's limiter, per-chat interval and send window are scaled;
 * only the 100 ms jitter margin stays real, so the accelerated run sends at ~10 msg/s of
 * Telegram's time instead of ~27). Rolling seconds are counted in that scaled time.
 * Runs when TEST_REDIS_URL and TEST_DATABASE_URL are set (.ci/run sets both), else skipped.
 */
import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterEach, describe, expect, inject, it } from "vitest";
import * as sourceHarness from "../../src/bench/queue.js";
import { createPostgresStore } from "../../src/store/index.js";
import { fixtureChunks } from "../digest/helpers.js";

/**
 * The harness starts the stand-in and the workers as child processes of its own kind: from dist/ when
 * imported from there (as `npm run bench` does), through tsx when imported from src/. dist/ is used
 * when tests/global-setup.ts found it up to date with the sources, so each start saves tsx's half second.
 */
const { benchQueueBroadcast, worstWindow }: typeof sourceHarness = inject("distIsFresh")
  ? await import(new URL("../../dist/bench/queue.js", import.meta.url).href)
  : sourceHarness;
const REDIS_URL = process.env.TEST_REDIS_URL;
/**
 * `npm test` proves the rules on 1,000 subscribers (about 10 s): over 30 s of Telegram's time at the
 * limit, a kill a third of the way, with both workers busy throughout, so every rule below is still
 * exercised. `npm run test:scale`, which CI runs after it, proves them on 20,000 (about two minutes),
 * so the everyday suite stays under two minutes.
 */
const SUBSCRIBERS = Number(process.env.BROADCAST_SUBSCRIBERS ?? 1_000);
const PG_URL = process.env.TEST_DATABASE_URL;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/** A fresh database on the test server, dropped after the test. */
async function freshDatabase(): Promise<string> {
  const name = `broadcast_${randomUUID().replace(/-/g, "").slice(0, 12)}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  cleanups.push(async () => {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  });
  const url = new URL(PG_URL!);
  url.pathname = `/${name}`;
  return url.toString();
}

/** n subscribers (chat ids 1..n) to `tech` at 08:00 Shanghai, made the evening before — in two statements, not 2n. */
async function seedSql(url: string, n: number, themes: readonly string[] = ["tech"]): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const madeAt = "2026-03-07T12:00:00.000Z";
    await client.query(
      `INSERT INTO subscribers (chat_id, user_id, language, time_zone, created_at)
       SELECT i, i, 'zh', 'Asia/Shanghai', $2 FROM generate_series(1, $1::int) AS i`,
      [n, madeAt],
    );
    for (const theme of themes) {
      await client.query(
        `INSERT INTO subscriptions (subscriber_id, theme_id, time, created_at, next_due_at)
         SELECT id, $2, '08:00', $1, $1 FROM subscribers`,
        [madeAt, theme],
      );
    }
  } finally {
    await client.end();
  }
}

/** Chat ids whose delivery row has `status`. */
async function chatsWith(url: string, status: string): Promise<number[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ chat_id: string }>(
      "SELECT s.chat_id FROM deliveries d JOIN subscribers s ON s.id = d.subscriber_id WHERE d.status = $1",
      [status],
    );
    return rows.map((r) => Number(r.chat_id));
  } finally {
    await client.end();
  }
}

describe.skipIf(!REDIS_URL || !PG_URL)("queued digest broadcast (PostgreSQL + Redis, two worker processes)", () => {
  it(`${SUBSCRIBERS.toLocaleString("en")} subscribers: no rolling second over 30, one digest each, through a kill -9 of one worker`, async () => {
    const url = await freshDatabase();
    const subscribers = SUBSCRIBERS;
    let killedPid: number | undefined;
    const result = await benchQueueBroadcast({
      redisUrl: REDIS_URL!,
      subscribers,
      workers: 2,
      timeScale: 20,
      database: { url, path: "" },
      openStore: (now) => createPostgresStore(url, { now }),
      seed: (n) => seedSql(url, n),
      // A killed worker's jobs go back to the queue 2 s after its last lock renewal.
      lockDurationMs: 2000,
      midway: {
        at: Math.round(subscribers / 3),
        run: (workers) => {
          killedPid = workers[0]!.pid;
          workers[0]!.kill();
        },
      },
      timeoutMs: 240_000,
    });
    const { perChat, arrivals: _arrivals, ...figures } = result;
    console.info("queue broadcast", JSON.stringify(figures));

    expect(killedPid).toBeDefined();
    expect(result.worstRollingSecond).toBeLessThanOrEqual(30);
    expect(result.duplicates).toBe(0);
    // Every row ended: sent, or unknown — in flight at the kill, so never resent (the documented rule).
    expect(result.rows).toMatchObject({ pending: 0, failed: 0, blocked: 0 });
    expect(result.rows.sent + result.rows.unknown).toBe(subscribers);
    // Only requests of the killed worker can be in flight at the kill: at most its 16 concurrent jobs.
    expect(result.unknown).toBeLessThanOrEqual(16);
    const sent = await chatsWith(url, "sent");
    expect(sent).toHaveLength(result.rows.sent);
    expect(sent.filter((chat) => perChat.get(chat) !== 1)).toEqual([]);
    // Nobody was missed except, possibly, a subscriber whose row is unknown.
    const unknown = new Set(await chatsWith(url, "unknown"));
    const missed = Array.from({ length: subscribers }, (_, i) => i + 1).filter((chat) => !perChat.has(chat));
    expect(missed.filter((chat) => !unknown.has(chat))).toEqual([]);
  }, 300_000);

  it("a 429 pauses the queue and the digest goes out after it, once", async () => {
    const url = await freshDatabase();
    const limited = [3, 50, 120];
    const result = await benchQueueBroadcast({
      redisUrl: REDIS_URL!,
      subscribers: 300,
      workers: 2,
      timeScale: 20,
      database: { url, path: "" },
      openStore: (now) => createPostgresStore(url, { now }),
      seed: (n) => seedSql(url, n),
      tooManyRequestsOnce: limited,
      timeoutMs: 60_000,
    });
    expect(result.rateLimited).toBe(limited.length);
    expect(result.rows).toMatchObject({ sent: 300, pending: 0, failed: 0, unknown: 0 });
    expect(result.duplicates).toBe(0);
    expect(result.missed).toBe(0);
    expect(limited.map((chat) => result.perChat.get(chat))).toEqual([1, 1, 1]);
    expect(result.worstRollingSecond).toBeLessThanOrEqual(30);
  }, 90_000);

  it("two digests due at once for one chat arrive at least a second apart, whichever workers send them", async () => {
    const url = await freshDatabase();
    const timeScale = 20;
    const result = await benchQueueBroadcast({
      redisUrl: REDIS_URL!,
      subscribers: 60,
      workers: 2,
      timeScale,
      database: { url, path: "" },
      openStore: (now) => createPostgresStore(url, { now }),
      seed: (n) => seedSql(url, n, ["tech", "ecology"]),
      chunks: fixtureChunks(),
      timeoutMs: 60_000,
    });
    expect(result.claimed).toBe(120);
    expect(result.rows).toMatchObject({ sent: 120, pending: 0, failed: 0, unknown: 0 });
    const byChat = new Map<number, number[]>();
    for (const a of result.arrivals) byChat.set(a.chatId, [...(byChat.get(a.chatId) ?? []), a.at * timeScale]);
    expect([...byChat.values()].map((times) => times.length)).toEqual(Array(60).fill(2));
    const gaps = [...byChat.values()].map(([a, b]) => Math.abs(b! - a!));
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(1000);
  }, 90_000);
});

describe("worstWindow", () => {
  it("counts the most arrivals in any window, wherever it starts", () => {
    expect(worstWindow([0, 10, 990, 1000, 1500, 1990], 1000)).toBe(3);
    expect(worstWindow([], 1000)).toBe(0);
    expect(
      worstWindow(
        Array.from({ length: 61 }, (_, i) => i * 33.4),
        1000,
      ),
    ).toBe(30);
  });
});
