/**
 * A real HTTP server on 127.0.0.1 that speaks enough of the OpenAI API for tests:
 * `POST /v1/chat/completions` (JSON, or SSE when `stream: true`), `POST /v1/embeddings`
 * (deterministic CJK-aware vectors) and `GET /v1/models`.
 *
 * Every request is recorded (the Authorization header is kept only as a flag, so a
 * recorded request can be printed safely). Responses come from a per-route script:
 * a queue of {@link Scripted} replies, then an optional handler, then a default.
 *
 * @example
 * const server = await startOpenAiServer();
 * server.queue("chat", { content: '{"answered":true,"answer":"…[1]","citations":[1]}' });
 * const model = new ChatOpenAI({ apiKey: "test-key", configuration: { baseURL: server.baseURL } });
 * …
 * await server.close();
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

/** The routes the server knows. */
export type Route = "chat" | "embeddings" | "models";

/** One recorded request. */
export interface RecordedRequest {
  route: Route | "unknown";
  method: string;
  path: string;
  /** Lower-cased headers; `authorization` is replaced by "[present]" so secrets never leak into test output. */
  headers: Record<string, string>;
  /** The bearer token was this value (compared, not stored). */
  authorized: boolean;
  /** Parsed JSON body, or the raw text when it was not JSON. */
  body: unknown;
  /** Raw body text, for substring assertions. */
  rawBody: string;
  /** The client closed the connection before the reply was complete (e.g. it aborted on a timeout). */
  closedEarly: boolean;
}

/** Common to every scripted reply. */
interface ScriptBase {
  /** Wait this long before answering (the client may abort meanwhile). */
  delayMs?: number;
}

/**
 * A scripted reply.
 * - `{ content }`: a chat completion with this assistant text; streamed in pieces when the request asked for `stream: true`.
 * - `{ stream }`: SSE with exactly these content deltas (even if the request did not ask to stream).
 * - `{ json, status? }`: this JSON body verbatim.
 * - `{ status, body?, headers? }`: an error status with an OpenAI-style error body (or `body` verbatim).
 * - `{ text, status? }`: a raw, possibly malformed body.
 * - `{ hang: true }`: never answer (until the client gives up or the server closes).
 * - `{ delayMs }` alone: wait, then the default reply.
 */
export type Scripted =
  | (ScriptBase & { content: string; finishReason?: string; chunkSize?: number; chunkDelayMs?: number })
  | (ScriptBase & { stream: string[]; chunkDelayMs?: number })
  | (ScriptBase & { json: unknown; status?: number; headers?: Record<string, string> })
  | (ScriptBase & { status: number; body?: unknown; headers?: Record<string, string> })
  | (ScriptBase & { text: string; status?: number; headers?: Record<string, string> })
  | (ScriptBase & { hang: true })
  | { delayMs: number };

/** Every field any {@link Scripted} may have, for dispatching on what is present. */
interface AnyScripted {
  delayMs?: number;
  content?: string;
  finishReason?: string;
  chunkSize?: number;
  chunkDelayMs?: number;
  stream?: string[];
  json?: unknown;
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
  text?: string;
  hang?: true;
}

/** Computes a reply from the request; return undefined for the default. */
export type Handler = (request: RecordedRequest) => Scripted | undefined;

/** Options for {@link startOpenAiServer}. */
export interface OpenAiServerOptions {
  /** Accepted bearer token; requests with another one get 401. Default "test-key". */
  apiKey?: string;
  /** Dimensions of the default embeddings. Default 64. */
  embeddingDims?: number;
  /** Model ids listed by GET /v1/models. */
  models?: string[];
}

/** A running server. */
export interface OpenAiTestServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** `url + "/v1"`, what clients take as baseURL. */
  baseURL: string;
  /** Every request so far, in arrival order. */
  requests: RecordedRequest[];
  /** Requests to one route. */
  requestsTo(route: Route): RecordedRequest[];
  /** Appends replies to a route's queue; each request takes the next one. */
  queue(route: Route, ...replies: Scripted[]): void;
  /** Sets the handler used when the route's queue is empty. */
  handle(route: Route, handler: Handler | undefined): void;
  /** Closes the server and drops open connections (including hanging ones). */
  close(): Promise<void>;
}

