/**
 * The digest loop: every minute, find the subscriptions that are due, compose their
 * digests, claim them in the store, and deliver them under Telegram's limits.
 *
 * Exactly once across restarts: a tick claims all its digests in one transaction
 * (rows `pending`) before sending anything, and marks each `sent` with Telegram's
 * message id right after Telegram accepted it. A row still `pending` when a new run
 * starts was left by a run that died (or stopped cleanly and released it). Such an
 * orphan is handled by what we know of it:
 * - `in_flight = 0`: Telegram never received it (not started, or its last attempt
 *   failed) → it is sent now, if it is still the same local day for the subscriber,
 *   else marked failed ("expired") — past days are never made up;
 * - `in_flight = 1` but still `awaiting_hand_over` (a sender that reports the hand-over,
 *   such as the bot's): the attempt died before its request was given to the HTTP client,
 *   so Telegram cannot have it → handled as above (sent now, or expired);
 * - `in_flight = 1` and handed over (or a sender that does not report it): the process
 *   died while Telegram may have handled the request, so the message may or may not
 *   have arrived → it is marked `unknown` and NOT resent (an admin can, with /resend). We
 *   prefer a rare miss (at most the few requests in flight at the moment of a crash)
 *   to a duplicate; its paragraphs count as sent for the rotation.
 * Orphans of a run that died are only taken over after `orphanAfterMs`, so a second
 * instance started during a rolling restart does not race the old one's last sends.
 */
import { randomUUID } from "node:crypto";
import { Cron } from "croner";
import type { Chunk } from "../index/chunk.js";
import type { Logger } from "../logger.js";
import { StoreError } from "../store/errors.js";
import type { Delivery, DeliveryClaim, Language, Store, Subscriber } from "../store/store.js";
import type { Digest } from "./compose.js";
import { createDigestComposer } from "./composer.js";
import {
  createDeliverer,
  createThrottle,
  runPool,
  systemClock,
  type Clock,
  type DeliveryOutcome,
  type DigestSender,
  type RetryPolicy,
  type Throttle,
} from "./delivery.js";
import { isDue, localTime, ZoneFormatters } from "./schedule.js";
import { DEFAULT_THEMES, themeForSubscription, type Theme } from "./themes.js";

/** Dependencies and tunables of {@link createScheduler}. */
export interface SchedulerOptions {
  store: Store;
  chunks: readonly Chunk[];
  send: DigestSender;
  logger: Logger;
  /** The catalogue (default {@link DEFAULT_THEMES}). */
  themes?: readonly Theme[];
  /** Wall-clock time, for due checks and local dates. */
  now?: () => Date;
  /** Time for pacing and retry waits (default: real time). Tests pass a fake one. */
  clock?: Clock;
  /** Pacing (default 30/s global, 1/s per chat on `clock`). */
  throttle?: Throttle;
  retry?: RetryPolicy;
  /** Sends running at once (default 32): enough to keep 30/s with ~1 s of latency. */
  concurrency?: number;
  /** Tries of a delivery mark before it is left for the next run (default 8, about 30 s in all). */
  persistAttempts?: number;
  /** A dead run's pending rows are taken over after this long (default 2 minutes). */
  orphanAfterMs?: number;
  /** Identifies this process's claims (default a random UUID). */
  runId?: string;
  /** Runs `tick` every minute; returns a function that stops it (default croner "* * * * *"). */
  every?: (tick: () => void) => () => void;
  /** Points per digest (defaults of {@link composeDigest}). */
  maxPoints?: number;
  minPoints?: number;
}

/** What one tick did. */
export interface TickReport {
  /** True when a previous tick was still running, so this one did nothing. */
  skipped: boolean;
  due: number;
  claimed: number;
  sent: number;
  failed: number;
  blocked: number;
  /** Orphans of a previous run that were sent again (never in flight). */
  resumed: number;
  /** Orphans whose outcome is unknown (in flight at a crash), not resent. */
  unknown: number;
}

