/**
 * Telegram failing: flood control, 5xx, blocked users, and handlers that
 * throw. The user should get exactly one answer, or a polite error; the bot
 * keeps serving everyone else, and logs never contain the token.
 */
import { describe, expect, it } from "vitest";

import { TOKEN, useHarness, until } from "./helpers/harness.js";

const start = useHarness();

const delivered = (server: Awaited<ReturnType<ReturnType<typeof useHarness>>>["server"], chatId: number) =>
  server.callsTo("sendMessage").filter((c) => c.params["chat_id"] === chatId && c.status === 200);

describe("Telegram faults", () => {
  it("waits out a 429 and delivers the answer exactly once", async () => {
    const { server } = await start();
    const user = server.createUser();
    server.injectFault({ method: "sendMessage", chatId: user.id, kind: { type: "429", retryAfter: 1 } });
    const sentAt = Date.now();
    server.sendMessage(user, user, "会议在哪里？");
    await server.waitForMessage(user.id, undefined, 5000);
    expect(Date.now() - sentAt).toBeGreaterThanOrEqual(950);
    expect(server.callsTo("sendMessage").map((c) => c.status)).toEqual([429, 200]);
    expect(delivered(server, user.id)).toHaveLength(1);
    expect(server.messagesIn(user.id)).toHaveLength(1);
  });

  it("retries 5xx answers (JSON 500 and nginx 502) with backoff", async () => {
    const { server, log } = await start();
    const user = server.createUser();
    server.injectFault({ method: "sendMessage", chatId: user.id, kind: { type: "5xx", status: 500 } });
    server.injectFault({ method: "sendMessage", chatId: user.id, kind: { type: "5xx", status: 502 } });
    server.sendMessage(user, user, "会议在哪里？");
    const reply = await server.waitForMessage(user.id);
    expect(reply.text).toMatch(/^2024年度座谈会/);
    expect(server.callsTo("sendMessage").map((c) => c.status)).toEqual([500, 502, 200]);
    expect(log.entries().filter((e) => String(e["message"]).includes("retrying"))).toHaveLength(2);
  });

  it("retries a dropped connection, and keeps polling after getUpdates fails", async () => {
    const { server, log } = await start({ transport: "polling" });
    const user = server.createUser();
    server.injectFault({ method: "getUpdates", kind: { type: "5xx", status: 502 } });
    server.injectFault({ method: "sendMessage", chatId: user.id, kind: { type: "drop" } });
    server.sendMessage(user, user, "会议在哪里？");
    await server.waitForMessage(user.id);
    expect(delivered(server, user.id)).toHaveLength(1);
    expect(log.entries().map((e) => e["message"])).toEqual(
      expect.arrayContaining(["polling failed; retrying", "network error, retrying"]),
    );
  });

  it("logs a user who blocked the bot and keeps serving others", async () => {
    const { server, log } = await start();
    const blocker = server.createUser();
    const other = server.createUser();
    server.sendMessage(blocker, blocker, "会议在哪里？");
    server.blockBot(blocker);
    server.sendMessage(other, other, "会议在哪里？");
    await server.waitForMessage(other.id);
    await until(() =>
      log.entries().some((e) => e["message"] === "chat unreachable (bot blocked or chat gone); update dropped"),
    );
    expect(server.messagesIn(blocker.id)).toEqual([]);
    expect(log.entries().filter((e) => e["level"] === "error")).toEqual([]);
    server.sendMessage(other, other, "再问一次");
    await until(() => server.messagesIn(other.id).length === 2);
  });

  it("tells the user when a handler throws, and logs the update id without the token", async () => {
    const { server, log } = await start({
      answerer: { errorMessage: `request to https://api.telegram.org/bot${TOKEN}/sendMessage failed` },
    });
    const user = server.createUser();
    const { update } = server.sendMessage(user, user, "boom");
    expect((await server.waitForMessage(user.id)).text).toBe("出错了，请稍后再试。");
    const failure = log.entries().find((e) => e["message"] === "handler failed");
    expect(failure).toMatchObject({
      update_id: update!.update_id,
      feature: "ask",
      error: { message: expect.stringContaining("<token>") },
    });
    expect(log.lines.join("\n")).not.toContain(TOKEN);
    expect(log.lines.join("\n")).not.toContain(TOKEN.split(":")[1]);
    // The next question is answered normally.
    server.sendMessage(user, user, "会议在哪里？");
    await until(() => server.messagesIn(user.id).length === 2);
  });

  it("says so in English to an English-speaking user", async () => {
    const { server } = await start();
    const user = server.createUser({ language_code: "en-US" });
    server.sendMessage(user, user, "boom");
    expect((await server.waitForMessage(user.id)).text).toBe("Something went wrong, please try again later.");
  });
});