/** A chat completion in OpenAI's shape. */
export function chatCompletion(content: string, model = "test-model", finishReason = "stop"): Record<string, unknown> {
  return {
    id: `chatcmpl-${Math.random().toString(36).slice(2, 12)}`,
    object: "chat.completion",
    created: Math.floor(Date.now() / 1000),
    model,
    system_fingerprint: "fp_test",
    choices: [
      { index: 0, message: { role: "assistant", content, refusal: null }, logprobs: null, finish_reason: finishReason },
    ],
    usage: {
      prompt_tokens: 10,
      completion_tokens: Math.max(1, Math.ceil(content.length / 2)),
      total_tokens: 10 + Math.max(1, Math.ceil(content.length / 2)),
    },
  };
}

/** An error body in OpenAI's shape. */
export function errorBody(status: number, message?: string): Record<string, unknown> {
  const type = status === 429 ? "rate_limit_exceeded" : status >= 500 ? "server_error" : "invalid_request_error";
  return {
    error: {
      message: message ?? `Scripted ${status}`,
      type,
      param: null,
      code: status === 429 ? "rate_limit_exceeded" : null,
    },
  };
}

/**
 * Deterministic embedding: hashed character bigrams (and single characters) of the
 * text, L2-normalised. Chinese strings that share words get close vectors, unlike
 * LangChain's fake embeddings, which treat every CJK string alike.
 */
export function hashedBigramVector(text: string, dims: number): number[] {
  const v = new Array<number>(dims).fill(0);
  const chars = [...text.replace(/\s+/g, "")];
  const add = (gram: string, weight: number) => {
    let h = 2166136261;
    for (let i = 0; i < gram.length; i++) h = Math.imul(h ^ gram.charCodeAt(i), 16777619);
    const index = (h >>> 0) % dims;
    v[index] = (v[index] ?? 0) + weight;
  };
  chars.forEach((ch, i) => {
    add(ch, 0.5);
    const next = chars[i + 1];
    if (next !== undefined) add(ch + next, 1);
  });
  const norm = Math.sqrt(v.reduce((s, x) => s + x * x, 0)) || 1;
  return v.map((x) => x / norm);
}

