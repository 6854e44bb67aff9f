/**
 * `npm start` with no token, as a newcomer runs it: the real entry point in local
 * mode, chatting through stdin/stdout, then ending cleanly at end of input or on SIGTERM.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

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
    INDEX_DIR: join(dir, "index"),
    DATABASE_PATH: join(dir, "data", "bot.sqlite"),
    LOG_LEVEL: "warn",
  };
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function startBot(): { child: ChildProcess; output: () => string; exit: Promise<number | null> } {
  // node with the tsx loader (what `npm start` runs), so signals reach our process directly.
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], { env, stdio: ["pipe", "pipe", "pipe"] });
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

describe("npm start without a token", () => {
  it("answers a typed question with its citation and exits 0 when the input ends", async () => {
    const bot = startBot();
    await waitFor(bot.output, /Type \/quit to leave/);
    bot.child.stdin!.write("2024年的座谈会在哪里举行？\n");
    await waitFor(bot.output, /bot> .*温州/);
    expect(bot.output()).toMatch(/\[1\] 2024年度座谈会（温州）/);
    bot.child.stdin!.end();
    expect(await bot.exit).toBe(0);
    expect(bot.output()).not.toMatch(/Unexpected error|ReferenceError/);
  }, 60_000);

  it("shuts down cleanly on SIGTERM", async () => {
    const bot = startBot();
    await waitFor(bot.output, /Type \/quit to leave/);
    bot.child.kill("SIGTERM");
    expect(await bot.exit).toBe(0);
    expect(bot.output()).not.toMatch(/Unexpected error|ReferenceError/);
  }, 60_000);
});
