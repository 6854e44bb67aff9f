/**
 * Telegram's HTML parse mode, ported from tdlib's `parse_html`
 * (td/telegram/MessageEntity.cpp), plus the link checks it relies on.
 *
 * Why it exists: the emulator must accept exactly the HTML Telegram accepts
 * (b, strong, i, em, u, ins, s, strike, del, span class="tg-spoiler",
 * tg-spoiler, a href, code, pre, blockquote [expandable], tg-emoji), reject the
 * rest with Telegram's error wording ("Unsupported start tag \"div\" at byte
 * offset 0", "Can't find end tag corresponding to start tag \"b\"", ...) and
 * return the stripped text with entities whose offsets are UTF-16 code units,
 * so a bot's formatting bugs surface offline.
 */

import { TextError, sortEntities, type FormattedText, type RawEntity } from "./text-entities.js";

const SUPPORTED_TAGS = new Set([
  "a",
  "b",
  "strong",
  "i",
  "em",
  "s",
  "strike",
  "del",
  "u",
  "ins",
  "tg-spoiler",
  "tg-emoji",
  "span",
  "pre",
  "code",
  "blockquote",
]);

/** tdlib's `is_space`, which also treats the terminating NUL as a space. */
function isSpace(c: string): boolean {
  return c === " " || c === "\t" || c === "\r" || c === "\n" || c === "\0" || c === "\v" || c === "\f";
}

function isAsciiAlnum(c: string): boolean {
  return /^[A-Za-z0-9]$/u.test(c);
}

/**
 * Port of `decode_html_entity`: decodes `&lt;`, `&gt;`, `&amp;`, `&quot;` and
 * numeric references at `pos`. Returns undefined when the '&' is literal.
 */
export function decodeHtmlEntity(text: string, pos: number): { codePoint: number; next: number } | undefined {
  const at = (i: number): string => text[i] ?? "\0";
  let endPos = pos + 1;
  let value = 0;
  if (at(pos + 1) === "#") {
    endPos++;
    if (at(pos + 2) === "x") {
      endPos++;
      while (/^[0-9A-Fa-f]$/u.test(at(endPos))) value = value * 16 + parseInt(at(endPos++), 16);
    } else {
      while (/^[0-9]$/u.test(at(endPos))) value = value * 10 + Number(at(endPos++));
    }
    if (value === 0 || value >= 0x10ffff || endPos - pos >= 10) return undefined;
  } else {
    while (/^[A-Za-z]$/u.test(at(endPos))) endPos++;
    const name = text.slice(pos + 1, endPos);
    const named: Record<string, number> = { lt: 0x3c, gt: 0x3e, amp: 0x26, quot: 0x22 };
    const code = named[name];
    if (code === undefined) return undefined;
    value = code;
  }
  return { codePoint: value, next: at(endPos) === ";" ? endPos + 1 : endPos };
}

