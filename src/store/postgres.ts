/**
 * The PostgreSQL adapter of the storage port (`pg`), for several replicas sharing one
 * state. Same schema, column names and rules as the SQLite adapter (timestamps are ISO
 * text on both, so comparisons and the row mappers are shared); each write is one
 * statement or one transaction on a pooled client.
 *
 * BIGINT columns (chat ids can exceed 2^31) come back from `pg` as strings by default;
 * this pool parses them as numbers, which is exact for Telegram's ids (< 2^53).
 */
import pg from "pg";
import { StoreError } from "./errors.js";
import { migratePostgres } from "./migrations.js";
import { toDelivery, toScheduled, toSubscriber, toSubscription, type Row } from "./rows.js";
import type { DeliveryStatus, Store, StoreOptions } from "./store.js";

/** Options of {@link createPostgresStore}. */
export interface PostgresStoreOptions extends StoreOptions {
  /** Connections in the pool (default 10). */
  maxConnections?: number;
}

const INT8 = 20;
const types = {
  getTypeParser(oid: number, format?: string) {
    if (oid === INT8) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format as "text");
  },
};

/**
 * Connects to DATABASE_URL, applies pending migrations (one replica at a time, under an
 * advisory lock) and returns the store.
 * @throws StoreError `unreachable` naming DATABASE_URL when the server cannot be reached.
 * @example const store = await createPostgresStore("postgres://bot@127.0.0.1:5432/bot")
 */
