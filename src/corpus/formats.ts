/**
 * Format detection and the three format parsers. Each parser only removes its
 * own markup and says what the markup tells (headings, captions, paragraph
 * ends); rebuilding paragraphs from the lines is shared, in paragraphs.ts.
 */
import { decodeEntities, normalizeLine } from "./text.js";
import type { ParsedSource, SourceFormat, SourceLine } from "./types.js";

/** Thrown when a file's content is not a report form we can parse. */
export class UnknownFormatError extends Error {
  override name = "UnknownFormatError";
}

const FRONT_MATTER = /^\s*---\r?\n([\s\S]*?)\r?\n---\s*(?:\r?\n|$)/;

/**
 * Detects the form from the content: HTML (tags such as `<p>`, optionally with
 * YAML front matter), Markdown (headings, bold or quote markers) or plain text
 * (a PDF's hard-wrapped lines or a newspaper page's paragraphs).
 */
export function detectFormat(raw: string): SourceFormat {
  const body = raw.replace(FRONT_MATTER, "");
  const htmlTags = body.match(/<\/?(p|div|br|span|h[1-6]|section|article)\b[^>]*>/gi)?.length ?? 0;
  if (htmlTags >= 3) return "html";
  if (/^\s{0,3}#{1,6}\s+\S/m.test(body) || /\*\*[^*\n]+\*\*/.test(body) || /^\s*(■|>\s)/m.test(body)) {
    return "markdown";
  }
  if (!/\p{Script=Han}{8,}/u.test(body)) {
    throw new UnknownFormatError("no Chinese prose found (expected HTML, Markdown or plain text of a news report)");
  }
  return "text";
}

/** Parses a raw file in the given (or detected) form into lines. */
export function parseSource(raw: string, format: SourceFormat = detectFormat(raw)): ParsedSource {
  if (raw.includes("\u0000")) throw new UnknownFormatError("the file is binary, not text");
  switch (format) {
    case "html":
      return parseHtml(raw);
    case "markdown":
      return { format, frontMatter: {}, ...parseMarkdown(raw) };
    case "text":
      return { format, frontMatter: {}, lines: linesOf(raw) };
  }
}

/** Splits text into non-blank normalised lines, remembering which were followed by a blank line. */
function linesOf(raw: string, mapLine: (line: string) => Partial<SourceLine> | null = () => ({})): SourceLine[] {
  const out: SourceLine[] = [];
  for (const rawLine of raw.split(/\r?\n/)) {
    if (!rawLine.trim()) {
      const last = out.at(-1);
      if (last) last.blankAfter = true;
      continue;
    }
    const mapped = mapLine(rawLine);
    if (!mapped) continue;
    const text = normalizeLine(mapped.text ?? rawLine);
    if (!text) continue;
    out.push({ ...mapped, text, blankAfter: false });
  }
  return out;
}

function parseFrontMatter(raw: string): { frontMatter: Record<string, string>; body: string } {
  const m = FRONT_MATTER.exec(raw);
  if (!m) return { frontMatter: {}, body: raw };
  const frontMatter: Record<string, string> = {};
  for (const line of (m[1] ?? "").split(/\r?\n/)) {
    const kv = /^([A-Za-z_][\w-]*):\s*(.*)$/.exec(line);
    if (!kv?.[1] || kv[2] === undefined) continue;
    const value = kv[2].trim().replace(/^(['"])(.*)\1$/, "$2");
    if (value) frontMatter[kv[1]] = value;
  }
  return { frontMatter, body: raw.slice(m[0].length) };
}

/** Page furniture around a re-posted article: QR codes, share bars, ads, footers. */
const WEB_CHROME_CLASS = /qr|share|advert|\bad[_-]|footer|copyright|related|recommend/i;

const BLOCK_TAG = /<(\/?)(p|div|br|h[1-6]|li|section|article|blockquote|tr)\b([^>]*)>/gi;

function parseHtml(raw: string): ParsedSource {
  const { frontMatter, body } = parseFrontMatter(raw);
  const cleaned = body
    .replace(/<!--[\s\S]*?-->/g, " ")
    .replace(/<(style|script|iframe|noscript)\b[\s\S]*?<\/\1>/gi, " ");
  const lines: SourceLine[] = [];
  let afterImage = false;
  // Walk block-level tags: text between them is a paragraph; an <img> marks that
  // the next short paragraph is probably its caption.
  let cursor = 0;
  let openClass = "";
  let openTag = "";
  const flush = (chunk: string) => {
    if (/<img\b/i.test(chunk)) afterImage = true;
    const text = normalizeLine(decodeEntities(chunk.replace(/<[^>]+>/g, "")).replace(/\s*\n\s*/g, ""));
    if (!text) return;
    const line: SourceLine = { text, blankAfter: true, paragraphEnd: true };
    if (/article-editor|editor/i.test(openClass)) line.role = "editor";
    else if (WEB_CHROME_CLASS.test(openClass)) line.role = "boilerplate";
    else if (/img_descr|caption|figcaption/i.test(openClass)) line.role = "caption";
    else if (/^h[1-6]$/i.test(openTag)) line.role = "headline";
    else if (afterImage && text.length <= 40 && !/[，；]/.test(text.slice(0, -1)) && /。$/.test(text))
      line.role = "caption";
    if (line.role !== "caption") afterImage = false;
    lines.push(line);
  };
  for (const m of cleaned.matchAll(BLOCK_TAG)) {
    flush(cleaned.slice(cursor, m.index));
    cursor = (m.index ?? 0) + m[0].length;
    if (!m[1]) {
      openTag = m[2] ?? "";
      openClass = /class\s*=\s*["']([^"']*)["']/i.exec(m[3] ?? "")?.[1] ?? "";
    } else {
      openTag = "";
      openClass = "";
    }
  }
  flush(cleaned.slice(cursor));
  // A re-post often repeats the original headline as "原标题：…"; that line is the headline.
  for (const line of lines) {
    const original = /^原标题[：:]\s*(.+)$/.exec(line.text);
    if (original?.[1]) {
      line.text = original[1];
      line.role = "headline";
    }
  }
  if (frontMatter.title && !lines.some((l) => l.role === "headline")) {
    lines.unshift({ text: normalizeLine(frontMatter.title), blankAfter: true, paragraphEnd: true, role: "headline" });
  }
  return { format: "html", frontMatter, lines };
}

function parseMarkdown(raw: string): { lines: SourceLine[] } {
  const lines = linesOf(raw, (line) => {
    if (/^\s*!\[[^\]]*\]\([^)]*\)\s*$/.test(line)) return null; // an image on its own line
    let text = line
      .replace(/!\[[^\]]*\]\([^)]*\)/g, "")
      .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
      .replace(/\*\*([^*]*)\*\*/g, "$1")
      .replace(/__([^_]*)__/g, "$1")
      .replace(/\s{2,}$/, "");
    const heading = /^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(text);
    if (heading) return { text: heading[1] ?? "", role: "headline" };
    if (/^\s*[■□◆▲●]/.test(text)) return { text: text.replace(/^\s*[■□◆▲●]\s*/, ""), role: "pullquote" };
    text = text.replace(/^\s*>\s?/, "");
    return { text };
  });
  return { lines };
}
