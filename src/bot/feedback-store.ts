/**
 * 👍/👎 votes into the store (either adapter): the bot's {@link FeedbackStore} on top of
 * `Store.addFeedback`. A later vote by the same user on the same message replaces the
 * earlier one (the store's unique key).
 */
import type { Store } from "../store/store.js";
import type { FeedbackStore } from "./deps.js";

/**
 * Records votes with `store.addFeedback`. The question is stored as "" when the chat
 * memory no longer held it. Two fields of a vote are not kept: `answered` (the table
 * has no column for it) and `at` (the store stamps rows with its own clock).
 *
 * @example
 * const store = createStore(config.DATABASE_PATH, { defaultTimeZone: config.DEFAULT_TIMEZONE });
 * const deps: BotDeps = { ..., feedback: createSqliteFeedbackStore(store) };
 */
export function createSqliteFeedbackStore(store: Pick<Store, "addFeedback">): FeedbackStore {
  return {
    async record(vote) {
      await store.addFeedback({
        chatId: vote.chatId,
        userId: vote.userId,
        messageId: vote.messageId,
        question: vote.question ?? "",
        vote: vote.vote,
        reason: vote.reason,
      });
    },
  };
}
