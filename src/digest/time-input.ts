/**
 * Reading a time of day the way people type it, pure: 20:00, 20点, 晚上8点, 早上7点半,
 * 8pm, 7:30pm. One rule for the digest commands and the service, so `/subscribe 科技创新 晚上8点`
 * and `service.subscribe(chat, "tech", "8pm")` agree. Anything else is refused with the
 * accepted forms.
 */
import { DigestInputError } from "./errors.js";

/** A wall-clock time of day. */
export interface TimeOfDay {
  hour: number;
  minute: number;
}

/** Longest piece of user input echoed back in an error; Telegram refuses messages over 4096 characters. */
export const MAX_ECHO_CHARS = 40;

/** The input as it may be quoted back: trimmed, and cut to {@link MAX_ECHO_CHARS} with "…". */
export function echo(text: string): string {
  const chars = [...text.trim().replace(/\s+/gu, " ")];
  return chars.length <= MAX_ECHO_CHARS ? chars.join("") : `${chars.slice(0, MAX_ECHO_CHARS - 1).join("")}…`;
}

// Chinese parts of the day; the hour is read on a 12-hour clock after the afternoon ones.
const MORNING = "凌晨|早上|早晨|清晨|上午|早";
const AFTERNOON = "中午|午后|下午|傍晚|晚上|夜里|夜间|晚间|晚";
const CN_DIGITS = "零〇一二两三四五六七八九十";
const NUMBER = `\\d{1,2}|[${CN_DIGITS}]{1,3}`;

/** 20:00, 7:30, 07：30 (full-width colon). */
const COLON = /^(\d{1,2})[:：](\d{2})$/u;
/** 8pm, 8 pm, 7:30pm, 7:30 p.m., 12am. */
const ENGLISH = /^(\d{1,2})(?:[:：](\d{2}))?\s*([ap])\.?\s*m\.?$/iu;
/** 晚上8点, 早上7点半, 20点, 下午3点15分, 晚上八点, 9点一刻; also 晚上8:30. */
const CHINESE = new RegExp(
  `^(${MORNING}|${AFTERNOON})?\\s*(${NUMBER})\\s*(?:[点點时時]\\s*(?:(半)|(一刻)|(三刻)|(${NUMBER})\\s*分?|整)?|[:：](\\d{2}))$`,
  "u",
);

/**
 * A trailing piece of text that looks like a time, so `/subscribe 科技创新 晚上8点` and
 * `/subscribe tech 7:30 pm` split into topic and time (also "7.30" and "25:00", to be
 * refused with the accepted forms rather than read as part of the topic).
 */
const TRAILING_TIME = new RegExp(
  `(?:^|\\s|(?<=[\\p{Script=Han}]))((?:${MORNING}|${AFTERNOON})?\\s*(?:${NUMBER})\\s*(?:[点點时時](?:\\s*(?:半|一刻|三刻|(?:${NUMBER})\\s*分?|整))?|[:：.．]\\d{1,3}(?:\\s*[ap]\\.?\\s*m\\.?)?|\\s*[ap]\\.?\\s*m\\.?))$`,
  "iu",
);

/**
 * Parses a time of day in any of the accepted forms (see the module comment).
 * @returns the canonical "HH:MM" and its parts.
 * @throws DigestInputError `bad-time` listing the accepted forms.
 * @example parseTimeOfDay("晚上8点").text // "20:00"
 */
export function parseTimeOfDay(text: string): TimeOfDay & { text: string } {
  const input = text.trim();
  const time = readTime(input);
  if (time === undefined || time.hour > 23 || time.minute > 59) {
    throw new DigestInputError("bad-time", {
      zh: `无法识别时间“${echo(input)}”。可以这样写：20:00、20点、晚上8点、早上7点半、8pm 或 7:30pm。`,
      en: `Cannot read the time “${echo(input)}”. Write it like 20:00, 20点, 晚上8点, 早上7点半, 8pm or 7:30pm.`,
    });
  }
  return { ...time, text: `${pad(time.hour)}:${pad(time.minute)}` };
}

/**
 * Splits what follows /subscribe into the topic and an optional trailing time.
 * @example splitThemeAndTime("科技创新 晚上8点") // { theme: "科技创新", time: "晚上8点" }
 * @example splitThemeAndTime("tech 7:30pm")     // { theme: "tech", time: "7:30pm" }
 */
export function splitThemeAndTime(text: string): { theme: string; time?: string | undefined } {
  const trimmed = text.trim().replace(/\s+/gu, " ");
  const match = TRAILING_TIME.exec(trimmed);
  if (match === null) return { theme: trimmed };
  const time = match[1]!.trim();
  return { theme: trimmed.slice(0, trimmed.length - match[1]!.length).trim(), time };
}

function readTime(input: string): TimeOfDay | undefined {
  const colon = COLON.exec(input);
  if (colon !== null) return { hour: Number(colon[1]), minute: Number(colon[2]) };

  const english = ENGLISH.exec(input);
  if (english !== null) {
    const hour = Number(english[1]);
    if (hour < 1 || hour > 12) return undefined;
    const pm = english[3]!.toLowerCase() === "p";
    return { hour: (hour % 12) + (pm ? 12 : 0), minute: Number(english[2] ?? 0) };
  }

  const chinese = CHINESE.exec(input);
  if (chinese === null) return undefined;
  const [, period, hourText, half, quarter, threeQuarters, minuteText, colonMinutes] = chinese;
  let hour = readNumber(hourText!);
  const minute = half ? 30 : quarter ? 15 : threeQuarters ? 45 : readNumber(minuteText ?? colonMinutes ?? "0");
  if (hour === undefined || minute === undefined) return undefined;
  if (period !== undefined) {
    if (hour > 12)
      return hour <= 23 && new RegExp(`^(?:${AFTERNOON})$`, "u").test(period) ? { hour, minute } : undefined;
    const afternoon = new RegExp(`^(?:${AFTERNOON})$`, "u").test(period);
    // 中午12点 is noon, 晚上12点 and 凌晨12点 are midnight, 中午1点 is 13:00.
    if (period === "中午") hour = hour === 12 ? 12 : hour + (hour <= 2 ? 12 : 0);
    else if (afternoon) hour = hour === 12 ? 0 : hour + 12;
    else if (hour === 12) hour = 0;
  }
  return { hour, minute };
}

/** 0–59 written in digits or Chinese numerals (八, 十二, 二十, 三十五, 两). */
function readNumber(text: string): number | undefined {
  if (/^\d+$/u.test(text)) return Number(text);
  const digit = (c: string) =>
    ({ 零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 })[c];
  const chars = [...text];
  const ten = chars.indexOf("十");
  if (ten === -1) return chars.length === 1 ? digit(chars[0]!) : undefined;
  const tens = ten === 0 ? 1 : chars.length > 0 && ten === 1 ? digit(chars[0]!) : undefined;
  const ones = ten === chars.length - 1 ? 0 : ten === chars.length - 2 ? digit(chars.at(-1)!) : undefined;
  if (tens === undefined || ones === undefined || ten > 1) return undefined;
  return tens * 10 + ones;
}

function pad(n: number): string {
  return String(n).padStart(2, "0");
}
