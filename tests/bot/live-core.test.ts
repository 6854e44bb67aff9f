/**
 * A bot on a live core (src/index/live.ts behind BotDeps.core), over HTTP against the emulator: a
 * question being answered when a new build goes live is finished from the build it started on, the
 * next question is answered from the new build at once, and the old build is let go only when the
 * slow answer has been sent.
 */
import { afterEach, describe, expect, it } from "vitest";

import type { Answer, Answerer } from "../../src/answer/types.js";
import { createBot } from "../../src/bot/bot.js";
import type { CoreView } from "../../src/bot/deps.js";
import { startBot } from "../../src/bot/start.js";
import { createLiveIndex } from "../../src/index/live.js";
import { createBotApiServer } from "bot-api-emulator";
import { citationOf, MEETINGS } from "./helpers/fixtures.js";
import { TEST_RETRY, TOKEN, makeDeps, until } from "./helpers/harness.js";

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** An answerer that says which build it belongs to, and holds questions containing "慢" until `open()`. */
function buildAnswerer(build: string): Answerer & { open(): void } {
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  return {
    open,
    async ask(question): Promise<Answer> {
      if (question.includes("慢")) await gate;
      return {
        question,
        answered: true,
        answer: `来自${build}的回答[1]`,
        citations: [citationOf(1, "2024-wenzhou", 1, 1)],
        retrieved: [],
        path: "extractive",
        language: "zh",
      };
    },
  };
}

describe("a bot on a live core", () => {
  it("finishes an answer in flight on its build, answers the next from the new one, then releases the old", async () => {
    const server = createBotApiServer();
    const { url } = await server.start();
    cleanups.push(() => server.stop());
    let pointer = "build-a";
    const answerers = { "build-a": buildAnswerer("build-a"), "build-b": buildAnswerer("build-b") };
    const view = (build: keyof typeof answerers): CoreView => ({ answerer: answerers[build], meetings: MEETINGS });
    const released: string[] = [];
    const core = createLiveIndex<CoreView>({
      first: { build: "build-a", value: view("build-a") },
      readPointer: () => pointer,
      open: async (build) => view(build as keyof typeof answerers),
      now: () => new Date(),
      onRelease: (build) => released.push(build),
      logger: makeDeps().deps.logger,
    });
    const { deps } = makeDeps();
    const bot = createBot(TOKEN, { ...deps, core }, { apiRoot: url, retry: TEST_RETRY });
    const handle = await startBot(bot, { mode: "polling", pollTimeoutSeconds: 1, logger: deps.logger });
    cleanups.push(() => handle.stop());

    const slow = server.createUser();
    server.sendMessage(slow, slow, "慢一点的问题");
    await until(() => core.held()[0]?.leases === 1);

    pointer = "build-b";
    await core.refresh();
    const quick = server.createUser();
    server.sendMessage(quick, quick, "2024年会议在哪里？");
    expect((await server.waitForMessage(quick.id)).text).toContain("来自build-b的回答");
    // The quick update ends just after its reply is sent.
    await until(() => core.held().find((h) => h.build === "build-b")?.leases === 0);
    expect(released).toEqual([]);
    expect(core.held()).toEqual([
      { build: "build-a", leases: 1 },
      { build: "build-b", leases: 0 },
    ]);

    answerers["build-a"].open();
    expect((await server.waitForMessage(slow.id)).text).toContain("来自build-a的回答");
    await until(() => released.length === 1);
    expect(released).toEqual(["build-a"]);
    expect(core.held()).toEqual([{ build: "build-b", leases: 0 }]);
  });
});