export async function createPostgresStore(url: string, options: PostgresStoreOptions = {}): Promise<Store> {
  const now = options.now ?? (() => new Date());
  const defaultTimeZone = options.defaultTimeZone ?? "Asia/Shanghai";
  const pool = new pg.Pool({ connectionString: url, max: options.maxConnections ?? 10, types });
  // An idle client losing its connection must not crash the process; the next query reconnects.
  pool.on("error", () => undefined);
  try {
    await migratePostgres(pool, undefined, now);
  } catch (error) {
    await pool.end().catch(() => undefined);
    const reason = error instanceof Error ? error.message : String(error);
    throw new StoreError(
      "unreachable",
      `Cannot use the database DATABASE_URL (${reason}). Check that PostgreSQL runs and the URL, user and password are right.`,
      { cause: error },
    );
  }
  const iso = () => now().toISOString();
  const query = async (sql: string, params: unknown[] = []) => (await pool.query(sql, params)).rows as Row[];
  const changed = async (sql: string, params: unknown[]) => (await pool.query(sql, params)).rowCount ?? 0;
  const one = async (sql: string, params: unknown[]) => (await query(sql, params))[0];
  const count = async (sql: string, params: unknown[] = []) => Number(Object.values((await one(sql, params))!)[0]);
  const transaction = async <T>(body: (client: pg.PoolClient) => Promise<T>): Promise<T> => {
    const client = await pool.connect();
    try {
      await client.query("BEGIN");
      const result = await body(client);
      await client.query("COMMIT");
      return result;
    } catch (error) {
      await client.query("ROLLBACK").catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  };
  let closed = false;

  const store: Store = {
    async ensureSubscriber({ chatId, userId = null, language = "zh" }) {
      const row = await one(
        `INSERT INTO subscribers (chat_id, user_id, language, time_zone, created_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (chat_id) DO NOTHING RETURNING *`,
        [chatId, userId, language, defaultTimeZone, iso()],
      );
      return toSubscriber(row ?? (await one("SELECT * FROM subscribers WHERE chat_id = $1", [chatId]))!);
    },
    async getSubscriber(chatId) {
      const row = await one("SELECT * FROM subscribers WHERE chat_id = $1", [chatId]);
      return row && toSubscriber(row);
    },
    async getSubscriberById(id) {
      const row = await one("SELECT * FROM subscribers WHERE id = $1", [id]);
      return row && toSubscriber(row);
    },
    async setTimeZone(subscriberId, zone) {
      // A change of zone, time or activity moves the due instant: the planner looks again now.
      await transaction(async (client) => {
        await client.query("UPDATE subscribers SET time_zone = $1 WHERE id = $2", [zone, subscriberId]);
        await client.query("UPDATE subscriptions SET next_due_at = $1 WHERE subscriber_id = $2", [iso(), subscriberId]);
      });
    },
    async setLanguage(subscriberId, language) {
      await query("UPDATE subscribers SET language = $1 WHERE id = $2", [language, subscriberId]);
    },
    async deactivateSubscriber(subscriberId, reason) {
      await transaction(async (client) => {
        await client.query("UPDATE subscribers SET active = 0, deactivated_reason = $1 WHERE id = $2", [
          reason,
          subscriberId,
        ]);
        await client.query("UPDATE subscriptions SET next_due_at = NULL WHERE subscriber_id = $1", [subscriberId]);
      });
    },
    async activateSubscriber(subscriberId) {
      await transaction(async (client) => {
        await client.query("UPDATE subscribers SET active = 1, deactivated_reason = NULL WHERE id = $1", [
          subscriberId,
        ]);
        await client.query("UPDATE subscriptions SET next_due_at = $1 WHERE subscriber_id = $2", [iso(), subscriberId]);
      });
    },

    async upsertSubscription({ subscriberId, themeId, themeQuery, time }) {
      // xmax = 0 only on a freshly inserted row: tells an insert from an update in one statement.
      const row = (await one(
        `INSERT INTO subscriptions (subscriber_id, theme_id, theme_query, time, created_at, next_due_at)
         SELECT $1, $2, $3, $4, $5, CASE WHEN active = 1 THEN $5 END FROM subscribers WHERE id = $1
         ON CONFLICT (subscriber_id, theme_id) DO UPDATE SET time = excluded.time, theme_query = excluded.theme_query, next_due_at = excluded.next_due_at
         RETURNING *, (xmax = 0) AS inserted`,
        [subscriberId, themeId, themeQuery, time, iso()],
      ))!;
      return { subscription: toSubscription(row), created: row.inserted === true };
    },
    async removeSubscription(subscriberId, themeId) {
      return (
        (await changed("DELETE FROM subscriptions WHERE subscriber_id = $1 AND theme_id = $2", [
          subscriberId,
          themeId,
        ])) > 0
      );
    },
    async removeAllSubscriptions(subscriberId) {
      return changed("DELETE FROM subscriptions WHERE subscriber_id = $1", [subscriberId]);
    },
    async listSubscriptions(subscriberId) {
      return (
        await query("SELECT * FROM subscriptions WHERE subscriber_id = $1 ORDER BY created_at, id", [subscriberId])
      ).map(toSubscription);
    },
    async listScheduled() {
      const rows = await query(`
        SELECT s.*, sub.chat_id, sub.language, sub.time_zone,
          (SELECT MAX(d.local_date) FROM deliveries d
            WHERE d.subscriber_id = s.subscriber_id AND d.theme_id = s.theme_id AND d.kind = 'daily') AS last_local_date
        FROM subscriptions s JOIN subscribers sub ON sub.id = s.subscriber_id
        WHERE sub.active = 1
        ORDER BY s.id`);
      return rows.map(toScheduled);
    },
    async listDue({ now: at, limit }) {
      const rows = await query(
        `SELECT s.*, sub.chat_id, sub.language, sub.time_zone,
          (SELECT MAX(d.local_date) FROM deliveries d
            WHERE d.subscriber_id = s.subscriber_id AND d.theme_id = s.theme_id AND d.kind = 'daily') AS last_local_date
        FROM subscriptions s JOIN subscribers sub ON sub.id = s.subscriber_id
        WHERE s.next_due_at IS NOT NULL AND s.next_due_at <= $1 AND sub.active = 1
        ORDER BY s.next_due_at, s.id
        LIMIT $2`,
        [at.toISOString(), limit],
      );
      return rows.map(toScheduled);
    },
    async setNextDue(updates) {
      if (updates.length === 0) return;
      await query(
        `UPDATE subscriptions s SET next_due_at = u.at FROM unnest($1::int[], $2::text[]) AS u(id, at) WHERE s.id = u.id`,
        [updates.map((u) => u.subscriptionId), updates.map((u) => u.nextDueAt)],
      );
    },

    async claimDeliveries(claims) {
      if (claims.length === 0) return [];
      const at = iso();
      // One statement for the whole batch: the planner claims hundreds at a time.
      const rows = await query(
        `INSERT INTO deliveries (subscriber_id, theme_id, local_date, kind, status, paragraph_keys, payload, run_id, claimed_at, updated_at)
         SELECT c.subscriber_id, c.theme_id, c.local_date, c.kind, 'pending', c.paragraph_keys, c.payload, c.run_id, $8, $8
         FROM unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[]) WITH ORDINALITY
           AS c(subscriber_id, theme_id, local_date, kind, paragraph_keys, payload, run_id, n)
         ORDER BY c.n
         ON CONFLICT DO NOTHING RETURNING *`,
        [
          claims.map((c) => c.subscriberId),
          claims.map((c) => c.themeId),
          claims.map((c) => c.localDate),
          claims.map((c) => c.kind),
          claims.map((c) => JSON.stringify(c.paragraphKeys)),
          claims.map((c) => c.payload),
          claims.map((c) => c.runId),
          at,
        ],
      );
      return rows.map(toDelivery).sort((a, b) => a.id - b.id);
    },
    async getDelivery(id) {
      const row = await one("SELECT * FROM deliveries WHERE id = $1", [id]);
      return row && toDelivery(row);
    },
    async markInFlight(id, runId, options = {}) {
      return (
        (await changed(
          `UPDATE deliveries SET in_flight = 1, awaiting_hand_over = $1, handed_over_at = NULL, attempts = attempts + 1, updated_at = $2
           WHERE id = $3 AND status = 'pending' AND run_id = $4`,
          [options.awaitingHandOver ? 1 : 0, iso(), id, runId],
        )) === 1
      );
    },
    async markHandedOver(id, runId) {
      return (
        (await changed(
          "UPDATE deliveries SET awaiting_hand_over = 0, handed_over_at = $1, updated_at = $1 WHERE id = $2 AND status = 'pending' AND run_id = $3",
          [iso(), id, runId],
        )) === 1
      );
    },
    async markAttemptFailed(id, error) {
      await query("UPDATE deliveries SET in_flight = 0, error = $1, updated_at = $2 WHERE id = $3", [error, iso(), id]);
    },
    async markSent(id, messageId) {
      const at = iso();
      await query(
        `UPDATE deliveries SET status = 'sent', in_flight = 0, message_id = $1, error = NULL, payload = NULL, sent_at = $2, updated_at = $2
         WHERE id = $3`,
        [messageId, at, id],
      );
    },
    async markFinished(id, status, error) {
      await query(
        "UPDATE deliveries SET status = $1, in_flight = 0, error = $2, payload = CASE WHEN $1 = 'unknown' THEN payload END, updated_at = $3 WHERE id = $4",
        [status, error, iso(), id],
      );
    },
    async listOrphans({ runId, updatedBefore }) {
      const rows = await query(
        `SELECT * FROM deliveries
         WHERE status = 'pending' AND kind = 'daily' AND (run_id IS NULL OR (run_id <> $1 AND updated_at < $2))
         ORDER BY id`,
        [runId, updatedBefore.toISOString()],
      );
      return rows.map(toDelivery);
    },
    async releaseDeliveries(ids) {
      if (ids.length === 0) return;
      await query(
        "UPDATE deliveries SET run_id = NULL WHERE id = ANY($1::int[]) AND status = 'pending' AND in_flight = 0",
        [ids],
      );
    },
    async adoptDelivery(id, fromRunId, runId) {
      return (
        (await changed(
          "UPDATE deliveries SET run_id = $1, updated_at = $2 WHERE id = $3 AND status = 'pending' AND run_id IS NOT DISTINCT FROM $4",
          [runId, iso(), id, fromRunId],
        )) === 1
      );
    },
    async listUnknown(limit) {
      return (await query("SELECT * FROM deliveries WHERE status = 'unknown' ORDER BY id DESC LIMIT $1", [limit])).map(
        toDelivery,
      );
    },
    async reopenUnknown(id, runId, payload) {
      return (
        (await changed(
          "UPDATE deliveries SET status = 'pending', in_flight = 0, run_id = $1, payload = $2, error = NULL, updated_at = $3 WHERE id = $4 AND status = 'unknown'",
          [runId, payload, iso(), id],
        )) === 1
      );
    },
    async listDeliveries(subscriberId) {
      return (await query("SELECT * FROM deliveries WHERE subscriber_id = $1 ORDER BY id DESC", [subscriberId])).map(
        toDelivery,
      );
    },

    async sentParagraphs(subscriberId, themeId) {
      const rows = await query(
        `SELECT paragraph_keys, COALESCE(sent_at, updated_at) AS at FROM deliveries
         WHERE subscriber_id = $1 AND theme_id = $2 AND status IN ('sent', 'unknown')
         ORDER BY at`,
        [subscriberId, themeId],
      );
      const sent = new Map<string, string>();
      for (const row of rows)
        for (const key of JSON.parse(row.paragraph_keys as string) as string[]) sent.set(key, row.at as string);
      return sent;
    },
    async recordParagraphs(keys) {
      if (keys.length === 0) return 0;
      return changed(
        "INSERT INTO paragraphs_seen (paragraph_key, first_seen_at) SELECT k, $2 FROM unnest($1::text[]) AS k ON CONFLICT DO NOTHING",
        [[...new Set(keys)], iso()],
      );
    },
    async paragraphsSeenAfter(since) {
      return new Set(
        (await query("SELECT paragraph_key FROM paragraphs_seen WHERE first_seen_at > $1", [since])).map(
          (r) => r.paragraph_key as string,
        ),
      );
    },

    async addFeedback(input) {
      await query(
        `INSERT INTO feedback (chat_id, user_id, message_id, answer_ref, question, vote, reason, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (chat_id, message_id, user_id) DO UPDATE SET vote = excluded.vote, reason = excluded.reason, created_at = excluded.created_at`,
        [
          input.chatId,
          input.userId,
          input.messageId,
          input.answerRef ?? null,
          input.question,
          input.vote,
          input.reason ?? null,
          iso(),
        ],
      );
    },
    async stats(since) {
      const deliveries: Record<DeliveryStatus, number> = { pending: 0, sent: 0, failed: 0, blocked: 0, unknown: 0 };
      for (const row of await query(
        "SELECT status, COUNT(*) AS n FROM deliveries WHERE claimed_at >= $1 GROUP BY status",
        [since.toISOString()],
      )) {
        deliveries[row.status as DeliveryStatus] = Number(row.n);
      }
      return {
        subscribers: {
          active: await count(
            "SELECT COUNT(*) FROM subscribers s WHERE active = 1 AND EXISTS (SELECT 1 FROM subscriptions WHERE subscriber_id = s.id)",
          ),
          inactive: await count(
            "SELECT COUNT(*) FROM subscribers s WHERE active = 0 AND EXISTS (SELECT 1 FROM subscriptions WHERE subscriber_id = s.id)",
          ),
        },
        subscriptions: await count("SELECT COUNT(*) FROM subscriptions"),
        deliveries,
        feedback: {
          up: await count("SELECT COUNT(*) FROM feedback WHERE vote = 'up'"),
          down: await count("SELECT COUNT(*) FROM feedback WHERE vote = 'down'"),
        },
      };
    },
    async close() {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };
  return store;
}
