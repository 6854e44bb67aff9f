/**
 * The SQLite store behind digests and feedback: subscribers, subscriptions, deliveries,
 * paragraphs seen, 👍/👎 votes. Synchronous (better-sqlite3), one connection per process.
 *
 * Delivery rows carry the exactly-once guarantee:
 * 1. a daily digest is claimed by inserting its row (status `pending`) — the partial
 *    unique index on (subscriber, theme, local_date) lets only one claim per local day win;
 * 2. `in_flight` is set right before the request to Telegram and cleared when it fails;
 * 3. the row becomes `sent` (with Telegram's message id) in one statement once Telegram
 *    accepted it.
 * After a crash the scheduler finds `pending` rows of a previous run: with `in_flight = 0`
 * Telegram never got them, so they are sent; with `in_flight = 1` the outcome is unknown
 * and they are marked `unknown`, never resent (see scheduler.ts).
 */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import { migrate } from "./migrations.js";

/** Interface language of a subscriber. */
export type Language = "zh" | "en";

/** Someone receiving digests: a private chat or a group. */
export interface Subscriber {
  id: number;
  chatId: number;
  userId: number | null;
  language: Language;
  timeZone: string;
  active: boolean;
  /** Why sending stopped, e.g. "Forbidden: bot was blocked by the user". */
  deactivatedReason: string | null;
  createdAt: string;
}

/** A subscriber's daily digest of one theme. */
export interface Subscription {
  id: number;
  subscriberId: number;
  themeId: string;
  /** The free text of a custom topic; null for catalogue themes. */
  themeQuery: string | null;
  /** Local "HH:MM". */
  time: string;
  createdAt: string;
}

/** A subscription of an active subscriber, with what the scheduler needs to decide if it is due. */
export interface ScheduledSubscription extends Subscription {
  chatId: number;
  language: Language;
  timeZone: string;
  /** Local date of the latest daily delivery row, or null if there is none. */
  lastLocalDate: string | null;
}

/** Where a delivery row stands. `unknown`: interrupted while Telegram handled it (see module doc). */
export type DeliveryStatus = "pending" | "sent" | "failed" | "blocked" | "unknown";
/** `daily` digests are unique per local day; `now` digests were asked for with a command. */
export type DeliveryKind = "daily" | "now";

/** One digest delivery. */
export interface Delivery {
  id: number;
  subscriberId: number;
  themeId: string;
  localDate: string;
  kind: DeliveryKind;
  status: DeliveryStatus;
  inFlight: boolean;
  attempts: number;
  error: string | null;
  paragraphKeys: string[];
  /** The composed digest (JSON) while the row is pending. */
  payload: string | null;
  messageId: number | null;
  runId: string | null;
  claimedAt: string;
  updatedAt: string;
  sentAt: string | null;
}

/** What is needed to claim a delivery. */
export interface DeliveryClaim {
  subscriberId: number;
  themeId: string;
  localDate: string;
  kind: DeliveryKind;
  paragraphKeys: readonly string[];
  payload: string;
  runId: string;
}

/** A 👍/👎 on one of the bot's answers. */
export interface FeedbackInput {
  chatId: number;
  userId: number;
  /** The bot's message that carried the buttons. */
  messageId: number;
  /** Optional id of the answer (e.g. a log or cache key). */
  answerRef?: string | undefined;
  question: string;
  vote: "up" | "down";
  /** Why a 👎 (from the reason buttons); omitted for a plain vote, which clears an earlier reason. */
  reason?: FeedbackReason | undefined;
}

/** The reasons offered after a 👎. */
export type FeedbackReason = "wrong" | "incomplete" | "source" | "unanswered";

/** Counts for admins. */
export interface StoreStats {
  subscribers: { active: number; inactive: number };
  subscriptions: number;
  /** Delivery rows claimed since the given instant, by status. */
  deliveries: Record<DeliveryStatus, number>;
  feedback: { up: number; down: number };
}

/** Options of {@link createStore}. */
export interface StoreOptions {
  /** Clock for every timestamp written. */
  now?: () => Date;
  /** Time zone given to new subscribers (default Asia/Shanghai). */
  defaultTimeZone?: string;
}

