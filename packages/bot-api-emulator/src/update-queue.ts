/**
 * Telegram's per-bot update queue and the getUpdates long-poll semantics,
 * modelled on telegram-bot-api's `Client::do_get_updates`/`long_poll_wakeup`
 * (tdlib/telegram-bot-api, Client.cpp).
 *
 * Why it exists: a bot's polling loop is only exercised honestly if the server
 * behaves like Telegram: increasing update_ids, `offset` confirming earlier
 * updates (negative offsets keep the last N), an offset "in the future" falling
 * back to the queue head, `allowed_updates` filtering at creation time, holding
 * the request until an update arrives or `timeout` seconds pass, and a 409 for
 * the older of two concurrent getUpdates calls.
 */

import { ApiError, Descriptions } from "./api-errors.js";
import type { Update } from "@grammyjs/types";

/** Names of the update kinds (every field of an Update but its id). */
export type UpdateType = Exclude<keyof Update, "update_id">;

/** Update kinds delivered when `allowed_updates` is empty or never set (Bot API default). */
const DEFAULT_EXCLUDED: ReadonlySet<string> = new Set(["chat_member", "message_reaction", "message_reaction_count"]);

/** Longest getUpdates `timeout` Telegram honours, in seconds. */
export const LONG_POLL_MAX_TIMEOUT = 50;

/** An update waiting for delivery, with webhook retry bookkeeping. */
export interface QueuedUpdate {
  update: Update;
  /** Ordering key: updates with the same key are delivered to webhooks in order. */
  chatKey: string;
  attempts: number;
  nextAttemptAt: number;
  inFlight: boolean;
}

interface Waiter {
  offset: number;
  limit: number;
  resolve: (updates: Update[]) => void;
  reject: (error: unknown) => void;
  timer: NodeJS.Timeout;
  wake: NodeJS.Immediate | undefined;
}

/** The bot's pending updates plus the (at most one) waiting long-poll request. */
export class UpdateQueue {
  private items: QueuedUpdate[] = [];
  private nextUpdateId: number;
  private allowed: Set<string> | undefined;
  private waiter: Waiter | undefined;
  private readonly listeners = new Set<() => void>();

  /** @param firstUpdateId update_id of the first update ever queued. */
  constructor(firstUpdateId: number) {
    this.nextUpdateId = firstUpdateId;
  }

  /** Number of updates not yet confirmed. */
  get pendingCount(): number {
    return this.items.length;
  }

  /** The current allowed_updates list, or undefined for the default set. */
  get allowedUpdates(): string[] | undefined {
    return this.allowed === undefined ? undefined : [...this.allowed];
  }

  /** Subscribes to "an update was queued" notifications (used by webhook delivery). */
  onPush(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Applies an `allowed_updates` parameter. An empty list restores the default;
   * undefined keeps the previous setting, as documented for getUpdates/setWebhook.
   */
  setAllowedUpdates(list: string[] | undefined): void {
    if (list === undefined) return;
    this.allowed = list.length === 0 ? undefined : new Set(list);
  }

  /** Whether an update of this kind would currently be delivered. */
  accepts(kind: UpdateType): boolean {
    return this.allowed === undefined ? !DEFAULT_EXCLUDED.has(kind) : this.allowed.has(kind);
  }

  /**
   * Queues an update, assigning the next update_id. Returns undefined when
   * `allowed_updates` filters the kind out (Telegram never creates it then).
   */
  push(kind: UpdateType, payload: Update[UpdateType], chatKey: string): Update | undefined {
    if (!this.accepts(kind)) return undefined;
    const update = { update_id: this.nextUpdateId++, [kind]: payload } as Update;
    this.items.push({ update, chatKey, attempts: 0, nextAttemptAt: 0, inFlight: false });
    this.wakeWaiter();
    for (const listener of this.listeners) listener();
    return update;
  }

  /** Pending updates in order (shared objects; do not mutate). */
  pending(): readonly QueuedUpdate[] {
    return this.items;
  }

  /** Removes one update (webhook delivery confirmed it). */
  remove(updateId: number): void {
    this.items = this.items.filter((item) => item.update.update_id !== updateId);
  }

  /** Drops all pending updates (drop_pending_updates). */
  clear(): void {
    this.items = [];
  }

  /**
   * getUpdates without waiting: confirms updates below `offset` and returns up
   * to `limit` of the rest. Negative offsets keep only the last -offset updates.
   */
  take(offset: number, limit: number): Update[] {
    if (offset < 0) {
      this.items = this.items.slice(Math.max(0, this.items.length + offset));
    } else if (offset > 0 && offset <= this.nextUpdateId) {
      // An offset beyond the newest id is "in the future": Telegram ignores it and reads from the head.
      this.items = this.items.filter((item) => item.update.update_id >= offset);
    }
    return this.items.slice(0, limit).map((item) => item.update);
  }

  /**
   * Long-poll getUpdates: resolves immediately when updates exist or timeout is
   * 0, otherwise waits up to `timeoutSeconds`. A newer poll terminates an older
   * one with 409, like Telegram.
   */
  poll(offset: number, limit: number, timeoutSeconds: number): { promise: Promise<Update[]>; cancel: () => void } {
    const ready = this.take(offset, limit);
    if (ready.length > 0 || timeoutSeconds <= 0) {
      return { promise: Promise.resolve(ready), cancel: () => undefined };
    }
    this.terminateWaiter(Descriptions.terminatedByOtherGetUpdates);
    let waiter: Waiter | undefined;
    const promise = new Promise<Update[]>((resolve, reject) => {
      waiter = {
        offset,
        limit,
        resolve,
        reject,
        wake: undefined,
        timer: setTimeout(() => this.finishWaiter(waiter!), timeoutSeconds * 1000),
      };
    });
    this.waiter = waiter;
    const cancel = (): void => {
      if (waiter !== undefined && this.waiter === waiter) {
        this.clearWaiterTimers(waiter);
        this.waiter = undefined;
        // The client is gone: settle without confirming anything so the call can be recorded.
        waiter.resolve([]);
      }
    };
    return { promise, cancel };
  }

  /** Fails a waiting long poll with 409 (used when a webhook is set). */
  terminateWaiter(description: string): void {
    const waiter = this.waiter;
    if (waiter === undefined) return;
    this.clearWaiterTimers(waiter);
    this.waiter = undefined;
    waiter.reject(new ApiError(409, description));
  }

  /** Releases timers (server shutdown). A waiting poll is answered with what is available. */
  close(): void {
    if (this.waiter !== undefined) this.finishWaiter(this.waiter);
  }

  private wakeWaiter(): void {
    const waiter = this.waiter;
    // Like telegram-bot-api's LONG_POLL_WAIT_AFTER, answer on the next tick so
    // updates produced in the same turn arrive in one batch.
    if (waiter === undefined || waiter.wake !== undefined) return;
    waiter.wake = setImmediate(() => this.finishWaiter(waiter));
  }

  private finishWaiter(waiter: Waiter): void {
    if (this.waiter !== waiter) return;
    this.clearWaiterTimers(waiter);
    this.waiter = undefined;
    waiter.resolve(this.take(waiter.offset, waiter.limit));
  }

  private clearWaiterTimers(waiter: Waiter): void {
    clearTimeout(waiter.timer);
    if (waiter.wake !== undefined) clearImmediate(waiter.wake);
  }
}
