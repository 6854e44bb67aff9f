/**
 * Inline keyboards and their callback data. Callback data must fit in 64
 * bytes, so a source button names its paragraph by meeting id, article index
 * and paragraph number (with a hash of the id when the id is too long).
 */
import { InlineKeyboard } from "grammy";

import type { Citation } from "../answer/types.js";
import type { Meeting } from "../corpus/types.js";
import type { Digest } from "../digest/index.js";
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

/** The reasons offered after a 👎, in button order; their callback data is `fb:why:<reason>`. */
export const FEEDBACK_REASONS = ["wrong", "incomplete", "source", "unanswered"] as const;

/** Marks the chosen vote or reason on its button. */
const CHOSEN = "✓ ";

/** The answer's buttons on which a vote (and reason) is shown, from the buttons the message has now. */
export interface VoteState {
  vote: "up" | "down";
  reason?: (typeof FEEDBACK_REASONS)[number] | undefined;
}

/**
 * Redraws an answer's keyboard after a vote: the source buttons stay, the chosen vote is
 * marked, and after 👎 a row of optional reasons follows (the chosen one marked).
 */
export function votedKeyboard(
  current: ReadonlyArray<ReadonlyArray<{ text: string; callback_data?: string | undefined }>>,
  state: VoteState,
  lang: Lang,
): InlineKeyboard {
  const t = texts(lang);
  const keyboard = new InlineKeyboard();
  for (const row of current) {
    const kept = row.filter((b) => b.callback_data !== undefined && !b.callback_data.startsWith("fb:"));
    if (kept.length === 0) continue;
    for (const b of kept) keyboard.text(b.text, b.callback_data!);
    keyboard.row();
  }
  keyboard
    .text(`${state.vote === "up" ? CHOSEN : ""}👍`, VOTE_DATA.up)
    .text(`${state.vote === "down" ? CHOSEN : ""}👎`, VOTE_DATA.down);
  if (state.vote === "down") {
    keyboard.row();
    FEEDBACK_REASONS.forEach((reason, i) => {
      if (i === 2) keyboard.row();
      keyboard.text(`${state.reason === reason ? CHOSEN : ""}${t.reasons[reason]}`, `fb:why:${reason}`);
    });
  }
  return keyboard;
}

/** The vote a keyboard shows as chosen, if any. */
export function shownVote(
  current: ReadonlyArray<ReadonlyArray<{ text: string; callback_data?: string | undefined }>>,
): "up" | "down" | undefined {
  const chosen = current
    .flat()
    .find((b) => (b.callback_data === VOTE_DATA.up || b.callback_data === VOTE_DATA.down) && b.text.startsWith(CHOSEN));
  return chosen === undefined ? undefined : chosen.callback_data === VOTE_DATA.up ? "up" : "down";
}

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

/** The delivery times offered by the /subscribe keyboard. */
export const DIGEST_TIMES = ["07:00", "08:00", "12:00", "18:00", "21:00"] as const;

/**
 * A step of the digest keyboards: a theme was picked for /subscribe (with a time when
 * /subscribe named one), a time was picked, a subscription is to be removed, or a
 * digest is wanted now. `themeRef` is a catalogue id, or `~` + a hash of a free-text
 * topic's id (see {@link themeRef}).
 */
export type SubscribeChoice =
  | { step: "theme"; themeId: string; time?: string | undefined }
  | { step: "time"; themeId: string; time: string }
  | { step: "unsubscribe"; themeId: string }
  | { step: "now"; themeId: string };

const STEP_CODES = { theme: "th", time: "at", unsubscribe: "un", now: "now" } as const;

/** How a theme is named in callback data: catalogue ids as they are, free-text topics (`topic:人工智能`) by hash. */
export function themeRef(themeId: string): string {
  return /^[A-Za-z0-9_-]{1,40}$/u.test(themeId) ? themeId : `~${hashId(themeId)}`;
}

/**
 * Callback data of the digest keyboards: `dg:th:<ref>[:HHMM]`, `dg:at:<ref>:HHMM`,
 * `dg:un:<ref>`, `dg:now:<ref>`; always far below 64 bytes.
 */
