/**
 * `npm start` with no token, as a newcomer runs it: the real entry point in local
 * mode, chatting through stdin/stdout, then ending cleanly at end of input or on SIGTERM.
 * Each test is a real process; they run side by side (each with its own database) on a
 * copy of the prebuilt index, so the file costs about one process start, not three.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, it } from "vitest";
import { createBotApiServer } from "bot-api-emulator";
import { entryArgs, sharedIndexCopy } from "../fixtures/helpers.js";

let dir: string;
let env: NodeJS.ProcessEnv;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "start-local-"));
  cpSync("corpus", join(dir, "corpus"), { recursive: true });
  env = {
    ...process.env,
    TELEGRAM_BOT_TOKEN: "",
    OPENAI_API_KEY: "",
    CORPUS_DIR: join(dir, "corpus"),
    INDEX_DIR: sharedIndexCopy(dir),
    LOG_LEVEL: "warn",
  };
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

let processes = 0;

function startBot(extraEnv: NodeJS.ProcessEnv = {}): {
  child: ChildProcess;
  output: () => string;
  exit: Promise<number | null>;
} {
  // Side by side, so each process keeps its own database (and local.log beside it).
  const databasePath = join(dir, `data-${++processes}`, "bot.sqlite");
  // The entry point `npm start` runs, started by node itself, so signals reach our process directly.
  const child = spawn(process.execPath, entryArgs("main"), {
    env: { ...env, DATABASE_PATH: databasePath, ...extraEnv },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let out = "";
  child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (out += d.toString()));
  const exit = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, output: () => out, exit };
}

async function waitFor(output: () => string, pattern: RegExp, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!pattern.test(output())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern}; got:\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe.concurrent("npm start", () => {
  describe("without a token", () => {
    it("answers a typed question with its citation and exits 0 when the input ends", async ({ expect }) => {
      const bot = startBot();
      await waitFor(bot.output, /Type \/quit to leave/);
      bot.child.stdin!.write("2024年的座谈会在哪里举行？\n");
      await waitFor(bot.output, /bot> .*温州/);
      expect(bot.output()).toMatch(/\[1\] 2024年度座谈会（温州）/);
      bot.child.stdin!.end();
      expect(await bot.exit).toBe(0);
      expect(bot.output()).not.toMatch(/Unexpected error|ReferenceError/);
    }, 60_000);

    it("shuts down cleanly on SIGTERM", async ({ expect }) => {
      const bot = startBot();
      await waitFor(bot.output, /Type \/quit to leave/);
      bot.child.kill("SIGTERM");
      expect(await bot.exit).toBe(0);
      expect(bot.output()).not.toMatch(/Unexpected error|ReferenceError/);
    }, 60_000);
  });

  describe("with a token", () => {
    it("polls the Bot API server at TELEGRAM_API_ROOT, answers a user, and stops on SIGTERM", async ({ expect }) => {
      const server = createBotApiServer();
      const { url } = await server.start();
      try {
        const bot = startBot({
          TELEGRAM_BOT_TOKEN: "123456:TEST-token-for-the-local-server-only-abc",
          TELEGRAM_API_ROOT: url,
        });
        // Polling starts right after the webhook is cleared (a getUpdates call is recorded only when it returns).
        await server.waitForCall("deleteWebhook", undefined, 30_000);
        const user = server.createUser();
        server.sendMessage(user, user, "2025年度座谈会的主题是什么？");
        const reply = await server.waitForMessage(user.id, undefined, 20_000);
        expect(reply.text).toContain("区域创新能力");
        expect(server.callsTo("setMyCommands").length).toBeGreaterThan(0);
        bot.child.kill("SIGTERM");
        expect(await bot.exit).toBe(0);
        expect(bot.output()).not.toContain("TEST-token-for-the-local-server-only");
      } finally {
        await server.stop();
      }
    }, 60_000);
  });
});
