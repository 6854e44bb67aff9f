/** Digest delivery on BullMQ (REDIS_URL): the planner's producer and the workers. */
import { randomUUID } from "node:crypto";
import { createDeliveryJobRunner, type JobOutcome } from "../digest/delivery-job.js";
import type { DigestSender } from "../digest/delivery.js";
import type { DeliveryJob } from "../digest/planner.js";
import type { Logger } from "../logger.js";
import type { Store } from "../store/store.js";
import { startDigestWorker, type DigestQueueConnection, type DigestWorker, type DigestWorkerOptions } from "./digest-queue.js";

export { createDigestQueue, startDigestWorker, redisPacing, SEND_WINDOW, DIGEST_QUEUE, TELEGRAM_LIMITER } from "./digest-queue.js";
export type { DigestQueue, DigestQueueConnection, DigestWorker, DigestWorkerOptions } from "./digest-queue.js";

/** Options of {@link startQueueWorker}. */
export interface QueueWorkerOptions extends DigestQueueConnection, Pick<DigestWorkerOptions, "concurrency" | "limiter" | "lockDurationMs"> {
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
