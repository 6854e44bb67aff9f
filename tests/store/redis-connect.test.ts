/** Start-up against a Redis that does not answer: one line naming the server, never its password. */
import { describe, expect, it } from "vitest";

import { UserFacingError } from "../../src/errors.js";
import { silentLogger } from "../../src/logger.js";
import { connectRedis } from "../../src/store/redis-connect.js";

describe("connectRedis", () => {
  it("fails at once with the server named and the password hidden when nothing listens", async () => {
    // A port of this suite's range with nothing on it.
    const started = Date.now();
    const error = await connectRedis("redis://:hunter2-secret@127.0.0.1:47299/0", silentLogger, 2000).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UserFacingError);
    const message = (error as Error).message;
    expect(message).toContain("127.0.0.1:47299");
    expect(message).toContain("REDIS_URL");
    expect(message).not.toContain("hunter2-secret");
    expect(Date.now() - started).toBeLessThan(3000);
  });
});
