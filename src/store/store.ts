/**
 * The storage port: one async interface for subscribers, subscriptions, the delivery
 * log, paragraphs sent and feedback, with two adapters — SQLite (better-sqlite3, the
 * default, {@link createStore}) and PostgreSQL (`pg`, {@link createPostgresStore}), chosen
 * by DATABASE_URL in {@link openStore}. One contract suite (tests/store/contract.test.ts)
 * runs against both.
 *
 * Delivery rows carry the exactly-once rules, the same on both adapters:
 * 1. a daily digest is claimed by inserting its row (status `pending`) — the partial
 *    unique index on (subscriber, theme, local_date) lets only one claim per local day win;
 * 2. `in_flight` is set right before an attempt starts and cleared when it fails; with a
 *    sender that reports the hand-over, `awaiting_hand_over` is set with it, and cleared
 *    (with `handed_over_at`) in a committed write before the request is given to the
 *    HTTP client — so no byte can reach Telegram while it is still set;
 * 3. the row becomes `sent` (with Telegram's message id) in one statement once Telegram
 *    accepted it.
 * After a crash the scheduler finds `pending` rows of a previous run: with `in_flight = 0`,
 * or in flight but still awaiting the hand-over, Telegram never got them, so they are sent;
 * in flight and handed over, the outcome is unknown and they are marked `unknown`, never
 * resent automatically (see scheduler.ts; queued deliveries follow the same rules, with the run
 * id of the worker that adopted the row: delivery-job.ts). The guarantee is therefore at most
 * once: see the README's "Digest delivery guarantee".
 */
export { createStore } from "./sqlite.js";

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
  /** In flight, but not yet handed to the HTTP client: Telegram cannot have received it. */
  awaitingHandOver: boolean;
  /** When the last attempt's request was handed to the HTTP client (null before, or for senders that do not report it). */
  handedOverAt: string | null;
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

/** The typed repository; every method is async and each write is atomic. */
export interface Store {
  /** Returns the subscriber of a chat, creating it (active, default zone) if new. */
  ensureSubscriber(input: { chatId: number; userId?: number | null; language?: Language }): Promise<Subscriber>;
  /** The subscriber of a chat, if any. */
  getSubscriber(chatId: number): Promise<Subscriber | undefined>;
  /** A subscriber by row id. */
  getSubscriberById(id: number): Promise<Subscriber | undefined>;
  /** Sets a subscriber's time zone (validated by the caller). */
  setTimeZone(subscriberId: number, zone: string): Promise<void>;
  /** Sets a subscriber's interface language. */
  setLanguage(subscriberId: number, language: Language): Promise<void>;
  /** Stops all sending to a subscriber, keeping their subscriptions and history. */
  deactivateSubscriber(subscriberId: number, reason: string): Promise<void>;
  /** Resumes sending (e.g. the user unblocked the bot and subscribed again). */
  activateSubscriber(subscriberId: number): Promise<void>;

  /** Creates a subscription or changes its time; `created` is false when it existed. */
  upsertSubscription(input: {
    subscriberId: number;
    themeId: string;
    themeQuery: string | null;
    time: string;
  }): Promise<{
    subscription: Subscription;
    created: boolean;
  }>;
  /** Removes one subscription; false if there was none. */
  removeSubscription(subscriberId: number, themeId: string): Promise<boolean>;
  /** Removes all of a subscriber's subscriptions; returns how many. */
  removeAllSubscriptions(subscriberId: number): Promise<number>;
  /** A subscriber's subscriptions, oldest first. */
  listSubscriptions(subscriberId: number): Promise<Subscription[]>;
  /** Every subscription of an active subscriber, with its last daily delivery date. */
  listScheduled(): Promise<ScheduledSubscription[]>;
  /**
   * Subscriptions of active subscribers whose `next_due_at` has come (at or before `now`),
   * earliest first, at most `limit`: the queue planner's batch, read by index instead of
   * every subscription. A subscription is looked at again once it is created, its time or
   * its subscriber's zone changes, or its subscriber becomes active again.
   */
  listDue(input: { now: Date; limit: number }): Promise<ScheduledSubscription[]>;
  /** Sets when the planner next looks at each subscription (ISO instants). */
  setNextDue(updates: readonly { subscriptionId: number; nextDueAt: string }[]): Promise<void>;

