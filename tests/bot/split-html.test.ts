/** splitHtmlMessage: every part fits, parses as Telegram HTML, and nothing is lost or cut mid-line. */
import { describe, expect, it } from "vitest";

import { splitHtmlMessage } from "../../src/bot/split-html.js";
import { parseHtml } from "bot-api-emulator";

/** The visible text of parts, as Telegram would show them, joined. */
const visible = (parts: string[]) => parts.map((p) => parseHtml(p).text);

function expectValid(parts: string[], limit: number): void {
  for (const part of parts) {
    expect(part.length).toBeLessThanOrEqual(limit);
    expect(() => parseHtml(part)).not.toThrow();
    expect(parseHtml(part).text.trim()).not.toBe("");
  }
}

describe("splitHtmlMessage", () => {
  it("returns short messages unchanged", () => {
    expect(splitHtmlMessage("<b>短</b> 消息")).toEqual(["<b>短</b> 消息"]);
  });

  it("breaks at blank lines first, keeping every paragraph whole", () => {
    const paragraphs = Array.from({ length: 12 }, (_, i) => `第${i + 1}段：${"长三角一体化发展。".repeat(40)}`);
    const parts = splitHtmlMessage(paragraphs.join("\n\n"), 1000);
    expectValid(parts, 1000);
    expect(parts.length).toBeGreaterThan(3);
    const text = visible(parts).join("\n\n");
    expect(text).toBe(paragraphs.join("\n\n"));
  });

  it("keeps citation lines whole", () => {
    const answer = "答".repeat(700);
    const citations = Array.from({ length: 40 }, (_, i) => `[${i + 1}] 2024年度座谈会（温州） · 会议报道 第${i + 1}段`);
    const parts = splitHtmlMessage(`${answer}\n\n<b>出处</b>\n${citations.join("\n")}`, 800);
    expectValid(parts, 800);
    const lines = visible(parts).flatMap((t) => t.split("\n"));
    for (const citation of citations) expect(lines).toContain(citation);
  });

  it("closes tags at a break and reopens them in the next part", () => {
    const html = `<b>${"加粗的文字，".repeat(50)}</b><a href="https://example.com/?a=1&amp;b=2">${"链接文字，".repeat(60)}</a>`;
    const parts = splitHtmlMessage(html, 200);
    expectValid(parts, 200);
    expect(visible(parts).join("")).toBe(parseHtml(html).text);
    const bold = parts.filter((p) => p.startsWith("<b>"));
    expect(bold.length).toBeGreaterThan(1);
    const linked = parts.filter((p) => p.includes('<a href="https://example.com/?a=1&amp;b=2">'));
    expect(linked.length).toBeGreaterThan(1);
    for (const part of linked)
      expect(parseHtml(part).entities).toContainEqual(
        expect.objectContaining({ type: "text_link", url: "https://example.com/?a=1&b=2" }),
      );
  });

  it("never cuts an entity or a surrogate pair", () => {
    const html = "&amp;😀".repeat(400);
    const parts = splitHtmlMessage(html, 101);
    expectValid(parts, 101);
    expect(parts.join("")).toBe(html);
    for (const part of parts) expect(part).toMatch(/^(?:&amp;|😀)+$/u);
  });

  it("falls back to sentence ends and spaces when lines are long", () => {
    const text = Array.from({ length: 60 }, (_, i) => `Sentence number ${i} talks about the delta.`).join(" ");
    const parts = splitHtmlMessage(text, 300);
    expectValid(parts, 300);
    for (const part of parts) expect(part).toMatch(/\.$/u);
    expect(parts.join(" ")).toBe(text);
  });

  it("handles a real-sized answer at Telegram's limit", () => {
    const html = `${"会议强调 &lt;协同&gt; &amp; 创新[1]。".repeat(400)}\n\n<b>出处</b>\n[1] 2024年度座谈会（温州） · 会议报道 第5段`;
    const parts = splitHtmlMessage(html);
    expectValid(parts, 4096);
    expect(parts.length).toBe(3);
    expect(parts.at(-1)).toMatch(/<b>出处<\/b>\n\[1\] 2024年度座谈会（温州） · 会议报道 第5段$/u);
  });
});
