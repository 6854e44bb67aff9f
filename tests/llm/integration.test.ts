/**
 * The model path wired into the real core and the real bot: a streamed answer
 * reaches Telegram as in-order edits ending with citations and buttons, and an
 * index built with API embeddings is rebuilt when the embedding model changes.
 */
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createBot, createMemoryFeedbackStore, startBot } from "../../src/bot/index.js";
import { sharedIndexCopy } from "../fixtures/helpers.js";
import { openEngine, type Engine } from "../../src/engine.js";
import { apiEmbedderFactory } from "../../src/index/embedders.js";
import { createLlmAnswerer } from "../../src/llm/answerer.js";
import { createBotApiServer } from "bot-api-emulator";
import { silentLogger } from "../../src/logger.js";
import { createChatModel, createEmbeddings } from "../../src/models/openai.js";
import { startOpenAiServer, type OpenAiTestServer } from "../helpers/openai-server.js";

let openai: OpenAiTestServer;
let dir: string;
let engine: Engine;

beforeAll(async () => {
  openai = await startOpenAiServer();
  dir = mkdtempSync(join(tmpdir(), "llm-integration-"));
  cpSync("corpus", join(dir, "corpus"), { recursive: true });
  engine = await openEngine({ corpusDir: join(dir, "corpus"), indexDir: sharedIndexCopy(dir) });
});

afterAll(async () => {
  await openai.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("streamed model answers in Telegram", () => {
  it("edits the reply in order as the model streams, and the final message has the citations and buttons", async () => {
    // The model quotes the first sentence of the first paragraph it is given, slowly.
    openai.handle("chat", (request) => {
      const first = /<paragraph n=\\"1\\"[^>]*>\\n([^。]*。)/.exec(JSON.stringify(request.body))?.[1] ?? "";
      return {
        content: JSON.stringify({ answered: true, answer: `${first}[1]`, citations: [1] }),
        chunkSize: 6,
        chunkDelayMs: 60,
      };
    });
    const model = createChatModel({
      apiKey: "test-key",
      baseURL: openai.baseURL,
      model: "test-model",
      timeoutMs: 10_000,
    });
    const answerer = createLlmAnswerer({
      retriever: engine.retriever,
      fallback: engine.extractive,
      model,
      timeoutMs: 10_000,
      logger: silentLogger,
      meetings: engine.corpus.meetings,
    });
    const telegram = createBotApiServer();
    const { url } = await telegram.start();
    const bot = createBot(
      "123456:TEST-token-for-the-local-server-only",
      {
        answerer,
        meetings: engine.corpus.meetings,
        logger: silentLogger,
        now: () => new Date(),
        options: { rateLimitPerMinute: 100, maxQuestionChars: 500, streamEditIntervalMs: 150 },
        feedback: createMemoryFeedbackStore(),
      },
      { apiRoot: url },
    );
    const handle = await startBot(bot, { mode: "polling", pollTimeoutSeconds: 1, logger: silentLogger });
    try {
      const user = telegram.createUser();
      telegram.sendMessage(user, user, "2024年的座谈会在哪里举行？");
      const final = await telegram.waitForMessage(user.id, (m) => m.reply_markup !== undefined, 20_000);
      expect(final.text).toContain("温州");
      expect(final.text).toMatch(/\[1\] 2024年度座谈会（温州）/);
      const edits = telegram.callsTo("editMessageText").filter((c) => c.status === 200);
      expect(edits.length).toBeGreaterThanOrEqual(2);
      const drafts = edits.slice(0, -1).map((c) => String(c.params["text"]));
      // Each draft grows from the one before: the edits arrived in order.
      for (let i = 1; i < drafts.length; i++) expect(drafts[i]!.startsWith(drafts[i - 1]!.slice(0, 4))).toBe(true);
      expect(edits.at(-1)?.params["reply_markup"]).toBeDefined();
      expect(telegram.callsTo("sendMessage").filter((c) => c.status === 200)).toHaveLength(1);
    } finally {
      openai.handle("chat", undefined);
      await handle.stop();
      await telegram.stop();
    }
  }, 30_000);
});

describe("an index built with API embeddings", () => {
  it("records the embedder, batches the calls, and is rebuilt when the embedding model changes", async () => {
    const indexDir = join(dir, "api-index");
    const factory = (model: string) => () =>
      apiEmbedderFactory(
        createEmbeddings({ apiKey: "test-key", baseURL: openai.baseURL, model, timeoutMs: 10_000, batchSize: 50 }),
        model,
      );
    const before = openai.requestsTo("embeddings").length;
    const first = await openEngine({ corpusDir: join(dir, "corpus"), indexDir, embedder: factory("emb-a") });
    expect(first.built).toBe("no index yet");
    expect(first.index.manifest.embedder).toMatchObject({ name: "openai", model: "emb-a" });
    const chunks = first.index.chunks.length;
    // The engine embeds 64 chunks at a time and the client sends at most 50 per request.
    let expected = 0;
    for (let done = 0; done < chunks; done += 64) expected += Math.ceil(Math.min(64, chunks - done) / 50);
    expect(openai.requestsTo("embeddings").length - before).toBe(expected);

    const same = await openEngine({ corpusDir: join(dir, "corpus"), indexDir, embedder: factory("emb-a") });
    expect(same.built).toBeUndefined();

    const switched = await openEngine({ corpusDir: join(dir, "corpus"), indexDir, embedder: factory("emb-b") });
    expect(switched.built).toMatch(/embedder changed/);
    expect(switched.index.manifest.embedder.model).toBe("emb-b");

    const local = await openEngine({ corpusDir: join(dir, "corpus"), indexDir });
    expect(local.built).toMatch(/embedder changed/);
    expect(local.index.manifest.embedder.name).toBe("local-tfidf-hash-v1");
  }, 30_000);

  it("still answers from BM25 when the embeddings API fails at question time", async () => {
    const indexDir = join(dir, "api-index-2");
    const model = "emb-c";
    const make = () =>
      apiEmbedderFactory(
        createEmbeddings({ apiKey: "test-key", baseURL: openai.baseURL, model, timeoutMs: 2_000 }),
        model,
      );
    const api = await openEngine({ corpusDir: join(dir, "corpus"), indexDir, embedder: make });
    openai.handle("embeddings", () => ({ status: 500 }));
    try {
      const result = await api.retriever.retrieve("2024年的座谈会在哪里举行？");
      expect(result.usedVectors).toBe(false);
      const answer = await api.extractive.ask("2024年的座谈会在哪里举行？");
      expect(answer.answered).toBe(true);
      expect(answer.answer).toContain("温州");
    } finally {
      openai.handle("embeddings", undefined);
    }
  }, 30_000);
});
