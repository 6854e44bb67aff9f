/** The model factories and the OpenAI-speaking test server, over real HTTP. */
import { HumanMessage } from "@langchain/core/messages";
import { OpenAIClient } from "@langchain/openai";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { isRetryable } from "../../src/llm/retry.js";
import { createChatModel, createEmbeddings } from "../../src/models/openai.js";
import { hashedBigramVector, startOpenAiServer, type OpenAiTestServer } from "../helpers/openai-server.js";

let server: OpenAiTestServer;
beforeEach(async () => {
  server = await startOpenAiServer({ apiKey: "test-key", embeddingDims: 32 });
});
afterEach(async () => {
  vi.unstubAllEnvs();
  await server.close();
});

const cosine = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * (b[i] ?? 0), 0);

describe("createChatModel", () => {
  it("uses only the options it is given, whatever the environment says", async () => {
    vi.stubEnv("OPENAI_API_KEY", "sk-from-env");
    vi.stubEnv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1");
    vi.stubEnv("OPENAI_API_BASE", "http://127.0.0.1:9/v1");
    vi.stubEnv("OPENAI_ORGANIZATION", "org-from-env");
    server.queue("chat", { content: "你好" });
    const model = createChatModel({
      apiKey: "test-key",
      baseURL: `${server.baseURL}/`,
      model: "qwen-test",
      timeoutMs: 2_000,
    });

    const message = await model.invoke([new HumanMessage("hi")]);

    expect(message.text).toBe("你好");
    const [request] = server.requestsTo("chat");
    expect(request).toMatchObject({ authorized: true, path: "/v1/chat/completions", body: { model: "qwen-test" } });
    expect(request?.headers).not.toHaveProperty("openai-organization");
  });

  it("refuses an empty key instead of reading OPENAI_API_KEY", () => {
    vi.stubEnv("OPENAI_API_KEY", "sk-from-env");
    expect(() => createChatModel({ apiKey: "", model: "m", timeoutMs: 1_000 })).toThrow(/API key is required/);
  });

  it("sends a low temperature and a token cap, except to reasoning models", async () => {
    server.handle("chat", () => ({ content: "ok" }));
    await createChatModel({
      apiKey: "test-key",
      baseURL: server.baseURL,
      model: "gpt-4o-mini",
      timeoutMs: 2_000,
    }).invoke("hi");
    await createChatModel({ apiKey: "test-key", baseURL: server.baseURL, model: "o3-mini", timeoutMs: 2_000 }).invoke(
      "hi",
    );
    const [chat, reasoning] = server.requestsTo("chat").map((r) => r.body as Record<string, unknown>);
    expect(chat).toMatchObject({ temperature: 0.1, max_tokens: 600 });
    expect(reasoning).not.toHaveProperty("temperature");
    expect(reasoning).not.toHaveProperty("max_completion_tokens");
  });

  it("streams SSE chunks from the server", async () => {
    server.queue("chat", { stream: ["长三角", "一体化", "发展"] });
    const model = createChatModel({ apiKey: "test-key", baseURL: server.baseURL, model: "m", timeoutMs: 2_000 });
    const pieces: string[] = [];
    for await (const chunk of await model.stream([new HumanMessage("hi")])) if (chunk.text) pieces.push(chunk.text);
    expect(pieces).toEqual(["长三角", "一体化", "发展"]);
  });

  it("surfaces an HTTP error with its status (no hidden retries by default)", async () => {
    server.queue("chat", { status: 503 });
    const model = createChatModel({ apiKey: "test-key", baseURL: server.baseURL, model: "m", timeoutMs: 2_000 });
    await expect(model.invoke([new HumanMessage("hi")])).rejects.toMatchObject({ status: 503 });
    expect(server.requestsTo("chat")).toHaveLength(1);
  });
});

