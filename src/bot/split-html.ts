/**
 * Splitting a Telegram-HTML message into parts that each fit one message.
 * Pure and dependency free, so it is easy to test exhaustively.
 */

/** Telegram's limit on one message's text. */
export const TELEGRAM_MESSAGE_LIMIT = 4096;

type Token =
  | { kind: "text"; raw: string }
  | { kind: "open"; raw: string; name: string }
  | { kind: "close"; raw: string; name: string };

// A tag, an entity (&amp; &#123; &#x1F600;), or one code point (so surrogate pairs stay whole).
const TOKEN_RE = /<(\/?)([a-zA-Z][\w-]*)(?:\s[^>]*)?>|&(?:#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);|[\s\S]/gu;

function tokenize(html: string): Token[] {
  const tokens: Token[] = [];
  for (const match of html.matchAll(TOKEN_RE)) {
    const raw = match[0];
    const name = match[2];
    if (name === undefined) tokens.push({ kind: "text", raw });
    else tokens.push({ kind: match[1] === "/" ? "close" : "open", raw, name: name.toLowerCase() });
  }
  return tokens;
}

/** How good a place is for a break after this token: a blank line beats a line end beats a sentence end… */
function breakQuality(tokens: readonly Token[], i: number): number {
  const token = tokens[i]!;
  if (token.kind !== "text") return 0;
  const next = tokens[i + 1];
  if (token.raw === "\n") return tokens[i - 1]?.raw === "\n" ? 4 : next?.raw === "\n" ? 0 : 3;
  if (/^[。！？；.!?;]$/u.test(token.raw) && next?.raw !== "\n") return 2;
  if (/^[\s，、,]$/u.test(token.raw)) return 1;
  return 0;
}

function applyTag(stack: readonly Token[], token: Token): Token[] {
  if (token.kind === "open") return [...stack, token];
  if (token.kind === "close") {
    const at = stack.map((t) => (t.kind === "open" ? t.name : "")).lastIndexOf(token.name);
    return at === -1 ? [...stack] : stack.slice(0, at);
  }
  return stack as Token[];
}

const closingOf = (stack: readonly Token[]): string =>
  [...stack]
    .reverse()
    .map((t) => (t.kind === "open" ? `</${t.name}>` : ""))
    .join("");

interface Candidate {
  end: number;
  length: number;
  stack: Token[];
}

/**
 * Splits Telegram HTML into parts of at most `limit` UTF-16 units each
 * (measured on the HTML itself, which is never shorter than the text Telegram
 * counts). Breaks prefer blank lines, then line ends (so a citation line stays
 * whole), then sentence ends, then spaces. Tags open at a break are closed at
 * the end of one part and reopened at the start of the next; entities such as
 * `&amp;` and surrogate pairs are never cut.
 *
 * @example splitHtmlMessage(formatAnswerHtml(answer)).forEach((part) => ctx.reply(part, { parse_mode: "HTML" }))
 */
export function splitHtmlMessage(html: string, limit = TELEGRAM_MESSAGE_LIMIT): string[] {
  if (html.length <= limit) return [html];
  if (limit < 64) throw new RangeError(`limit ${limit} is too small to hold reopened tags`);
  const tokens = tokenize(html);
  const parts: string[] = [];
  let carry: Token[] = [];
  let i = 0;
  while (i < tokens.length) {
    // A new part never starts with the whitespace the previous one ended on.
    while (i < tokens.length && /^\s$/u.test(tokens[i]!.raw)) i++;
    if (i >= tokens.length) break;
    let stack = carry;
    let length = carry.reduce((sum, t) => sum + t.raw.length, 0);
    let hasText = false;
    const best: Array<Candidate | undefined> = [];
    let j = i;
    for (; j < tokens.length; j++) {
      const token = tokens[j]!;
      const next = applyTag(stack, token);
      if (length + token.raw.length + closingOf(next).length > limit) break;
      length += token.raw.length;
      stack = next;
      if (token.kind === "text" && !/^\s$/u.test(token.raw)) hasText = true;
      if (hasText) best[breakQuality(tokens, j)] = { end: j, length, stack };
    }
    let cut: Candidate | undefined;
    if (j >= tokens.length) {
      // Only closing tags (or nothing visible) left: Telegram rejects an empty message.
      if (!hasText) break;
      cut = { end: tokens.length - 1, length, stack };
    } else {
      // The best kind of break that still fills at least half a message; else the latest break of any kind.
      for (let quality = 4; quality >= 1 && cut === undefined; quality--) {
        const candidate = best[quality];
        if (candidate !== undefined && candidate.length >= limit / 2) cut = candidate;
      }
      cut ??= best.reduce<Candidate | undefined>(
        (a, b) => (b !== undefined && (a === undefined || b.end > a.end) ? b : a),
        undefined,
      );
      if (cut === undefined) throw new RangeError(`cannot split: a single tag is longer than ${limit}`);
    }
    const body =
      carry.map((t) => t.raw).join("") +
      tokens
        .slice(i, cut.end + 1)
        .map((t) => t.raw)
        .join("");
    parts.push(body.replace(/\s+$/u, "") + closingOf(cut.stack));
    carry = cut.stack;
    i = cut.end + 1;
  }
  return parts;
}
