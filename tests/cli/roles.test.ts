/**
 * The process roles of one image: `ROLE=planner` and `ROLE=worker` started as the real
 * entry point (src/main.ts), sharing a SQLite file and the Redis at TEST_REDIS_URL, deliver
 * a due daily digest to the local Bot API emulator; a bare `ROLE=worker` without REDIS_URL
 * refuses to start with a line naming the variable. The Redis half is skipped without it.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createBotApiServer } from "bot-api-emulator";
import { afterEach, describe, expect, it } from "vitest";
import { createStore } from "../../src/store/index.js";
import { CORPUS, entryArgs, sharedIndexCopy } from "../fixtures/helpers.js";

const REDIS_URL = process.env.TEST_REDIS_URL;
const TOKEN = "123456:roles-test-token-for-the-local-emulator";
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

function start(env: NodeJS.ProcessEnv): { child: ChildProcess; output: () => string; exit: Promise<number | null> } {
  const child = spawn(process.execPath, entryArgs("main"), {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (out += d.toString()));
  const exit = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  cleanups.push(async () => {
    if (child.exitCode === null) child.kill("SIGKILL");
    await exit;
  });
  return { child, output: () => out, exit };
}

describe("process roles", () => {
  it("ROLE=worker without REDIS_URL stops at once, naming the variable", async () => {
    const worker = start({ ROLE: "worker", REDIS_URL: "", TELEGRAM_BOT_TOKEN: TOKEN });
    expect(await worker.exit).toBe(1);
    expect(worker.output()).toMatch(/ROLE=worker needs REDIS_URL/);
  }, 30_000);

  it.skipIf(!REDIS_URL)(
    "a planner and a worker process deliver a due digest through the queue, and stop on SIGTERM",
    async () => {
      const dir = mkdtempSync(join(tmpdir(), "roles-"));
      cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
      const databasePath = join(dir, "bot.sqlite");
      // Subscribed yesterday at 00:00 in the bot's zone: due now, whatever the time of day.
      const store = createStore(databasePath, { now: () => new Date(Date.now() - 86_400_000) });
      const subscriber = await store.ensureSubscriber({ chatId: 4242, userId: 4242 });
      await store.upsertSubscription({ subscriberId: subscriber.id, themeId: "tech", themeQuery: null, time: "00:00" });
      await store.close();
      const server = createBotApiServer();
      const { url } = await server.start(0);
      cleanups.push(() => server.stop());
      server.createUser({ id: 4242 });
      // Each test run gets its own Redis keys: the queue's prefix is fixed, so use a Redis database of its own.
      const redis = new URL(REDIS_URL!);
      redis.pathname = `/${1 + (Number.parseInt(randomUUID().slice(0, 4), 16) % 15)}`;
      const env = {
        TELEGRAM_BOT_TOKEN: TOKEN,
        TELEGRAM_API_ROOT: url,
        REDIS_URL: redis.toString(),
        DATABASE_URL: "",
        DATABASE_PATH: databasePath,
        CORPUS_DIR: CORPUS,
        INDEX_DIR: sharedIndexCopy(dir),
        OPENAI_API_KEY: "",
        LOG_LEVEL: "info",
      };
      const worker = start({ ...env, ROLE: "worker" });
      const planner = start({ ...env, ROLE: "planner" });
      const digest = await server.waitForMessage(4242, undefined, 40_000);
      expect(digest.text).toMatch(/科技创新/);
      planner.child.kill("SIGTERM");
      worker.child.kill("SIGTERM");
      expect(await planner.exit).toBe(0);
      expect(await worker.exit).toBe(0);
      expect(planner.output()).toMatch(/running as the digest planner/);
      expect(worker.output()).toMatch(/running as the digest worker/);
      const after = createStore(databasePath);
      cleanups.push(() => after.close());
      expect((await after.listDeliveries(subscriber.id)).map((d) => d.status)).toEqual(["sent"]);
      expect(server.messagesIn(4242)).toHaveLength(1);
    },
    90_000,
  );
});
