/** Webhook mode (secret check, health, real updates) and local terminal mode, like a user would drive them. */
import { PassThrough } from "node:stream";

import { afterEach, describe, expect, it } from "vitest";

import { createBot } from "../../src/bot/bot.js";
import { runLocalMode, type LocalModeHandle } from "../../src/bot/local-mode.js";
import { startBot, type BotHandle } from "../../src/bot/start.js";
import { createBotApiServer, type BotApiServer } from "bot-api-emulator";
import { TEST_RETRY, TOKEN, makeDeps } from "./helpers/harness.js";

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const SECRET = "webhook_secret-0123456789";

async function startWebhookBot(): Promise<{ server: BotApiServer; handle: BotHandle; listenUrl: string }> {
  const server = createBotApiServer();
  const { url } = await server.start();
  cleanups.push(() => server.stop());
  const { deps } = makeDeps();
  const bot = createBot(TOKEN, deps, { apiRoot: url, retry: TEST_RETRY });
  const handle = await startBot(bot, {
    mode: "webhook",
    secret: SECRET,
    port: 0,
    host: "127.0.0.1",
    logger: deps.logger,
  });
  cleanups.push(() => handle.stop());
  return { server, handle, listenUrl: handle.listenUrl! };
}

describe("webhook mode", () => {
  it("registers the webhook with its secret and answers updates Telegram posts", async () => {
    const { server, listenUrl } = await startWebhookBot();
    const setWebhook = server.callsTo("setWebhook")[0];
    expect(setWebhook?.params).toMatchObject({ url: `${listenUrl}/telegram`, secret_token: SECRET });
    const user = server.createUser();
    server.sendMessage(user, user, "2024年会议在哪里？");
    expect((await server.waitForMessage(user.id)).text).toMatch(/^2024年度座谈会在浙江温州召开/);
  });

  it("rejects a wrong or missing secret with 403 and serves /healthz", async () => {
    const { listenUrl } = await startWebhookBot();
    const update = JSON.stringify({
      update_id: 1,
      message: { message_id: 1, date: 0, chat: { id: 5, type: "private" }, text: "hi" },
    });
    const post = (headers: Record<string, string>) =>
      fetch(`${listenUrl}/telegram`, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: update,
      });
    expect((await post({ "x-telegram-bot-api-secret-token": "wrong_secret-0123456789" })).status).toBe(403);
    expect((await post({})).status).toBe(403);
    const health = await fetch(`${listenUrl}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ ok: true, bot: "local_meetings_bot" });
    expect((await fetch(`${listenUrl}/elsewhere`)).status).toBe(404);
  });
});

/** Collects a stream's text and waits for substrings. */
function capture(stream: PassThrough) {
  let text = "";
  stream.on("data", (chunk: Buffer) => (text += chunk.toString("utf8")));
  return {
    get text() {
      return text;
    },
    async waitFor(needle: string, timeoutMs = 5000): Promise<void> {
      const deadline = Date.now() + timeoutMs;
      while (!text.includes(needle)) {
        if (Date.now() > deadline) throw new Error(`output never contained ${JSON.stringify(needle)}:\n${text}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
  };
}

describe("local mode", () => {
  it("answers a question typed in the terminal and opens a source by its number", async () => {
    const { deps } = makeDeps();
    const input = new PassThrough();
    const output = new PassThrough();
    const out = capture(output);
    const local: LocalModeHandle = await runLocalMode({ deps, input, output, editSettleMs: 50, drainMs: 100 });
    cleanups.push(() => local.stop());
    await out.waitFor("Type /quit to leave.");
    input.write("2024年会议在哪里？\n");
    await out.waitFor("[4] 👎");
    expect(out.text).toContain("bot> 2024年度座谈会在浙江温州召开[1]，会议要求深化 <创新链> & 产业链协同[2]。");
    expect(out.text).toContain("[1] 2024年度座谈会（温州） · 会议报道 第1段");
    expect(out.text).toContain("  [1] 📄 1   [2] 📄 2\n  [3] 👍   [4] 👎");
    input.write("2\n");
    await out.waitFor("来源：新华网 (https://example.com/news/2024?a=1&b=2)");
    expect(out.text).toContain("会议指出，要深化创新链产业链跨区域协同，<共建> 世界级产业集群 & 创新高地。");
    input.write("3\n");
    await out.waitFor("(notice) 谢谢反馈");
    input.write("/quit\n");
    await local.session;
    await local.stop();
    // The command menu was registered on the emulator too.
    expect(local.server.callsTo("setMyCommands").length).toBeGreaterThanOrEqual(3);
  });
});

describe("local mode habits", () => {
  it("shows a prompt, reads a multi-line paste as one question, and keeps log lines out of the chat", async () => {
    const { deps, answerer } = makeDeps();
    const input = new PassThrough();
    const output = new PassThrough();
    const out = capture(output);
    const local: LocalModeHandle = await runLocalMode({
      deps,
      input,
      output,
      editSettleMs: 50,
      drainMs: 100,
      prompt: "› ",
      pasteWindowMs: 40,
    });
    cleanups.push(() => local.stop());
    await out.waitFor("Type /quit to leave.\n› ");
    // A paste: several lines in one chunk.
    input.write("2024年会议\n在哪里\n举行？\n");
    await out.waitFor("[4] 👎");
    // One question, read whole (the answerer sees it with its line breaks normalised).
    expect(answerer.calls).toHaveLength(1);
    expect(answerer.calls[0]!.question.replace(/\s+/gu, "")).toBe("2024年会议在哪里举行？");
    expect(out.text).toMatch(/\[4\] 👎\n› $/u);
    // The bot's log lines went to its logger, never to the chat.
    expect(out.text).not.toContain('"level"');
    input.write("/quit\n");
    await local.session;
  });
});
