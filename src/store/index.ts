/** The storage port and its adapters: open one with {@link openStore}. */
export { createStore } from "./sqlite.js";
export { createPostgresStore } from "./postgres.js";
export { StoreError, type StoreErrorCode } from "./errors.js";
export type {
  Delivery,
  DeliveryClaim,
  DeliveryKind,
  DeliveryStatus,
  FeedbackInput,
  Language,
  ScheduledSubscription,
  Store,
  StoreOptions,
  StoreStats,
  Subscriber,
  Subscription,
} from "./store.js";
export { MIGRATIONS, POSTGRES_MIGRATIONS, migrate, migratePostgres, type Migration } from "./migrations.js";

import { createPostgresStore } from "./postgres.js";
import { createStore, type SqliteStoreOptions } from "./sqlite.js";
import type { Store } from "./store.js";

/**
 * The adapter a configuration asks for: PostgreSQL when DATABASE_URL is set, else the
 * SQLite file at DATABASE_PATH.
 * @example const store = await openStore({ databaseUrl: config.DATABASE_URL, databasePath: config.DATABASE_PATH })
 */
export async function openStore(input: { databaseUrl?: string | undefined; databasePath: string } & SqliteStoreOptions): Promise<Store> {
  const { databaseUrl, databasePath, ...options } = input;
  return databaseUrl ? createPostgresStore(databaseUrl, options) : createStore(databasePath, options);
}