/** The typed repository; every method is synchronous and each write is atomic. */
export interface Store {
  /** Returns the subscriber of a chat, creating it (active, default zone) if new. */
  ensureSubscriber(input: { chatId: number; userId?: number | null; language?: Language }): Subscriber;
  /** The subscriber of a chat, if any. */
  getSubscriber(chatId: number): Subscriber | undefined;
  /** A subscriber by row id. */
  getSubscriberById(id: number): Subscriber | undefined;
  /** Sets a subscriber's time zone (validated by the caller). */
  setTimeZone(subscriberId: number, zone: string): void;
  /** Sets a subscriber's interface language. */
  setLanguage(subscriberId: number, language: Language): void;
  /** Stops all sending to a subscriber, keeping their subscriptions and history. */
  deactivateSubscriber(subscriberId: number, reason: string): void;
  /** Resumes sending (e.g. the user unblocked the bot and subscribed again). */
  activateSubscriber(subscriberId: number): void;

  /** Creates a subscription or changes its time; `created` is false when it existed. */
  upsertSubscription(input: { subscriberId: number; themeId: string; themeQuery: string | null; time: string }): {
    subscription: Subscription;
    created: boolean;
  };
  /** Removes one subscription; false if there was none. */
  removeSubscription(subscriberId: number, themeId: string): boolean;
  /** Removes all of a subscriber's subscriptions; returns how many. */
  removeAllSubscriptions(subscriberId: number): number;
  /** A subscriber's subscriptions, oldest first. */
  listSubscriptions(subscriberId: number): Subscription[];
  /** Every subscription of an active subscriber, with its last daily delivery date. */
  listScheduled(): ScheduledSubscription[];

  /**
   * Claims deliveries in one transaction. A daily claim for a (subscriber, theme,
   * local date) that already has a row is skipped. Returns the rows claimed now.
   */
  claimDeliveries(claims: readonly DeliveryClaim[]): Delivery[];
  /** A delivery by id. */
  getDelivery(id: number): Delivery | undefined;
  /**
   * Marks that a request to Telegram is about to start (counts the attempt), if the row
   * is still pending and owned by `runId`; false when another run has adopted it.
   */
  markInFlight(id: number, runId: string): boolean;
  /** Records a failed attempt that will be retried: the request is over, so not in flight. */
  markAttemptFailed(id: number, error: string): void;
  /** Records Telegram's acceptance, in one statement: status sent, message id, sent_at. */
  markSent(id: number, messageId: number): void;
  /** Ends a delivery without success (`failed`, `blocked` or `unknown`). */
  markFinished(id: number, status: "failed" | "blocked" | "unknown", error: string): void;
  /**
   * Daily rows still `pending` left behind by another run: released ones (run_id NULL,
   * after a clean stop) and those last touched before `updatedBefore` (a process that died).
   */
  listOrphans(input: { runId: string; updatedBefore: Date }): Delivery[];
  /** Gives pending rows back after a clean stop, so the next run takes them over at once. */
  releaseDeliveries(ids: readonly number[]): void;
  /** Takes over an orphan for `runId`; false if another run adopted it first. */
  adoptDelivery(id: number, fromRunId: string | null, runId: string): boolean;
  /** Deliveries of a subscriber, newest first (for tests and admin views). */
  listDeliveries(subscriberId: number): Delivery[];

  /** Paragraph keys sent (or possibly sent) to a subscriber for a theme → when last sent (ISO). */
  sentParagraphs(subscriberId: number, themeId: string): Map<string, string>;
  /** Records paragraphs of the current corpus; keys already known keep their first time. Returns how many were new. */
  recordParagraphs(keys: readonly string[]): number;
  /** Paragraph keys first seen strictly after `since` (ISO): the 新增 candidates. */
  paragraphsSeenAfter(since: string): Set<string>;

  /** Records a 👍/👎 (a later vote on the same message by the same user replaces it). */
  addFeedback(input: FeedbackInput): void;
  /** Counts for admins; deliveries are those claimed since `since`. */
  stats(since: Date): StoreStats;
  /** Closes the database. */
  close(): void;
}

