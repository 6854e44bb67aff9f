/**
 * The queue planner (digest delivery at scale, when REDIS_URL is set): one process,
 * elected with a {@link LeaderLock}, reads due subscriptions in batches by their indexed
 * `next_due_at`, claims their daily rows in the store and hands them to a queue, whose
 * workers on every replica send them (see delivery-job.ts and src/queue/).
 *
 * The claim is the store's, with the same exactly-once rules as the in-process scheduler:
 * rows are claimed `pending` under the run id {@link QUEUED_RUN_ID} ("waiting in the
 * queue"), and a worker adopts a row from it before sending. Re-enqueueing a row is
 * harmless (one job id per row; a job for a finished row does nothing), so after a planner
 * or worker crash the new leader sweeps pending rows back into the queue.
 */
import { randomUUID } from "node:crypto";
import { Cron } from "croner";
import type { Chunk } from "../index/chunk.js";
import type { Logger } from "../logger.js";
import type { DeliveryClaim, Language, ScheduledSubscription, Store } from "../store/store.js";
import type { Digest } from "./compose.js";
import { createDigestComposer } from "./composer.js";
import { runPool } from "./delivery.js";
import { isDue, localTime, nextCheckAt, ZoneFormatters } from "./schedule.js";
import { DEFAULT_THEMES, themeForSubscription, type Theme } from "./themes.js";

/** The run id of rows claimed by the planner and not yet taken by a worker. */
export const QUEUED_RUN_ID = "queued";

/** What a queue job carries: the row to send, and where (the digest itself stays in the row). */
export interface DeliveryJob {
  deliveryId: number;
  chatId: number;
  language: Language;
}

/** Who may plan: only the holder of the lock. */
export interface LeaderLock {
  /** True when this process holds (or just took) the lock; never waits for it. */
  acquire(): Promise<boolean>;
  /** Gives the lock up (a second call does nothing). */
  release(): Promise<void>;
}

/** The lock of a single process (SQLite: one process is the planner by construction). */
export function soleLeader(): LeaderLock {
  return { acquire: async () => true, release: async () => undefined };
}

/** Dependencies and tunables of {@link createPlanner}. */
export interface PlannerOptions {
  store: Store;
  chunks: readonly Chunk[];
  logger: Logger;
  leader: LeaderLock;
  /** Puts jobs on the queue, in the order given (idempotent per delivery id). */
  enqueue(jobs: readonly DeliveryJob[]): Promise<void>;
  themes?: readonly Theme[];
  now?: () => Date;
  /** Subscriptions read and claimed per batch (default 500). */
  batchSize?: number;
  /** Digests composed at once within a batch (default 8). */
  concurrency?: number;
  /** Pending rows untouched this long are put back on the queue by the sweep (default 2 minutes). */
  orphanAfterMs?: number;
  /** How often the sweep runs besides right after winning the election (default 10 minutes). */
  sweepEveryMs?: number;
  /** Runs `tick` every minute; returns a function that stops it (default croner "* * * * *"). */
  every?: (tick: () => void) => () => void;
  maxPoints?: number;
  minPoints?: number;
}

/** What one planning pass did. */
export interface PlanReport {
  /** False when another process holds the lock: nothing was planned. */
  leader: boolean;
  /** True when a previous pass was still running. */
  skipped: boolean;
  /** Subscriptions read by index (due or woken early). */
  looked: number;
  due: number;
  claimed: number;
  enqueued: number;
  /** Rows put back on the queue by the sweep. */
  requeued: number;
  batches: number;
}

/** The planner. */
export interface Planner {
  /** One pass: if leader, sweep when due, then claim and enqueue every due subscription in batches. */
  tick(): Promise<PlanReport>;
  /** Ticks now and every minute. */
  start(): void;
  /** Stops ticking, waits for a running pass, and releases the lock. */
  stop(): Promise<void>;
}