describe("createEmbeddings", () => {
  it("batches documents: 5 inputs with batchSize 2 make 3 requests, vectors in input order", async () => {
    const embeddings = createEmbeddings({
      apiKey: "test-key",
      baseURL: server.baseURL,
      model: "test-embedding",
      timeoutMs: 2_000,
      batchSize: 2,
    });
    const texts = ["长三角一体化", "温州座谈会", "上海座谈会", "科技创新", "生态环境"];

    const vectors = await embeddings.embedDocuments(texts);

    const requests = server.requestsTo("embeddings");
    expect(requests).toHaveLength(3);
    expect(requests.map((r) => (r.body as { input: string[] }).input.length).sort()).toEqual([1, 2, 2]);
    expect(requests.every((r) => (r.body as { encoding_format: string }).encoding_format === "float")).toBe(true);
    expect(vectors).toHaveLength(5);
    vectors.forEach((v, i) => expect(v).toEqual(hashedBigramVector(texts[i]!, 32)));
  });

  it("embeds a query as a single input and passes dimensions", async () => {
    const embeddings = createEmbeddings({
      apiKey: "test-key",
      baseURL: server.baseURL,
      model: "test-embedding",
      timeoutMs: 2_000,
      dimensions: 16,
    });
    const vector = await embeddings.embedQuery("2024年座谈会在温州举行");
    expect(vector).toHaveLength(16);
    expect(server.requestsTo("embeddings")[0]?.body).toMatchObject({
      input: "2024年座谈会在温州举行",
      dimensions: 16,
      model: "test-embedding",
    });
  });

  it("gives the retriever an error it can catch when the server fails", async () => {
    server.handle("embeddings", () => ({ status: 500 }));
    const embeddings = createEmbeddings({
      apiKey: "test-key",
      baseURL: server.baseURL,
      model: "e",
      timeoutMs: 2_000,
      maxRetries: 0,
    });
    await expect(embeddings.embedQuery("温州")).rejects.toMatchObject({ status: 500 });
  });

  it("times out with a TimeoutError and reports an unreachable server as APIConnectionError", async () => {
    server.queue("embeddings", { hang: true });
    const slow = createEmbeddings({
      apiKey: "test-key",
      baseURL: server.baseURL,
      model: "e",
      timeoutMs: 200,
      maxRetries: 0,
    });
    await expect(slow.embedQuery("温州")).rejects.toMatchObject({ name: "TimeoutError" });

    const unreachable = createEmbeddings({
      apiKey: "test-key",
      baseURL: "http://127.0.0.1:9/v1",
      model: "e",
      timeoutMs: 1_000,
      maxRetries: 0,
    });
    const error: unknown = await unreachable.embedQuery("温州").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAIClient.APIConnectionError);
    expect(isRetryable(error)).toBe(true);
  });
});

describe("the OpenAI test server", () => {
  it("gives CJK texts that share words closer vectors than unrelated ones", () => {
    const a = hashedBigramVector("长三角地区主要领导座谈会在温州举行", 64);
    const b = hashedBigramVector("座谈会在浙江温州举行", 64);
    const c = hashedBigramVector("生态环境共保联治", 64);
    expect(cosine(a, b)).toBeGreaterThan(cosine(a, c));
  });

  it("speaks to the official SDK: models list, base64 embeddings, and 401 for a wrong key", async () => {
    const client = new OpenAIClient({
      apiKey: "test-key",
      baseURL: server.baseURL,
      maxRetries: 0,
      organization: null,
      project: null,
    });
    const models = await client.models.list();
    expect(models.data.map((m) => m.id)).toContain("test-model");
    const embedded = await client.embeddings.create({ model: "e", input: ["温州", "上海"] }); // SDK asks for base64
    expect(embedded.data[1]?.embedding).toHaveLength(32);
    expect(embedded.data[1]?.embedding[0]).toBeCloseTo(hashedBigramVector("上海", 32)[0]!, 5);

    const wrong = new OpenAIClient({
      apiKey: "nope",
      baseURL: server.baseURL,
      maxRetries: 0,
      organization: null,
      project: null,
    });
    await expect(wrong.models.list()).rejects.toMatchObject({ status: 401 });
    expect(server.requests.at(-1)?.headers.authorization).toBe("[present]");
  });

  it("returns a malformed body and delays when scripted", async () => {
    server.queue("chat", { text: "{not json", delayMs: 50 });
    const started = performance.now();
    const response = await fetch(`${server.baseURL}/chat/completions`, {
      method: "POST",
      headers: { authorization: "Bearer test-key", "content-type": "application/json" },
      body: JSON.stringify({ model: "m", messages: [] }),
    });
    expect(await response.text()).toBe("{not json");
    expect(performance.now() - started).toBeGreaterThanOrEqual(45);
  });
});
