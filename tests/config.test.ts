/** Config is parsed once from the environment; every mistake is named with what to do, and secrets are never echoed. */
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../src/config.js";

describe("loadConfig", () => {
  it("gives working offline defaults for an empty environment (local mode, extractive answers)", () => {
    const config = loadConfig({});
    expect(config.TELEGRAM_BOT_TOKEN).toBeUndefined();
    expect(config.OPENAI_API_KEY).toBeUndefined();
    expect(config).toMatchObject({
      BOT_MODE: "polling",
      CORPUS_DIR: "corpus",
      INDEX_DIR: "index",
      DEFAULT_TIMEZONE: "Asia/Shanghai",
      USE_LOCAL_EMBEDDINGS: true,
    });
    expect(config.ADMIN_USER_IDS).toEqual([]);
  });

  it("parses numbers, lists and switches from their text form", () => {
    const config = loadConfig({
      ADMIN_USER_IDS: "12, 34",
      RATE_LIMIT_PER_MINUTE: "5",
      USE_LOCAL_EMBEDDINGS: "false",
      PORT: "9000",
    });
    expect(config.ADMIN_USER_IDS).toEqual([12, 34]);
    expect(config.RATE_LIMIT_PER_MINUTE).toBe(5);
    expect(config.USE_LOCAL_EMBEDDINGS).toBe(false);
    expect(config.PORT).toBe(9000);
  });

  it("names every malformed variable in one error, without echoing a secret value", () => {
    const token = "not-a-token-SECRET-VALUE";
    let error: unknown;
    try {
      loadConfig({
        TELEGRAM_BOT_TOKEN: token,
        OPENAI_BASE_URL: "not a url",
        DEFAULT_TIMEZONE: "Mars/Base",
        RATE_LIMIT_PER_MINUTE: "many",
      });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    for (const name of ["TELEGRAM_BOT_TOKEN", "OPENAI_BASE_URL", "DEFAULT_TIMEZONE", "RATE_LIMIT_PER_MINUTE"])
      expect(message).toContain(name);
    expect(message).toContain("@BotFather");
    expect(message).not.toContain(token);
  });

  it("takes a redis:// REDIS_URL and names it when it is something else", () => {
    expect(loadConfig({ REDIS_URL: "redis://127.0.0.1:6379/2" }).REDIS_URL).toBe("redis://127.0.0.1:6379/2");
    expect(loadConfig({ REDIS_URL: "" }).REDIS_URL).toBeUndefined();
    expect(() => loadConfig({ REDIS_URL: "127.0.0.1:6379" })).toThrow(/REDIS_URL: expected redis:\/\/host:port/u);
  });

  it("takes IANA zone names (in any case) but not bare offsets, which ignore daylight saving", () => {
    expect(loadConfig({ DEFAULT_TIMEZONE: "europe/berlin" }).DEFAULT_TIMEZONE).toBe("Europe/Berlin");
    expect(() => loadConfig({ DEFAULT_TIMEZONE: "+08:00" })).toThrow(/DEFAULT_TIMEZONE/);
  });

  it("runs every role in one process by default; the queue roles need REDIS_URL", () => {
    expect(loadConfig({}).ROLE).toBe("all");
    expect(loadConfig({}).REDIS_URL).toBeUndefined();
    expect(loadConfig({ ROLE: "web" }).ROLE).toBe("web");
    expect(() => loadConfig({ ROLE: "worker" })).toThrow(/ROLE=worker needs REDIS_URL/);
    expect(loadConfig({ ROLE: "planner", REDIS_URL: "redis://127.0.0.1:6379" })).toMatchObject({
      ROLE: "planner",
      REDIS_URL: "redis://127.0.0.1:6379",
    });
    expect(() => loadConfig({ ROLE: "scheduler" })).toThrow(/ROLE/);
    expect(() => loadConfig({ REDIS_URL: "127.0.0.1:6379" })).toThrow(/REDIS_URL: expected redis:\/\/host:port/);
  });

  it("requires a URL and a secret for webhook mode", () => {
    expect(() => loadConfig({ BOT_MODE: "webhook" })).toThrow(/WEBHOOK_URL and WEBHOOK_SECRET/);
    const config = loadConfig({
      BOT_MODE: "webhook",
      WEBHOOK_URL: "https://example.org/hook",
      WEBHOOK_SECRET: "s".repeat(20),
    });
    expect(config.BOT_MODE).toBe("webhook");
  });
});