/** What {@link planBatch} decided for one batch. */
export interface BatchPlan {
  /** Subscriptions due now, with the local date of the digest. */
  due: { subscription: ScheduledSubscription; theme: Theme; localDate: string }[];
  /** When to look at each subscription of the batch again. */
  nextDue: { subscriptionId: number; nextDueAt: string }[];
  /** Subscriptions to a theme no longer in the catalogue (looked at again tomorrow). */
  unknownThemes: ScheduledSubscription[];
}

/**
 * The pure part of planning: which subscriptions of a batch are due at `now`, and when to
 * look at each one again (a due one as if claimed today, so tomorrow). Every subscription
 * of the batch gets a later `nextDueAt`, so a pass always moves on.
 */
export function planBatch(
  batch: readonly ScheduledSubscription[],
  now: Date,
  themes: readonly Theme[],
  formatters = new ZoneFormatters(),
): BatchPlan {
  const plan: BatchPlan = { due: [], nextDue: [], unknownThemes: [] };
  for (const sub of batch) {
    const zone = sub.timeZone;
    const dueNow = isDue({
      now,
      zone,
      time: sub.time,
      lastLocalDate: sub.lastLocalDate ?? undefined,
      since: new Date(sub.createdAt),
      formatters,
    });
    const theme = themeForSubscription(sub.themeId, sub.themeQuery, themes);
    const localDate = localTime(now, zone, formatters).date;
    if (dueNow && theme) plan.due.push({ subscription: sub, theme, localDate });
    if (dueNow && !theme) plan.unknownThemes.push(sub);
    const lastLocalDate = dueNow ? localDate : (sub.lastLocalDate ?? undefined);
    plan.nextDue.push({
      subscriptionId: sub.id,
      nextDueAt: nextCheckAt({ now, zone, time: sub.time, lastLocalDate, formatters }).toISOString(),
    });
  }
  return plan;
}

/**
 * Creates the planner.
 * @example
 * const planner = createPlanner({ store, chunks, logger, leader: soleLeader(), enqueue: (jobs) => queue.enqueue(jobs) });
 * planner.start();
 */
