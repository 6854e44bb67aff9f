import { BaseSequencer, type TestSpecification } from "vitest/node";
import { defineConfig } from "vitest/config";

/**
 * Files that take most of the run start first, so they overlap everything else instead of running
 * last on one core (a clean CI checkout has no duration cache to order by).
 */
const SLOW_FIRST = ["tests/queue/broadcast.test.ts", "tests/bot/replicas.test.ts", "tests/cli/start.test.ts"];

class SlowFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (f: TestSpecification) => {
      const i = SLOW_FIRST.findIndex((path) => f.moduleId.endsWith(path));
      return i < 0 ? SLOW_FIRST.length : i;
    };
    return sorted
      .map((f, i) => ({ f, i }))
      .sort((a, b) => rank(a.f) - rank(b.f) || a.i - b.i)
      .map(({ f }) => f);
  }
}

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts", "packages/*/tests/**/*.test.ts"],
    globalSetup: ["tests/global-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Vitest's default on 2 cores is one worker, which ran every file after the broadcast's ~2 minutes of
    // mostly waiting on its child processes; two let the rest of the suite run beside it.
    maxWorkers: 2,
    // Test files share one module graph per worker instead of each importing the product afresh (about
    // 25 s of the run was imports, ~0.4 s a file). The bot itself is one long-running process with
    // shared modules; product modules keep only lazily built, read-only tables. A test must leave no
    // state behind (restore spies and env stubs); `npx vitest run --isolate` runs each file in isolation.
    isolate: false,
    sequence: { sequencer: SlowFirst },
  },
});
