/**
 * End-to-end bot benchmark through the local Bot API server over real HTTP:
 * reply latency for one user asking in turn, and throughput with many users
 * asking at once. Returns numbers; the bench CLI prints them.
 */
import { createBot } from "../bot/bot.js";
import { createMemoryFeedbackStore, type BotDeps } from "../bot/deps.js";
import { LOCAL_TOKEN } from "../bot/local-mode.js";
import { startBot } from "../bot/start.js";
import type { Answerer } from "../answer/types.js";
import type { Meeting } from "../corpus/types.js";
import { createBotApiServer, type BotApiServer } from "bot-api-emulator";
import { silentLogger } from "../logger.js";

/** Options of {@link benchBot}. */
export interface BenchBotOptions {
  answerer: Answerer;
  meetings: readonly Meeting[];
  /** Questions to ask, used round-robin. */
  questions: readonly string[];
  /** Questions in the latency run (default 200). */
  latencyQuestions?: number;
  /** Users asking at once in the throughput run (default 50). */
  concurrentUsers?: number;
  /** Questions each of those users asks, one after another (default 4). */
  questionsPerUser?: number;
}

/** Latency percentiles in milliseconds. */
export interface LatencyStats {
  count: number;
  p50Ms: number;
  p95Ms: number;
  meanMs: number;
}

/** What {@link benchBot} measured. */
export interface BenchBotResult {
  /** From the user's message to the bot's first message in reply (the first streamed text, if streaming). */
  firstReply: LatencyStats;
  /** From the user's message to the finished answer (the message carrying the buttons). */
  fullReply: LatencyStats;
  throughput: { users: number; replies: number; seconds: number; repliesPerSecond: number };
}

/**
 * Runs the benchmark on a fresh emulator and bot, then shuts both down.
 *
 * @example
 * const result = await benchBot({ answerer, meetings, questions: ["2024年座谈会在哪里举行？"] });
 * console.log(`p50 ${result.fullReply.p50Ms.toFixed(1)} ms, ${result.throughput.repliesPerSecond.toFixed(0)} replies/s`);
 */
export async function benchBot(options: BenchBotOptions): Promise<BenchBotResult> {
  if (options.questions.length === 0) throw new Error("benchBot needs at least one question");
  const server = createBotApiServer({ host: "127.0.0.1" });
  const { url } = await server.start(0);
  const deps: BotDeps = {
    answerer: options.answerer,
    meetings: options.meetings,
    logger: silentLogger,
    now: () => new Date(),
    // The bench measures the bot, not its limits.
    options: { rateLimitPerMinute: Number.MAX_SAFE_INTEGER, maxQuestionChars: 4000 },
    feedback: createMemoryFeedbackStore(),
  };
  const bot = createBot(LOCAL_TOKEN, deps, { apiRoot: url });
  const handle = await startBot(bot, {
    mode: "polling",
    pollTimeoutSeconds: 10,
    logger: silentLogger,
    registerCommands: false,
  });
  try {
    const asker = createAsker(server);
    const question = (i: number) => options.questions[i % options.questions.length]!;

    const first: number[] = [];
    const full: number[] = [];
    const user = server.createUser({ first_name: "Bench" });
    for (let i = 0; i < (options.latencyQuestions ?? 200); i++) {
      const timing = await asker.ask(user.id, question(i));
      first.push(timing.firstMs);
      full.push(timing.fullMs);
    }

    const users = Array.from({ length: options.concurrentUsers ?? 50 }, (_, i) =>
      server.createUser({ first_name: `User${i}` }),
    );
    const perUser = options.questionsPerUser ?? 4;
    const started = performance.now();
    await Promise.all(
      users.map(async (u, k) => {
        for (let j = 0; j < perUser; j++) await asker.ask(u.id, question(k * perUser + j));
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const replies = users.length * perUser;
    asker.close();
    return {
      firstReply: stats(first),
      fullReply: stats(full),
      throughput: { users: users.length, replies, seconds, repliesPerSecond: replies / seconds },
    };
  } finally {
    await handle.stop();
    await server.stop();
  }
}

/** Sends a question as a user and resolves when the bot's reply is first shown and when it is complete. */
function createAsker(server: BotApiServer) {
  const pending = new Map<
    number,
    { sentAt: number; firstAt?: number; done: (t: { firstMs: number; fullMs: number }) => void }
  >();
  const unsubscribe = server.onEvent((event) => {
    if (event.type !== "message" && event.type !== "edit") return;
    const wait = pending.get(event.chatId);
    if (wait === undefined) return;
    const now = performance.now();
    wait.firstAt ??= now;
    // Every finished answer carries buttons (at least 👍/👎) on its last message.
    if (event.message.reply_markup !== undefined) {
      pending.delete(event.chatId);
      wait.done({ firstMs: wait.firstAt - wait.sentAt, fullMs: now - wait.sentAt });
    }
  });
  return {
    ask(chatId: number, text: string): Promise<{ firstMs: number; fullMs: number }> {
      return new Promise((resolve) => {
        pending.set(chatId, { sentAt: performance.now(), done: resolve });
        server.sendMessage(chatId, chatId, text);
      });
    },
    close: unsubscribe,
  };
}

function stats(samples: number[]): LatencyStats {
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? 0;
  const mean = sorted.reduce((sum, x) => sum + x, 0) / Math.max(1, sorted.length);
  return { count: sorted.length, p50Ms: rank(0.5), p95Ms: rank(0.95), meanMs: mean };
}