/** Port of `LinkManager::get_link_user_id` for `tg://user?id=<id>` links. */
export function linkUserId(url: string): number | undefined {
  const match = /^tg:(?:\/\/)?user\?id=(\d{1,15})$/iu.exec(url.trim());
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

/**
 * Approximation of `LinkManager::get_checked_link`: adds "http://" to bare
 * hosts, lower-cases scheme and host, adds "/" to an empty path, keeps tg:,
 * ton: and tonsite: links, and returns "" (entity dropped, not an error) for
 * anything else.
 */
export function checkedLink(url: string): string {
  const trimmed = url.trim();
  if (trimmed === "" || /\s/u.test(trimmed)) return "";
  if (/^(?:tg|ton):/iu.test(trimmed) || /^tonsite:\/\//iu.test(trimmed)) return trimmed;
  const schemeMatch = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//u.exec(trimmed);
  let full = trimmed;
  if (schemeMatch === null) {
    if (/^[A-Za-z][A-Za-z0-9+.-]*:/u.test(trimmed) && !/^[^:]+:\d/u.test(trimmed)) return "";
    full = `http://${trimmed}`;
  } else if (!/^https?$/iu.test(schemeMatch[1] ?? "")) {
    return "";
  }
  const parts = /^([A-Za-z]+):\/\/([^/?#]*)(.*)$/u.exec(full);
  if (parts === null) return "";
  const scheme = (parts[1] ?? "").toLowerCase();
  const authority = parts[2] ?? "";
  const rest = parts[3] ?? "";
  const host = authority.includes("@") ? authority.slice(authority.lastIndexOf("@") + 1) : authority;
  if (!/^[\p{L}\p{N}._-]+(?::\d{1,5})?$/u.test(host) || host.startsWith(".")) return "";
  const userinfo = authority.slice(0, authority.length - host.length);
  const path = rest === "" ? "/" : rest.startsWith("/") ? rest : `/${rest}`;
  return `${scheme}://${userinfo}${host.toLowerCase()}${path}`;
}

function byteOffset(text: string, index: number): number {
  return Buffer.byteLength(text.slice(0, index), "utf8");
}

interface OpenTag {
  tagName: string;
  argument: string;
  entityOffset: number;
  resultBegin: number;
}

/**
 * Parses Telegram HTML into plain text and entities.
 *
 * @throws TextError with tdlib's message, prefixed "Can't parse entities: ".
 */
export function parseHtml(html: string): FormattedText {
  try {
    return parseHtmlInner(html);
  } catch (error) {
    if (error instanceof TextError) throw new TextError(`Can't parse entities: ${error.message}`);
    throw error;
  }
}

function parseHtmlInner(text: string): FormattedText {
  const at = (i: number): string => text[i] ?? "\0";
  const fail = (message: string): never => {
    throw new TextError(message);
  };
  let result = "";
  const entities: RawEntity[] = [];
  const nested: OpenTag[] = [];
  let decodedSurrogate = false;

  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === "&") {
      const decoded = decodeHtmlEntity(text, i);
      if (decoded !== undefined) {
        if (decoded.codePoint >= 0xd800 && decoded.codePoint <= 0xdfff) decodedSurrogate = true;
        result +=
          decoded.codePoint >= 0xd800 && decoded.codePoint <= 0xdfff
            ? String.fromCharCode(decoded.codePoint)
            : String.fromCodePoint(decoded.codePoint);
        i = decoded.next - 1;
        continue;
      }
    }
    if (c !== "<") {
      result += c;
      continue;
    }

    const beginPos = i++;
    if (at(i) !== "/") {
      while (!isSpace(at(i)) && at(i) !== ">") i++;
      if (i >= text.length) fail(`Unclosed start tag at byte offset ${byteOffset(text, beginPos)}`);
      const tagName = text.slice(beginPos + 1, i).toLowerCase();
      if (!SUPPORTED_TAGS.has(tagName)) {
        fail(`Unsupported start tag "${tagName}" at byte offset ${byteOffset(text, beginPos)}`);
      }

      let argument = "";
      while (at(i) !== ">") {
        while (i < text.length && isSpace(at(i))) i++;
        if (at(i) === ">") break;
        const attributeBegin = i;
        while (!isSpace(at(i)) && !"=>/\"'".includes(at(i))) i++;
        const attributeName = text.slice(attributeBegin, i);
        if (attributeName === "") {
          fail(`Empty attribute name in the tag "${tagName}" at byte offset ${byteOffset(text, beginPos)}`);
        }
        while (i < text.length && isSpace(at(i))) i++;
        if (at(i) !== "=") {
          if (i >= text.length) fail(`Unclosed start tag "${tagName}" at byte offset ${byteOffset(text, beginPos)}`);
          if (tagName === "blockquote" && attributeName === "expandable") argument = "1";
          continue;
        }
        i++;
        while (i < text.length && isSpace(at(i))) i++;
        if (i >= text.length) fail(`Unclosed start tag "${tagName}" at byte offset ${byteOffset(text, beginPos)}`);

        let attributeValue = "";
        if (at(i) !== "'" && at(i) !== '"') {
          // A name token: letters, digits, periods or hyphens; case-insensitive.
          const tokenBegin = i;
          while (isAsciiAlnum(at(i)) || at(i) === "." || at(i) === "-") i++;
          attributeValue = text.slice(tokenBegin, i).toLowerCase();
          if (!isSpace(at(i)) && at(i) !== ">") {
            fail(`Unexpected end of name token at byte offset ${byteOffset(text, tokenBegin)}`);
          }
        } else {
          const quote = text[i++]!;
          while (i < text.length && at(i) !== quote) {
            if (at(i) === "&") {
              const decoded = decodeHtmlEntity(text, i);
              if (decoded !== undefined) {
                attributeValue += String.fromCodePoint(decoded.codePoint);
                i = decoded.next;
                continue;
              }
            }
            attributeValue += text[i++];
          }
          if (at(i) === quote) i++;
        }
        if (i >= text.length) fail(`Unclosed start tag at byte offset ${byteOffset(text, beginPos)}`);

        if (tagName === "a" && attributeName === "href") {
          argument = attributeValue;
        } else if (tagName === "code" && attributeName === "class" && attributeValue.startsWith("language-")) {
          argument = attributeValue.slice(9);
        } else if (tagName === "span" && attributeName === "class" && attributeValue.startsWith("tg-")) {
          argument = attributeValue.slice(3);
        } else if (tagName === "tg-emoji" && attributeName === "emoji-id") {
          argument = attributeValue;
        } else if (tagName === "blockquote" && attributeName === "expandable") {
          argument = "1";
        }
      }

      if (tagName === "span" && argument !== "spoiler") {
        fail(`Tag "span" must have class "tg-spoiler" at byte offset ${byteOffset(text, beginPos)}`);
      }
      nested.push({ tagName, argument, entityOffset: result.length, resultBegin: result.length });
    } else {
      const open = nested[nested.length - 1];
      if (open === undefined) fail(`Unexpected end tag at byte offset ${byteOffset(text, beginPos)}`);
      while (!isSpace(at(i)) && at(i) !== ">") i++;
      const endTagName = text.slice(beginPos + 2, i).toLowerCase();
      while (i < text.length && isSpace(at(i))) i++;
      if (at(i) !== ">") fail(`Unclosed end tag at byte offset ${byteOffset(text, beginPos)}`);
      const tagName = open!.tagName;
      if (endTagName !== "" && endTagName !== tagName) {
        fail(
          `Unmatched end tag at byte offset ${byteOffset(text, beginPos)}, expected "</${tagName}>", found "</${endTagName}>"`,
        );
      }
      closeTag(open!, result, entities);
      nested.pop();
    }
  }
  const unclosed = nested[nested.length - 1];
  if (unclosed !== undefined) fail(`Can't find end tag corresponding to start tag "${unclosed.tagName}"`);

  for (const entity of entities) {
    if (entity.type === "code") delete entity.language;
  }
  if (decodedSurrogate && /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/u.test(result)) {
    fail(
      "Text contains invalid Unicode characters after decoding HTML entities, check for unmatched surrogate code units",
    );
  }
  return { text: result, entities: sortEntities(entities) };
}

/** Emits the entity for a closed tag; mirrors the tail of tdlib's end-tag branch. */
function closeTag(open: OpenTag, result: string, entities: RawEntity[]): void {
  const offset = open.entityOffset;
  const length = result.length - offset;
  if (length <= 0) return;
  const last = entities[entities.length - 1];
  switch (open.tagName) {
    case "i":
    case "em":
      entities.push({ type: "italic", offset, length });
      return;
    case "b":
    case "strong":
      entities.push({ type: "bold", offset, length });
      return;
    case "s":
    case "strike":
    case "del":
      entities.push({ type: "strikethrough", offset, length });
      return;
    case "u":
    case "ins":
      entities.push({ type: "underline", offset, length });
      return;
    case "tg-spoiler":
    case "span":
      entities.push({ type: "spoiler", offset, length });
      return;
    case "tg-emoji": {
      if (!/^-?\d{1,19}$/u.test(open.argument) || /^-?0+$/u.test(open.argument)) {
        throw new TextError("Invalid custom emoji identifier specified");
      }
      entities.push({ type: "custom_emoji", offset, length, customEmojiId: open.argument });
      return;
    }
    case "a": {
      const url = open.argument === "" ? result.slice(open.resultBegin) : open.argument;
      const userId = linkUserId(url);
      if (userId !== undefined) {
        entities.push({ type: "text_mention", offset, length, userId });
        return;
      }
      const checked = checkedLink(url);
      if (checked !== "") entities.push({ type: "text_link", offset, length, url: checked });
      return;
    }
    case "pre":
      if (
        last !== undefined &&
        last.type === "code" &&
        last.offset === offset &&
        last.length === length &&
        last.language
      ) {
        last.type = "pre";
      } else {
        entities.push({ type: "pre", offset, length });
      }
      return;
    case "code":
      if (
        last !== undefined &&
        last.type === "pre" &&
        last.offset === offset &&
        last.length === length &&
        open.argument
      ) {
        last.language = open.argument;
      } else {
        const entity: RawEntity = { type: "code", offset, length };
        if (open.argument) entity.language = open.argument;
        entities.push(entity);
      }
      return;
    case "blockquote":
      entities.push({ type: open.argument ? "expandable_blockquote" : "blockquote", offset, length });
      return;
    default:
      throw new Error(`unreachable tag ${open.tagName}`);
  }
}
