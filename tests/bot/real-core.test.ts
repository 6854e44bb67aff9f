/**
 * The real offline core behind the bot, end to end over HTTP: a Chinese question,
 * its source button, a follow-up that leans on the previous question, an English
 * question, and a question the reports don't cover.
 */
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createBot, createMemoryFeedbackStore } from "../../src/bot/index.js";
import { sharedIndexCopy } from "../fixtures/helpers.js";
import { openEngine, type Engine } from "../../src/engine.js";
import { createBotApiServer, type BotApiServer } from "bot-api-emulator";
import { deliverUpdates } from "./helpers/harness.js";
import type { Message } from "grammy/types";
import { silentLogger } from "../../src/logger.js";

let dir: string;
let engine: Engine;
let server: BotApiServer;
let stopUpdates: (() => Promise<void>) | undefined;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "bot-real-core-"));
  cpSync("corpus", join(dir, "corpus"), { recursive: true });
  engine = await openEngine({ corpusDir: join(dir, "corpus"), indexDir: sharedIndexCopy(dir) });
  server = createBotApiServer();
  const { url } = await server.start();
  const bot = createBot(
    "123456:TEST-token-for-the-local-server-only",
    {
      answerer: engine.extractive,
      meetings: engine.corpus.meetings,
      logger: silentLogger,
      now: () => new Date(),
      options: { rateLimitPerMinute: 100, maxQuestionChars: 500 },
      feedback: createMemoryFeedbackStore(),
    },
    { apiRoot: url, botInfo: server.botInfo },
  );
  stopUpdates = deliverUpdates(server, bot);
}, 30_000);

afterAll(async () => {
  await stopUpdates?.();
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** The callback data of a message's buttons. */
const buttonData = (m: Message) =>
  (m.reply_markup?.inline_keyboard.flat() ?? []).flatMap((b) => ("callback_data" in b ? [b.callback_data] : []));

describe("the bot with the real offline core", () => {
  it("answers where a meeting was held, cites it, and opens the paragraph on a tap", async () => {
    const user = server.createUser({ language_code: "zh-hans" });
    server.sendMessage(user, user, "2024年的座谈会在哪里举行？");
    const reply = await server.waitForMessage(user.id);
    expect(reply.text).toContain("温州");
    expect(reply.text).toMatch(/\[1\] 2024年度座谈会（温州）/);
    const source = buttonData(reply).find((data) => data.startsWith("src:2024-wenzhou:"));
    expect(source).toBeDefined();
    server.pressButton(user, reply, source!);
    const paragraph = await server.waitForMessage(user.id, (m) => m.message_id !== reply.message_id);
    // The place as the cited paragraph, opened whole, writes it.
    const place = /在(\p{Script=Han}+?)举行/u.exec(reply.text!)?.[1];
    expect(place).toBeDefined();
    expect(paragraph.text).toContain(`在${place}举行`);
  });

  it("resolves a follow-up against the previous question in the chat", async () => {
    const user = server.createUser();
    server.sendMessage(user, user, "2024年的座谈会在哪里举行？");
    const first = await server.waitForMessage(user.id);
    server.sendMessage(user, user, "那2022年呢？");
    const second = await server.waitForMessage(user.id, (m) => m.message_id > first.message_id);
    expect(second.text).toContain("2022年度");
    expect(second.text).toContain("上海");
    expect(buttonData(second).some((data) => data.startsWith("src:2022-shanghai:"))).toBe(true);
  });

  it("answers an English question in English with the Chinese evidence", async () => {
    const user = server.createUser({ language_code: "en" });
    server.sendMessage(user, user, "Where was the 2025 meeting held?");
    const reply = await server.waitForMessage(user.id);
    expect(reply.text).toContain("南京");
    expect(reply.text).toMatch(/Sources|\[1\]/);
  });

  it("says the reports don't cover a question instead of guessing, with no citation", async () => {
    const user = server.createUser();
    server.sendMessage(user, user, "长三角三省一市2024年的GDP总量是多少？");
    const reply = await server.waitForMessage(user.id);
    expect(reply.text).toContain("报道中没有找到");
    expect(buttonData(reply).some((data) => data.startsWith("src:"))).toBe(false);
  });
});