export function createPlanner(options: PlannerOptions): Planner {
  const { store, chunks, logger, leader } = options;
  const themes = options.themes ?? DEFAULT_THEMES;
  const now = options.now ?? (() => new Date());
  const batchSize = options.batchSize ?? 500;
  const concurrency = options.concurrency ?? 8;
  const orphanAfterMs = options.orphanAfterMs ?? 120_000;
  const sweepEveryMs = options.sweepEveryMs ?? 600_000;
  const every = options.every ?? everyMinute;
  // Only for listOrphans, which leaves out the caller's own rows: the planner owns none.
  const runId = `planner-${randomUUID()}`;
  const compose = createDigestComposer({ store, chunks, maxPoints: options.maxPoints, minPoints: options.minPoints });
  const formatters = new ZoneFormatters();
  let wasLeader = false;
  let lastSweep = -Infinity;
  let running: Promise<PlanReport> | undefined;
  let stopTimer: (() => void) | undefined;

  /** Puts pending daily rows nobody touched for a while back on the queue. */
  const sweep = async (at: Date): Promise<number> => {
    const jobs: DeliveryJob[] = [];
    for (const row of await store.listOrphans({ runId, updatedBefore: new Date(at.getTime() - orphanAfterMs) })) {
      // Released by a stopped in-process scheduler (run id NULL): the queue takes it over.
      if (row.runId === null && !(await store.adoptDelivery(row.id, null, QUEUED_RUN_ID))) continue;
      const subscriber = await store.getSubscriberById(row.subscriberId);
      if (subscriber) jobs.push({ deliveryId: row.id, chatId: subscriber.chatId, language: subscriber.language });
    }
    await options.enqueue(jobs);
    if (jobs.length) logger.warn("pending digests put back on the queue", { rows: jobs.length });
    return jobs.length;
  };

  const runPass = async (): Promise<PlanReport> => {
    const report: PlanReport = {
      leader: false,
      skipped: false,
      looked: 0,
      due: 0,
      claimed: 0,
      enqueued: 0,
      requeued: 0,
      batches: 0,
    };
    const isLeader = await leader.acquire();
    if (isLeader !== wasLeader) logger.info(isLeader ? "elected digest planner" : "no longer the digest planner");
    const elected = isLeader && !wasLeader;
    wasLeader = isLeader;
    if (!isLeader) return report;
    report.leader = true;
    const at = now();
    if (elected || at.getTime() - lastSweep >= sweepEveryMs) {
      lastSweep = at.getTime();
      report.requeued = await sweep(at);
    }
    for (;;) {
      const batch = await store.listDue({ now: at, limit: batchSize });
      if (batch.length === 0) break;
      report.batches += 1;
      report.looked += batch.length;
      const plan = planBatch(batch, at, themes, formatters);
      for (const sub of plan.unknownThemes) {
        logger.warn("subscription to a theme no longer in the catalogue", {
          subscriptionId: sub.id,
          themeId: sub.themeId,
        });
      }
      report.due += plan.due.length;
      const composed: { claim: DeliveryClaim; job: Omit<DeliveryJob, "deliveryId">; digest: Digest }[] = [];
      await runPool(plan.due, concurrency, async ({ subscription: sub, theme, localDate }) => {
        const digest = await compose(sub.subscriberId, theme, sub.createdAt, localDate);
        composed.push({
          claim: {
            subscriberId: sub.subscriberId,
            themeId: sub.themeId,
            localDate,
            kind: "daily",
            paragraphKeys: digest.points.map((p) => p.paragraphKey),
            payload: JSON.stringify(digest),
            runId: QUEUED_RUN_ID,
          },
          job: { chatId: sub.chatId, language: sub.language },
          digest,
        });
      });
      // Claimed before the next look is moved on: a crash in between re-reads the batch, and
      // the rows claimed make it not due.
      const claimed = await store.claimDeliveries(composed.map((c) => c.claim));
      const byKey = new Map(composed.map((c) => [`${c.claim.subscriberId}/${c.claim.themeId}`, c]));
      const jobs: DeliveryJob[] = [];
      for (const row of claimed) {
        const source = byKey.get(`${row.subscriberId}/${row.themeId}`)!;
        if (source.digest.points.length === 0) {
          await store.markFinished(row.id, "failed", "no paragraph matches this theme");
          continue;
        }
        jobs.push({ deliveryId: row.id, ...source.job });
      }
      await options.enqueue(jobs);
      await store.setNextDue(plan.nextDue);
      report.claimed += claimed.length;
      report.enqueued += jobs.length;
      if (batch.length < batchSize) break;
    }
    if (report.claimed || report.requeued) logger.info("digest planning pass", { ...report });
    return report;
  };

  const planner: Planner = {
    async tick() {
      if (running)
        return {
          leader: wasLeader,
          skipped: true,
          looked: 0,
          due: 0,
          claimed: 0,
          enqueued: 0,
          requeued: 0,
          batches: 0,
        };
      running = runPass();
      try {
        return await running;
      } finally {
        running = undefined;
      }
    },
    start() {
      if (stopTimer) return;
      const run = () => {
        planner.tick().catch((error: unknown) => logger.error("digest planning failed", { error }));
      };
      stopTimer = every(run);
      run();
    },
    async stop() {
      stopTimer?.();
      stopTimer = undefined;
      await running?.catch(() => undefined);
      await leader.release();
      wasLeader = false;
    },
  };
  return planner;
}

/** Calls `tick` at the start of every minute. */
function everyMinute(tick: () => void): () => void {
  const job = new Cron("* * * * *", { protect: true }, tick);
  return () => job.stop();
}
