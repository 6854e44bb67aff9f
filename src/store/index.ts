/** The storage port and its adapters: open one with {@link openStore}. */
export { createStore } from "./sqlite.js";
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

import type { PostgresStoreOptions } from "./postgres.js";
import { createStore, type SqliteStoreOptions } from "./sqlite.js";
import type { Store } from "./store.js";

/**
 * The PostgreSQL adapter (see ./postgres.ts). `pg` is loaded on first use, so a SQLite
 * deployment (the default) never pays for importing it at start-up.
 */
export async function createPostgresStore(url: string, options: PostgresStoreOptions = {}): Promise<Store> {
  const { createPostgresStore: create } = await import("./postgres.js");
  return create(url, options);
}

/**
 * The adapter a configuration asks for: PostgreSQL when DATABASE_URL is set, else the
 * SQLite file at DATABASE_PATH.
 * @example const store = await openStore({ databaseUrl: config.DATABASE_URL, databasePath: config.DATABASE_PATH })
 */
export async function openStore(
  input: { databaseUrl?: string | undefined; databasePath: string } & SqliteStoreOptions,
): Promise<Store> {
  const { databaseUrl, databasePath, ...options } = input;
  return databaseUrl ? createPostgresStore(databaseUrl, options) : createStore(databasePath, options);
}
