/**
 * Fault injection (429, 403, 400, 5xx, delay, drop) and flood control of the
 * emulator, asserted over HTTP and via the recorded calls.
 */

import { describe, expect, it } from "vitest";

import { SlidingWindow } from "../src/rate-limit.js";
import { TOKEN, callApi, useServers } from "./helpers.js";

const startServer = useServers();

describe("injected faults", () => {
  it("answers 429 with retry_after in parameters and the Retry-After header", async () => {
    const { server, url } = await startServer();
    const user = server.createUser();
    const handle = server.injectFault({ method: "sendMessage", kind: { type: "429", retryAfter: 7 } });
    const reply = await callApi(url, "sendMessage", { chat_id: user.id, text: "hi" });
    expect(reply.status).toBe(429);
    expect(reply.headers.get("retry-after")).toBe("7");
    expect(reply.body).toEqual({
      ok: false,
      error_code: 429,
      description: "Too Many Requests: retry after 7",
      parameters: { retry_after: 7 },
    });
    expect(handle.remaining).toBe(0);
    expect((await callApi(url, "sendMessage", { chat_id: user.id, text: "hi" })).status).toBe(200);
    // The faulted call is recorded, and nothing was sent by it.
    expect(server.callsTo("sendMessage").map((call) => [call.status, call.fault])).toEqual([
      [429, "429"],
      [200, undefined],
    ]);
    expect(server.messagesIn(user.id)).toHaveLength(1);
  });

  it("matches faults by chat and counts them down", async () => {
    const { server, url } = await startServer();
    const a = server.createUser();
    const b = server.createUser();
    server.injectFault({ chatId: a.id, times: 2, kind: { type: "403" } });
    expect((await callApi(url, "sendMessage", { chat_id: b.id, text: "x" })).status).toBe(200);
    const first = await callApi(url, "sendChatAction", { chat_id: a.id, action: "typing" });
    expect(first.body).toEqual({ ok: false, error_code: 403, description: "Forbidden: bot was blocked by the user" });
    expect((await callApi(url, "sendMessage", { chat_id: a.id, text: "x" })).status).toBe(403);
    expect((await callApi(url, "sendMessage", { chat_id: a.id, text: "x" })).status).toBe(200);
    server.injectFault({
      method: ["editMessageText"],
      kind: { type: "400", description: "message to edit not found" },
    });
    expect((await callApi(url, "editMessageText", { chat_id: a.id, message_id: 1, text: "y" })).body.description).toBe(
      "Bad Request: message to edit not found",
    );
  });

  it("produces Telegram's 5xx shapes: JSON 500, nginx HTML 502", async () => {
    const { server, url } = await startServer();
    server.injectFault({ method: "getMe", kind: { type: "5xx", status: 500 } });
    server.injectFault({ method: "getMe", kind: { type: "5xx", status: 502 } });
    const internal = await callApi(url, "getMe");
    expect(internal.status).toBe(500);
    expect(internal.body).toEqual({ ok: false, error_code: 500, description: "Internal Server Error" });
    const gateway = await callApi(url, "getMe");
    expect(gateway.status).toBe(502);
    expect(gateway.headers.get("content-type")).toBe("text/html");
    expect(gateway.body).toContain("<title>502 Bad Gateway</title>");
    expect(server.callsTo("getMe").map((call) => call.status)).toEqual([500, 502]);
  });

  it("delays responses and drops connections", async () => {
    const { server, url } = await startServer();
    server.injectFault({ method: "getMe", kind: { type: "delay", ms: 200 } });
    const started = Date.now();
    expect((await callApi(url, "getMe")).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    expect(server.callsTo("getMe")[0]).toMatchObject({ status: 200, fault: "delay" });

    server.injectFault({ method: "getMe", kind: { type: "drop" } });
    await expect(fetch(`${url}/bot${TOKEN}/getMe`, { method: "POST" })).rejects.toThrow();
    expect(server.callsTo("getMe")[1]).toMatchObject({ status: 0, fault: "drop", response: undefined });
    expect((await callApi(url, "getMe")).status).toBe(200);
  });
});

describe("flood control", () => {
  it("is an exact sliding window", () => {
    const window = new SlidingWindow(3, 1000);
    for (const t of [0, 100, 200]) {
      expect(window.waitMs(t)).toBe(0);
      window.record(t);
    }
    expect(window.waitMs(500)).toBe(500);
    expect(window.waitMs(999)).toBe(1);
    expect(window.waitMs(1000)).toBe(0);
    window.record(1000);
    expect(window.waitMs(1050)).toBe(50);
  });

  it("answers 429 above the configured global and per-chat rates", async () => {
    let clock = 1_700_000_000_000;
    const { server, url } = await startServer({
      rateLimit: { globalPerSecond: 30, perChatPerSecond: 1 },
      now: () => clock,
    });
    const users = Array.from({ length: 31 }, () => server.createUser());
    for (const user of users.slice(0, 30)) {
      expect((await callApi(url, "sendMessage", { chat_id: user.id, text: "news" })).status).toBe(200);
    }
    const over = await callApi(url, "sendMessage", { chat_id: users[30]!.id, text: "news" });
    expect(over.status).toBe(429);
    expect(over.body).toEqual({
      ok: false,
      error_code: 429,
      description: "Too Many Requests: retry after 1",
      parameters: { retry_after: 1 },
    });
    clock += 1000;
    expect((await callApi(url, "sendMessage", { chat_id: users[30]!.id, text: "news" })).status).toBe(200);
    // One message per second per chat.
    const again = await callApi(url, "sendMessage", { chat_id: users[30]!.id, text: "more" });
    expect(again.status).toBe(429);
    clock += 999;
    expect((await callApi(url, "sendMessage", { chat_id: users[30]!.id, text: "more" })).status).toBe(429);
    clock += 1;
    expect((await callApi(url, "sendMessage", { chat_id: users[30]!.id, text: "more" })).status).toBe(200);
    // Chat actions are not flood-limited.
    expect((await callApi(url, "sendChatAction", { chat_id: users[30]!.id, action: "typing" })).status).toBe(200);
  });

  it("reports multi-second retry_after for per-minute group limits", async () => {
    let clock = 0;
    const { server, url } = await startServer({ rateLimit: { perGroupPerMinute: 20 }, now: () => clock });
    const group = server.createGroup({ type: "supergroup" });
    for (let i = 0; i < 20; i++) {
      expect((await callApi(url, "sendMessage", { chat_id: group.id, text: `#${i}` })).status).toBe(200);
      clock += 100;
    }
    const over = await callApi(url, "sendMessage", { chat_id: group.id, text: "over" });
    expect(over.body.parameters).toEqual({ retry_after: 58 });
  });
});
