/** The SQLite store: open it with {@link createStore}. */
export { createStore } from "./store.js";
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
export { MIGRATIONS, migrate, type Migration } from "./migrations.js";
