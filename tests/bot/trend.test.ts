/**
 * /trend, /compare and trend questions in words, end to end: the real offline core
 * behind the bot, over HTTP against the local Bot API server, which keeps the
 * uploaded PNG so it can be decoded here.
 */
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PNG } from "pngjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createBot, createMemoryFeedbackStore } from "../../src/bot/index.js";
import { personNames } from "../../src/corpus/names.js";
import { openEngine } from "../../src/engine.js";
import { sharedIndexCopy } from "../fixtures/helpers.js";
import type { Message } from "grammy/types";
import { createBotApiServer, type BotApiServer } from "bot-api-emulator";
import { deliverUpdates } from "./helpers/harness.js";
import { silentLogger } from "../../src/logger.js";
import { createTrendService } from "../../src/trend/index.js";

let dir: string;
let server: BotApiServer;
let stopUpdates: (() => Promise<void>) | undefined;
let meetings = 0;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "bot-trend-"));
  cpSync("corpus", join(dir, "corpus"), { recursive: true });
  const engine = await openEngine({ corpusDir: join(dir, "corpus"), indexDir: sharedIndexCopy(dir) });
  meetings = engine.corpus.meetings.length;
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
      trend: createTrendService({
        chunks: engine.index.chunks,
        segmenter: engine.segmenter,
        artefact: engine.themeWeights,
        people: personNames(engine.corpus),
      }),
    },
    { apiRoot: url, botInfo: server.botInfo },
  );
  stopUpdates = deliverUpdates(server, bot);
}, 60_000);

afterAll(async () => {
  await stopUpdates?.();
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** The callback data of a message's source (📄) buttons. */
const sourceButtons = (m: Message) =>
  (m.reply_markup?.inline_keyboard.flat() ?? []).flatMap((b) =>
    "callback_data" in b && b.callback_data.startsWith("src:") ? [b.callback_data] : [],
  );
const decode = (m: Message) => PNG.sync.read(server.fileBytes(m.photo!.at(-1)!.file_id)!);

describe("trend charts in the chat", () => {
  it("/trend 生态环境 sends a PNG chart with one cited line per meeting and source buttons that open them", async () => {
    const user = server.createUser({ language_code: "zh" });
    server.sendMessage(user, user, "/trend 生态环境");
    const photo = await server.waitForMessage(user.id, (m) => m.photo !== undefined, 20_000);
    const png = decode(photo);
    expect(png.width).toBeGreaterThan(600);
    expect(photo.photo!.at(-1)).toMatchObject({ width: png.width, height: png.height });
    const lines = photo.caption!.split("\n").filter((line) => /\d+(?:\.\d)?%（\d+\/\d+段）/u.test(line));
    expect(lines).toHaveLength(meetings);
    lines.forEach((line, i) => expect(line).toMatch(new RegExp(`\\[${i + 1}\\]$`, "u")));
    expect(lines.map((l) => l.slice(0, 4))).toEqual([...lines.map((l) => l.slice(0, 4))].sort());
    const sources = sourceButtons(photo);
    expect(sources).toHaveLength(meetings);
    server.pressButton(user, photo, sources[0]!);
    const paragraph = await server.waitForMessage(user.id, (m) => m.message_id > photo.message_id);
    expect(paragraph.text).toMatch(/生态|绿色|环境|碳/u);
  }, 30_000);

  it("routes a question in words to the trend chart", async () => {
    const user = server.createUser({ language_code: "en" });
    server.sendMessage(user, user, "How did the focus on innovation change?");
    const photo = await server.waitForMessage(user.id, (m) => m.photo !== undefined, 20_000);
    expect(decode(photo).height).toBe(520);
    expect(photo.caption).toContain("Science & technology innovation");
  }, 30_000);

  it("/compare 2024 2025 sends the chart and the cited text", async () => {
    const user = server.createUser({ language_code: "zh" });
    server.sendMessage(user, user, "/compare 2024 2025");
    const photo = await server.waitForMessage(user.id, (m) => m.photo !== undefined, 20_000);
    expect(decode(photo).width).toBe(860);
    const text = await server.waitForMessage(
      user.id,
      (m) => m.text !== undefined && m.message_id > photo.message_id,
      20_000,
    );
    expect(text.text).toContain("2025 南京 有而 2024 温州 没有的");
    expect(text.text).toContain("2024 温州 有而 2025 南京 没有的");
    expect(text.text).toMatch(/审议的文件：《[^》]+》 \[\d+\]/u);
    const cited = [...text.text!.matchAll(/\[(\d+)\]/gu)].map((m) => Number(m[1]));
    expect(sourceButtons(text)).toHaveLength(Math.max(...cited));
  }, 30_000);

  it("says so when the reports never mention a theme, with no chart", async () => {
    const user = server.createUser({ language_code: "zh" });
    server.sendMessage(user, user, "/trend 火星殖民");
    const reply = await server.waitForMessage(user.id, undefined, 20_000);
    expect(reply.photo).toBeUndefined();
    expect(reply.text).toContain("报道中没有提到“火星殖民”");
    expect(server.calls.some((c) => c.method === "sendPhoto" && String(c.params["chat_id"]) === String(user.id))).toBe(
      false,
    );
  }, 30_000);
});
