/**
 * Per-chat conversation memory for follow-up questions and for looking up a
 * past answer (votes, /source N). Bounded three ways: a few turns per chat,
 * a time-to-live since the last turn, and a maximum number of chats with the
 * least recently used forgotten first. Time comes from the injected clock.
 */
import { LRUCache } from "lru-cache";

import type { Citation, Turn } from "../answer/types.js";
import type { ChatMemoryStore } from "./chat-state.js";

/** One answered (or refused) question in a chat. */
export interface ChatTurn {
  question: string;
  /** The question as answered: a follow-up ("那2022年呢？") resolved into a standalone one (Answer.question). */
  resolved?: string | undefined;
  answer: string;
  answered: boolean;
  citations: readonly Citation[];
  /** The bot message carrying the answer's buttons (the last part of a split reply). */
  messageId: number;
}

/** Limits of a {@link ChatMemory}. */
export interface ChatMemoryOptions {
  maxTurns: number;
  ttlMs: number;
  maxChats: number;
  now: () => Date;
}

interface ChatState {
  turns: ChatTurn[];
  touchedAt: number;
}

/** Bounded, expiring memory of recent turns per chat, in this process. */
export class ChatMemory implements ChatMemoryStore {
  private readonly chats: LRUCache<number, ChatState>;

  constructor(private readonly options: ChatMemoryOptions) {
    this.chats = new LRUCache({ max: options.maxChats });
  }

  /** Number of chats remembered (expired ones are dropped lazily). */
  get size(): number {
    return this.chats.size;
  }

  /** Earlier answered turns of the chat, oldest first, as the answerer expects them. */
  async history(chatId: number): Promise<Turn[]> {
    return answeredTurns(this.state(chatId)?.turns ?? []);
  }

  /** The most recent turn, for /source N. */
  async last(chatId: number): Promise<ChatTurn | undefined> {
    return this.state(chatId)?.turns.at(-1);
  }

  /** The turn whose reply is this message, for votes. */
  async byMessage(chatId: number, messageId: number): Promise<ChatTurn | undefined> {
    return this.state(chatId)?.turns.find((turn) => turn.messageId === messageId);
  }

  /** Records a turn; drops the oldest turn and the least recently used chat beyond the limits. */
  async remember(chatId: number, turn: ChatTurn): Promise<void> {
    const state = this.state(chatId) ?? { turns: [], touchedAt: 0 };
    state.turns.push(turn);
    if (state.turns.length > this.options.maxTurns) state.turns.splice(0, state.turns.length - this.options.maxTurns);
    state.touchedAt = this.options.now().getTime();
    this.chats.set(chatId, state);
  }

  /** Forgets a chat (e.g. after /start). */
  async forget(chatId: number): Promise<void> {
    this.chats.delete(chatId);
  }

  private state(chatId: number): ChatState | undefined {
    const state = this.chats.get(chatId);
    if (state === undefined) return undefined;
    if (this.options.now().getTime() - state.touchedAt > this.options.ttlMs) {
      this.chats.delete(chatId);
      return undefined;
    }
    return state;
  }
}

/**
 * The turns the answerer sees as history: answered ones only (a refusal gives a follow-up nothing to lean on),
 * each as the standalone question it was answered as, so "他说了什么" after "省长呢" after "2025年浙江省委书记是谁"
 * still knows the meeting.
 */
export function answeredTurns(turns: readonly ChatTurn[]): Turn[] {
  return turns
    .filter((turn) => turn.answered)
    .map((turn) => ({ question: turn.resolved ?? turn.question, answer: turn.answer }));
}
