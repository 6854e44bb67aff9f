/**
 * Opening a Redis connection from REDIS_URL (state shared by replicas). Start-up fails with one
 * line naming the server when it cannot be reached, rather than answering the first user with an
 * error; later outages make commands fail fast (the update gets the usual error reply) while the
 * client reconnects.
 */
import { Redis } from "ioredis";

import { UserFacingError } from "../errors.js";
import type { Logger } from "../logger.js";

/** Redis was not reachable at start-up. */
export class RedisUnavailableError extends UserFacingError {
  override name = "RedisUnavailableError";
}

/** The URL without its password, for messages and logs. */
export function redactRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "REDIS_URL";
  }
}

/**
 * Connects and pings once.
 * @throws RedisUnavailableError naming the server (never its password) when it does not answer.
 */
export async function connectRedis(url: string, logger: Logger, timeoutMs = 5000): Promise<Redis> {
  const redis = new Redis(url, { lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: 1 });
  let lastWarning = 0;
  redis.on("error", (error: Error) => {
    // The client reconnects by itself and emits this on every attempt; once a minute is enough.
    if (Date.now() - lastWarning < 60_000) return;
    lastWarning = Date.now();
    logger.warn("Redis connection problem; reconnecting", { redis: redactRedisUrl(url), error: error.message });
  });
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    redis.disconnect();
    throw new RedisUnavailableError(
      `Cannot reach Redis at ${redactRedisUrl(url)} (REDIS_URL): ${error instanceof Error ? error.message : String(error)}. Start it, fix REDIS_URL, or leave it empty to keep the chat state in this process.`,
    );
  }
  return redis;
}
