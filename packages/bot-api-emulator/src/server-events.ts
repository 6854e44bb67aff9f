/**
 * Observable events of the local Bot API emulator: what the bot did to a chat
 * (sent, edited, deleted a message, showed a chat action), how it answered
 * callback and inline queries, which updates were queued, which calls were
 * recorded.
 *
 * Why it exists: tests, benchmarks and the terminal client need to react to
 * the bot's behaviour as it happens, without polling the recorded calls.
 */

import type { CallbackAnswer, InlineAnswer } from "./chat-model.js";
import type { Message, Update } from "@grammyjs/types";
import type { RecordedCall } from "./recorded-call.js";

/** One emulator event. */
export type ServerEvent =
  | { type: "message"; chatId: number; message: Message }
  | { type: "edit"; chatId: number; message: Message }
  | { type: "delete"; chatId: number; messageId: number }
  | { type: "chat_action"; chatId: number; action: string }
  | { type: "callback_answer"; answer: CallbackAnswer }
  | { type: "inline_answer"; answer: InlineAnswer }
  | { type: "inline_message_edit"; inlineMessageId: string; text: string }
  | { type: "update"; update: Update }
  | { type: "call"; call: RecordedCall };

/** Listener of {@link ServerEvent}s. */
export type ServerEventListener = (event: ServerEvent) => void;

/** Synchronous fan-out of events; a throwing listener never breaks the emulator. */
export class EventBus {
  private readonly listeners = new Set<ServerEventListener>();

  /** Subscribes; returns the unsubscribe function. */
  on(listener: ServerEventListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Delivers an event to all current listeners. */
  emit(event: ServerEvent): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch (error) {
        // A faulty test listener must not turn into a Bot API error for the bot.
        console.error("[local-bot-api] event listener failed:", error);
      }
    }
  }
}