/** Starts a server on 127.0.0.1, port 0. */
export async function startOpenAiServer(options: OpenAiServerOptions = {}): Promise<OpenAiTestServer> {
  const apiKey = options.apiKey ?? "test-key";
  const dims = options.embeddingDims ?? 64;
  const models = options.models ?? ["test-model", "test-embedding"];
  const requests: RecordedRequest[] = [];
  const queues: Record<Route, Scripted[]> = { chat: [], embeddings: [], models: [] };
  const handlers: Partial<Record<Route, Handler>> = {};
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();

  const wait = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        timers.delete(t);
        resolve();
      }, ms);
      timers.add(t);
    });

  const server = createServer((req, res) => {
    void serve(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, errorBody(500, `test server: ${String(error)}`));
      else res.destroy();
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const rawBody = await readBody(req);
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    const route = routeOf(req.method ?? "GET", path);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (value === undefined) continue;
      headers[name] = name === "authorization" ? "[present]" : Array.isArray(value) ? value.join(", ") : value;
    }
    let body: unknown = rawBody;
    try {
      body = rawBody ? JSON.parse(rawBody) : undefined;
    } catch {
      // Keep the raw text: a test may send malformed JSON on purpose.
    }
    const recorded: RecordedRequest = {
      route,
      method: req.method ?? "GET",
      path,
      headers,
      authorized: req.headers.authorization === `Bearer ${apiKey}`,
      body,
      rawBody,
      closedEarly: false,
    };
    requests.push(recorded);
    res.on("close", () => {
      if (!res.writableFinished) recorded.closedEarly = true;
    });

    if (route === "unknown") return sendJson(res, 404, errorBody(404, `Unknown route ${recorded.method} ${path}`));
    if (!recorded.authorized)
      return sendJson(res, 401, {
        error: {
          message: "Incorrect API key provided.",
          type: "invalid_request_error",
          param: null,
          code: "invalid_api_key",
        },
      });

    const reply: AnyScripted = queues[route].shift() ?? handlers[route]?.(recorded) ?? {};
    if (reply.delayMs) await wait(reply.delayMs);
    if (reply.hang) return; // Left open; close() destroys the socket.
    if (reply.stream) return sendStream(res, reply.stream, modelOf(body), reply.chunkDelayMs ?? 0, wantsUsage(body));
    if (reply.content !== undefined) {
      if (isObject(body) && body.stream === true) {
        return sendStream(
          res,
          splitPieces(reply.content, reply.chunkSize ?? 4),
          modelOf(body),
          reply.chunkDelayMs ?? 0,
          wantsUsage(body),
          reply.finishReason,
        );
      }
      return sendJson(res, 200, chatCompletion(reply.content, modelOf(body), reply.finishReason));
    }
    if ("json" in reply) return sendJson(res, reply.status ?? 200, reply.json, reply.headers);
    if (reply.text !== undefined) {
      res.writeHead(reply.status ?? 200, { "content-type": "application/json", ...reply.headers });
      res.end(reply.text);
      return;
    }
    if (reply.status !== undefined)
      return sendJson(res, reply.status, reply.body ?? errorBody(reply.status), reply.headers);
    return sendDefault(res, route, body);
  }

  function sendDefault(res: ServerResponse, route: Route, body: unknown): void {
    if (route === "models") {
      return sendJson(res, 200, {
        object: "list",
        data: models.map((id) => ({ id, object: "model", created: 1_700_000_000, owned_by: "test" })),
      });
    }
    if (route === "embeddings") {
      const input = isObject(body) ? body.input : undefined;
      const inputs = Array.isArray(input) ? input.map(String) : [String(input ?? "")];
      const wanted = isObject(body) && typeof body.dimensions === "number" ? body.dimensions : dims;
      const base64 = isObject(body) && body.encoding_format === "base64";
      return sendJson(res, 200, {
        object: "list",
        data: inputs.map((text, index) => {
          const vector = hashedBigramVector(text, wanted);
          return {
            object: "embedding",
            index,
            embedding: base64 ? Buffer.from(new Float32Array(vector).buffer).toString("base64") : vector,
          };
        }),
        model: modelOf(body),
        usage: { prompt_tokens: inputs.join("").length, total_tokens: inputs.join("").length },
      });
    }
    // No script for a chat request: fail loudly rather than invent an answer.
    return sendJson(res, 500, errorBody(500, "test server: no scripted chat reply"));
  }

  async function sendStream(
    res: ServerResponse,
    pieces: string[],
    model: string,
    delayMs: number,
    usage: boolean,
    finishReason = "stop",
  ): Promise<void> {
    const id = `chatcmpl-${Math.random().toString(36).slice(2, 12)}`;
    const created = Math.floor(Date.now() / 1000);
    const chunk = (delta: Record<string, unknown>, finish: string | null, extra: Record<string, unknown> = {}) =>
      `data: ${JSON.stringify({ id, object: "chat.completion.chunk", created, model, system_fingerprint: "fp_test", choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }], ...extra })}\n\n`;
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });
    res.write(chunk({ role: "assistant", content: "", refusal: null }, null));
    for (const piece of pieces) {
      if (delayMs) await wait(delayMs);
      if (res.destroyed) return;
      res.write(chunk({ content: piece }, null));
    }
    res.write(chunk({}, finishReason));
    if (usage) {
      const completion = pieces.join("").length;
      res.write(
        `data: ${JSON.stringify({ id, object: "chat.completion.chunk", created, model, choices: [], usage: { prompt_tokens: 10, completion_tokens: completion, total_tokens: 10 + completion } })}\n\n`,
      );
    }
    res.end("data: [DONE]\n\n");
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;

  return {
    url,
    baseURL: `${url}/v1`,
    requests,
    requestsTo: (route) => requests.filter((r) => r.route === route),
    queue: (route, ...replies) => void queues[route].push(...replies),
    handle: (route, handler) => {
      handlers[route] = handler;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const t of timers) clearTimeout(t);
        for (const socket of sockets) socket.destroy();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

function routeOf(method: string, path: string): Route | "unknown" {
  if (method === "POST" && path === "/v1/chat/completions") return "chat";
  if (method === "POST" && path === "/v1/embeddings") return "embeddings";
  if (method === "GET" && path === "/v1/models") return "models";
  return "unknown";
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on("data", (part: Buffer) => parts.push(part));
    req.on("end", () => resolve(Buffer.concat(parts).toString("utf8")));
    req.on("error", reject);
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function modelOf(body: unknown): string {
  return isObject(body) && typeof body.model === "string" ? body.model : "test-model";
}

function wantsUsage(body: unknown): boolean {
  return isObject(body) && isObject(body.stream_options) && body.stream_options.include_usage === true;
}

/** Splits text into pieces of `size` code points, so multi-byte characters and escapes split realistically. */
function splitPieces(text: string, size: number): string[] {
  const chars = [...text];
  const pieces: string[] = [];
  for (let i = 0; i < chars.length; i += size) pieces.push(chars.slice(i, i + size).join(""));
  return pieces.length ? pieces : [""];
}
