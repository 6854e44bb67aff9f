/**
 * Configuration, parsed once from the environment by `loadConfig(env)` in the entry
 * points and passed down. Nothing else reads `process.env`.
 */
import { UserFacingError } from "./errors.js";
import * as z from "./validation.js";

/** An empty variable (`KEY=` in .env) counts as unset. */
const orUnset = <T extends z.ZodMiniType>(schema: T) =>
  z.pipe(
    z.transform((v: unknown) => (v === "" ? undefined : v)),
    schema,
  );
/** An unset or empty variable takes the fallback. */
const orFallback = <T extends z.ZodMiniType>(fallback: unknown, schema: T) =>
  z.pipe(
    z.transform((v: unknown) => (v === undefined || v === "" ? fallback : v)),
    schema,
  );
const optionalString = orUnset(z.optional(z.string()));
const optionalUrl = orUnset(z.optional(z.url()));
const bool = (fallback: boolean) =>
  orFallback(
    fallback,
    z.union([
      z.boolean(),
      z.pipe(
        z.enum(["true", "false", "1", "0", "yes", "no"]),
        z.transform((s) => ["true", "1", "yes"].includes(s)),
      ),
    ]),
  );
const int = (fallback: number, min: number, max: number) =>
  orFallback(fallback, z.coerce.number().check(z.int(), z.gte(min), z.lte(max)));

/**
 * The zone when none is set. It is valid and already canonical, so a start without DEFAULT_TIMEZONE does not
 * check it: the first `Intl.DateTimeFormat` with a zone loads ICU's zone data, about 10 ms of a cold `ask`.
 */
const DEFAULT_ZONE = "Asia/Shanghai";

/** An IANA zone name; offsets such as +08:00 are refused because they ignore daylight saving. */
function isTimeZone(zone: string): boolean {
  if (zone === DEFAULT_ZONE) return true;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return /^[A-Za-z]/.test(zone);
  } catch {
    return false;
  }
}

/** Every variable the program reads. See `.env.example` for what each one does. */
export const ConfigSchema = z.object({
  TELEGRAM_BOT_TOKEN: orUnset(
    z.optional(
      z.string().check(z.regex(/^\d+:[A-Za-z0-9_-]{30,}$/, "expected a token from @BotFather, like 123456:ABC-DEF…")),
    ),
  ),
  TELEGRAM_API_ROOT: optionalUrl,
  BOT_MODE: orUnset(z._default(z.enum(["polling", "webhook"]), "polling")),
  WEBHOOK_URL: optionalUrl,
  WEBHOOK_SECRET: orUnset(
    z.optional(z.string().check(z.regex(/^[A-Za-z0-9_-]{16,256}$/, "use 16–256 letters, digits, _ or -"))),
  ),
  PORT: int(8080, 0, 65535),
  ADMIN_USER_IDS: z.pipe(
    z.transform((v: unknown): unknown =>
      v === undefined || v === ""
        ? []
        : String(v)
            .split(",")
            .map((s) => s.trim()),
    ),
    z.array(z.coerce.number().check(z.int(), z.positive())),
  ),
  DEFAULT_TIMEZONE: z.pipe(
    orUnset(z._default(z.string(), DEFAULT_ZONE)).check(
      z.refine(isTimeZone, "expected an IANA time zone such as Asia/Shanghai"),
    ),
    z.transform((zone) =>
      zone === DEFAULT_ZONE ? zone : new Intl.DateTimeFormat("en-US", { timeZone: zone }).resolvedOptions().timeZone,
    ),
  ),
  RATE_LIMIT_PER_MINUTE: int(20, 1, 10_000),
  MAX_QUESTION_CHARS: int(500, 10, 4000),
  CORPUS_DIR: orUnset(z._default(z.string(), "corpus")),
  INDEX_DIR: orUnset(z._default(z.string(), "index")),
  DATABASE_PATH: orUnset(z._default(z.string(), "data/bot.sqlite")),
  /** PostgreSQL instead of the SQLite file, for several replicas (postgres://user:pass@host:port/db). */
  DATABASE_URL: orUnset(
    z.optional(
      z.string().check(z.regex(/^postgres(ql)?:\/\//, "expected postgres://user:password@host:port/database")),
    ),
  ),
  /** Redis shared by replicas: follow-up memory and rate limits, and the digest queue (BullMQ). redis://[:password@]host:port[/db]. */
  REDIS_URL: orUnset(z.optional(z.string().check(z.regex(/^rediss?:\/\//, "expected redis://host:port")))),
  /** What this process runs (one image, several roles): see the README's "Running at scale". */
  ROLE: orUnset(z._default(z.enum(["all", "web", "planner", "worker"]), "all")),
  OPENAI_API_KEY: optionalString,
  OPENAI_BASE_URL: optionalUrl,
  OPENAI_MODEL: orUnset(z._default(z.string(), "gpt-4o-mini")),
  OPENAI_EMBEDDING_MODEL: optionalString,
  OPENAI_TIMEOUT_MS: int(15_000, 1_000, 120_000),
  /** Keep the local embedder even when a key is set (generation by the LLM, retrieval offline). */
  USE_LOCAL_EMBEDDINGS: bool(true),
  LOG_LEVEL: orUnset(z._default(z.enum(["debug", "info", "warn", "error"]), "info")),
});

/** The parsed configuration. */
export type Config = z.infer<typeof ConfigSchema>;

/** Thrown when the environment is malformed; the message names each bad variable and what it expects. */
export class ConfigError extends UserFacingError {
  override name = "ConfigError";
}

/**
 * Parses the environment. Pure: pass `process.env` from an entry point.
 * @throws ConfigError naming every bad variable (values are never echoed, so secrets stay out of logs).
 */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const parsed = ConfigSchema.safeParse(env);
  if (parsed.success) {
    const config = parsed.data;
    if (config.BOT_MODE === "webhook" && (!config.WEBHOOK_URL || !config.WEBHOOK_SECRET)) {
      throw new ConfigError(
        "BOT_MODE=webhook needs WEBHOOK_URL and WEBHOOK_SECRET; set both in .env or use BOT_MODE=polling.",
      );
    }
    if ((config.ROLE === "planner" || config.ROLE === "worker") && !config.REDIS_URL) {
      throw new ConfigError(
        `ROLE=${config.ROLE} needs REDIS_URL (the digest queue); set it, or use ROLE=all for one process.`,
      );
    }
    return config;
  }
  const problems = parsed.error.issues.map((issue) => `${issue.path.join(".") || "env"}: ${issue.message}`);
  throw new ConfigError(`Invalid configuration — fix these in .env or the environment: ${problems.join("; ")}`);
}
