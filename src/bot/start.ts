/**
 * Running the bot: long polling through @grammyjs/runner, or a webhook served
 * by node:http. Either way the caller gets a handle whose `stop()` shuts down
 * cleanly (the lead's main.ts calls it on SIGINT/SIGTERM).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { timingSafeEqual } from "node:crypto";

import { run } from "@grammyjs/runner";
import { webhookCallback } from "grammy";
import type { Update } from "grammy/types";

import type { Logger } from "../logger.js";
import type { MeetingsBot } from "./bot.js";
import { registerCommands } from "./commands.js";
import { describeError } from "./errors.js";
import { startupError } from "./startup-error.js";

/** Long polling. */
export interface PollingStartOptions {
  mode: "polling";
  /** getUpdates long-poll timeout (default 30 s). */
  pollTimeoutSeconds?: number;
}

/** A webhook endpoint. */
export interface WebhookStartOptions {
  mode: "webhook";
  /** WEBHOOK_SECRET; Telegram sends it in X-Telegram-Bot-Api-Secret-Token and other requests get 403. */
  secret: string;
  /** Port to listen on (PORT; 0 picks a free one). */
  port: number;
  /** Interface to bind (default 0.0.0.0). */
  host?: string;
  /** Public URL Telegram posts to (WEBHOOK_URL); its path is served. Default: this server's own address + /telegram. */
  url?: string;
  /** How long an update may run before the webhook is answered anyway (default 50 s, under Telegram's 60 s). */
  handlerTimeoutMs?: number;
  /** Largest request body accepted (default {@link WEBHOOK_BODY_LIMIT}); larger ones get 413 unread. */
  maxBodyBytes?: number;
  /** At most one wrong-secret warning per this many ms; the others are counted in the next one (default 60 s). */
  wrongSecretLogIntervalMs?: number;
}

/**
 * Telegram updates are small (a 4096-character message with its entities is a few KB);
 * 1 MiB leaves room for any of them while a flood of big bodies cannot grow memory.
 */
export const WEBHOOK_BODY_LIMIT = 1024 * 1024;

/** Options of {@link startBot}. */
export type StartBotOptions = (PollingStartOptions | WebhookStartOptions) & {
  logger: Logger;
  /** Register the command menu (default true). */
  registerCommands?: boolean;
};

/** A running bot. */
export interface BotHandle {
  mode: "polling" | "webhook";
  /** Webhook mode: the address the HTTP server listens on, e.g. http://127.0.0.1:8080. */
  listenUrl?: string;
  /** Stops receiving updates, lets in-flight ones finish (up to a few seconds), and closes the server. */
  stop(): Promise<void>;
  /**
   * Settles when the bot stops receiving updates: resolves after `stop()`, rejects
   * when polling dies on its own (a revoked token, another instance polling), so
   * the process can exit instead of running deaf.
   */
  done: Promise<void>;
}

/** How long stop() waits for updates already being handled. */
const DRAIN_MS = 5000;

/**
 * Starts the bot. Fails fast (before serving anything) when Telegram rejects
 * the token or the webhook.
 *
 * @example
 * const handle = await startBot(bot, { mode: "polling", logger });
 * process.once("SIGTERM", () => void handle.stop());
 */
export async function startBot(bot: MeetingsBot, options: StartBotOptions): Promise<BotHandle> {
  const { logger } = options;
  try {
    // Not bot.init(): grammY retries a network error there without limit, so an unreachable
    // TELEGRAM_API_ROOT would hang start-up for ever. getMe goes through our bounded retries.
    if (!bot.isInited()) bot.botInfo = await bot.api.getMe();
  } catch (error) {
    throw startupError("getMe", error, bot, "Check TELEGRAM_BOT_TOKEN, or leave it empty to run in local mode.");
  }
  if (options.registerCommands !== false) await registerCommands(bot.api, bot.commands, logger);
  return options.mode === "polling" ? startPolling(bot, options) : startWebhook(bot, options);
}

