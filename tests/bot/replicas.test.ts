/**
 * Scale-out, end to end: two real bot processes (`src/main.ts`, webhook mode) behind a round-robin
 * proxy, against the Bot API emulator, sharing a real Redis. A user's follow-up is understood
 * whichever replica gets it, the rate limit counts across replicas, each update is finished before
 * its webhook request is answered (so the next update of the chat comes after it), and
 * `npm run ingest` on the running deployment interrupts no answer while both replicas move to
 * the same new build. Runs when TEST_REDIS_URL is set.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { copyFileSync, cpSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { createBotApiServer, type BotApiServer } from "bot-api-emulator";
import type { Message, User } from "grammy/types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { entryArgs, FIXTURES, readManifest, sharedIndexCopy, writeManifest } from "../fixtures/helpers.js";
import { startRoundRobinProxy, type RoundRobinProxy } from "../helpers/round-robin-proxy.js";

const REDIS_URL = process.env["TEST_REDIS_URL"];
const TOKEN = "123456:TEST-token-for-the-replica-tests-abcdefgh";
const SECRET = "replica_secret-0123456789";
/** Ports of the two replicas (this suite's range is 47200–47299). */
const PORTS = [47211, 47212];
const RATE_LIMIT = 3;

interface Replica {
  child: ChildProcess;
  output: () => string;
  exit: Promise<number | null>;
}

let dir: string;
let server: BotApiServer;
let proxy: RoundRobinProxy;
let replicas: Replica[] = [];
let env: NodeJS.ProcessEnv;

function startReplica(port: number, index: number): Replica {
  const child = spawn(process.execPath, entryArgs("main"), {
    env: { ...env, PORT: String(port), DATABASE_PATH: join(dir, `replica-${index}`, "bot.sqlite") },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (out += d.toString()));
  const exit = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, output: () => out, exit };
}

async function until(condition: () => boolean | Promise<boolean>, what: string, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline)
      throw new Error(
        `timed out waiting for ${what}; replica output:\n${replicas.map((r) => r.output()).join("\n---\n")}`,
      );
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const healthy = async (port: number) => {
  try {
    return (await fetch(`http://127.0.0.1:${port}/healthz`)).ok;
  } catch {
    return false;
  }
};

/** A user no earlier run of this suite used (chat state in Redis outlives a run). */
const newUser = (): User =>
  server.createUser({ id: 900_000_000 + Math.floor(Math.random() * 90_000_000), language_code: "zh-hans" });

/** The bot's next message in the user's chat after `question` (every answer asked here fits one message). */
async function ask(user: User, question: string): Promise<Message> {
  const seen = Math.max(0, ...server.messagesIn(user.id).map((m) => m.message_id));
  server.sendMessage(user, user, question);
  return server.waitForMessage(user.id, (m) => m.message_id > seen && m.from?.is_bot === true, 30_000);
}

/** The updates of one chat as the proxy served them, in arrival order. */
const updatesOf = (chatId: number) =>
  proxy.log.filter(
    (r) =>
      r.path === "/telegram" &&
      (JSON.parse(r.body) as { message?: { chat: { id: number } } }).message?.chat.id === chatId,
  );

