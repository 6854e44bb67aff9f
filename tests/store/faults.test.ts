/**
 * Store faults a user would notice: a SQLite lock held by another process, the database
 * file deleted while the bot runs, and a read-only database at start-up.
 */
import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, rmSync } from "node:fs";
import { dirname } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createStore, StoreError } from "../../src/store/index.js";
import { tempDb } from "../digest/helpers.js";
import { holdLock as holdLockIn, type LockHolder } from "../fixtures/sqlite-lock.js";

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/** A second process that takes the write lock and holds it for `ms`; resolves once it holds it. */
async function holdLock(path: string, ms: number): Promise<LockHolder> {
  const holder = await holdLockIn(path, ms);
  cleanups.push(() => holder.kill());
  return holder;
}

/**
 * A database whose file system refuses writes: as root (CI), for whom permissions do not
 * count, a small tmpfs remounted read-only; as anyone else, a file and folder without write
 * permission. Undefined when neither can be arranged (root where mounting is not allowed).
 */
async function readOnlyDatabase(): Promise<string | undefined> {
  const db = tempDb();
  cleanups.push(db.cleanup);
  const dir = dirname(db.path);
  const root = process.getuid?.() === 0;
  if (root) {
    try {
      mkdirSync(dir, { recursive: true });
      execFileSync("mount", ["-t", "tmpfs", "-o", "size=4m", "tmpfs", dir], { stdio: "ignore" });
    } catch {
      return undefined;
    }
    // Lazily: the refused open may keep a descriptor until it is collected.
    cleanups.push(() => execFileSync("umount", ["-l", dir]));
  }
  await createStore(db.path).close();
  if (root) {
    execFileSync("mount", ["-o", "remount,ro", dir]);
  } else {
    chmodSync(db.path, 0o444);
    chmodSync(dir, 0o555);
    cleanups.push(() => chmodSync(dir, 0o755));
  }
  return db.path;
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
    const holder = await holdLock(db.path, 60_000);
    const error = await store.ensureSubscriber({ chatId: 2 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).code).toBe("busy");
    expect((error as StoreError).text("en")).toMatch(/busy; please try again/);
    // The other process ends (its transaction rolled back): the lock is free again.
    holder.kill();
    await holder.done;
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
    const error = await store
      .upsertSubscription({ subscriberId: 1, themeId: "tech", themeQuery: null, time: "08:00" })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: "StoreError", code: "gone" });
    expect((error as Error).message).toContain("DATABASE_PATH");
    await expect(store.getSubscriber(1)).rejects.toMatchObject({ code: "gone" });
    expect(told).toHaveLength(1);
  });

  it("a read-only database at start-up: one line naming DATABASE_PATH", async ({ skip }) => {
    const path = await readOnlyDatabase();
    if (path === undefined) return skip("neither a read-only mount nor file permissions can be arranged here");
    expect(() => createStore(path)).toThrow(/^Cannot write the database DATABASE_PATH=.*writable place\.$/);
  });
});
