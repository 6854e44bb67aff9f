/**
 * Schedule math, pure and with time passed in: what local date and time it is in a
 * zone, and whether a subscription is due.
 *
 * The rule compares wall-clock times, which is what makes DST come out right without
 * special cases: on a spring-forward day a 02:30 subscription in New York becomes due
 * at the first existing minute after it (03:00), because 03:00 ≥ 02:30; on a fall-back
 * day 01:30 happens twice, but the delivery row written the first time makes the
 * second one not due.
 */
import { parseTimeOfDay, type TimeOfDay } from "./time-input.js";
import { resolveTimeZone } from "./time-zone-input.js";

export { parseTimeOfDay, type TimeOfDay };

/** Date and time as shown by a clock in some zone. */
export interface LocalTime extends TimeOfDay {
  /** YYYY-MM-DD. */
  date: string;
}

/** Default delivery time when a user does not give one. */
export const DEFAULT_DELIVERY_TIME = "08:00";

/**
 * Checks a time zone as a user names it (IANA name, UTC offset, city or country; see
 * {@link resolveTimeZone}) and returns its IANA spelling ("asia/shanghai" → "Asia/Shanghai").
 * @throws DigestInputError `bad-zone` with examples.
 */
export function parseTimeZone(zone: string): string {
  return resolveTimeZone(zone).timeZone;
}

/**
 * One Intl.DateTimeFormat per zone. Building one costs about 0.1 ms, which adds up to
 * most of a tick with thousands of subscribers; the scheduler keeps one cache.
 */
export class ZoneFormatters {
  private readonly byZone = new Map<string, Intl.DateTimeFormat>();

  /** The formatter for a zone (throws RangeError for an unknown zone). */
  get(zone: string): Intl.DateTimeFormat {
    let format = this.byZone.get(zone);
    if (!format) {
      format = new Intl.DateTimeFormat("en-US", {
        timeZone: zone,
        year: "numeric",
        month: "2-digit",
        day: "2-digit",
        hour: "2-digit",
        minute: "2-digit",
        hourCycle: "h23",
      });
      this.byZone.set(zone, format);
    }
    return format;
  }
}

/** The wall-clock date and time in `zone` at the instant `now`. */
export function localTime(now: Date, zone: string, formatters: ZoneFormatters = new ZoneFormatters()): LocalTime {
  const parts = formatters.get(zone).formatToParts(now);
  const get = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? "00";
  return {
    date: `${get("year")}-${get("month")}-${get("day")}`,
    hour: Number(get("hour")),
    minute: Number(get("minute")),
  };
}

/** Inputs of {@link isDue}. */
export interface DueInput {
  now: Date;
  zone: string;
  /** The subscription's "HH:MM". */
  time: string;
  /** Local date of the latest daily delivery row for this subscription, if any. */
  lastLocalDate?: string | undefined;
  /** When the subscription began: a subscription made after today's time starts tomorrow. */
  since?: Date | undefined;
  /** Formatter cache, for callers checking many subscriptions. */
  formatters?: ZoneFormatters;
}

/**
 * True when a daily digest should go out now: the local time has reached the
 * subscription's time today and no delivery exists for today's local date. A bot that
 * was down at the due time sends once after restart on the same local day; past days
 * are never made up.
 */
export function isDue({ now, zone, time, lastLocalDate, since, formatters = new ZoneFormatters() }: DueInput): boolean {
  const local = localTime(now, zone, formatters);
  if (lastLocalDate !== undefined && lastLocalDate >= local.date) return false;
  const at = parseTimeOfDay(time);
  if (minutes(local) < minutes(at)) return false;
  // Only a subscription made within the last two days can have begun on today's local date.
  if (since !== undefined && now.getTime() - since.getTime() < 48 * 3600_000) {
    const start = localTime(since, zone, formatters);
    if (start.date === local.date && minutes(start) > minutes(at)) return false;
  }
  return true;
}

function minutes(t: TimeOfDay): number {
  return t.hour * 60 + t.minute;
}

/** Shortest step between two looks at a subscription, so a wrong guess never spins. */
const MIN_RECHECK_MS = 60_000;

/**
 * When the queue planner should next look at a subscription that is not due now (or was
 * just claimed): the instant its local clock next shows `time` on a date it can be due
 * (today if that time is still ahead and nothing went out today, else tomorrow). It is a
 * lower bound — the planner re-checks {@link isDue} then — so a daylight-saving change
 * between now and then can only make it look early: the offset is taken both now and at
 * the guess, and the earlier result wins. At least a minute ahead.
 */
export function nextCheckAt({
  now,
  zone,
  time,
  lastLocalDate,
  formatters = new ZoneFormatters(),
}: Omit<DueInput, "since">): Date {
  const local = localTime(now, zone, formatters);
  const at = parseTimeOfDay(time);
  const today = lastLocalDate === undefined || lastLocalDate < local.date;
  const [y, m, d] = local.date.split("-").map(Number) as [number, number, number];
  const wall = Date.UTC(y, m - 1, d + (today && minutes(local) < minutes(at) ? 0 : 1), at.hour, at.minute);
  const first = wall - offsetMs(now, zone, formatters);
  const second = wall - offsetMs(new Date(first), zone, formatters);
  return new Date(Math.max(now.getTime() + MIN_RECHECK_MS, Math.min(first, second)));
}

/** How far the zone's wall clock is ahead of UTC at `instant` (to the minute). */
function offsetMs(instant: Date, zone: string, formatters: ZoneFormatters): number {
  const t = localTime(instant, zone, formatters);
  const [y, m, d] = t.date.split("-").map(Number) as [number, number, number];
  return Date.UTC(y, m - 1, d, t.hour, t.minute) - (instant.getTime() - (instant.getTime() % 60_000));
}