describe.skipIf(REDIS_URL === undefined)("two webhook replicas behind a load balancer", () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "bot-replicas-"));
    cpSync("corpus", join(dir, "corpus"), { recursive: true });
    sharedIndexCopy(dir);
    server = createBotApiServer();
    const { url } = await server.start();
    proxy = await startRoundRobinProxy(PORTS.map((port) => `http://127.0.0.1:${port}`));
    env = {
      ...process.env,
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_API_ROOT: url,
      BOT_MODE: "webhook",
      WEBHOOK_URL: `${proxy.url}/telegram`,
      WEBHOOK_SECRET: SECRET,
      REDIS_URL,
      RATE_LIMIT_PER_MINUTE: String(RATE_LIMIT),
      CORPUS_DIR: join(dir, "corpus"),
      INDEX_DIR: join(dir, "index"),
      OPENAI_API_KEY: "",
      DATABASE_URL: "",
      LOG_LEVEL: "info",
    };
    replicas = PORTS.map((port, i) => startReplica(port, i));
    for (const port of PORTS) await until(() => healthy(port), `replica on ${port}`, 90_000);
    await until(() => server.callsTo("setWebhook").length >= 2, "both replicas registering the webhook");
  }, 120_000);

  afterAll(async () => {
    for (const replica of replicas) replica.child.kill("SIGTERM");
    await Promise.all(replicas.map((r) => r.exit));
    await proxy?.stop();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  it("understands a follow-up on the other replica, and answers each update before the next of its chat arrives", async () => {
    const user = newUser();
    const first = await ask(user, "2021年的座谈会在哪里举行？");
    expect(first.text).toMatch(/^2021年度座谈会在江苏无锡举行/u);
    const second = await ask(user, "那2022年呢？");
    // Resolved against the previous question ("2022年的座谈会在哪里举行？"), so it is answered like that question.
    expect(second.text).toMatch(/^2022年度座谈会在上海举行/u);
    await until(() => updatesOf(user.id).every((r) => r.endedAt !== undefined), "the webhook requests answered");
    const [a, b] = updatesOf(user.id);
    expect(a!.backend).not.toBe(b!.backend);
    expect([a!.status, b!.status]).toEqual([200, 200]);
    // The first update's answer was sent before its webhook request was answered, and the follow-up came after that.
    const firstAnswer = server
      .callsTo("sendMessage")
      .find((c) => c.params["chat_id"] === user.id && c.params["reply_markup"] !== undefined);
    expect(firstAnswer!.at).toBeLessThanOrEqual(a!.endedAt!);
    expect(b!.startedAt).toBeGreaterThanOrEqual(a!.endedAt!);

    // Without the earlier turn the same words get another answer, so the one above came from the shared memory.
    const cold = await ask(newUser(), "那2022年呢？");
    expect(cold.text).not.toMatch(/^2022年度座谈会在上海举行/u);
  });

  it("counts a user's questions across both replicas", async () => {
    const user = newUser();
    const replies: string[] = [];
    for (let i = 0; i <= RATE_LIMIT; i++) replies.push((await ask(user, "2024年的座谈会在哪里举行？")).text ?? "");
    expect(replies.slice(0, RATE_LIMIT).every((text) => text.includes("温州"))).toBe(true);
    expect(replies[RATE_LIMIT]).toMatch(/提问有点频繁，请 \d+ 秒后再试/u);
    expect(new Set(updatesOf(user.id).map((r) => r.backend)).size).toBe(2);
  });

  it("keeps answering while npm run ingest publishes a new build, and both replicas then answer from it", async () => {
    const corpus = join(dir, "corpus");
    copyFileSync(join(FIXTURES, "2026-newspaper-page.txt"), join(corpus, "2026-newspaper-page.txt"));
    const manifest = readManifest(corpus) as { reports: unknown[] };
    writeManifest(corpus, {
      ...manifest,
      reports: [...manifest.reports, { file: "2026-newspaper-page.txt", id: "2026-shanghai" }],
    });
    const newOnly = "赵启明担任什么职务？";
    expect((await ask(newUser(), newOnly)).text).toContain("报道中没有找到");

    const ingest = spawn(process.execPath, entryArgs("cli/ingest"), {
      env,
      stdio: ["ignore", "ignore", "pipe"],
    });
    let ingestErr = "";
    ingest.stderr.on("data", (d: Buffer) => (ingestErr += d.toString()));
    const ingested = new Promise<number | null>((resolve) => ingest.on("exit", resolve));
    const switched = () => replicas.every((r) => r.output().includes("switched to a new index build"));

    // Questions from many users, several in flight at any time, until both replicas have switched and a little after.
    const answers: Promise<Message>[] = [];
    let after = 0;
    while (after < 6) {
      answers.push(ask(newUser(), "2024年的座谈会在哪里举行？"), ask(newUser(), "2024年的座谈会在哪里举行？"));
      await new Promise((resolve) => setTimeout(resolve, 40));
      if (switched()) after++;
      if (answers.length > 2000) throw new Error(`the replicas never switched; ingest said:\n${ingestErr}`);
    }
    expect(await ingested).toBe(0);
    const texts = (await Promise.all(answers)).map((m) => m.text ?? "");
    expect(texts.filter((text) => !text.includes("温州"))).toEqual([]);

    // Both replicas serve the build CURRENT names; the one before was let go.
    const current = readFileSync(join(dir, "index", "CURRENT"), "utf8").trim();
    let spanning = 0;
    for (const [i, replica] of replicas.entries()) {
      const line = replica
        .output()
        .split("\n")
        .find((l) => l.includes("switched to a new index build"));
      const switch_ = JSON.parse(line!) as { build: string; time: string };
      expect(switch_.build).toBe(current);
      await until(() => replica.output().includes("released the previous index build"), "the old build released");
      const at = Date.parse(switch_.time);
      spanning += proxy.log.filter((r) => r.backend === i && r.startedAt < at && (r.endedAt ?? Infinity) > at).length;
    }
    // Some of the questions answered above were in flight on a replica at the moment it switched.
    expect(spanning).toBeGreaterThan(0);
    const fresh = [await ask(newUser(), newOnly), await ask(newUser(), newOnly)];
    for (const reply of fresh) expect(reply.text).toContain("江苏省委副书记、省长赵启明");
    expect(new Set(proxy.log.slice(-2).map((r) => r.backend)).size).toBe(2);
  }, 180_000);
});
