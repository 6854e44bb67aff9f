/**
 * One queued digest delivery, as a worker on any replica runs it: the store's
 * exactly-once rules, applied to a job that may run more than once (a retry, a job
 * re-added by the planner's sweep, a job moved back to the queue after its worker died).
 *
 * The row decides, never the job:
 * - not `pending` (sent, failed, blocked, unknown) → nothing to do;
 * - `in_flight = 1` and handed to the HTTP client (or from a sender that does not report the
 *   hand-over) → a worker died (or could not record the outcome) while Telegram handled the
 *   request: the message may have arrived, so the row becomes `unknown` and is not resent —
 *   the same rule as the in-process scheduler's orphans;
 * - `in_flight = 1` but still awaiting the hand-over → no byte left: the row is sent as if new;
 * - otherwise the worker adopts the row (from the queue, or from a worker that stopped
 *   renewing its job) and sends it. Adoption and `markInFlight` compare the run id, so of
 *   two workers holding the same job only one sends.
 *
 * Pacing is the queue's ({@link Pacing}): its limiter before the job starts, then one
 * message per second into a chat and the bot's rolling-second limit, across workers.
 */
import type { Logger } from "../logger.js";
import type { Store } from "../store/store.js";
import type { Digest } from "./compose.js";
import type { DigestSender } from "./delivery.js";
import { DeliveryError } from "./errors.js";
import type { DeliveryJob } from "./planner.js";

/** How a job ended. `later`: the chat got a message less than a second ago; run the job again in `waitMs`. */
export type JobOutcome =
  | { status: "sent"; messageId: number }
  | { status: "blocked" | "failed" | "unknown"; error: string }
  | { status: "done" | "taken" }
  | { status: "later"; waitMs: number };

/** Pacing across all workers, provided by the queue. */
export interface Pacing {
  /** Takes the right to send into a chat (held until {@link Pacing.send}); otherwise says how long until it may (ms). */
  chat(chatId: number): Promise<{ open: true } | { open: false; waitMs: number }>;
  /**
   * Resolves when one more message may leave without a rolling second going over the bot's
   * limit; the chat's next message then waits a full interval from this moment.
   */
  send(chatId: number): Promise<void>;
}

/** Dependencies of {@link createDeliveryJobRunner}. */
export interface DeliveryJobRunnerOptions {
  store: Store;
  send: DigestSender;
  /** This worker's run id, unique per process. */
  runId: string;
  logger: Logger;
}

/**
 * Runs one job. Resolves with the outcome, or throws the {@link DeliveryError} of a
 * failed attempt that should be retried: `rate-limited` (Telegram's 429, with
 * `retryAfter`: the queue pauses) or `transient` (the queue retries with backoff). On the
 * last attempt (`final`) a transient failure ends the row as `failed` instead.
 */
export type DeliveryJobRunner = (job: DeliveryJob, attempt: { final: boolean; pacing: Pacing }) => Promise<JobOutcome>;

/** Creates the job runner; see the module doc for the rules. */
export function createDeliveryJobRunner(options: DeliveryJobRunnerOptions): DeliveryJobRunner {
  const { store, send, runId, logger } = options;
  return async ({ deliveryId, chatId, language }, { final, pacing }) => {
    const row = await store.getDelivery(deliveryId);
    if (row?.status !== "pending") return { status: "done" };
    if (row.inFlight && !row.awaitingHandOver) {
      const error = "interrupted while Telegram handled the request; not resent to avoid a duplicate";
      if (row.runId !== runId && !(await store.adoptDelivery(row.id, row.runId, runId))) return { status: "taken" };
      await store.markFinished(row.id, "unknown", error);
      logger.warn("queued digest outcome unknown; not resent", { deliveryId });
      return { status: "unknown", error };
    }
    if (row.runId !== runId && !(await store.adoptDelivery(row.id, row.runId, runId))) return { status: "taken" };
    if (row.payload === null) {
      await store.markFinished(row.id, "failed", "no digest stored with the delivery");
      return { status: "failed", error: "no digest stored with the delivery" };
    }
    const gate = await pacing.chat(chatId);
    if (!gate.open) return { status: "later", waitMs: gate.waitMs };
    const handOver = send.reportsHandOver === true;
    if (!(await store.markInFlight(row.id, runId, { awaitingHandOver: handOver }))) return { status: "taken" };
    // The send slot is taken last, so nothing but the request itself lies between the slot and Telegram:
    // after the hand-over mark for a sender that reports it (once per message of the digest), else here.
    if (!handOver) await pacing.send(chatId);
    let result: { messageId: number } | DeliveryError;
    let taken = false;
    try {
      const onHandOver = async () => {
        // Another worker adopted the row meanwhile: it is theirs to send, and nothing leaves here.
        if (!(await store.markHandedOver(row.id, runId))) {
          taken = true;
          throw new Error("the delivery was taken over by another worker");
        }
        await pacing.send(chatId);
      };
      result = await send(
        chatId,
        JSON.parse(row.payload) as Digest,
        handOver ? { language, onHandOver } : { language },
      );
    } catch (caught) {
      result =
        caught instanceof DeliveryError
          ? caught
          : new DeliveryError("transient", caught instanceof Error ? caught.message : String(caught), {
              cause: caught,
            });
    }
    if (taken) return { status: "taken" };
    // Recorded outside the try: if that fails, the row stays in flight and a retry marks it unknown.
    if (!(result instanceof DeliveryError)) {
      await store.markSent(row.id, result.messageId);
      return { status: "sent", messageId: result.messageId };
    }
    const error = result;
    if (error.kind === "blocked") {
      await store.markFinished(row.id, "blocked", error.message);
      await store.deactivateSubscriber(row.subscriberId, error.message);
      return { status: "blocked", error: error.message };
    }
    if (error.kind === "permanent" || (error.kind === "transient" && final)) {
      await store.markFinished(row.id, "failed", error.message);
      logger.warn("queued digest failed", { deliveryId, chatId, error: error.message });
      return { status: "failed", error: error.message };
    }
    // The request is over and Telegram did not take it: not in flight, so a retry may send.
    await store.markAttemptFailed(row.id, error.message);
    throw error;
  };
}
