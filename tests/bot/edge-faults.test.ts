/**
 * Faults at the edges, each reproduced against real local servers: an unreachable or
 * HTML-speaking TELEGRAM_API_ROOT (bounded retries, one line naming the URL, exit 1),
 * hostile webhook requests (10 MB body, malformed JSON, a flood of wrong secrets), and
 * non-essential calls that must not be retried (setMyCommands at start-up, the typing
 * action after the answer).
 */
import { spawn } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

import { createBot } from "../../src/bot/bot.js";
import { startBot, type BotHandle } from "../../src/bot/start.js";
import { StartupError } from "../../src/bot/startup-error.js";
import { createBotApiServer } from "bot-api-emulator";
import { entryArgs, sharedIndexCopy } from "../fixtures/helpers.js";
import { TEST_RETRY, TOKEN, makeDeps, until } from "./helpers/harness.js";

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A server on 127.0.0.1 that answers every request with an HTML page, counting requests; closed after the test. */
async function htmlServer(): Promise<{ url: string; requests: () => number }> {
  const server = await htmlServerAt();
  cleanups.push(server.close);
  return server;
}

/** The HTML-speaking server, closed by the caller. */
async function htmlServerAt(): Promise<{ url: string; requests: () => number; close: () => Promise<void> }> {
  let requests = 0;
  const server: Server = createServer((_req, res) => {
    requests++;
    res.writeHead(200, { "Content-Type": "text/html" }).end("<html><body>502 Bad Gateway</body></html>");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests: () => requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * `npm start` against an HTML-speaking API root: a real process that waits out production
 * backoff (seconds), so it starts with the file and runs beside the in-process tests; its
 * test, last in the file, only collects the result.
 */
let npmStart: { url: string; exit: Promise<{ code: number | null; stderr: string }>; stop: () => Promise<void> };
beforeAll(async () => {
  const html = await htmlServerAt();
  const dir = mkdtempSync(join(tmpdir(), "api-root-"));
  const child = spawn(process.execPath, entryArgs("main"), {
    env: {
      ...process.env,
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_API_ROOT: html.url,
      INDEX_DIR: sharedIndexCopy(dir),
      DATABASE_PATH: join(dir, "bot.sqlite"),
      LOG_LEVEL: "error",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
  const exit = new Promise<{ code: number | null; stderr: string }>((resolve) =>
    child.once("exit", (code) => resolve({ code, stderr })),
  );
  npmStart = {
    url: html.url,
    exit,
    stop: async () => {
      child.kill("SIGKILL");
      await html.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
afterAll(() => npmStart?.stop());

describe("an unreachable or wrong TELEGRAM_API_ROOT", () => {
  it("gives up after bounded retries with one message naming the URL (unreachable port)", async () => {
    const root = `http://127.0.0.1:${await closedPort()}`;
    const { deps } = makeDeps();
    const bot = createBot(TOKEN, deps, { apiRoot: root, retry: TEST_RETRY });
    const started = Date.now();
    const error = await startBot(bot, { mode: "polling", logger: deps.logger }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StartupError);
    expect((error as Error).message).toBe(
      `The Telegram Bot API at ${root} could not be reached (getMe, after retries). Check the network and TELEGRAM_API_ROOT.`,
    );
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it("says the server did not answer like a Bot API when it returns HTML, after a bounded number of tries", async () => {
    const html = await htmlServer();
    const { deps } = makeDeps();
    const bot = createBot(TOKEN, deps, { apiRoot: html.url, retry: TEST_RETRY });
    const error = await startBot(bot, { mode: "polling", logger: deps.logger }).catch((e: unknown) => e);
    expect((error as Error).message).toContain(
      `The Telegram Bot API at ${html.url} answered with something that is not Bot API JSON`,
    );
    expect(html.requests()).toBe(1 + (TEST_RETRY.maxTransientRetries ?? 3));
    expect((error as Error).message).not.toContain(TOKEN);
  });
});

describe("webhook requests", () => {
  const SECRET = "webhook_secret-0123456789";
  async function webhookBot() {
    const server = createBotApiServer();
    const { url } = await server.start();
    cleanups.push(() => server.stop());
    const made = makeDeps();
    const lines: string[] = made.log.lines;
    const bot = createBot(TOKEN, made.deps, { apiRoot: url, retry: TEST_RETRY });
    const handle: BotHandle = await startBot(bot, {
      mode: "webhook",
      secret: SECRET,
      port: 0,
      host: "127.0.0.1",
      logger: made.deps.logger,
    });
    cleanups.push(() => handle.stop());
    const post = (body: string | Uint8Array, secret = SECRET) =>
      fetch(`${handle.listenUrl!}/telegram`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": secret },
        body,
      });
    return { server, lines, post, made };
  }

  it("refuses a 10 MB body with 413 without buffering it, and keeps serving", async () => {
    const { server, post } = await webhookBot();
    const rssBefore = process.memoryUsage().rss;
    const big = JSON.stringify({
      update_id: 1,
      message: { message_id: 1, date: 0, chat: { id: 5, type: "private" }, text: "x".repeat(10 * 1024 * 1024) },
    });
    const response = await post(big).catch(() => undefined);
    // Either the 413 arrives or the server closed the connection mid-upload; nothing was handled.
    if (response !== undefined) expect(response.status).toBe(413);
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(150 * 1024 * 1024);
    const user = server.createUser();
    const ok = await post(
      JSON.stringify({
        update_id: 2,
        message: { message_id: 2, date: 0, chat: { id: user.id, type: "private" }, from: user, text: "/help" },
      }),
    );
    expect(ok.status).toBe(200);
  });

  it("answers malformed JSON with 400 (not 500, which Telegram would retry)", async () => {
    const { post, made } = await webhookBot();
    expect((await post("{not json")).status).toBe(400);
    expect((await post("[1,2]")).status).toBe(400);
    expect(made.answerer.calls).toHaveLength(0);
  });

  it("logs a flood of wrong secrets as one warning, with the count in the next", async () => {
    const { post, lines } = await webhookBot();
    for (let i = 0; i < 50; i++) expect((await post("{}", "wrong-secret-0123456789")).status).toBe(403);
    const warnings = lines.filter((line) => line.includes("wrong secret"));
    expect(warnings).toHaveLength(1);
  });
});

describe("non-essential calls", () => {
  it("a refused setMyCommands is not retried and does not slow start-up", async () => {
    const server = createBotApiServer();
    const { url } = await server.start();
    cleanups.push(() => server.stop());
    server.injectFault({ method: "setMyCommands", times: Infinity, kind: { type: "5xx", status: 502 } });
    const { deps } = makeDeps();
    // Production backoff: a retried call would cost seconds here.
    const bot = createBot(TOKEN, deps, { apiRoot: url });
    const started = Date.now();
    const handle = await startBot(bot, { mode: "polling", pollTimeoutSeconds: 1, logger: deps.logger });
    cleanups.push(() => handle.stop());
    expect(Date.now() - started).toBeLessThan(1000);
    expect(server.callsTo("setMyCommands")).toHaveLength(1);
  });

  it("a failing typing action is not retried after the answer was sent", async () => {
    const server = createBotApiServer();
    const { url } = await server.start();
    cleanups.push(() => server.stop());
    server.injectFault({ method: "sendChatAction", times: Infinity, kind: { type: "5xx", status: 502 } });
    const made = makeDeps();
    const bot = createBot(TOKEN, made.deps, { apiRoot: url });
    const handle = await startBot(bot, { mode: "polling", pollTimeoutSeconds: 1, logger: made.deps.logger });
    cleanups.push(() => handle.stop());
    const user = server.createUser();
    server.sendMessage(user, user, "2024年会议在哪里？");
    await server.waitForMessage(user.id, (m) => (m.reply_markup?.inline_keyboard.length ?? 0) > 0);
    const typingCalls = server.callsTo("sendChatAction").length;
    await new Promise((resolve) => setTimeout(resolve, 1200));
    expect(server.callsTo("sendChatAction").length).toBe(typingCalls);
    expect(typingCalls).toBe(1);
    await until(() => true);
  });
});

describe("npm start with a TELEGRAM_API_ROOT that answers HTML", () => {
  it("exits 1 with that one line on stderr", async () => {
    const { code, stderr } = await npmStart.exit;
    expect(code).toBe(1);
    const lines = stderr.trim().split("\n");
    expect(lines.at(-1)).toContain(
      `The Telegram Bot API at ${npmStart.url} answered with something that is not Bot API JSON`,
    );
    expect(stderr).not.toContain("    at ");
    expect(stderr).not.toContain(TOKEN);
  }, 60_000);
});