export function subscribeCallbackData(choice: SubscribeChoice): string {
  const time = "time" in choice && choice.time !== undefined ? `:${choice.time.replace(":", "")}` : "";
  const data = `dg:${STEP_CODES[choice.step]}:${themeRef(choice.themeId)}${time}`;
  if (Buffer.byteLength(data, "utf8") > CALLBACK_DATA_LIMIT)
    throw new RangeError(`callback data over ${CALLBACK_DATA_LIMIT} bytes: ${data}`);
  return data;
}

/** Parses {@link subscribeCallbackData} (`themeId` is then the ref); undefined when malformed. */
export function parseSubscribeCallbackData(data: string): SubscribeChoice | undefined {
  const match = /^dg:(th|at|un|now):(~?[A-Za-z0-9_-]+)(?::(\d{2})(\d{2}))?$/u.exec(data);
  if (match === null) return undefined;
  const themeId = match[2]!;
  const time = match[3] === undefined ? undefined : `${match[3]}:${match[4]}`;
  switch (match[1]) {
    case "th":
      return { step: "theme", themeId, time };
    case "at":
      return time === undefined ? undefined : { step: "time", themeId, time };
    case "un":
      return time === undefined ? { step: "unsubscribe", themeId } : undefined;
    default:
      return time === undefined ? { step: "now", themeId } : undefined;
  }
}

/** Under /subscriptions: per subscription, change its time or unsubscribe. */
export function subscriptionsKeyboard(
  views: ReadonlyArray<{ themeId: string; name: { zh: string; en: string } }>,
  lang: Lang,
): InlineKeyboard | undefined {
  if (views.length === 0) return undefined;
  const t = texts(lang).digest;
  const keyboard = new InlineKeyboard();
  for (const view of views) {
    const name = view.name[lang];
    keyboard
      .text(t.changeTimeButton(name), subscribeCallbackData({ step: "theme", themeId: view.themeId }))
      .text(t.unsubscribeButton(name), subscribeCallbackData({ step: "unsubscribe", themeId: view.themeId }))
      .row();
  }
  return keyboard;
}

/** A bare /digest: one button per theme, for a digest now. */
export function digestThemeKeyboard(
  themes: ReadonlyArray<{ id: string; zh: string; en: string }>,
  lang: Lang,
): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  const perRow = lang === "zh" ? 2 : 1;
  themes.forEach((theme, i) => {
    if (i > 0 && i % perRow === 0) keyboard.row();
    keyboard.text(lang === "zh" ? theme.zh : theme.en, subscribeCallbackData({ step: "now", themeId: theme.id }));
  });
  return keyboard;
}

/** The themes to pick from (two per row in Chinese, one per row for the longer English names). */
export function themePickerKeyboard(
  themes: ReadonlyArray<{ id: string; zh: string; en: string }>,
  lang: Lang,
  time?: string,
): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  const perRow = lang === "zh" ? 2 : 1;
  themes.forEach((theme, i) => {
    if (i > 0 && i % perRow === 0) keyboard.row();
    keyboard.text(
      lang === "zh" ? theme.zh : theme.en,
      subscribeCallbackData({ step: "theme", themeId: theme.id, time }),
    );
  });
  return keyboard;
}

/** The times to pick from for one theme, in one row. */
export function timePickerKeyboard(themeId: string): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  for (const time of DIGEST_TIMES) keyboard.text(time, subscribeCallbackData({ step: "time", themeId, time }));
  return keyboard;
}

/** One 📄 button per digest point (opens the paragraph like an answer's source buttons), five per row. */
export function digestKeyboard(digest: Pick<Digest, "points">, lang: Lang): InlineKeyboard | undefined {
  if (digest.points.length === 0) return undefined;
  const t = texts(lang);
  const keyboard = new InlineKeyboard();
  digest.points.forEach((point, i) => {
    if (i > 0 && i % 5 === 0) keyboard.row();
    keyboard.text(t.sourceButton(i + 1), sourceCallbackData(point.meetingId, point.articleIndex, point.paragraph));
  });
  return keyboard;
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
