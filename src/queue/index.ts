/** Digest delivery on BullMQ (REDIS_URL): the planner's producer and the workers. */
import { randomUUID } from "node:crypto";
import { createDeliveryJobRunner, type JobOutcome } from "../digest/delivery-job.js";
import type { DigestSender } from "../digest/delivery.js";
import type { DeliveryJob } from "../digest/planner.js";
import type { Logger } from "../logger.js";
import type { Store } from "../store/store.js";
import type { Chunk } from "../index/chunk.js";
import { createPlanner, soleLeader } from "../digest/planner.js";
import { createPgLeaderLock } from "../store/postgres-leader.js";
import {
  createDigestQueue,
  startDigestWorker,
  type DigestQueueConnection,
  type DigestWorker,
  type DigestWorkerOptions,
} from "./digest-queue.js";

export {
  createDigestQueue,
  startDigestWorker,
  redisPacing,
  SEND_WINDOW,
  DIGEST_QUEUE,
  TELEGRAM_LIMITER,
} from "./digest-queue.js";
export type { DigestQueue, DigestQueueConnection, DigestWorker, DigestWorkerOptions } from "./digest-queue.js";

/** Options of {@link startQueueWorker}. */
export interface QueueWorkerOptions
  extends DigestQueueConnection,
    Pick<DigestWorkerOptions, "concurrency" | "limiter" | "lockDurationMs"> {
  store: Store;
  send: DigestSender;
  logger: Logger;
  /** This process's run id in the delivery log (default a random UUID). */
  runId?: string;
  onOutcome?: (outcome: JobOutcome, job: DeliveryJob) => void;
}

/**
 * A digest worker of this process: runs queued deliveries against the store with the
 * digest sender, under the queue-wide limits. One per replica with ROLE=worker or all.
 * @example const worker = startQueueWorker({ redisUrl: config.REDIS_URL, store, send, logger })
 */
export function startQueueWorker(options: QueueWorkerOptions): DigestWorker {
  const { store, send, logger, ...rest } = options;
  const run = createDeliveryJobRunner({ store, send, logger, runId: options.runId ?? `worker-${randomUUID()}` });
  return startDigestWorker({ ...rest, run, logger });
}

/** Options of {@link startQueueRoles}. */
export interface QueueRolesOptions {
  redisUrl: string;
  /** PostgreSQL's URL elects the planner with an advisory lock; without it (SQLite) this process is the only planner. */
  databaseUrl?: string | undefined;
  store: Store;
  chunks: readonly Chunk[];
  send: DigestSender;
  logger: Logger;
  planner: boolean;
  worker: boolean;
}

/**
 * Starts the queue side of digest delivery that a process role asks for: the planner
 * (ROLE=planner or all; it plans only while it holds the election) and/or a worker
 * (ROLE=worker or all). Returns a function that stops both.
 * @example stops.push(startQueueRoles({ redisUrl, databaseUrl, store, chunks, send, logger, planner: true, worker: true }))
 */
export function startQueueRoles(options: QueueRolesOptions): () => Promise<void> {
  const { redisUrl, store, logger } = options;
  const queue = options.planner ? createDigestQueue({ redisUrl }, logger) : undefined;
  const planner = queue
    ? createPlanner({
        store,
        chunks: options.chunks,
        logger,
        leader: options.databaseUrl ? createPgLeaderLock(options.databaseUrl) : soleLeader(),
        enqueue: (jobs) => queue.enqueue(jobs),
      })
    : undefined;
  planner?.start();
  const worker = options.worker ? startQueueWorker({ redisUrl, store, send: options.send, logger }) : undefined;
  return async () => {
    await planner?.stop();
    await queue?.close();
    await worker?.close();
  };
}
