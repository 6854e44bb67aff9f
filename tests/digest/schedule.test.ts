import { describe, expect, it } from "vitest";
import { DigestInputError } from "../../src/digest/errors.js";
import { isDue, localTime, parseTimeOfDay, parseTimeZone } from "../../src/digest/schedule.js";

/** The first minute (UTC ISO) from `from` on at which the subscription is due, scanning minute by minute. */
function firstDue(fromIso: string, zone: string, time: string, lastLocalDate?: string): string | undefined {
  const start = Date.parse(fromIso);
  for (let m = 0; m < 48 * 60; m++) {
    const now = new Date(start + m * 60_000);
    if (isDue({ now, zone, time, lastLocalDate })) return now.toISOString();
  }
  return undefined;
}

function inputError(fn: () => unknown): DigestInputError {
  try {
    fn();
  } catch (error) {
    if (error instanceof DigestInputError) return error;
    throw error;
  }
  throw new Error("expected a DigestInputError");
}

describe("time and zone input", () => {
  it("accepts HH:MM from 00:00 to 23:59 and normalises it", () => {
    expect(parseTimeOfDay("8:05").text).toBe("08:05");
    expect(parseTimeOfDay("23:59").text).toBe("23:59");
    expect(parseTimeOfDay("07：30").text).toBe("07:30");
  });

  it("rejects 25:00 and other non-times listing the accepted forms", () => {
    for (const bad of ["25:00", "12:60", "13pm", "0800", "", "早上20点"]) {
      const error = inputError(() => parseTimeOfDay(bad));
      expect(error.code).toBe("bad-time");
      expect(error.text("en")).toContain("20:00, 20点, 晚上8点, 早上7点半, 8pm or 7:30pm");
      expect(error.text("zh")).toContain("20:00、20点、晚上8点、早上7点半、8pm 或 7:30pm");
    }
  });

  it("accepts IANA zones in any case and rejects unknown ones with examples", () => {
    expect(parseTimeZone("europe/berlin")).toBe("Europe/Berlin");
    for (const bad of ["Mars/Olympus", "+05:30", "Atlantis"]) {
      const error = inputError(() => parseTimeZone(bad));
      expect(error.code).toBe("bad-zone");
      expect(error.text("en")).toContain("Asia/Shanghai");
      expect(error.text("zh")).toContain("UTC+8");
    }
  });
});

describe("isDue", () => {
  it("is due at the chosen local time in the subscriber's zone", () => {
    // 08:00 in Shanghai is 00:00 UTC.
    expect(firstDue("2026-03-07T12:00:00Z", "Asia/Shanghai", "08:00", "2026-03-07")).toBe("2026-03-08T00:00:00.000Z");
    expect(localTime(new Date("2026-03-08T00:00:00Z"), "Asia/Shanghai")).toEqual({
      date: "2026-03-08",
      hour: 8,
      minute: 0,
    });
  });

  it("sends a 02:30 New York digest at 03:00 on the spring-forward day (02:30 does not exist)", () => {
    // 2026-03-08: 01:59 EST is followed by 03:00 EDT (07:00 UTC).
    const due = firstDue("2026-03-08T05:00:00Z", "America/New_York", "02:30")!;
    expect(due).toBe("2026-03-08T07:00:00.000Z");
    expect(localTime(new Date(due), "America/New_York")).toMatchObject({ hour: 3, minute: 0 });
    // A normal day before: 02:30 EST is 07:30 UTC.
    expect(firstDue("2026-03-07T05:00:00Z", "America/New_York", "02:30")).toBe("2026-03-07T07:30:00.000Z");
  });

  it("sends a 02:30 Berlin digest at 03:00 CEST on 2026-03-29", () => {
    expect(firstDue("2026-03-28T23:00:00Z", "Europe/Berlin", "02:30")).toBe("2026-03-29T01:00:00.000Z");
  });

  it("is not due again the same local day once a delivery exists, even when 01:30 repeats on the fall-back day", () => {
    // 2026-11-01 New York: 01:30 EDT (05:30 UTC) and again 01:30 EST (06:30 UTC).
    const first = firstDue("2026-11-01T03:00:00Z", "America/New_York", "01:30", "2026-10-31")!;
    expect(first).toBe("2026-11-01T05:30:00.000Z");
    const date = localTime(new Date(first), "America/New_York").date;
    expect(
      isDue({ now: new Date("2026-11-01T06:30:00Z"), zone: "America/New_York", time: "01:30", lastLocalDate: date }),
    ).toBe(false);
    // The next one is the next local day.
    expect(firstDue(first, "America/New_York", "01:30", date)).toBe("2026-11-02T06:30:00.000Z");
  });

  it("catches up once on the same day after downtime, but never for past days", () => {
    // Down from 07:00 to 11:00 Shanghai time: due at 11:00 the same day.
    expect(
      isDue({
        now: new Date("2026-03-08T03:00:00Z"),
        zone: "Asia/Shanghai",
        time: "08:00",
        lastLocalDate: "2026-03-07",
      }),
    ).toBe(true);
    // Down over midnight: yesterday's is not made up before today's time.
    expect(
      isDue({
        now: new Date("2026-03-08T16:30:00Z"),
        zone: "Asia/Shanghai",
        time: "08:00",
        lastLocalDate: "2026-03-07",
      }),
    ).toBe(false);
  });

  it("starts tomorrow when the subscription is made after today's time", () => {
    const since = new Date("2026-03-08T04:00:00Z"); // 12:00 in Shanghai
    expect(isDue({ now: new Date("2026-03-08T04:01:00Z"), zone: "Asia/Shanghai", time: "08:00", since })).toBe(false);
    expect(isDue({ now: new Date("2026-03-09T00:00:00Z"), zone: "Asia/Shanghai", time: "08:00", since })).toBe(true);
  });
});
