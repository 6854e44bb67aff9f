/** A small structured logger: one JSON line per event, to stderr by default. Never pass secrets in fields. */

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

/**
 * Creates a logger writing JSON lines through `write`.
 * @example createLogger({ level: "info", write: (line) => process.stderr.write(line + "\n") })
 */
export function createLogger(options: { level: LogLevel; write: (line: string) => void; now?: () => Date; base?: LogFields }): Logger {
  const { level, write, now = () => new Date(), base = {} } = options;
  const log = (at: LogLevel, message: string, fields?: LogFields) => {
    if (ORDER[at] < ORDER[level]) return;
    write(JSON.stringify({ time: now().toISOString(), level: at, message, ...base, ...fields }, errorReplacer));
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

function errorReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Error) return { name: value.name, message: value.message };
  return value;
}
