/** The pure pieces: labels and escaping, memory, rate limit, error classes, callback data. */
import { GrammyError, HttpError } from "grammy";
import { describe, expect, it } from "vitest";

import { classifyTelegramError, describeError, redactSecrets } from "../../src/bot/errors.js";
import { citationLabel, escapeHtml, formatAnswerHtml, shortMeetingTitle } from "../../src/bot/format.js";
import { findMeeting, parseSourceCallbackData, sourceCallbackData } from "../../src/bot/keyboards.js";
import { citationOf, MEETINGS } from "./helpers/fixtures.js";

const grammyError = (error_code: number, description: string, parameters = {}) =>
  new GrammyError(
    `Call to 'sendMessage' failed! (${error_code}: ${description})`,
    { ok: false, error_code, description, parameters },
    "sendMessage",
    {},
  );

describe("formatting", () => {
  it("labels citations with a short meeting title, city, article kind and paragraph", () => {
    expect(citationLabel(citationOf(1, "2024-wenzhou", 1, 2), "zh")).toBe("2024年度座谈会（温州） · 会议报道 第2段");
    expect(citationLabel(citationOf(1, "2024-wenzhou", 2, 1), "en")).toBe(
      "2024年度座谈会 (温州) · forum report, para. 1",
    );
    expect(shortMeetingTitle("深入推进长三角一体化发展座谈会", "2023-11-30")).toBe("深入推进长三角一体化发展座谈会");
  });

  it("escapes everything that comes from outside", () => {
    expect(escapeHtml("<b>a & b</b>")).toBe("&lt;b&gt;a &amp; b&lt;/b&gt;");
    const html = formatAnswerHtml({
      question: "q",
      answered: true,
      answer: "<script> & [1]",
      citations: [{ ...citationOf(1, "2024-wenzhou", 1, 1), city: "<温州>" }],
      retrieved: [],
      path: "extractive",
      language: "zh",
    });
    expect(html).toBe("&lt;script&gt; &amp; [1]\n\n<b>出处</b>\n[1] 2024年度座谈会（&lt;温州&gt;） · 会议报道 第1段");
  });
});

describe("callback data", () => {
  it("round-trips and stays within 64 bytes even for long meeting ids", () => {
    expect(parseSourceCallbackData(sourceCallbackData("2024-wenzhou", 1, 5))).toEqual({
      meetingRef: "2024-wenzhou",
      articleIndex: 1,
      paragraph: 5,
    });
    const longId = "长三角地区主要领导座谈会-2024-浙江温州-第二十四次会议";
    const data = sourceCallbackData(longId, 12, 345);
    expect(Buffer.byteLength(data)).toBeLessThanOrEqual(64);
    const ref = parseSourceCallbackData(data)!;
    expect(findMeeting([...MEETINGS, { ...MEETINGS[0]!, id: longId }], ref.meetingRef)?.id).toBe(longId);
    expect(parseSourceCallbackData("src:bad")).toBeUndefined();
  });
});

describe("classifyTelegramError", () => {
  it("tells rate limits, blocked chats, transient and permanent failures apart", () => {
    expect(classifyTelegramError(grammyError(429, "Too Many Requests: retry after 7", { retry_after: 7 }))).toEqual({
      kind: "rate-limited",
      retryAfter: 7,
    });
    expect(classifyTelegramError(grammyError(403, "Forbidden: bot was blocked by the user"))).toEqual({
      kind: "blocked",
    });
    expect(classifyTelegramError(grammyError(400, "Bad Request: chat not found"))).toEqual({ kind: "blocked" });
    expect(classifyTelegramError(grammyError(502, "Bad Gateway"))).toEqual({ kind: "transient" });
    expect(
      classifyTelegramError(new HttpError("Network request for 'sendMessage' failed!", new Error("ECONNRESET"))),
    ).toEqual({ kind: "transient" });
    expect(classifyTelegramError(grammyError(400, "Bad Request: message is too long"))).toEqual({ kind: "permanent" });
    expect(classifyTelegramError(new Error("boom"))).toEqual({ kind: "permanent" });
  });

  it("describes errors without the token", () => {
    const token = "123456:ABCdefGHIjklMNOpqrSTUvwxYZ012345678";
    const error = new HttpError(
      "Network request for 'getMe' failed!",
      new Error(`request to https://api.telegram.org/bot${token}/getMe failed`),
    );
    const fields = describeError(error, token);
    expect(JSON.stringify(fields)).not.toContain("ABCdefGHI");
    expect(fields).toMatchObject({
      name: "HttpError",
      cause: "Error: request to https://api.telegram.org/bot<token>/getMe failed",
    });
    expect(redactSecrets("bot987654:ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ/x")).toBe("bot<token>/x");
  });
});
