/**
 * Webhook mode: delivery with the secret header, retries, getWebhookInfo,
 * the getUpdates conflict, webhook replies and a real grammY webhookCallback.
 */

import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

import { Bot, webhookCallback } from "grammy";
import { afterEach, describe, expect, it } from "vitest";

import { TOKEN, callApi, useServers } from "./helpers.js";

const startServer = useServers();

interface Received {
  headers: IncomingMessage["headers"];
  body: any;
}

const receivers: Server[] = [];

afterEach(async () => {
  await Promise.all(
    receivers.splice(0).map(
      (server) =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    ),
  );
});

/** A webhook endpoint answering each request with the next status from `statuses` (then 200). */
async function startReceiver(
  statuses: number[] = [],
  reply?: (body: any) => object | undefined,
): Promise<{ url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      received.push({ headers: req.headers, body });
      const status = statuses.shift() ?? 200;
      const answer = status === 200 ? reply?.(body) : undefined;
      if (answer === undefined) res.writeHead(status).end();
      else res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify(answer));
    });
  });
  receivers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, received };
}

async function until(condition: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe("webhooks", () => {
  it("POSTs updates with the secret header and blocks getUpdates", async () => {
    const { server, url } = await startServer();
    const hook = await startReceiver();
    const set = await callApi(url, "setWebhook", { url: hook.url, secret_token: "s3cr3t_token-1" });
    expect(set.body).toEqual({ ok: true, result: true, description: "Webhook was set" });
    expect((await callApi(url, "setWebhook", { url: hook.url, secret_token: "s3cr3t_token-1" })).body.description).toBe(
      "Webhook is already set",
    );
    const user = server.createUser();
    const { update } = server.sendMessage(user, user, "hello 长三角");
    await until(() => hook.received.length === 1);
    expect(hook.received[0]!.headers["x-telegram-bot-api-secret-token"]).toBe("s3cr3t_token-1");
    expect(hook.received[0]!.headers["content-type"]).toBe("application/json");
    expect(hook.received[0]!.body).toEqual(update);
    await until(() => server.pendingUpdates().length === 0);

    const polled = await callApi(url, "getUpdates");
    expect(polled.status).toBe(409);
    expect(polled.body.description).toBe(
      "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
    );
    expect((await callApi(url, "getWebhookInfo")).body.result).toMatchObject({
      url: hook.url,
      has_custom_certificate: false,
      pending_update_count: 0,
      max_connections: 40,
    });
    expect((await callApi(url, "deleteWebhook")).body.description).toBe("Webhook was deleted");
    expect((await callApi(url, "getUpdates")).status).toBe(200);
    expect((await callApi(url, "setWebhook", { url: hook.url, secret_token: "bad token!" })).body.description).toBe(
      "Bad Request: secret token contains unallowed characters",
    );
  });

  it("retries failed deliveries in order and reports the last error", async () => {
    const { server, url } = await startServer({ webhook: { retryBaseMs: 20 } });
    const hook = await startReceiver([500, 502]);
    await callApi(url, "setWebhook", { url: hook.url });
    const user = server.createUser();
    server.sendMessage(user, user, "first");
    server.sendMessage(user, user, "second");
    await until(() => hook.received.length === 4);
    // The first update is retried until it succeeds; the second waits for it (same chat).
    expect(hook.received.map((r) => r.body.message.text)).toEqual(["first", "first", "first", "second"]);
    const info = (await callApi(url, "getWebhookInfo")).body.result;
    expect(info.last_error_message).toBe("Wrong response from the webhook: 502 Bad Gateway");
    expect(typeof info.last_error_date).toBe("number");
  });

  it("executes a method returned in the webhook response", async () => {
    const { server, url } = await startServer();
    const hook = await startReceiver([], (body) => ({
      method: "sendMessage",
      chat_id: body.message.chat.id,
      text: `<i>echo</i> ${body.message.text}`,
      parse_mode: "HTML",
    }));
    await callApi(url, "setWebhook", { url: hook.url });
    const user = server.createUser();
    server.sendMessage(user, user, "ping");
    const message = await server.waitForMessage(user.id);
    expect(message).toMatchObject({ text: "echo ping", entities: [{ type: "italic", offset: 0, length: 4 }] });
    expect(server.callsTo("sendMessage")[0]).toMatchObject({ status: 200, viaWebhookReply: true });
  });

  it("drives a grammY bot through webhookCallback", async () => {
    const { server, url } = await startServer();
    const bot = new Bot(TOKEN, { client: { apiRoot: url } });
    bot.on("message:text", (ctx) => ctx.reply(`you said: ${ctx.message.text}`));
    const receiver = createServer(webhookCallback(bot, "http", { secretToken: "grammy_secret" }));
    receivers.push(receiver);
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
    const hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/`;
    await bot.api.setWebhook(hookUrl, { secret_token: "grammy_secret" });
    const user = server.createUser();
    server.sendMessage(user, user, "你好");
    expect((await server.waitForMessage(user.id)).text).toBe("you said: 你好");
  });
});
