/**
 * Versioned schema migrations. Each entry runs once, in order, inside its own
 * transaction together with the `schema_migrations` row that records it, so a crash
 * mid-migration leaves the database at the previous version. Never edit a released
 * migration: append a new one.
 */
import type Database from "better-sqlite3";

/** One schema change. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** All migrations, oldest first. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "digests",
    sql: `
      CREATE TABLE subscribers (
        id INTEGER PRIMARY KEY,
        chat_id INTEGER NOT NULL UNIQUE,
        user_id INTEGER,
        language TEXT NOT NULL DEFAULT 'zh' CHECK (language IN ('zh', 'en')),
        time_zone TEXT NOT NULL,
        active INTEGER NOT NULL DEFAULT 1,
        deactivated_reason TEXT,
        created_at TEXT NOT NULL
      );

      CREATE TABLE subscriptions (
        id INTEGER PRIMARY KEY,
        subscriber_id INTEGER NOT NULL REFERENCES subscribers(id) ON DELETE CASCADE,
        theme_id TEXT NOT NULL,
        theme_query TEXT,
        time TEXT NOT NULL CHECK (time GLOB '[0-2][0-9]:[0-5][0-9]'),
        created_at TEXT NOT NULL,
        UNIQUE (subscriber_id, theme_id)
      );

      -- One row per digest sent or being sent. kind 'daily' rows are unique per local day;
      -- 'now' rows (sent on request) are not, and do not count against the daily one.
      CREATE TABLE deliveries (
        id INTEGER PRIMARY KEY,
        subscriber_id INTEGER NOT NULL REFERENCES subscribers(id) ON DELETE CASCADE,
        theme_id TEXT NOT NULL,
        local_date TEXT NOT NULL,
        kind TEXT NOT NULL DEFAULT 'daily' CHECK (kind IN ('daily', 'now')),
        status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed', 'blocked', 'unknown')),
        -- 1 while a request to Telegram is outstanding: the only window whose outcome is unknown.
        in_flight INTEGER NOT NULL DEFAULT 0,
        attempts INTEGER NOT NULL DEFAULT 0,
        error TEXT,
        paragraph_keys TEXT NOT NULL DEFAULT '[]',
        -- The composed digest, kept only until it is sent so a restart resends the same text.
        payload TEXT,
        message_id INTEGER,
        run_id TEXT,
        claimed_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        sent_at TEXT
      );
      CREATE UNIQUE INDEX deliveries_daily_once ON deliveries (subscriber_id, theme_id, local_date) WHERE kind = 'daily';
      CREATE INDEX deliveries_by_subscription ON deliveries (subscriber_id, theme_id, status);
      CREATE INDEX deliveries_open ON deliveries (status) WHERE status = 'pending';

      CREATE TABLE paragraphs_seen (
        paragraph_key TEXT PRIMARY KEY,
        first_seen_at TEXT NOT NULL
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 2,
    name: "feedback",
    sql: `
      -- 👍/👎 on answers (shared with the bot); one vote per user and message, the last one wins.
      CREATE TABLE feedback (
        id INTEGER PRIMARY KEY,
        chat_id INTEGER NOT NULL,
        user_id INTEGER NOT NULL,
        message_id INTEGER NOT NULL,
        answer_ref TEXT,
        question TEXT NOT NULL,
        vote TEXT NOT NULL CHECK (vote IN ('up', 'down')),
        created_at TEXT NOT NULL,
        UNIQUE (chat_id, message_id, user_id)
      );
    `,
  },
  {
    version: 3,
    name: "feedback-reason",
    sql: `
      -- Why a 👎: chosen from the buttons offered after it; a new vote clears it.
      ALTER TABLE feedback ADD COLUMN reason TEXT CHECK (reason IN ('wrong', 'incomplete', 'source', 'unanswered'));
    `,
  },
  {
    version: 4,
    name: "delivery-hand-over",
    sql: `
      -- Splits an attempt in flight in two: awaiting_hand_over = 1 while the request is still
      -- being prepared (no byte can have reached Telegram, so a restart resends it), 0 once it
      -- was handed to the HTTP client at handed_over_at (from then on a crash leaves the outcome
      -- unknown). Senders that do not report the hand-over keep 0: unknown whenever in flight.
      ALTER TABLE deliveries ADD COLUMN awaiting_hand_over INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE deliveries ADD COLUMN handed_over_at TEXT;
    `,
  },
  {
    version: 5,
    name: "subscriptions-next-due",
    sql: `
      -- When the queue planner next looks at a subscription (ISO; a lower bound, since it re-checks
      -- isDue). NULL while the subscriber is inactive, so planning reads only due rows, by index.
      ALTER TABLE subscriptions ADD COLUMN next_due_at TEXT;
      UPDATE subscriptions SET next_due_at = created_at
        WHERE subscriber_id IN (SELECT id FROM subscribers WHERE active = 1);
      CREATE INDEX subscriptions_next_due ON subscriptions (next_due_at) WHERE next_due_at IS NOT NULL;
    `,
  },
];

/**
 * Applies the migrations not yet recorded in `schema_migrations`.
 * @returns the versions applied now (empty when the schema was current).
 */
