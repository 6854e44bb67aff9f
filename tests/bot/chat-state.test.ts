/**
 * The chat state port, one contract for both adapters: follow-up memory (turns kept, refusals left
 * out of the history, expiry after a silence, /start forgetting) and the per-user limit (a sliding
 * minute, one notice per window). The Redis adapter runs when TEST_REDIS_URL is set, and is also
 * shared by two adapters at once, as two replicas would share it.
 */
import { randomUUID } from "node:crypto";

import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";

import { inProcessChatState, type ChatStateAdapter } from "../../src/bot/chat-state.js";
import { ChatMemory } from "../../src/bot/memory.js";
import { createRedisChatState } from "../../src/bot/redis-chat-state.js";

const REDIS_URL = process.env["TEST_REDIS_URL"];
const redis = REDIS_URL === undefined ? undefined : new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
afterAll(async () => {
  await redis?.quit();
});

/** A fresh key space per test, so runs never see each other's chats. */
const adapters: Array<[string, () => ChatStateAdapter, boolean]> = [
  ["in process", () => inProcessChatState, false],
  ["Redis", () => createRedisChatState(redis!, { prefix: `test:${randomUUID()}:` }), REDIS_URL === undefined],
];

const turn = (question: string, messageId: number, answered = true) => ({
  question,
  answer: `答${question}`,
  answered,
  citations: [],
  messageId,
});

describe.each(adapters)("chat state %s", (_name, make, skip) => {
  describe.skipIf(skip)("", () => {
    it("keeps the last turns, skips refusals in history, and expires after the TTL", async () => {
      let now = 1_000_000;
      const memory = make().memory({ maxTurns: 3, ttlMs: 30 * 60_000, maxChats: 10, now: () => new Date(now) });
      for (const [i, q] of ["一", "二", "三", "四"].entries()) await memory.remember(1, turn(q, i + 1, q !== "三"));
      expect(await memory.history(1)).toEqual([
        { question: "二", answer: "答二" },
        { question: "四", answer: "答四" },
      ]);
      expect((await memory.byMessage(1, 3))?.question).toBe("三");
      expect(await memory.byMessage(1, 1)).toBeUndefined();
      now += 30 * 60_000;
      expect((await memory.last(1))?.question).toBe("四");
      now += 1;
      expect(await memory.history(1)).toEqual([]);
      // A turn after the silence starts a new conversation: nothing older comes back.
      await memory.remember(1, turn("五", 5));
      expect(await memory.history(1)).toEqual([{ question: "五", answer: "答五" }]);
    });

    it("keeps the resolved question and citations of a turn, and forgets a chat on request", async () => {
      const memory = make().memory({ maxTurns: 3, ttlMs: 60_000, maxChats: 10, now: () => new Date() });
      const citation = {
        n: 1,
        meetingId: "2022-shanghai",
        meeting: "2022年度",
        article: "报道",
        articleIndex: 0,
        articleKind: "meeting" as const,
        paragraph: 2,
        text: "在上海举行",
        source: { name: "新华网" },
        date: "2022-08-16",
        city: "上海",
      };
      await memory.remember(7, {
        ...turn("那2022年呢？", 9),
        resolved: "2022年的座谈会在哪里举行？",
        citations: [citation],
      });
      expect(await memory.last(7)).toEqual({
        ...turn("那2022年呢？", 9),
        resolved: "2022年的座谈会在哪里举行？",
        citations: [citation],
      });
      // The next follow-up leans on the question as it was answered, not on the elliptical words typed.
      expect((await memory.history(7)).at(-1)?.question).toBe("2022年的座谈会在哪里举行？");
      expect(await memory.last(8)).toBeUndefined();
      await memory.forget(7);
      expect(await memory.last(7)).toBeUndefined();
    });

    it("allows N per sliding minute and notifies once per window, per scope", async () => {
      let now = 5_000_000;
      const state = make();
      const limiter = state.rateLimiter("ask", { perMinute: 2, now: () => new Date(now) });
      const inline = state.rateLimiter("inline", { perMinute: 1, now: () => new Date(now) });
      expect(await limiter.take(7)).toEqual({ allowed: true });
      now += 10_000;
      expect(await limiter.take(7)).toEqual({ allowed: true });
      now += 10_000;
      expect(await limiter.take(7)).toEqual({ allowed: false, retryAfterSeconds: 40, notify: true });
      expect(await limiter.take(7)).toEqual({ allowed: false, retryAfterSeconds: 40, notify: false });
      expect(await limiter.take(8)).toEqual({ allowed: true });
      expect(await inline.take(7)).toEqual({ allowed: true });
      now += 40_000;
      expect(await limiter.take(7)).toEqual({ allowed: true });
      expect(await limiter.take(7)).toEqual({ allowed: false, retryAfterSeconds: 10, notify: true });
    });
  });
});

describe.skipIf(REDIS_URL === undefined)("chat state shared in Redis", () => {
  it("lets two processes' adapters continue one conversation and count one quota", async () => {
    const prefix = `test:${randomUUID()}:`;
    const [a, b] = [createRedisChatState(redis!, { prefix }), createRedisChatState(new Redis(REDIS_URL!), { prefix })];
    const options = { maxTurns: 3, ttlMs: 60_000, maxChats: 10, now: () => new Date() };
    await a.memory(options).remember(1, turn("2021年的座谈会在哪里举行？", 1));
    expect(await b.memory(options).history(1)).toEqual([
      { question: "2021年的座谈会在哪里举行？", answer: "答2021年的座谈会在哪里举行？" },
    ]);
    const limits = { perMinute: 3, now: () => new Date() };
    const verdicts = [];
    for (const limiter of [a, b, a, b].map((s) => s.rateLimiter("ask", limits)))
      verdicts.push((await limiter.take(42)).allowed);
    expect(verdicts).toEqual([true, true, true, false]);
  });
});

describe("the in-process memory", () => {
  it("forgets the least recently used chat beyond its capacity", async () => {
    const memory = new ChatMemory({ maxTurns: 3, ttlMs: 60_000, maxChats: 2, now: () => new Date(0) });
    await memory.remember(1, turn("a", 1));
    await memory.remember(2, turn("b", 1));
    await memory.history(1); // chat 1 is now the most recently used
    await memory.remember(3, turn("c", 1));
    expect((await memory.last(1))?.question).toBe("a");
    expect(await memory.last(2)).toBeUndefined();
    expect((await memory.last(3))?.question).toBe("c");
  });
});
