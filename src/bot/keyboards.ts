/**
 * Inline keyboards and their callback data. Callback data must fit in 64
 * bytes, so a source button names its paragraph by meeting id, article index
 * and paragraph number (with a hash of the id when the id is too long).
 */
import { InlineKeyboard } from "grammy";

import type { Citation } from "../answer/types.js";
import type { Meeting } from "../corpus/types.js";
import { texts, type Lang } from "./i18n.js";

/** Telegram's limit on callback_data, in bytes. */
export const CALLBACK_DATA_LIMIT = 64;

/** Where a source button points. `meetingRef` is a meeting id, or `#` + its hash. */
export interface SourceRef {
  meetingRef: string;
  articleIndex: number;
  paragraph: number;
}

/** Callback data of a vote button. */
export const VOTE_DATA = { up: "fb:up", down: "fb:down" } as const;

/** Callback data opening one paragraph, e.g. `src:2024-wenzhou:1:5`. */
export function sourceCallbackData(meetingId: string, articleIndex: number, paragraph: number): string {
  const data = `src:${meetingId}:${articleIndex}:${paragraph}`;
  if (Buffer.byteLength(data, "utf8") <= CALLBACK_DATA_LIMIT) return data;
  return `src:#${hashId(meetingId)}:${articleIndex}:${paragraph}`;
}

/** Parses {@link sourceCallbackData}; undefined when malformed. */
export function parseSourceCallbackData(data: string): SourceRef | undefined {
  const match = /^src:(.+):(\d+):(\d+)$/su.exec(data);
  if (match === null) return undefined;
  return { meetingRef: match[1]!, articleIndex: Number(match[2]), paragraph: Number(match[3]) };
}

/** Finds the meeting a {@link SourceRef} names. */
export function findMeeting(meetings: readonly Meeting[], meetingRef: string): Meeting | undefined {
  if (meetingRef.startsWith("#")) return meetings.find((m) => `#${hashId(m.id)}` === meetingRef);
  return meetings.find((m) => m.id === meetingRef);
}

/** The buttons under an answer: one per citation (opens the paragraph), then 👍 and 👎. */
export function answerKeyboard(citations: readonly Citation[], lang: Lang): InlineKeyboard {
  const t = texts(lang);
  const keyboard = new InlineKeyboard();
  citations.forEach((c, i) => {
    if (i > 0 && i % 5 === 0) keyboard.row();
    keyboard.text(t.sourceButton(c.n), sourceCallbackData(c.meetingId, c.articleIndex, c.paragraph));
  });
  if (citations.length > 0) keyboard.row();
  return keyboard.text("👍", VOTE_DATA.up).text("👎", VOTE_DATA.down);
}

// FNV-1a, base36: short, stable across restarts, and collisions among a few dozen meetings are negligible.
function hashId(id: string): string {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(id, "utf8")) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(36);
}