export function migrate(
  db: Database.Database,
  migrations: readonly Migration[] = MIGRATIONS,
  now: () => Date = () => new Date(),
): number[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at TEXT NOT NULL
  )`);
  const applied = new Set(db.prepare("SELECT version FROM schema_migrations").pluck().all() as number[]);
  const record = db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)");
  const done: number[] = [];
  for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
    if (applied.has(migration.version)) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      record.run(migration.version, migration.name, now().toISOString());
    }).immediate();
    done.push(migration.version);
  }
  return done;
}

/**
 * The same schema for PostgreSQL, versioned alike (version n here = version n above).
 * Flags stay SMALLINT 0/1 and timestamps ISO text, so both adapters share the row mappers.
 */
export const POSTGRES_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "digests",
    sql: `
      CREATE TABLE subscribers (
        id INTEGER GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        chat_id BIGINT NOT NULL UNIQUE,
        user_id BIGINT,
        language TEXT NOT NULL DEFAULT 'zh' CHECK (language IN ('zh', 'en')),
        time_zone TEXT NOT NULL,
        active SMALLINT NOT NULL DEFAULT 1,
        deactivated_reason TEXT,
        created_at TEXT NOT NULL
      );
      CREATE TABLE subscriptions (
        id INTEGER GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        subscriber_id INTEGER NOT NULL REFERENCES subscribers(id) ON DELETE CASCADE,
        theme_id TEXT NOT NULL,
        theme_query TEXT,
        time TEXT NOT NULL CHECK (time ~ '^[0-2][0-9]:[0-5][0-9]$'),
        created_at TEXT NOT NULL,
        UNIQUE (subscriber_id, theme_id)
      );
      CREATE TABLE deliveries (
        id INTEGER GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        subscriber_id INTEGER NOT NULL REFERENCES subscribers(id) ON DELETE CASCADE,
        theme_id TEXT NOT NULL,
        local_date TEXT NOT NULL,
        kind TEXT NOT NULL DEFAULT 'daily' CHECK (kind IN ('daily', 'now')),
        status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed', 'blocked', 'unknown')),
        in_flight SMALLINT NOT NULL DEFAULT 0,
        attempts INTEGER NOT NULL DEFAULT 0,
        error TEXT,
        paragraph_keys TEXT NOT NULL DEFAULT '[]',
        payload TEXT,
        message_id BIGINT,
        run_id TEXT,
        claimed_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        sent_at TEXT
      );
      CREATE UNIQUE INDEX deliveries_daily_once ON deliveries (subscriber_id, theme_id, local_date) WHERE kind = 'daily';
      CREATE INDEX deliveries_by_subscription ON deliveries (subscriber_id, theme_id, status);
      CREATE INDEX deliveries_open ON deliveries (status) WHERE status = 'pending';
      CREATE TABLE paragraphs_seen (
        paragraph_key TEXT PRIMARY KEY,
        first_seen_at TEXT NOT NULL
      );
    `,
  },
  {
    version: 2,
    name: "feedback",
    sql: `
      CREATE TABLE feedback (
        id INTEGER GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        chat_id BIGINT NOT NULL,
        user_id BIGINT NOT NULL,
        message_id BIGINT NOT NULL,
        answer_ref TEXT,
        question TEXT NOT NULL,
        vote TEXT NOT NULL CHECK (vote IN ('up', 'down')),
        created_at TEXT NOT NULL,
        UNIQUE (chat_id, message_id, user_id)
      );
    `,
  },
  {
    version: 3,
    name: "feedback-reason",
    sql: `
      ALTER TABLE feedback ADD COLUMN reason TEXT CHECK (reason IN ('wrong', 'incomplete', 'source', 'unanswered'));
    `,
  },
  {
    version: 4,
    name: "delivery-hand-over",
    sql: `
      ALTER TABLE deliveries ADD COLUMN awaiting_hand_over SMALLINT NOT NULL DEFAULT 0;
      ALTER TABLE deliveries ADD COLUMN handed_over_at TEXT;
    `,
  },
  {
    version: 5,
    name: "subscriptions-next-due",
    sql: `
      ALTER TABLE subscriptions ADD COLUMN next_due_at TEXT;
      UPDATE subscriptions SET next_due_at = created_at
        WHERE subscriber_id IN (SELECT id FROM subscribers WHERE active = 1);
      CREATE INDEX subscriptions_next_due ON subscriptions (next_due_at) WHERE next_due_at IS NOT NULL;
    `,
  },
];

/** Anything that runs a query (a pg Pool or Client). */
export interface PgQueryable {
  connect(): Promise<{
    query(sql: string, params?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
    release(): void;
  }>;
}

/**
 * Applies pending PostgreSQL migrations, each in its own transaction with its
 * `schema_migrations` row. A transaction-scoped advisory lock makes replicas that start
 * together migrate one after the other instead of racing on CREATE TABLE.
 * @returns the versions applied now.
 */
export async function migratePostgres(
  pool: PgQueryable,
  migrations: readonly Migration[] = POSTGRES_MIGRATIONS,
  now: () => Date = () => new Date(),
): Promise<number[]> {
  const client = await pool.connect();
  const done: number[] = [];
  try {
    for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
      await client.query("BEGIN");
      try {
        await client.query("SELECT pg_advisory_xact_lock(hashtext('csj-bot:migrations'))");
        await client.query(
          `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`,
        );
        const { rows } = await client.query("SELECT 1 FROM schema_migrations WHERE version = $1", [migration.version]);
        if (rows.length === 0) {
          await client.query(migration.sql);
          await client.query("INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)", [
            migration.version,
            migration.name,
            now().toISOString(),
          ]);
          done.push(migration.version);
        }
        await client.query("COMMIT");
      } catch (error) {
        await client.query("ROLLBACK").catch(() => undefined);
        throw error;
      }
    }
  } finally {
    client.release();
  }
  return done;
}
