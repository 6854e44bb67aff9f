/** Row mappers shared by both adapters: the schemas use the same column names and types. */
import type {
  Delivery,
  DeliveryKind,
  DeliveryStatus,
  Language,
  ScheduledSubscription,
  Subscriber,
  Subscription,
} from "./store.js";

/** A row as a driver returns it. */
export type Row = Record<string, unknown>;

/** A subscribers row as the port returns it. */
export function toSubscriber(row: Row): Subscriber {
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

/** A subscriptions row. */
export function toSubscription(row: Row): Subscription {
  return {
    id: row.id as number,
    subscriberId: row.subscriber_id as number,
    themeId: row.theme_id as string,
    themeQuery: (row.theme_query as string | null) ?? null,
    time: row.time as string,
    createdAt: row.created_at as string,
  };
}

/** A subscriptions row joined with its subscriber and last daily delivery date. */
export function toScheduled(row: Row): ScheduledSubscription {
  return {
    ...toSubscription(row),
    chatId: row.chat_id as number,
    language: row.language as Language,
    timeZone: row.time_zone as string,
    lastLocalDate: (row.last_local_date as string | null) ?? null,
  };
}

/** A deliveries row (flags are 0/1 on both adapters). */
export function toDelivery(row: Row): Delivery {
  return {
    id: row.id as number,
    subscriberId: row.subscriber_id as number,
    themeId: row.theme_id as string,
    localDate: row.local_date as string,
    kind: row.kind as DeliveryKind,
    status: row.status as DeliveryStatus,
    inFlight: row.in_flight === 1,
    awaitingHandOver: row.awaiting_hand_over === 1,
    handedOverAt: (row.handed_over_at as string | null) ?? null,
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