  /**
   * Claims deliveries in one transaction. A daily claim for a (subscriber, theme,
   * local date) that already has a row is skipped. Returns the rows claimed now.
   */
  claimDeliveries(claims: readonly DeliveryClaim[]): Promise<Delivery[]>;
  /** A delivery by id. */
  getDelivery(id: number): Promise<Delivery | undefined>;
  /**
   * Marks that a request to Telegram is about to start (counts the attempt), if the row
   * is still pending and owned by `runId`; false when another run has adopted it.
   * `awaitingHandOver`: the sender will report the hand-over ({@link Store.markHandedOver}),
   * so until then a crash leaves the row known to be unsent.
   */
  markInFlight(id: number, runId: string, options?: { awaitingHandOver?: boolean }): Promise<boolean>;
  /**
   * Records, before the request is given to the HTTP client, that from now on Telegram may
   * receive it (`handed_over_at`); false when the row is no longer pending and owned by `runId`.
   */
  markHandedOver(id: number, runId: string): Promise<boolean>;
  /** Records a failed attempt that will be retried: the request is over, so not in flight. */
  markAttemptFailed(id: number, error: string): Promise<void>;
  /** Records Telegram's acceptance, in one statement: status sent, message id, sent_at. */
  markSent(id: number, messageId: number): Promise<void>;
  /** Ends a delivery without success (`failed`, `blocked` or `unknown`; an unknown row keeps its payload for a manual resend). */
  markFinished(id: number, status: "failed" | "blocked" | "unknown", error: string): Promise<void>;
  /**
   * Daily rows still `pending` left behind by another run: released ones (run_id NULL,
   * after a clean stop) and those last touched before `updatedBefore` (a process that died).
   */
  listOrphans(input: { runId: string; updatedBefore: Date }): Promise<Delivery[]>;
  /** Gives pending rows back after a clean stop, so the next run takes them over at once. */
  releaseDeliveries(ids: readonly number[]): Promise<void>;
  /** Takes over an orphan for `runId`; false if another run adopted it first. */
  adoptDelivery(id: number, fromRunId: string | null, runId: string): Promise<boolean>;
  /** Rows marked `unknown` (possibly delivered, never resent), newest first, for admins' /stats. */
  listUnknown(limit: number): Promise<Delivery[]>;
  /**
   * An admin decided an `unknown` row was not delivered: it becomes `pending` again,
   * not in flight, owned by `runId`, with `payload` (the digest to send). False if it was not `unknown`.
   */
  reopenUnknown(id: number, runId: string, payload: string): Promise<boolean>;
  /** Deliveries of a subscriber, newest first (for tests and admin views). */
  listDeliveries(subscriberId: number): Promise<Delivery[]>;

  /** Paragraph keys sent (or possibly sent) to a subscriber for a theme → when last sent (ISO). */
  sentParagraphs(subscriberId: number, themeId: string): Promise<Map<string, string>>;
  /** Records paragraphs of the current corpus; keys already known keep their first time. Returns how many were new. */
  recordParagraphs(keys: readonly string[]): Promise<number>;
  /** Paragraph keys first seen strictly after `since` (ISO): the 新增 candidates. */
  paragraphsSeenAfter(since: string): Promise<Set<string>>;

  /** Records a 👍/👎 (a later vote on the same message by the same user replaces it). */
  addFeedback(input: FeedbackInput): Promise<void>;
  /** Counts for admins; deliveries are those claimed since `since`. */
  stats(since: Date): Promise<StoreStats>;
  /** Closes the database (a second call does nothing). */
  close(): Promise<void>;
}
