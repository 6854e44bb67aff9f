/**
 * Telegram text rules: HTML/MarkdownV2 parsing, UTF-16 offsets, trimming,
 * entity fixing and auto-detection, and the Bot API error wording.
 */

import { describe, expect, it } from "vitest";

import { ApiError } from "../src/api-errors.js";
import { prepareMessageText } from "../src/message-text.js";
import { parseHtml } from "../src/telegram-html.js";
import { findEntities } from "../src/text-entities.js";

function html(text: string) {
  return prepareMessageText({ text, parseMode: "HTML" });
}

function errorOf(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error("expected an ApiError");
}

describe("HTML parse mode", () => {
  it("strips tags and computes entities in UTF-16 code units", () => {
    expect(html("<b>x</b>")).toEqual({ text: "x", entities: [{ type: "bold", offset: 0, length: 1 }] });
    // "长三角 " is 4 code units, "😀" is a surrogate pair (2 code units).
    const parsed = html("长三角 <b>会议</b> 😀 <i>ok</i>");
    expect(parsed.text).toBe("长三角 会议 😀 ok");
    expect(parsed.entities).toEqual([
      { type: "bold", offset: 4, length: 2 },
      { type: "italic", offset: 10, length: 2 },
    ]);
  });

  it("decodes the four named entities and numeric references only", () => {
    expect(html("a &lt;b&gt; &amp; &quot; &#x1F600; &#39; &nbsp;").text).toBe(`a <b> & " 😀 ' &nbsp;`);
  });

  it("supports links, pre with language, spoilers and expandable blockquotes", () => {
    expect(html('<a href="https://example.com">site</a>').entities).toEqual([
      { type: "text_link", offset: 0, length: 4, url: "https://example.com/" },
    ]);
    expect(html('<pre><code class="language-ts">let x</code></pre>').entities).toEqual([
      { type: "pre", offset: 0, length: 5, language: "ts" },
    ]);
    expect(html('<span class="tg-spoiler">s</span><tg-spoiler>t</tg-spoiler>').entities).toEqual([
      { type: "spoiler", offset: 0, length: 2 },
    ]);
    expect(html("<blockquote expandable>q</blockquote>").entities).toEqual([
      { type: "expandable_blockquote", offset: 0, length: 1 },
    ]);
  });

  it("merges adjacent runs and splits formatting around code like tdlib", () => {
    expect(html("<b>a</b><b>b</b>").entities).toEqual([{ type: "bold", offset: 0, length: 2 }]);
    expect(html("<b>x <code>y</code> z</b>").entities).toEqual([
      { type: "bold", offset: 0, length: 2 },
      { type: "code", offset: 2, length: 1 },
      { type: "bold", offset: 3, length: 2 },
    ]);
  });

  it("rejects unsupported and unbalanced tags with Telegram's messages", () => {
    expect(errorOf(() => html("<div>x</div>")).description).toBe(
      'Bad Request: can\'t parse entities: Unsupported start tag "div" at byte offset 0',
    );
    expect(errorOf(() => html("会<b>x")).description).toBe(
      "Bad Request: can't parse entities: Can't find end tag corresponding to start tag \"b\"",
    );
    // Byte offsets count UTF-8 bytes: "会" is 3 bytes.
    expect(errorOf(() => html("会<b>x</i>")).description).toBe(
      'Bad Request: can\'t parse entities: Unmatched end tag at byte offset 7, expected "</b>", found "</i>"',
    );
    expect(errorOf(() => html("a <br> b")).description).toContain('Unsupported start tag "br"');
    expect(errorOf(() => html("<span>x</span>")).description).toContain('Tag "span" must have class "tg-spoiler"');
    expect(errorOf(() => html("x</b>")).description).toContain("Unexpected end tag at byte offset 1");
  });

  it("parses without the Bot API layer too", () => {
    expect(parseHtml("<i>a</i>b").entities).toEqual([{ type: "italic", offset: 0, length: 1 }]);
  });
});

describe("Markdown parse modes", () => {
  it("are refused with a message that names the supported mode", () => {
    for (const parseMode of ["MarkdownV2", "Markdown"]) {
      expect(errorOf(() => prepareMessageText({ text: "*bold*", parseMode })).description).toBe(
        `Bad Request: parse_mode ${parseMode} is not emulated; use HTML`,
      );
    }
  });
});

describe("message text validation", () => {
  it("distinguishes empty, blank and too long texts", () => {
    expect(errorOf(() => prepareMessageText({ text: "" })).description).toBe("Bad Request: message text is empty");
    expect(errorOf(() => prepareMessageText({ text: "  \n " })).description).toBe(
      "Bad Request: text must be non-empty",
    );
    expect(errorOf(() => html("<b> </b>")).description).toBe("Bad Request: text must be non-empty");
    expect(prepareMessageText({ text: "x".repeat(4096) }).text).toHaveLength(4096);
    expect(errorOf(() => prepareMessageText({ text: "x".repeat(4097) })).description).toBe(
      "Bad Request: message is too long",
    );
    // The limit applies after entity parsing: markup does not count.
    expect(html(`<b>${"x".repeat(4096)}</b>`).text).toHaveLength(4096);
    // ... and counts characters, not UTF-16 units.
    expect(prepareMessageText({ text: "😀".repeat(4096) }).text).toHaveLength(8192);
    expect(errorOf(() => prepareMessageText({ text: "x", parseMode: "html5" })).description).toBe(
      "Bad Request: unsupported parse_mode",
    );
  });

  it("trims surrounding whitespace and shifts entities", () => {
    expect(prepareMessageText({ text: "\n  hi <b>there</b>  \n", parseMode: "HTML" })).toEqual({
      text: "hi there",
      entities: [{ type: "bold", offset: 3, length: 5 }],
    });
  });

  it("validates explicit entities", () => {
    expect(
      prepareMessageText({
        text: "ab",
        entities: [
          { type: "italic", offset: 1, length: 1 },
          { type: "url", offset: 0, length: 1 },
        ],
      }),
    ).toEqual({ text: "ab", entities: [{ type: "italic", offset: 1, length: 1 }] });
    expect(
      errorOf(() => prepareMessageText({ text: "ab", entities: [{ type: "wat", offset: 0, length: 1 }] })).description,
    ).toBe("Bad Request: can't parse MessageEntity: Unsupported type specified");
  });
});

describe("auto-detected entities", () => {
  it("finds bot commands, mentions, hashtags and URLs like Telegram", () => {
    const text = "/ask@local_meetings_bot 长三角? cc @local_meetings_bot #会议 see https://example.com/a.";
    const found = findEntities(text).map((e) => [e.type, text.slice(e.offset, e.offset + e.length)]);
    expect(found).toEqual([
      ["bot_command", "/ask@local_meetings_bot"],
      ["mention", "@local_meetings_bot"],
      ["hashtag", "#会议"],
      ["url", "https://example.com/a"],
    ]);
    expect(findEntities("a/b @ab x/y")).toEqual([]);
  });
});