/** Result of {@link Scheduler.sendNow}. */
export interface SendNowResult {
  digest: Digest;
  outcome: DeliveryOutcome | { status: "empty" };
}

/** The digest loop. */
export interface Scheduler {
  /** Finds due subscriptions and delivers them; never runs twice at once (a second call returns `skipped`). */
  tick(): Promise<TickReport>;
  /**
   * Composes and sends one digest now, outside the daily schedule (`/digest`). It does
   * not count as the daily one, but its paragraphs count as sent for the rotation.
   */
  sendNow(subscriber: Subscriber, theme: Theme): Promise<SendNowResult>;
  /**
   * Sends an `unknown` delivery again with the digest it was claimed with, after an admin
   * decided it never arrived. Returns `not-unknown` when the row is not (or no longer) unknown.
   */
  resend(deliveryId: number): Promise<DeliveryOutcome | { status: "not-unknown" }>;
  /** Ticks now and then every minute. */
  start(): void;
  /** Stops ticking, lets sends in flight finish, and releases unsent claims for the next run. */
  stop(): Promise<void>;
}

interface Job {
  delivery: Delivery;
  chatId: number;
  language: Language;
  digest: Digest;
}

/**
 * Creates the scheduler. Records the corpus's paragraph keys right away (see
 * {@link createDigestComposer}), so paragraphs from later ingests can be told apart as 新增.
 * @example
 * const scheduler = createScheduler({ store, chunks, send, logger });
 * scheduler.start();
 */
