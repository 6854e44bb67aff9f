/**
 * Over real HTTP against the local Bot API server: the Telegram answers the digest
 * code must survive, mapped the way the bot adapter maps grammY's errors, and a small
 * broadcast that must reach everybody exactly once.
 */
import { afterEach, describe, expect, it } from "vitest";
import { benchBroadcast } from "../../src/bench/digest.js";
import { createDigestSender } from "../../src/bot/digest-sender.js";
import { silentLogger } from "../../src/logger.js";
import { composeDigest } from "../../src/digest/compose.js";
import { DeliveryError } from "../../src/digest/errors.js";
import { findTheme } from "../../src/digest/themes.js";
import { createBotApiServer, type BotApiServer } from "bot-api-emulator";
import { fixtureChunks } from "./helpers.js";

let server: BotApiServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

const digest = composeDigest({
  theme: findTheme("tech")!,
  chunks: fixtureChunks(),
  sent: new Set(),
  localDate: "2026-03-08",
});
const TOKEN = "123456:test-token-for-the-local-server";

async function kindOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return "ok";
  } catch (error) {
    return error instanceof DeliveryError ? `${error.kind}${error.retryAfter ? `:${error.retryAfter}` : ""}` : "other";
  }
}

describe("Telegram answers → DeliveryError", () => {
  it("maps 429, 403, 5xx, dropped connections, a missing chat and other 400s onto the retry policy's kinds", async () => {
    server = createBotApiServer();
    const { url } = await server.start(0);
    const user = server.createUser({ id: 501 });
    const send = createDigestSender({ token: TOKEN, apiRoot: url }, { logger: silentLogger });
    const options = { language: "zh" as const };

    expect(await kindOf(send(user.id, digest, options))).toBe("ok");
    expect(server.messagesIn(user.id).at(-1)?.text).toContain("科技创新 每日摘要");

    server.injectFault({ method: "sendMessage", kind: { type: "429", retryAfter: 3 } });
    expect(await kindOf(send(user.id, digest, options))).toBe("rate-limited:3");
    server.injectFault({ method: "sendMessage", kind: { type: "5xx", status: 502 } });
    expect(await kindOf(send(user.id, digest, options))).toBe("transient");
    server.injectFault({ method: "sendMessage", kind: { type: "drop" } });
    expect(await kindOf(send(user.id, digest, options))).toBe("transient");
    // A chat that does not exist is gone for good, like a blocked one.
    expect(await kindOf(send(999_999, digest, options))).toBe("blocked");
    server.injectFault({
      method: "sendMessage",
      kind: { type: "400", description: "Bad Request: message is too long" },
    });
    expect(await kindOf(send(user.id, digest, options))).toBe("permanent");
    server.blockBot(user.id);
    expect(await kindOf(send(user.id, digest, options))).toBe("blocked");
  });
});

describe("the hand-over", () => {
  it("is awaited before any request leaves; after it, a broken connection is 'unknown' (not retried), while refusals and 5xx keep their kinds", async () => {
    server = createBotApiServer();
    const { url } = await server.start(0);
    const user = server.createUser({ id: 502 });
    const send = createDigestSender({ token: TOKEN, apiRoot: url }, { logger: silentLogger });
    expect(send.reportsHandOver).toBe(true);
    const calls = () => server!.callsTo("sendMessage").length;
    const handOvers: number[] = [];
    const onHandOver = async () => {
      handOvers.push(calls());
    };
    const options = { language: "zh" as const, onHandOver };

    expect(await kindOf(send(user.id, digest, options))).toBe("ok");
    // Called once per request, each time before the server had it.
    expect(handOvers).toEqual([0]);
    server.injectFault({ method: "sendMessage", kind: { type: "drop" } });
    expect(await kindOf(send(user.id, digest, options))).toBe("unknown");
    server.injectFault({ method: "sendMessage", kind: { type: "5xx", status: 502 } });
    expect(await kindOf(send(user.id, digest, options))).toBe("transient");
    server.injectFault({ method: "sendMessage", kind: { type: "429", retryAfter: 2 } });
    expect(await kindOf(send(user.id, digest, options))).toBe("rate-limited:2");

    // A hand-over that cannot be recorded sends nothing.
    const before = calls();
    const refused = send(user.id, digest, {
      language: "zh",
      onHandOver: () => Promise.reject(new Error("database is locked")),
    });
    expect(await kindOf(refused)).toBe("transient");
    expect(calls()).toBe(before);

    // Nothing listens: the request never left, so it is retried as before.
    await server.stop();
    server = undefined;
    expect(await kindOf(send(user.id, digest, options))).toBe("transient");
  });
});

describe("benchBroadcast", () => {
  it("reaches every subscriber exactly once through the rate-limited local server", async () => {
    const result = await benchBroadcast({ subscribers: 60, timeScale: 5 });
    expect(result).toMatchObject({ delivered: 60, duplicates: 0, missed: 0, secondTickClaimed: 0 });
    expect(result.ratio).toBeGreaterThanOrEqual(0.95);
  });
});
