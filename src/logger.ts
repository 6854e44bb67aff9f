/**
 * A small structured logger: one JSON line per event, to stderr by default.
 *
 * Three guarantees, so a log line can be trusted: `time`, `level` and `message` always come first and are never
 * overwritten by a field (a colliding field is kept as `field.time`); an `Error` keeps its name, message, code and
 * `cause` chain, and its stack when the logger runs at `debug`; anything that looks like a secret (a field named
 * like a token, key, secret or password, a Telegram bot token, a bearer token) is replaced by `[redacted]`.
 */

export type LogLevel = "debug" | "info" | "warn" | "error";

/** Fields attached to a log line. */
export type LogFields = Record<string, unknown>;

/** What the rest of the code depends on. */
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line (e.g. an update id). */
  child(fields: LogFields): Logger;
}

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };
const RESERVED = new Set(["time", "level", "message"]);
const REDACTED = "[redacted]";
/** Field names whose values are secrets whatever they hold (`token`, `bot_token`, `apiKey`; not `tokens`). */
const SECRET_KEY =
  /^(?:token|secret|password|passwd|api_?key|authorization|cookie)$|[_-](?:token|secret|password|api_?key)$/i;
const SECRET_CAMEL_KEY = /[a-z](?:Token|Secret|Password|ApiKey)$/;
const isSecretKey = (key: string) => SECRET_KEY.test(key) || SECRET_CAMEL_KEY.test(key);
/** Secrets that travel inside other text: Telegram bot tokens (also inside API URLs), bearer tokens, sk- keys. */
const SECRET_TEXT = [/\d{5,}:[A-Za-z0-9_-]{30,}/g, /\bBearer\s+[A-Za-z0-9._~+/-]+=*/gi, /\bsk-[A-Za-z0-9_-]{16,}\b/g];

/**
 * Creates a logger writing JSON lines through `write`.
 * @example createLogger({ level: "info", write: (line) => process.stderr.write(line + "\n") })
 */
export function createLogger(options: {
  level: LogLevel;
  write: (line: string) => void;
  now?: () => Date;
  base?: LogFields;
}): Logger {
  const { level, write, now = () => new Date(), base = {} } = options;
  const log = (at: LogLevel, message: string, fields?: LogFields) => {
    if (ORDER[at] < ORDER[level]) return;
    const line: LogFields = { time: now().toISOString(), level: at, message: redactText(message) };
    for (const [key, value] of Object.entries({ ...base, ...fields })) {
      line[RESERVED.has(key) ? `field.${key}` : key] = isSecretKey(key) ? REDACTED : value;
    }
    write(JSON.stringify(line, replacer(level === "debug")));
  };
  return {
    debug: (m, f) => log("debug", m, f),
    info: (m, f) => log("info", m, f),
    warn: (m, f) => log("warn", m, f),
    error: (m, f) => log("error", m, f),
    child: (fields) => createLogger({ level, write, now, base: { ...base, ...fields } }),
  };
}

/** A logger that drops everything, for tests and quiet CLIs. */
export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child: () => silentLogger,
};

function redactText(text: string): string {
  return SECRET_TEXT.reduce((out, pattern) => out.replace(pattern, REDACTED), text);
}

/** JSON replacer: errors become plain objects (with their cause chain), secrets are removed at every depth. */
function replacer(withStack: boolean): (key: string, value: unknown) => unknown {
  return function (this: unknown, key: string, value: unknown): unknown {
    if (key !== "" && isSecretKey(key)) return REDACTED;
    if (typeof value === "string") return redactText(value);
    if (value instanceof Error) return describe(value, withStack, 0);
    return value;
  };
}

function describe(error: Error, withStack: boolean, depth: number): LogFields {
  const out: LogFields = { name: error.name, message: error.message };
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string" || typeof code === "number") out.code = code;
  if (withStack && error.stack !== undefined) out.stack = error.stack;
  // A cause chain can loop; five levels are plenty to explain a failure.
  if (error.cause !== undefined && depth < 5) {
    out.cause = error.cause instanceof Error ? describe(error.cause, withStack, depth + 1) : error.cause;
  }
  return out;
}
