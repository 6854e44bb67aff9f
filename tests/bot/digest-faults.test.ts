/**
 * Digest faults as an admin and a subscriber see them, through the Bot API emulator: a bot
 * process killed mid-broadcast (one delivery before its hand-over to the HTTP client, one
 * after), then restarted on the same SQLite file; and a command while a second process
 * holds the database's write lock.
 */
import { spawn } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

import { afterEach, describe, expect, it } from "vitest";

import { holdLock } from "../fixtures/sqlite-lock.js";
import { ADMIN_ID, say, useDigestHarness } from "./helpers/digest-harness.js";
import { TOKEN } from "./helpers/harness.js";

const start = useDigestHarness();
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/** A Bot API root that takes requests and never answers them, recording each one's chat. */
async function silentApi(): Promise<{ url: string; chats: number[] }> {
  const chats: number[] = [];
  const server: Server = createServer((req) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
    req.on("end", () => chats.push(Number((JSON.parse(body) as { chat_id: unknown }).chat_id)));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  cleanups.push(() => {
    server.closeAllConnections();
    return new Promise((resolve) => server.close(resolve));
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, chats };
}

/** Waits until `condition` holds, polling. */
async function until(condition: () => boolean, what: string, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const isDigest = (text: string | undefined) => text?.includes("科技创新 每日摘要") === true;

describe("a bot process killed mid-broadcast", () => {
  it("resends the digest that was not yet handed over, exactly once; lists the one handed over in /stats, and /resend delivers it", async () => {
    const { server, scheduler, store, wall, dbPath } = await start({ startIso: "2026-06-01T09:00:00Z" });
    const handedOver = server.createUser({ language_code: "zh-hans" });
    const notYet = server.createUser({ language_code: "zh-hans" });
    const admin = server.createUser({ id: ADMIN_ID, language_code: "zh-hans" });
    await say(server, handedOver, "/subscribe 科技创新 08:00");
    await say(server, notYet, "/subscribe 科技创新 08:00");

    // 08:00:30 in Shanghai the next day: a second process on the same file starts the broadcast.
    const api = await silentApi();
    const child = spawn(process.execPath, ["--import", "tsx", "tests/fixtures/digest-process.ts"], {
      env: {
        ...process.env,
        DATABASE_PATH: dbPath,
        NOW_ISO: "2026-06-02T00:00:30Z",
        TELEGRAM_BOT_TOKEN: TOKEN,
        TELEGRAM_API_ROOT: api.url,
        PAUSE_CHAT_ID: String(notYet.id),
      },
      stdio: ["ignore", "pipe", "inherit"],
    });
    cleanups.push(() => child.kill("SIGKILL"));
    let stdout = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
    const exited = new Promise((resolve) => child.once("exit", resolve));
    // One request reached "Telegram" (and is never answered); the other stopped right before its hand-over.
    await until(
      () => api.chats.includes(handedOver.id) && stdout.includes("paused"),
      "the process to be mid-broadcast",
    );
    child.kill("SIGKILL");
    await exited;
    expect(api.chats).toEqual([handedOver.id]);

    // The restart, five minutes later (past the orphan timeout).
    wall.set("2026-06-02T00:05:00Z");
    expect(await scheduler.tick()).toMatchObject({ resumed: 1, unknown: 1, sent: 1 });
    expect(server.messagesIn(notYet.id).filter((m) => isDigest(m.text))).toHaveLength(1);
    expect(server.messagesIn(handedOver.id).filter((m) => isDigest(m.text))).toHaveLength(0);
    // Nothing more on the next ticks: the resent one is not sent again, the unknown one is left to the admin.
    wall.set("2026-06-02T00:06:00Z");
    expect(await scheduler.tick()).toMatchObject({ claimed: 0, resumed: 0, unknown: 0 });
    expect(server.messagesIn(notYet.id).filter((m) => isDigest(m.text))).toHaveLength(1);

    const [unknown] = await store.listDeliveries((await store.getSubscriber(handedOver.id))!.id);
    expect(unknown).toMatchObject({ status: "unknown" });
    expect(unknown!.handedOverAt).not.toBeNull();
    const stats = (await say(server, admin, "/stats")).text!;
    expect(stats).toContain("结果未知 1");
    expect(stats).toContain(`#${unknown!.id} chat ${handedOver.id} · `);
    expect(stats).toContain("/resend");

    expect((await say(server, admin, `/resend ${unknown!.id}`)).text).toBe(`已重发 #${unknown!.id}。`);
    expect(server.messagesIn(handedOver.id).filter((m) => isDigest(m.text))).toHaveLength(1);
    // Once resent it is no longer unknown: a second /resend sends nothing.
    expect((await say(server, admin, `/resend ${unknown!.id}`)).text).toContain("不是送达未知的摘要");
    expect(server.messagesIn(handedOver.id).filter((m) => isDigest(m.text))).toHaveLength(1);
    expect((await say(server, admin, "/stats")).text).not.toContain(`#${unknown!.id} chat`);
  }, 60_000);
});

describe("a SQLite lock held by a second process", () => {
  it("a /subscribe gets 'busy, try again' at once while questions are still answered; after the lock, the same command lands", async () => {
    const { server, store, dbPath } = await start({ busyRetryMs: 300 });
    const user = server.createUser({ language_code: "zh-hans" });
    const other = server.createUser({ language_code: "zh-hans" });
    await say(server, user, "/timezone 上海"); // the subscriber row exists; the lock now blocks the subscription itself
    const lock = await holdLock(dbPath, 60_000);
    cleanups.push(() => lock.kill());

    const started = Date.now();
    expect((await say(server, user, "/subscribe 科技创新 08:00")).text).toBe("数据库正忙，请几秒后再试一次。");
    expect(Date.now() - started).toBeLessThan(2000);
    expect((await say(server, other, "2024年的座谈会在哪里举行？")).text).toContain("温州");

    lock.kill();
    await lock.done;
    expect((await say(server, user, "/subscribe 科技创新 08:00")).text).toContain("已订阅“科技创新”：每天 08:00");
    expect(await store.listSubscriptions((await store.getSubscriber(user.id))!.id)).toHaveLength(1);
  }, 30_000);
});