async function startPolling(bot: MeetingsBot, options: PollingStartOptions & { logger: Logger }): Promise<BotHandle> {
  const { logger } = options;
  // getUpdates is refused while a webhook is set (e.g. left over from a webhook deployment).
  await bot.api.deleteWebhook();
  const runner = run(bot, {
    runner: { fetch: { timeout: options.pollTimeoutSeconds ?? 30 }, silent: true },
  });
  let stopping = false;
  const done = (runner.task() ?? Promise.resolve()).then(
    () => {
      if (!stopping) throw new Error("polling ended unexpectedly");
    },
    (error: unknown) => {
      logger.error("polling stopped", { error: describeError(error, bot.token) });
      throw new Error(`polling stopped: ${String(describeError(error, bot.token)["message"])}`);
    },
  );
  // Observed by whoever cares (main exits on it); never an unhandled rejection otherwise.
  done.catch(() => undefined);
  logger.info("bot started", { mode: "polling", username: bot.botInfo.username });
  return {
    mode: "polling",
    done,
    async stop() {
      stopping = true;
      if (runner.isRunning()) await runner.stop();
      const deadline = Date.now() + DRAIN_MS;
      while (runner.size() > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      // Confirm what was handled, so a restart does not answer the same messages twice.
      if (bot.lastUpdateId > 0) {
        await bot.api.getUpdates({ offset: bot.lastUpdateId + 1, limit: 1, timeout: 0 }).catch(() => undefined);
      }
      logger.info("bot stopped", { mode: "polling" });
    },
  };
}

async function startWebhook(bot: MeetingsBot, options: WebhookStartOptions & { logger: Logger }): Promise<BotHandle> {
  const { logger, secret } = options;
  const maxBodyBytes = options.maxBodyBytes ?? WEBHOOK_BODY_LIMIT;
  const warnWrongSecret = rateLimitedWarning(
    logger,
    "webhook requests with a wrong secret",
    options.wrongSecretLogIntervalMs ?? 60_000,
  );
  // The body is read (with a limit) and parsed before grammY sees it; this adapter hands it over.
  const handle = webhookCallback(
    bot,
    (res: ServerResponse, update: Update) => ({
      update: Promise.resolve(update),
      header: secret,
      end: () => res.end(),
      respond: (json: string) => res.writeHead(200, { "Content-Type": "application/json" }).end(json),
      unauthorized: () => res.writeHead(401).end(),
    }),
    {
      secretToken: secret,
      // Answer Telegram in time even if an answer takes long; the handler keeps running.
      onTimeout: "return",
      timeoutMilliseconds: options.handlerTimeoutMs ?? 50_000,
    },
  );
  const path = options.url === undefined ? "/telegram" : new URL(options.url).pathname;
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (req.method === "GET" && url.pathname === "/healthz") {
      res
        .writeHead(200, { "Content-Type": "application/json" })
        .end(JSON.stringify({ ok: true, bot: bot.botInfo.username }));
      return;
    }
    if (req.method !== "POST" || url.pathname !== path) {
      res.writeHead(404).end();
      return;
    }
    // The secret is checked before a byte of the body is read.
    if (!secretMatches(req, secret)) {
      warnWrongSecret({ remote: req.socket.remoteAddress });
      res.writeHead(403, { Connection: "close" }).end();
      return;
    }
    void readUpdate(req, maxBodyBytes)
      .then(async (update) => {
        // A body Telegram would never send: a 4xx tells it (or whoever sent it) not to retry.
        if (update.kind === "too-large") {
          logger.warn("webhook body too large; refused", { limit: maxBodyBytes });
          res.writeHead(413, { Connection: "close" }).end();
          req.destroy();
          return;
        }
        if (update.kind === "malformed") {
          logger.warn("webhook body is not a JSON update; refused");
          res.writeHead(400).end();
          return;
        }
        await handle(res, update.value as Update);
      })
      .catch((error: unknown) => {
        logger.error("webhook handler failed", { error: describeError(error, bot.token) });
        if (!res.headersSent) res.writeHead(500).end();
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host ?? "0.0.0.0", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  const listenUrl = `http://${host === "0.0.0.0" ? "127.0.0.1" : host}:${address.port}`;
  const publicUrl = options.url ?? `${listenUrl}${path}`;
  try {
    await bot.api.setWebhook(publicUrl, { secret_token: secret });
  } catch (error) {
    await closeServer(server);
    throw startupError("setWebhook", error, bot, `Check WEBHOOK_URL (${publicUrl}): it must be public HTTPS.`);
  }
  logger.info("bot started", { mode: "webhook", username: bot.botInfo.username, listen: listenUrl });
  let stopped!: () => void;
  const done = new Promise<void>((resolve) => (stopped = resolve));
  return {
    mode: "webhook",
    listenUrl,
    done,
    async stop() {
      // The webhook stays registered: Telegram keeps updates until the bot is back.
      await closeServer(server);
      logger.info("bot stopped", { mode: "webhook" });
      stopped();
    },
  };
}

/** Reads a request body of at most `limit` bytes and parses it as a JSON object. */
async function readUpdate(
  req: IncomingMessage,
  limit: number,
): Promise<{ kind: "ok"; value: unknown } | { kind: "too-large" } | { kind: "malformed" }> {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limit) return { kind: "too-large" };
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) return { kind: "too-large" };
    chunks.push(chunk);
  }
  try {
    const value: unknown = JSON.parse(Buffer.concat(chunks).toString("utf8"));
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? { kind: "ok", value }
      : { kind: "malformed" };
  } catch {
    return { kind: "malformed" };
  }
}

/**
 * A warning that is logged at most once per interval, with how many were held back, so
 * a flood of bad requests cannot flood the log.
 */
function rateLimitedWarning(
  logger: Logger,
  message: string,
  intervalMs: number,
): (fields: Record<string, unknown>) => void {
  let last = -Infinity;
  let held = 0;
  return (fields) => {
    const now = Date.now();
    if (now - last < intervalMs) {
      held++;
      return;
    }
    logger.warn(message, { ...fields, ...(held > 0 ? { since_last_warning: held } : {}) });
    last = now;
    held = 0;
  };
}

function secretMatches(req: IncomingMessage, secret: string): boolean {
  const header = req.headers["x-telegram-bot-api-secret-token"];
  const given = Buffer.from(typeof header === "string" ? header : "", "utf8");
  const expected = Buffer.from(secret, "utf8");
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    // Keep-alive connections that finish a request after close() would linger until their timeout; sweep them.
    const sweep = setInterval(() => server.closeIdleConnections(), 25);
    // Requests still running after the drain time are cut off.
    const cutoff = setTimeout(() => server.closeAllConnections(), DRAIN_MS);
    server.close(() => {
      clearInterval(sweep);
      clearTimeout(cutoff);
      resolve();
    });
    server.closeIdleConnections();
  });
}
