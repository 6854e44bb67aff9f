/**
 * Local mode: no Telegram needed. Starts our Bot API emulator on 127.0.0.1,
 * runs the real bot against it with a fake token, and lets a person chat
 * from the terminal (buttons appear as numbered choices). main.ts uses it when
 * TELEGRAM_BOT_TOKEN is not set.
 */
import type { Readable, Writable } from "node:stream";

import {
  createBotApiServer,
  runTerminalClient,
  type BotApiServer,
  type BotApiServerOptions,
  type CreateUserInit,
} from "bot-api-emulator";
import { createBot, type MeetingsBot } from "./bot.js";
import type { BotDeps } from "./deps.js";
import { startBot, type BotHandle } from "./start.js";

/** Any well-formed token works against the emulator; this one is obviously not real. */
export const LOCAL_TOKEN = "1000001:LOCAL-emulator-token-not-a-secret";

/** Options of {@link runLocalMode}. */
export interface LocalModeOptions {
  deps: BotDeps;
  input: Readable;
  output: Writable;
  /** The terminal user (default "You", Chinese interface). */
  user?: CreateUserInit;
  /** Emulator options (bot identity, flood control…). */
  server?: Omit<BotApiServerOptions, "host">;
  /** Quiet period before a streamed edit is printed (default 400 ms). */
  editSettleMs?: number;
  /** After end of input, how long the bot must be quiet before the session ends (default 1500 ms). */
  drainMs?: number;
  /** Where the person types (default "› " when the output is a terminal, else none). */
  prompt?: string;
  /** Lines arriving this close together are one pasted message (default 25 ms on a terminal, else 0: one line, one message). */
  pasteWindowMs?: number;
}

/** A running local session. */
export interface LocalModeHandle {
  server: BotApiServer;
  /** The emulator's API root. */
  url: string;
  bot: MeetingsBot;
  /** Settles when the person types /quit or the input ends. */
  session: Promise<void>;
  /** Stops the bot and the emulator (safe to call more than once). */
  stop(): Promise<void>;
}

/**
 * Starts the emulator, the bot and the terminal client.
 *
 * @example
 * const local = await runLocalMode({ deps, input: process.stdin, output: process.stdout });
 * await local.session;
 * await local.stop();
 */
export async function runLocalMode(options: LocalModeOptions): Promise<LocalModeHandle> {
  const server = createBotApiServer({ ...options.server, host: "127.0.0.1" });
  const { url } = await server.start(0);
  const bot = createBot(LOCAL_TOKEN, options.deps, { apiRoot: url });
  let handle: BotHandle;
  try {
    handle = await startBot(bot, { mode: "polling", pollTimeoutSeconds: 10, logger: options.deps.logger });
  } catch (error) {
    await server.stop();
    throw error;
  }
  const session = runTerminalClient({
    server,
    input: options.input,
    output: options.output,
    user: { first_name: "You", language_code: "zh", ...options.user },
    ...(options.editSettleMs === undefined ? {} : { editSettleMs: options.editSettleMs }),
    ...(options.drainMs === undefined ? {} : { drainMs: options.drainMs }),
    prompt: options.prompt ?? (isTty(options.output) ? "› " : ""),
    pasteWindowMs: options.pasteWindowMs ?? (isTty(options.input) ? 25 : 0),
  });
  let stopping: Promise<void> | undefined;
  return {
    server,
    url,
    bot,
    session,
    stop() {
      stopping ??= (async () => {
        await handle.stop();
        await server.stop();
      })();
      return stopping;
    },
  };
}

function isTty(stream: Readable | Writable): boolean {
  return (stream as { isTTY?: boolean }).isTTY === true;
}
