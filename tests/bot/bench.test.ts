/** The bot benchmark runs end to end and returns sane numbers (small sizes; the real run is `npm run bench`). */
import { describe, expect, it } from "vitest";

import { benchBot } from "../../src/bench/bot.js";
import { createFakeAnswerer } from "./helpers/fake-answerer.js";
import { MEETINGS } from "./helpers/fixtures.js";

describe("benchBot", () => {
  it("measures latency percentiles and concurrent throughput", async () => {
    const result = await benchBot({
      answerer: createFakeAnswerer(),
      meetings: MEETINGS,
      questions: ["2024年座谈会在哪里举行？", "What was the theme?"],
      latencyQuestions: 20,
      concurrentUsers: 5,
      questionsPerUser: 2,
    });
    expect(result.firstReply.count).toBe(20);
    expect(result.fullReply.p50Ms).toBeGreaterThan(0);
    expect(result.fullReply.p95Ms).toBeGreaterThanOrEqual(result.fullReply.p50Ms);
    expect(result.throughput).toMatchObject({ users: 5, replies: 10 });
    expect(result.throughput.repliesPerSecond).toBeGreaterThan(1);
  });
});
