/** Times and places as people type them, read by the pure input modules the digest commands share. */
import { describe, expect, it } from "vitest";

import { DigestInputError } from "../../src/digest/errors.js";
import { echo, MAX_ECHO_CHARS, parseTimeOfDay, splitThemeAndTime } from "../../src/digest/time-input.js";
import { resolveTimeZone } from "../../src/digest/time-zone-input.js";

describe("parseTimeOfDay", () => {
  it("reads 24-hour, Chinese and English times", () => {
    const cases: Record<string, string> = {
      "20:00": "20:00",
      "20点": "20:00",
      晚上8点: "20:00",
      早上7点半: "07:30",
      "8pm": "20:00",
      "7:30pm": "19:30",
      "7:30 p.m.": "19:30",
      "12am": "00:00",
      "12pm": "12:00",
      中午12点: "12:00",
      中午1点: "13:00",
      晚上12点: "00:00",
      下午3点15分: "15:15",
      晚上八点: "20:00",
      九点一刻: "09:15",
      "晚上8:30": "20:30",
    };
    for (const [input, expected] of Object.entries(cases)) expect(parseTimeOfDay(input).text, input).toBe(expected);
  });

  it("refuses what is not a time of day, echoing at most a short piece of the input", () => {
    const long = "9".repeat(5000);
    try {
      parseTimeOfDay(long);
      throw new Error("accepted");
    } catch (error) {
      expect(error).toBeInstanceOf(DigestInputError);
      expect((error as DigestInputError).text("zh").length).toBeLessThan(200);
    }
    expect([...echo("x".repeat(500))].length).toBe(MAX_ECHO_CHARS);
  });
});

describe("splitThemeAndTime", () => {
  it("splits a trailing time in any accepted form from the topic", () => {
    expect(splitThemeAndTime("科技创新 晚上8点")).toEqual({ theme: "科技创新", time: "晚上8点" });
    expect(splitThemeAndTime("科技创新晚上8点")).toEqual({ theme: "科技创新", time: "晚上8点" });
    expect(splitThemeAndTime("tech 7:30pm")).toEqual({ theme: "tech", time: "7:30pm" });
    expect(splitThemeAndTime("生态环境 8 pm")).toEqual({ theme: "生态环境", time: "8 pm" });
    expect(splitThemeAndTime("8pm")).toEqual({ theme: "", time: "8pm" });
    // A malformed time is still split off, to be refused rather than searched for.
    expect(splitThemeAndTime("tech 7.30")).toEqual({ theme: "tech", time: "7.30" });
    expect(splitThemeAndTime("长三角 一体化")).toEqual({ theme: "长三角 一体化" });
    expect(splitThemeAndTime("数字经济2025")).toEqual({ theme: "数字经济2025" });
  });
});

describe("resolveTimeZone", () => {
  it("finds cities and countries in Chinese and English, and UTC offsets", () => {
    expect(resolveTimeZone("北京").timeZone).toBe("Asia/Shanghai");
    expect(resolveTimeZone("上海").timeZone).toBe("Asia/Shanghai");
    expect(resolveTimeZone("杭州市").timeZone).toBe("Asia/Shanghai");
    expect(resolveTimeZone("纽约")).toMatchObject({ via: "city", timeZone: "America/New_York" });
    expect(resolveTimeZone("洛杉矶").timeZone).toBe("America/Los_Angeles");
    expect(resolveTimeZone("Berlin").timeZone).toBe("Europe/Berlin");
    expect(resolveTimeZone("new york").timeZone).toBe("America/New_York");
    expect(resolveTimeZone("Beijing").timeZone).toBe("Asia/Shanghai");
    expect(resolveTimeZone("德国")).toMatchObject({ via: "country", timeZone: "Europe/Berlin", zones: 1 });
    expect(resolveTimeZone("Japan").timeZone).toBe("Asia/Tokyo");
    expect(resolveTimeZone("香港").timeZone).toBe("Asia/Hong_Kong");
    const us = resolveTimeZone("美国");
    expect(us).toMatchObject({ via: "country", timeZone: "America/New_York" });
    expect(us.via === "country" && us.zones).toBeGreaterThan(1);
    expect(resolveTimeZone("UTC+8")).toEqual({ via: "offset", timeZone: "Etc/GMT-8" });
    expect(resolveTimeZone("+08:00")).toEqual({ via: "offset", timeZone: "Etc/GMT-8" });
    expect(resolveTimeZone("GMT-5")).toEqual({ via: "offset", timeZone: "Etc/GMT+5" });
    expect(resolveTimeZone("asia/shanghai")).toEqual({ via: "iana", timeZone: "Asia/Shanghai" });
  });

  it("refuses unknown places with every accepted form, echoing a bounded piece", () => {
    for (const bad of ["Mars/Base", "火星", "+05:30", "x".repeat(5000)]) {
      let error: unknown;
      try {
        resolveTimeZone(bad);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(DigestInputError);
      const text = (error as DigestInputError).text("zh");
      expect(text).toContain("UTC+8");
      expect(text).toContain("北京");
      expect(text.length).toBeLessThan(300);
    }
  });
});
