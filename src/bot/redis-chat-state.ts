/**
 * The chat state in Redis, for webhook replicas: whichever process gets a chat's
 * next update sees its previous turns, and a user's quota is counted once across
 * all of them. The rules are those of the in-process adapters (memory.ts,
 * rate-limit.ts), checked against the injected clock; Redis expiry only removes
 * what the rules would ignore anyway, so memory stays bounded without a chat cap.
 * Each change is one Lua script, so two replicas never interleave inside it.
 */
import { randomUUID } from "node:crypto";

import type { Redis } from "ioredis";

import type { ChatStateAdapter, ChatMemoryStore, RateLimiter } from "./chat-state.js";
import { answeredTurns, type ChatMemoryOptions, type ChatTurn } from "./memory.js";
import { RATE_WINDOW_MS, type RateVerdict, type UserRateLimiterOptions } from "./rate-limit.js";

/** A turn as stored: with the time it was remembered, which is the chat's last activity when it is the newest. */
interface StoredTurn {
  at: number;
  turn: ChatTurn;
}

// Drops an expired conversation before appending, as the in-process memory does, then keeps the newest turns.
const REMEMBER = `
local last = redis.call('LINDEX', KEYS[1], -1)
if last and tonumber(ARGV[3]) - cjson.decode(last).at > tonumber(ARGV[4]) then redis.call('DEL', KEYS[1]) end
redis.call('RPUSH', KEYS[1], ARGV[1])
redis.call('LTRIM', KEYS[1], -tonumber(ARGV[2]), -1)
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return 1`;

// A sorted set of accepted question times per user, and the time until which no further notice is sent.
const TAKE = `
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[2]) then
  redis.call('ZADD', KEYS[1], now, ARGV[4])
  redis.call('PEXPIRE', KEYS[1], window)
  return {1, 0, 0}
end
local free_at = tonumber(redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')[2]) + window
local quiet = tonumber(redis.call('GET', KEYS[2]) or '0')
if now >= quiet then
  redis.call('SET', KEYS[2], free_at, 'PX', window)
  return {0, free_at, 1}
end
return {0, free_at, 0}`;

/** Options of {@link createRedisChatState}. */
export interface RedisChatStateOptions {
  /** Prefix of every key (default `csj:`), so several bots or test runs can share one Redis. */
  prefix?: string;
}

/**
 * The Redis adapter of the chat state. The connection belongs to the caller (it closes it).
 *
 * @example
 * const deps: BotDeps = { ...others, chatState: createRedisChatState(new Redis(config.REDIS_URL)) };
 */
export function createRedisChatState(redis: Redis, options: RedisChatStateOptions = {}): ChatStateAdapter {
  const prefix = options.prefix ?? "csj:";
  return {
    memory: (memoryOptions) => redisMemory(redis, `${prefix}chat:`, memoryOptions),
    rateLimiter: (scope, limiterOptions) => redisLimiter(redis, `${prefix}rate:${scope}:`, limiterOptions),
  };
}

function redisMemory(redis: Redis, prefix: string, options: ChatMemoryOptions): ChatMemoryStore {
  const key = (chatId: number) => `${prefix}${chatId}`;
  /** The chat's live turns, oldest first; an expired conversation is deleted and reads as empty. */
  const turns = async (chatId: number): Promise<ChatTurn[]> => {
    const stored = (await redis.lrange(key(chatId), 0, -1)).map((item) => JSON.parse(item) as StoredTurn);
    const newest = stored.at(-1);
    if (newest === undefined) return [];
    if (options.now().getTime() - newest.at > options.ttlMs) {
      await redis.del(key(chatId));
      return [];
    }
    return stored.map((s) => s.turn);
  };
  return {
    history: async (chatId) => answeredTurns(await turns(chatId)),
    last: async (chatId) => (await turns(chatId)).at(-1),
    byMessage: async (chatId, messageId) => (await turns(chatId)).find((turn) => turn.messageId === messageId),
    async remember(chatId, turn) {
      const now = options.now().getTime();
      const stored: StoredTurn = { at: now, turn };
      await redis.eval(REMEMBER, 1, key(chatId), JSON.stringify(stored), options.maxTurns, now, options.ttlMs);
    },
    async forget(chatId) {
      await redis.del(key(chatId));
    },
  };
}

function redisLimiter(redis: Redis, prefix: string, options: UserRateLimiterOptions): RateLimiter {
  return {
    async take(userId): Promise<RateVerdict> {
      const now = options.now().getTime();
      const key = `${prefix}${userId}`;
      const [allowed, freeAt, notify] = (await redis.eval(
        TAKE,
        2,
        key,
        `${key}:quiet`,
        now,
        options.perMinute,
        RATE_WINDOW_MS,
        `${now}:${randomUUID()}`,
      )) as [number, number, number];
      if (allowed === 1) return { allowed: true };
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((freeAt - now) / 1000)), notify: notify === 1 };
    },
  };
}