export function createScheduler(options: SchedulerOptions): Scheduler {
  const { store, chunks, logger } = options;
  const themes = options.themes ?? DEFAULT_THEMES;
  const now = options.now ?? (() => new Date());
  const clock = options.clock ?? systemClock();
  const throttle = options.throttle ?? createThrottle({ clock });
  const deliverer = createDeliverer({ send: options.send, throttle, clock, logger, retry: options.retry });
  const reportsHandOver = options.send.reportsHandOver === true;
  const concurrency = options.concurrency ?? 32;
  const orphanAfterMs = options.orphanAfterMs ?? 120_000;
  const persistAttempts = options.persistAttempts ?? 8;
  const runId = options.runId ?? randomUUID();
  const every = options.every ?? everyMinute;
  const formatters = new ZoneFormatters();
  let running: Promise<TickReport> | undefined;
  let stopTimer: (() => void) | undefined;
  let stopping = false;

  const compose = createDigestComposer({ store, chunks, maxPoints: options.maxPoints, minPoints: options.minPoints });

  /**
   * Runs a store write, retrying it in this run while the store is busy (up to
   * `persistAttempts`), so a delivery mark that failed once is not left pending until a
   * restart. Other faults (a deleted or closed database) are not retried: nothing would take.
   */
  const persist = async (write: () => Promise<void>): Promise<void> => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await write();
      } catch (error) {
        if (attempt >= persistAttempts || !(error instanceof StoreError && error.code === "busy")) throw error;
        logger.warn("store write failed; retrying", { attempt, error });
        await clock.sleep(Math.min(5000, 250 * 2 ** (attempt - 1)));
      }
    }
  };

  /** Delivers one claimed row and records the outcome; never throws. */
  const deliver = async (job: Job, report?: TickReport): Promise<DeliveryOutcome | undefined> => {
    const { delivery } = job;
    try {
      const outcome = await deliverer.deliver(job.chatId, job.digest, job.language, {
        onAttempt: () => store.markInFlight(delivery.id, runId, { awaitingHandOver: reportsHandOver }),
        onHandOver: async () => {
          let ours = false;
          await persist(async () => {
            ours = await store.markHandedOver(delivery.id, runId);
          });
          // Another run adopted the row (this one outlived the orphan timeout): it is theirs to send.
          if (!ours) throw new Error("the delivery was taken over by another run");
        },
        onRetry: (error) => persist(() => store.markAttemptFailed(delivery.id, error.message)),
      });
      if (outcome.status === "taken") {
        logger.warn("delivery taken over by another run; not sending", { deliveryId: delivery.id });
        return outcome;
      }
      if (outcome.status === "sent") {
        await persist(() => store.markSent(delivery.id, outcome.messageId));
      } else {
        await persist(() => store.markFinished(delivery.id, outcome.status, outcome.error));
        if (outcome.status === "blocked") {
          await persist(() => store.deactivateSubscriber(delivery.subscriberId, outcome.error));
          logger.info("subscriber deactivated", { chatId: job.chatId, reason: outcome.error });
        }
      }
      if (report) report[outcome.status] += 1;
      return outcome;
    } catch (error) {
      // The store stayed unavailable through every retry: the row stays pending (in flight if
      // the send had started), and the next run resumes it or marks it unknown.
      logger.error("digest delivery could not be recorded", { deliveryId: delivery.id, error });
      return undefined;
    }
  };

  /** Takes over rows left pending by a previous run; returns the ones to send again. */
  const recoverOrphans = async (at: Date, report: TickReport): Promise<Job[]> => {
    const jobs: Job[] = [];
    for (const orphan of await store.listOrphans({ runId, updatedBefore: new Date(at.getTime() - orphanAfterMs) })) {
      if (!(await store.adoptDelivery(orphan.id, orphan.runId, runId))) continue;
      const subscriber = await store.getSubscriberById(orphan.subscriberId);
      if (orphan.inFlight && !orphan.awaitingHandOver) {
        const handedOver = orphan.handedOverAt === null ? "" : ` (handed to the HTTP client at ${orphan.handedOverAt})`;
        await store.markFinished(
          orphan.id,
          "unknown",
          `interrupted while Telegram handled the request${handedOver}; not resent to avoid a duplicate`,
        );
        report.unknown += 1;
      } else if (!subscriber?.active || orphan.payload === null) {
        await store.markFinished(orphan.id, "failed", "subscriber inactive when resuming after a restart");
        report.failed += 1;
      } else if (localTime(at, subscriber.timeZone, formatters).date !== orphan.localDate) {
        await store.markFinished(orphan.id, "failed", "expired: the process was down for the rest of that local day");
        report.failed += 1;
      } else {
        jobs.push({
          delivery: orphan,
          chatId: subscriber.chatId,
          language: subscriber.language,
          digest: JSON.parse(orphan.payload) as Digest,
        });
        report.resumed += 1;
      }
    }
    if (jobs.length || report.unknown)
      logger.warn("resuming digests of a previous run", { resumed: jobs.length, unknown: report.unknown });
    return jobs;
  };

  const runTick = async (): Promise<TickReport> => {
    const at = now();
    const report: TickReport = {
      skipped: false,
      due: 0,
      claimed: 0,
      sent: 0,
      failed: 0,
      blocked: 0,
      resumed: 0,
      unknown: 0,
    };
    const resumed = await recoverOrphans(at, report);

    const claims: { claim: DeliveryClaim; chatId: number; language: Language; digest: Digest }[] = [];
    for (const sub of await store.listScheduled()) {
      const since = new Date(sub.createdAt);
      if (
        !isDue({
          now: at,
          zone: sub.timeZone,
          time: sub.time,
          lastLocalDate: sub.lastLocalDate ?? undefined,
          since,
          formatters,
        })
      )
        continue;
      const theme = themeForSubscription(sub.themeId, sub.themeQuery, themes);
      if (!theme) {
        logger.warn("subscription to a theme no longer in the catalogue", {
          subscriptionId: sub.id,
          themeId: sub.themeId,
        });
        continue;
      }
      const local = localTime(at, sub.timeZone, formatters);
      report.due += 1;
      const digest = await compose(sub.subscriberId, theme, sub.createdAt, local.date);
      claims.push({
        claim: {
          subscriberId: sub.subscriberId,
          themeId: sub.themeId,
          localDate: local.date,
          kind: "daily",
          paragraphKeys: digest.points.map((p) => p.paragraphKey),
          payload: JSON.stringify(digest),
          runId,
        },
        chatId: sub.chatId,
        language: sub.language,
        digest,
      });
    }

    const claimed = await store.claimDeliveries(claims.map((c) => c.claim));
    report.claimed = claimed.length;
    const byKey = new Map(claims.map((c) => [`${c.claim.subscriberId}/${c.claim.themeId}`, c]));
    const jobs: Job[] = [...resumed];
    for (const delivery of claimed) {
      const source = byKey.get(`${delivery.subscriberId}/${delivery.themeId}`)!;
      if (source.digest.points.length === 0) {
        // The corpus changed under a subscription; say nothing rather than send an empty digest daily.
        await store.markFinished(delivery.id, "failed", "no paragraph matches this theme");
        report.failed += 1;
        continue;
      }
      jobs.push({ delivery, chatId: source.chatId, language: source.language, digest: source.digest });
    }

    const unsent: number[] = [];
    await runPool(jobs, concurrency, async (job) => {
      if (stopping) unsent.push(job.delivery.id);
      else await deliver(job, report);
    });
    if (unsent.length) await store.releaseDeliveries(unsent);
    if (report.claimed || report.resumed || report.unknown) logger.info("digest tick", { ...report });
    return report;
  };

  const scheduler: Scheduler = {
    async tick() {
      if (running) {
        return { skipped: true, due: 0, claimed: 0, sent: 0, failed: 0, blocked: 0, resumed: 0, unknown: 0 };
      }
      running = runTick();
      try {
        return await running;
      } finally {
        running = undefined;
      }
    },

    async sendNow(subscriber, theme) {
      const subscription = (await store.listSubscriptions(subscriber.id)).find((s) => s.themeId === theme.id);
      // 新增 is relative to when the subscription began; without one, nothing is "new".
      const since = subscription?.createdAt ?? now().toISOString();
      const local = localTime(now(), subscriber.timeZone, formatters);
      const digest = await compose(subscriber.id, theme, since, local.date);
      if (digest.points.length === 0) return { digest, outcome: { status: "empty" } };
      const [delivery] = await store.claimDeliveries([
        {
          subscriberId: subscriber.id,
          themeId: theme.id,
          localDate: local.date,
          kind: "now",
          paragraphKeys: digest.points.map((p) => p.paragraphKey),
          payload: JSON.stringify(digest),
          runId,
        },
      ]);
      const outcome = delivery
        ? await deliver({ delivery, chatId: subscriber.chatId, language: subscriber.language, digest })
        : undefined;
      return { digest, outcome: outcome ?? { status: "failed", error: "could not record the delivery", attempts: 0 } };
    },

    async resend(deliveryId) {
      const delivery = await store.getDelivery(deliveryId);
      if (delivery?.status !== "unknown" || delivery.payload === null) return { status: "not-unknown" };
      const subscriber = await store.getSubscriberById(delivery.subscriberId);
      if (!subscriber || !(await store.reopenUnknown(delivery.id, runId, delivery.payload)))
        return { status: "not-unknown" };
      const digest = JSON.parse(delivery.payload) as Digest;
      const outcome = await deliver({ delivery, chatId: subscriber.chatId, language: subscriber.language, digest });
      return outcome ?? { status: "failed", error: "could not record the delivery", attempts: 0 };
    },

    start() {
      if (stopTimer) return;
      stopping = false;
      const run = () => {
        scheduler.tick().catch((error: unknown) => logger.error("digest tick failed", { error }));
      };
      stopTimer = every(run);
      run();
    },

    async stop() {
      stopTimer?.();
      stopTimer = undefined;
      stopping = true;
      await running?.catch(() => undefined);
    },
  };
  return scheduler;
}

/** Calls `tick` at the start of every minute. */
function everyMinute(tick: () => void): () => void {
  const job = new Cron("* * * * *", { protect: true }, tick);
  return () => job.stop();
}
