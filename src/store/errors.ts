/**
 * The one error of the storage port that users can act on. `busy`: another process
 * holds the SQLite write lock longer than the retries wait; `gone`: the database file
 * was deleted or replaced while the bot ran; `unwritable` / `unreachable`: it cannot be
 * opened at start-up. Each message names the setting to fix (DATABASE_PATH or
 * DATABASE_URL); `text(language)` is what the bot tells the user.
 */

import { UserFacingError } from "../errors.js";

/** Why the store refused an operation. */
export type StoreErrorCode = "busy" | "gone" | "unwritable" | "unreachable";

/** Thrown by either adapter for a store fault a user or operator can act on. */
export class StoreError extends UserFacingError {
  override name = "StoreError";

  constructor(
    readonly code: StoreErrorCode,
    message: string,
    options: { cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
  }

  /** What to tell the user who sent the command (the operator-facing message goes to the log). */
  text(language: "zh" | "en"): string {
    if (this.code === "busy") {
      return language === "zh"
        ? "数据库正忙，请几秒后再试一次。"
        : "The database is busy; please try again in a few seconds.";
    }
    return language === "zh"
      ? "订阅数据暂时无法保存，请稍后再试；管理员已收到通知。"
      : "Subscriptions cannot be saved right now; please try later. The operator has been told.";
  }
}
