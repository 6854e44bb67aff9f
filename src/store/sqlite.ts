/**
 * The SQLite adapter of the storage port (the default: embedded, zero set-up).
 * better-sqlite3 is synchronous, so each call is wrapped to keep a held lock from
 * freezing every chat: `busy_timeout` is short (200 ms by default) and a busy call is
 * retried asynchronously, letting other updates run, until `busyRetryMs`; then it fails
 * with a {@link StoreError} `busy` that the bot shows as "busy, try again".
 *
 * The file is watched for deletion or replacement (its inode is checked before every
 * call): writing on into an unlinked file would confirm subscriptions that vanish at the
 * next restart, so the store logs it and refuses all further calls with `gone`.
 */
import { mkdirSync, statSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import { StoreError } from "./errors.js";
import { migrate } from "./migrations.js";
import { toDelivery, toScheduled, toSubscriber, toSubscription, type Row } from "./rows.js";
import type { Delivery, DeliveryClaim, DeliveryStatus, Store, StoreOptions } from "./store.js";

/** Options of the SQLite adapter. */
export interface SqliteStoreOptions extends StoreOptions {
  /** SQLite's own wait for a lock, blocking the event loop (default 200 ms). */
  busyTimeoutMs?: number;
  /** How long a busy call is retried, asynchronously, before it fails with `busy` (default 3000 ms). */
  busyRetryMs?: number;
  /** Told once when the file is found deleted or replaced. */
  onGone?: (message: string) => void;
}

type SyncStore = { [K in keyof Store]: (...args: Parameters<Store[K]>) => Awaited<ReturnType<Store[K]>> };

/**
 * Opens (or creates) the database file, creating its directory, and applies pending
 * migrations.
 * @example const store = createStore("data/bot.sqlite", { now: () => new Date() })
 */
export function createStore(path: string, options: SqliteStoreOptions = {}): Store {
  let db: Database.Database;
  let sync: SyncStore;
  try {
    if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
    db = new Database(path);
    sync = openSync(db, options);
  } catch (error) {
    throw openError(path, error);
  }
  const inode = path === ":memory:" ? undefined : statSync(path).ino;
  const busyRetryMs = options.busyRetryMs ?? 3000;
  let gone: StoreError | undefined;
  let closed = false;

  const checkFile = () => {
    if (gone) throw gone;
    if (inode === undefined) return;
    let now: number | undefined;
    try {
      now = statSync(path).ino;
    } catch {
      now = undefined;
    }
    if (now !== inode) {
      gone = new StoreError(
        "gone",
        `The database file DATABASE_PATH=${path} was ${now === undefined ? "deleted" : "replaced"} while the bot ran; writes are refused so nothing is confirmed and then lost. Restore the file (or remove it on purpose) and restart the bot.`,
      );
      options.onGone?.(gone.message);
      throw gone;
    }
  };

  const call = async <T>(run: () => T): Promise<T> => {
    const deadline = Date.now() + busyRetryMs;
    for (let wait = 25; ; wait = Math.min(wait * 2, 250)) {
      checkFile();
      try {
        return run();
      } catch (error) {
        if (!isBusy(error)) throw error;
        if (Date.now() + wait > deadline) {
          throw new StoreError(
            "busy",
            `The database DATABASE_PATH=${path} is locked by another process (tried for ${busyRetryMs} ms).`,
            { cause: error },
          );
        }
      }
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  };

  const store = {} as Store;
  for (const key of Object.keys(sync) as (keyof Store)[]) {
    (store as unknown as Record<string, unknown>)[key] = (...args: unknown[]) =>
      call(() => (sync[key] as (...a: unknown[]) => unknown)(...args));
  }
  store.close = async () => {
    if (closed) return;
    closed = true;
    db.close();
  };
  return store;
}

/** True for SQLite's "database is locked" family. */
function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  return typeof code === "string" && (code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED"));
}

/** One line naming DATABASE_PATH for a file that cannot be opened or written at start-up. */
function openError(path: string, error: unknown): Error {
  const code = String((error as { code?: unknown })?.code ?? "");
  const reason = error instanceof Error ? error.message : String(error);
  if (
    code.startsWith("SQLITE_READONLY") ||
    code.startsWith("SQLITE_CANTOPEN") ||
    code === "EACCES" ||
    code === "EROFS" ||
    code === "EPERM"
  ) {
    return new StoreError(
      "unwritable",
      `Cannot write the database DATABASE_PATH=${path} (${reason}). Make the file and its directory writable by this user, or set DATABASE_PATH to a writable place.`,
      { cause: error },
    );
  }
  if (isBusy(error))
    return new StoreError(
      "busy",
      `The database DATABASE_PATH=${path} is locked by another process; stop it or wait, then start again.`,
      { cause: error },
    );
  return error instanceof Error ? error : new Error(reason);
}

/** The synchronous statements behind the adapter. */
function openSync(db: Database.Database, options: SqliteStoreOptions): SyncStore {
  const now = options.now ?? (() => new Date());
  const defaultTimeZone = options.defaultTimeZone ?? "Asia/Shanghai";
  db.pragma("journal_mode = WAL");
  // NORMAL in WAL mode: every commit survives a process crash (what exactly-once relies on);
  // only an OS crash or power cut can lose the last few. FULL would fsync twice per message
  // and cap a broadcast at ~60 messages/s on ordinary disks.
  db.pragma("synchronous = NORMAL");
  db.pragma("foreign_keys = ON");
  db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 200}`);
  migrate(db, undefined, now);

  const iso = () => now().toISOString();
  const q = {
    subscriberByChat: db.prepare("SELECT * FROM subscribers WHERE chat_id = ?"),
    insertSubscriber: db.prepare(
      "INSERT INTO subscribers (chat_id, user_id, language, time_zone, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (chat_id) DO NOTHING",
    ),
    subscriberById: db.prepare("SELECT * FROM subscribers WHERE id = ?"),
    setZone: db.prepare("UPDATE subscribers SET time_zone = ? WHERE id = ?"),
    // A change of zone, time or activity moves the due instant: the planner looks again now.
    recheck: db.prepare("UPDATE subscriptions SET next_due_at = ? WHERE subscriber_id = ?"),
    setLanguage: db.prepare("UPDATE subscribers SET language = ? WHERE id = ?"),
    setActive: db.prepare("UPDATE subscribers SET active = ?, deactivated_reason = ? WHERE id = ?"),
    subscription: db.prepare("SELECT * FROM subscriptions WHERE subscriber_id = ? AND theme_id = ?"),
    insertSubscription: db.prepare(
      "INSERT INTO subscriptions (subscriber_id, theme_id, theme_query, time, created_at, next_due_at) VALUES (?, ?, ?, ?, ?, ?)",
    ),
    updateSubscription: db.prepare("UPDATE subscriptions SET time = ?, theme_query = ?, next_due_at = ? WHERE id = ?"),
    deleteSubscription: db.prepare("DELETE FROM subscriptions WHERE subscriber_id = ? AND theme_id = ?"),
    deleteSubscriptions: db.prepare("DELETE FROM subscriptions WHERE subscriber_id = ?"),
    subscriptions: db.prepare("SELECT * FROM subscriptions WHERE subscriber_id = ? ORDER BY created_at, id"),
    scheduled: db.prepare(`
      SELECT s.*, sub.chat_id, sub.language, sub.time_zone,
        (SELECT MAX(d.local_date) FROM deliveries d
          WHERE d.subscriber_id = s.subscriber_id AND d.theme_id = s.theme_id AND d.kind = 'daily') AS last_local_date
      FROM subscriptions s JOIN subscribers sub ON sub.id = s.subscriber_id
      WHERE sub.active = 1
      ORDER BY s.id`),
    due: db.prepare(`
      SELECT s.*, sub.chat_id, sub.language, sub.time_zone,
        (SELECT MAX(d.local_date) FROM deliveries d
          WHERE d.subscriber_id = s.subscriber_id AND d.theme_id = s.theme_id AND d.kind = 'daily') AS last_local_date
      FROM subscriptions s JOIN subscribers sub ON sub.id = s.subscriber_id
      WHERE s.next_due_at IS NOT NULL AND s.next_due_at <= ? AND sub.active = 1
      ORDER BY s.next_due_at, s.id
      LIMIT ?`),
    setNextDue: db.prepare("UPDATE subscriptions SET next_due_at = ? WHERE id = ?"),
    claim: db.prepare(`
      INSERT OR IGNORE INTO deliveries
        (subscriber_id, theme_id, local_date, kind, status, paragraph_keys, payload, run_id, claimed_at, updated_at)
      VALUES (?, ?, ?, ?, 'pending', ?, ?, ?, ?, ?)`),
    delivery: db.prepare("SELECT * FROM deliveries WHERE id = ?"),
    inFlight: db.prepare(
      `UPDATE deliveries SET in_flight = 1, awaiting_hand_over = ?, handed_over_at = NULL, attempts = attempts + 1, updated_at = ?
       WHERE id = ? AND status = 'pending' AND run_id = ?`,
    ),
    handedOver: db.prepare(
      "UPDATE deliveries SET awaiting_hand_over = 0, handed_over_at = ?, updated_at = ? WHERE id = ? AND status = 'pending' AND run_id = ?",
    ),
    attemptFailed: db.prepare("UPDATE deliveries SET in_flight = 0, error = ?, updated_at = ? WHERE id = ?"),
    sent: db.prepare(`
      UPDATE deliveries SET status = 'sent', in_flight = 0, message_id = ?, error = NULL, payload = NULL, sent_at = ?, updated_at = ?
      WHERE id = ?`),
    finished: db.prepare(
      "UPDATE deliveries SET status = ?, in_flight = 0, error = ?, payload = CASE WHEN ? = 'unknown' THEN payload END, updated_at = ? WHERE id = ?",
    ),
    orphans: db.prepare(`
      SELECT * FROM deliveries
      WHERE status = 'pending' AND kind = 'daily' AND (run_id IS NULL OR (run_id <> ? AND updated_at < ?))
      ORDER BY id`),
    adopt: db.prepare(
      "UPDATE deliveries SET run_id = ?, updated_at = ? WHERE id = ? AND status = 'pending' AND run_id IS ?",
    ),
    release: db.prepare("UPDATE deliveries SET run_id = NULL WHERE id = ? AND status = 'pending' AND in_flight = 0"),
    deliveries: db.prepare("SELECT * FROM deliveries WHERE subscriber_id = ? ORDER BY id DESC"),
    unknown: db.prepare("SELECT * FROM deliveries WHERE status = 'unknown' ORDER BY id DESC LIMIT ?"),
    reopen: db.prepare(
      "UPDATE deliveries SET status = 'pending', in_flight = 0, run_id = ?, payload = ?, error = NULL, updated_at = ? WHERE id = ? AND status = 'unknown'",
    ),
    sentKeys: db.prepare(`
      SELECT paragraph_keys, COALESCE(sent_at, updated_at) AS at FROM deliveries
      WHERE subscriber_id = ? AND theme_id = ? AND status IN ('sent', 'unknown')
      ORDER BY at`),
    seen: db.prepare("INSERT OR IGNORE INTO paragraphs_seen (paragraph_key, first_seen_at) VALUES (?, ?)"),
    seenAfter: db.prepare("SELECT paragraph_key FROM paragraphs_seen WHERE first_seen_at > ?"),
    feedback: db.prepare(`
      INSERT INTO feedback (chat_id, user_id, message_id, answer_ref, question, vote, reason, created_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (chat_id, message_id, user_id) DO UPDATE SET vote = excluded.vote, reason = excluded.reason, created_at = excluded.created_at`),
  };

  const store: SyncStore = {
    ensureSubscriber({ chatId, userId = null, language = "zh" }) {
      q.insertSubscriber.run(chatId, userId, language, defaultTimeZone, iso());
      return toSubscriber(q.subscriberByChat.get(chatId) as Row);
    },
    getSubscriber(chatId) {
      const row = q.subscriberByChat.get(chatId) as Row | undefined;
      return row && toSubscriber(row);
    },
    getSubscriberById(id) {
      const row = q.subscriberById.get(id) as Row | undefined;
      return row && toSubscriber(row);
    },
    setTimeZone: db.transaction((subscriberId: number, zone: string) => {
      q.setZone.run(zone, subscriberId);
      q.recheck.run(iso(), subscriberId);
    }),
    setLanguage(subscriberId, language) {
      q.setLanguage.run(language, subscriberId);
    },
    deactivateSubscriber: db.transaction((subscriberId: number, reason: string) => {
      q.setActive.run(0, reason, subscriberId);
      q.recheck.run(null, subscriberId);
    }),
    activateSubscriber: db.transaction((subscriberId: number) => {
      q.setActive.run(1, null, subscriberId);
      q.recheck.run(iso(), subscriberId);
    }),

    upsertSubscription: db.transaction(({ subscriberId, themeId, themeQuery, time }) => {
      const existing = q.subscription.get(subscriberId, themeId) as Row | undefined;
      const active = (q.subscriberById.get(subscriberId) as Row | undefined)?.active === 1;
      const recheckAt = active ? iso() : null;
      if (existing) q.updateSubscription.run(time, themeQuery, recheckAt, existing.id);
      else q.insertSubscription.run(subscriberId, themeId, themeQuery, time, iso(), recheckAt);
      return { subscription: toSubscription(q.subscription.get(subscriberId, themeId) as Row), created: !existing };
    }),
    removeSubscription(subscriberId, themeId) {
      return q.deleteSubscription.run(subscriberId, themeId).changes > 0;
    },
    removeAllSubscriptions(subscriberId) {
      return q.deleteSubscriptions.run(subscriberId).changes;
    },
    listSubscriptions(subscriberId) {
      return (q.subscriptions.all(subscriberId) as Row[]).map(toSubscription);
    },
    listScheduled() {
      return (q.scheduled.all() as Row[]).map(toScheduled);
    },
    listDue({ now: at, limit }) {
      return (q.due.all(at.toISOString(), limit) as Row[]).map(toScheduled);
    },
    setNextDue: db.transaction((updates: readonly { subscriptionId: number; nextDueAt: string }[]) => {
      for (const u of updates) q.setNextDue.run(u.nextDueAt, u.subscriptionId);
    }),

    claimDeliveries: db.transaction((claims: readonly DeliveryClaim[]) => {
      const at = iso();
      const claimed: Delivery[] = [];
      for (const c of claims) {
        const result = q.claim.run(
          c.subscriberId,
          c.themeId,
          c.localDate,
          c.kind,
          JSON.stringify(c.paragraphKeys),
          c.payload,
          c.runId,
          at,
          at,
        );
        if (result.changes === 1) claimed.push(toDelivery(q.delivery.get(result.lastInsertRowid) as Row));
      }
      return claimed;
    }),
    getDelivery(id) {
      const row = q.delivery.get(id) as Row | undefined;
      return row && toDelivery(row);
    },
    markInFlight(id, runId, options = {}) {
      return q.inFlight.run(options.awaitingHandOver ? 1 : 0, iso(), id, runId).changes === 1;
    },
    markHandedOver(id, runId) {
      const at = iso();
      return q.handedOver.run(at, at, id, runId).changes === 1;
    },
    markAttemptFailed(id, error) {
      q.attemptFailed.run(error, iso(), id);
    },
    markSent(id, messageId) {
      const at = iso();
      q.sent.run(messageId, at, at, id);
    },
    markFinished(id, status, error) {
      q.finished.run(status, error, status, iso(), id);
    },
    listOrphans({ runId, updatedBefore }) {
      return (q.orphans.all(runId, updatedBefore.toISOString()) as Row[]).map(toDelivery);
    },
    releaseDeliveries: db.transaction((ids: readonly number[]) => {
      for (const id of ids) q.release.run(id);
    }),
    adoptDelivery(id, fromRunId, runId) {
      return q.adopt.run(runId, iso(), id, fromRunId).changes === 1;
    },
    listUnknown(limit) {
      return (q.unknown.all(limit) as Row[]).map(toDelivery);
    },
    reopenUnknown(id, runId, payload) {
      return q.reopen.run(runId, payload, iso(), id).changes === 1;
    },
    listDeliveries(subscriberId) {
      return (q.deliveries.all(subscriberId) as Row[]).map(toDelivery);
    },

    sentParagraphs(subscriberId, themeId) {
      const sent = new Map<string, string>();
      for (const row of q.sentKeys.all(subscriberId, themeId) as Row[]) {
        for (const key of JSON.parse(row.paragraph_keys as string) as string[]) sent.set(key, row.at as string);
      }
      return sent;
    },
    recordParagraphs: db.transaction((keys: readonly string[]) => {
      const at = iso();
      let added = 0;
      for (const key of keys) added += q.seen.run(key, at).changes;
      return added;
    }),
    paragraphsSeenAfter(since) {
      return new Set(q.seenAfter.pluck().all(since) as string[]);
    },

    addFeedback(input) {
      q.feedback.run(
        input.chatId,
        input.userId,
        input.messageId,
        input.answerRef ?? null,
        input.question,
        input.vote,
        input.reason ?? null,
        iso(),
      );
    },
    stats(since) {
      const count = (sql: string, ...params: unknown[]) =>
        db
          .prepare(sql)
          .pluck()
          .get(...params) as number;
      const deliveries: Record<DeliveryStatus, number> = { pending: 0, sent: 0, failed: 0, blocked: 0, unknown: 0 };
      const rows = db
        .prepare("SELECT status, COUNT(*) AS n FROM deliveries WHERE claimed_at >= ? GROUP BY status")
        .all(since.toISOString()) as { status: DeliveryStatus; n: number }[];
      for (const { status, n } of rows) deliveries[status] = n;
      return {
        subscribers: {
          // A chat that only browsed (/subscriptions, /timezone) has a row but no subscription: not a subscriber.
          active: count(
            "SELECT COUNT(*) FROM subscribers s WHERE active = 1 AND EXISTS (SELECT 1 FROM subscriptions WHERE subscriber_id = s.id)",
          ),
          inactive: count(
            "SELECT COUNT(*) FROM subscribers s WHERE active = 0 AND EXISTS (SELECT 1 FROM subscriptions WHERE subscriber_id = s.id)",
          ),
        },
        subscriptions: count("SELECT COUNT(*) FROM subscriptions"),
        deliveries,
        feedback: {
          up: count("SELECT COUNT(*) FROM feedback WHERE vote = 'up'"),
          down: count("SELECT COUNT(*) FROM feedback WHERE vote = 'down'"),
        },
      };
    },
    close() {
      db.close();
    },
  };
  return store;
}
