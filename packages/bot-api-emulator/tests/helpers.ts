/**
 * Shared helpers for the local Bot API emulator tests: a server per test and
 * a tiny HTTP client that calls methods the way any Bot API client would.
 */

import { afterEach } from "vitest";

import { createBotApiServer, type BotApiServer, type BotApiServerOptions } from "../src/bot-api-server.js";

/** The token every test uses; the emulator accepts any non-empty token. */
export const TOKEN = "123456:TEST-token_for-local-emulator";

/**
 * Registers cleanup for the calling test file and returns a function that
 * starts an emulator on 127.0.0.1 (random port), stopped after each test.
 */
export function useServers(): (options?: BotApiServerOptions) => Promise<{ server: BotApiServer; url: string }> {
  const running: BotApiServer[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((server) => server.stop()));
  });
  return async (options = {}) => {
    const server = createBotApiServer(options);
    running.push(server);
    const { url } = await server.start();
    return { server, url };
  };
}

/** An HTTP answer from the emulator. */
export interface ApiReply {
  status: number;
  body: any;
  headers: Headers;
}

/** POSTs a JSON body to /bot<token>/<method>. */
export async function callApi(url: string, method: string, params: Record<string, unknown> = {}): Promise<ApiReply> {
  const res = await fetch(`${url}/bot${TOKEN}/${method}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(params),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Non-JSON bodies (nginx-style 5xx pages) are returned as text.
  }
  return { status: res.status, body, headers: res.headers };
}