/**
 * Opens (or creates) the database file, creating its directory, and applies pending
 * migrations.
 * @example const store = createStore("data/bot.sqlite", { now: () => new Date() })
 */
export function createStore(path: string, options: StoreOptions = {}): Store {
  const now = options.now ?? (() => new Date());
  const defaultTimeZone = options.defaultTimeZone ?? "Asia/Shanghai";
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma("journal_mode = WAL");
  // NORMAL in WAL mode: every commit survives a process crash (what exactly-once relies on);
  // only an OS crash or power cut can lose the last few. FULL would fsync twice per message
  // and cap a broadcast at ~60 messages/s on ordinary disks.
  db.pragma("synchronous = NORMAL");
  db.pragma("foreign_keys = ON");
  db.pragma("busy_timeout = 5000");
  migrate(db, undefined, now);

  const iso = () => now().toISOString();
  const q = {
    subscriberByChat: db.prepare("SELECT * FROM subscribers WHERE chat_id = ?"),
    insertSubscriber: db.prepare(
      "INSERT INTO subscribers (chat_id, user_id, language, time_zone, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (chat_id) DO NOTHING",
    ),
    subscriberById: db.prepare("SELECT * FROM subscribers WHERE id = ?"),
    setZone: db.prepare("UPDATE subscribers SET time_zone = ? WHERE id = ?"),
    setLanguage: db.prepare("UPDATE subscribers SET language = ? WHERE id = ?"),
    setActive: db.prepare("UPDATE subscribers SET active = ?, deactivated_reason = ? WHERE id = ?"),
    subscription: db.prepare("SELECT * FROM subscriptions WHERE subscriber_id = ? AND theme_id = ?"),
    insertSubscription: db.prepare(
      "INSERT INTO subscriptions (subscriber_id, theme_id, theme_query, time, created_at) VALUES (?, ?, ?, ?, ?)",
    ),
    updateSubscription: db.prepare("UPDATE subscriptions SET time = ?, theme_query = ? WHERE id = ?"),
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
    claim: db.prepare(`
      INSERT OR IGNORE INTO deliveries
        (subscriber_id, theme_id, local_date, kind, status, paragraph_keys, payload, run_id, claimed_at, updated_at)
      VALUES (?, ?, ?, ?, 'pending', ?, ?, ?, ?, ?)`),
    delivery: db.prepare("SELECT * FROM deliveries WHERE id = ?"),
    inFlight: db.prepare(
      "UPDATE deliveries SET in_flight = 1, attempts = attempts + 1, updated_at = ? WHERE id = ? AND status = 'pending' AND run_id = ?",
    ),
    attemptFailed: db.prepare("UPDATE deliveries SET in_flight = 0, error = ?, updated_at = ? WHERE id = ?"),
    sent: db.prepare(`
      UPDATE deliveries SET status = 'sent', in_flight = 0, message_id = ?, error = NULL, payload = NULL, sent_at = ?, updated_at = ?
      WHERE id = ?`),
    finished: db.prepare(
      "UPDATE deliveries SET status = ?, in_flight = 0, error = ?, payload = NULL, updated_at = ? WHERE id = ?",
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

  const store: Store = {
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
    setTimeZone(subscriberId, zone) {
      q.setZone.run(zone, subscriberId);
    },
    setLanguage(subscriberId, language) {
      q.setLanguage.run(language, subscriberId);
    },
    deactivateSubscriber(subscriberId, reason) {
      q.setActive.run(0, reason, subscriberId);
    },
    activateSubscriber(subscriberId) {
      q.setActive.run(1, null, subscriberId);
    },

    upsertSubscription: db.transaction(({ subscriberId, themeId, themeQuery, time }) => {
      const existing = q.subscription.get(subscriberId, themeId) as Row | undefined;
      if (existing) q.updateSubscription.run(time, themeQuery, existing.id);
      else q.insertSubscription.run(subscriberId, themeId, themeQuery, time, iso());
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
      return (q.scheduled.all() as Row[]).map((row) => ({
        ...toSubscription(row),
        chatId: row.chat_id as number,
        language: row.language as Language,
        timeZone: row.time_zone as string,
        lastLocalDate: (row.last_local_date as string | null) ?? null,
      }));
    },

    claimDeliveries: db.transaction((claims: readonly DeliveryClaim[]) => {
      const at = iso();
      const claimed: Delivery[] = [];
      for (const c of claims) {
        const result = q.claim.run(c.subscriberId, c.themeId, c.localDate, c.kind, JSON.stringify(c.paragraphKeys), c.payload, c.runId, at, at);
        if (result.changes === 1) claimed.push(toDelivery(q.delivery.get(result.lastInsertRowid) as Row));
      }
      return claimed;
    }),
    getDelivery(id) {
      const row = q.delivery.get(id) as Row | undefined;
      return row && toDelivery(row);
    },
    markInFlight(id, runId) {
      return q.inFlight.run(iso(), id, runId).changes === 1;
    },
    markAttemptFailed(id, error) {
      q.attemptFailed.run(error, iso(), id);
    },
    markSent(id, messageId) {
      const at = iso();
      q.sent.run(messageId, at, at, id);
    },
    markFinished(id, status, error) {
      q.finished.run(status, error, iso(), id);
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
      q.feedback.run(input.chatId, input.userId, input.messageId, input.answerRef ?? null, input.question, input.vote, input.reason ?? null, iso());
    },
    stats(since) {
      const count = (sql: string, ...params: unknown[]) => db.prepare(sql).pluck().get(...params) as number;
      const deliveries: Record<DeliveryStatus, number> = { pending: 0, sent: 0, failed: 0, blocked: 0, unknown: 0 };
      const rows = db
        .prepare("SELECT status, COUNT(*) AS n FROM deliveries WHERE claimed_at >= ? GROUP BY status")
        .all(since.toISOString()) as { status: DeliveryStatus; n: number }[];
      for (const { status, n } of rows) deliveries[status] = n;
      return {
        subscribers: {
          // A chat that only browsed (/subscriptions, /timezone) has a row but no subscription: not a subscriber.
          active: count("SELECT COUNT(*) FROM subscribers s WHERE active = 1 AND EXISTS (SELECT 1 FROM subscriptions WHERE subscriber_id = s.id)"),
          inactive: count("SELECT COUNT(*) FROM subscribers s WHERE active = 0 AND EXISTS (SELECT 1 FROM subscriptions WHERE subscriber_id = s.id)"),
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

type Row = Record<string, unknown>;

function toSubscriber(row: Row): Subscriber {
  return {
    id: row.id as number,
    chatId: row.chat_id as number,
    userId: (row.user_id as number | null) ?? null,
    language: row.language as Language,
    timeZone: row.time_zone as string,
    active: row.active === 1,
    deactivatedReason: (row.deactivated_reason as string | null) ?? null,
    createdAt: row.created_at as string,
  };
}

function toSubscription(row: Row): Subscription {
  return {
    id: row.id as number,
    subscriberId: row.subscriber_id as number,
    themeId: row.theme_id as string,
    themeQuery: (row.theme_query as string | null) ?? null,
    time: row.time as string,
    createdAt: row.created_at as string,
  };
}

function toDelivery(row: Row): Delivery {
  return {
    id: row.id as number,
    subscriberId: row.subscriber_id as number,
    themeId: row.theme_id as string,
    localDate: row.local_date as string,
    kind: row.kind as DeliveryKind,
    status: row.status as DeliveryStatus,
    inFlight: row.in_flight === 1,
    attempts: row.attempts as number,
    error: (row.error as string | null) ?? null,
    paragraphKeys: JSON.parse(row.paragraph_keys as string) as string[],
    payload: (row.payload as string | null) ?? null,
    messageId: (row.message_id as number | null) ?? null,
    runId: (row.run_id as string | null) ?? null,
    claimedAt: row.claimed_at as string,
    updatedAt: row.updated_at as string,
    sentAt: (row.sent_at as string | null) ?? null,
  };
}
