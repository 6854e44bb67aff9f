/**
 * Store faults a user would notice: a SQLite lock held by another process, the database
 * file deleted while the bot runs, and a read-only database at start-up.
 */
import { spawn } from "node:child_process";
import { chmodSync, rmSync } from "node:fs";
import { dirname } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createStore, StoreError } from "../../src/store/index.js";
import { tempDb } from "../digest/helpers.js";

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/** A second process that takes the write lock and holds it for `ms`; resolves once it holds it. */
function holdLock(path: string, ms: number): Promise<{ done: Promise<void> }> {
  const script = `
    const Database = require("better-sqlite3");
    const db = new Database(process.argv[1]);
    db.exec("BEGIN IMMEDIATE");
    process.stdout.write("locked\\n");
    setTimeout(() => { db.exec("COMMIT"); db.close(); }, Number(process.argv[2]));`;
  const child = spawn(process.execPath, ["-e", script, path, String(ms)], { stdio: ["ignore", "pipe", "inherit"] });
  cleanups.push(() => child.kill("SIGKILL"));
  const done = new Promise<void>((resolve) => child.on("exit", () => resolve()));
  return new Promise((resolve) => child.stdout.once("data", () => resolve({ done })));
}

describe("store faults (SQLite)", () => {
  it("a lock held by another process: other work keeps running, the write waits asynchronously and lands", async () => {
    const db = tempDb();
    cleanups.push(db.cleanup);
    const store = createStore(db.path, { busyRetryMs: 5000 });
    cleanups.push(() => store.close());
    const { done } = await holdLock(db.path, 1000);
    let last = Date.now();
    let longestStall = 0;
    const timer = setInterval(() => {
      longestStall = Math.max(longestStall, Date.now() - last);
      last = Date.now();
    }, 20);
    const started = Date.now();
    const subscriber = await store.ensureSubscriber({ chatId: 1 });
    clearInterval(timer);
    expect(Date.now() - started).toBeGreaterThan(500);
    // The event loop stalled at most one short busy_timeout (200 ms) at a time, not the
    // whole wait: a question in another chat is answered meanwhile (it used to stall 5 s).
    expect(longestStall).toBeLessThan(450);
    expect((await store.getSubscriber(1))?.id).toBe(subscriber.id);
    await done;
  });

  it("a lock held longer than the retries: a StoreError 'busy' with a try-again text, nothing half-written", async () => {
    const db = tempDb();
    cleanups.push(db.cleanup);
    const store = createStore(db.path, { busyRetryMs: 600 });
    cleanups.push(() => store.close());
    const { done } = await holdLock(db.path, 2500);
    const error = await store.ensureSubscriber({ chatId: 2 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).code).toBe("busy");
    expect((error as StoreError).text("en")).toMatch(/busy; please try again/);
    await done;
    expect(await store.getSubscriber(2)).toBeUndefined();
    expect((await store.ensureSubscriber({ chatId: 2 })).chatId).toBe(2);
  });

  it("the file deleted while running: the next write is refused (not confirmed and lost) and logged once", async () => {
    const db = tempDb();
    cleanups.push(db.cleanup);
    const told: string[] = [];
    const store = createStore(db.path, { onGone: (m) => told.push(m) });
    cleanups.push(() => store.close());
    await store.ensureSubscriber({ chatId: 1 });
    rmSync(db.path);
    const error = await store.upsertSubscription({ subscriberId: 1, themeId: "tech", themeQuery: null, time: "08:00" }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: "StoreError", code: "gone" });
    expect((error as Error).message).toContain("DATABASE_PATH");
    await expect(store.getSubscriber(1)).rejects.toMatchObject({ code: "gone" });
    expect(told).toHaveLength(1);
  });

  it.skipIf(process.getuid?.() === 0)("a read-only database at start-up: one line naming DATABASE_PATH", async () => {
    const db = tempDb();
    cleanups.push(db.cleanup);
    const first = createStore(db.path);
    await first.close();
    chmodSync(db.path, 0o444);
    chmodSync(dirname(db.path), 0o555);
    cleanups.push(() => chmodSync(dirname(db.path), 0o755));
    expect(() => createStore(db.path)).toThrow(/DATABASE_PATH=.*writable/);
  });
});
