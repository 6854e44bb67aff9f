/**
 * Telegram's MarkdownV2 and legacy Markdown parse modes, ported from tdlib's
 * `parse_markdown_v2` and `parse_markdown` (td/telegram/MessageEntity.cpp).
 *
 * Why it exists: bots commonly fail on MarkdownV2's reserved characters
 * ("Character '.' is reserved and must be escaped with the preceding '\'");
 * reproducing the parser offline makes such failures visible in tests.
 */

import { checkedLink, linkUserId } from "./telegram-html.js";
import { TextError, sortEntities, type FormattedText, type RawEntity } from "./text-entities.js";

/** tdlib entity kinds as printed in its error messages. */
type TdKind =
  | "Bold"
  | "Italic"
  | "Underline"
  | "Strikethrough"
  | "Spoiler"
  | "Code"
  | "Pre"
  | "PreCode"
  | "TextUrl"
  | "CustomEmoji"
  | "BlockQuote"
  | "ExpandableBlockQuote";

interface Open {
  kind: TdKind;
  argument: string;
  entityOffset: number;
  /** Index in the source (code units) of the opening marker. */
  sourceIndex: number;
  resultBegin: number;
}

function isSpace(c: string): boolean {
  return c === " " || c === "\t" || c === "\r" || c === "\n" || c === "\0" || c === "\v" || c === "\f";
}

function byteOffset(text: string, index: number): number {
  return Buffer.byteLength(text.slice(0, index), "utf8");
}

function toRaw(kind: TdKind, offset: number, length: number, argument: string): RawEntity {
  switch (kind) {
    case "Bold":
      return { type: "bold", offset, length };
    case "Italic":
      return { type: "italic", offset, length };
    case "Underline":
      return { type: "underline", offset, length };
    case "Strikethrough":
      return { type: "strikethrough", offset, length };
    case "Spoiler":
      return { type: "spoiler", offset, length };
    case "Code":
      return { type: "code", offset, length };
    case "Pre":
      return { type: "pre", offset, length };
    case "PreCode":
      return { type: "pre", offset, length, language: argument };
    case "TextUrl":
      return { type: "text_link", offset, length, url: argument };
    case "CustomEmoji":
      return { type: "custom_emoji", offset, length, customEmojiId: argument };
    case "BlockQuote":
      return { type: "blockquote", offset, length };
    case "ExpandableBlockQuote":
      return { type: "expandable_blockquote", offset, length };
  }
}

function linkEntity(url: string, offset: number, length: number): RawEntity | undefined {
  const userId = linkUserId(url);
  if (userId !== undefined) return { type: "text_mention", offset, length, userId };
  const checked = checkedLink(url);
  return checked === "" ? undefined : { type: "text_link", offset, length, url: checked };
}

/**
 * Parses MarkdownV2 into plain text and entities.
 *
 * @throws TextError with tdlib's message, prefixed "Can't parse entities: ".
 */
export function parseMarkdownV2(markdown: string): FormattedText {
  try {
    return parseMarkdownV2Inner(markdown);
  } catch (error) {
    if (error instanceof TextError) throw new TextError(`Can't parse entities: ${error.message}`);
    throw error;
  }
}

function parseMarkdownV2Inner(text: string): FormattedText {
  const at = (i: number): string => text[i] ?? "\0";
  const reservedError = (i: number): never => {
    throw new TextError(`Character '${at(i)}' is reserved and must be escaped with the preceding '\\'`);
  };
  const cantFindEnd = (open: Open): never => {
    throw new TextError(`Can't find end of ${open.kind} entity at byte offset ${byteOffset(text, open.sourceIndex)}`);
  };
  let result = "";
  const entities: RawEntity[] = [];
  const nested: Open[] = [];
  let haveBlockquote = false;
  let canStartBlockquote = true;

  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    const nextCode = text.charCodeAt(i + 1);
    if (c === "\\" && nextCode > 0 && nextCode <= 126) {
      i++;
      result += text[i];
      if (text[i] !== "\r") canStartBlockquote = text[i] === "\n";
      continue;
    }
    const top = nested[nested.length - 1];
    const reserved =
      top !== undefined && (top.kind === "Code" || top.kind === "Pre" || top.kind === "PreCode")
        ? "`"
        : "_*[]()~`>#+-=|{}.!\n";
    if (!reserved.includes(c)) {
      if (c !== "\r") canStartBlockquote = false;
      result += c;
      continue;
    }

    const isEnd = ((): boolean => {
      if (top === undefined) return false;
      if (haveBlockquote && c === "\n" && (i + 1 === text.length || at(i + 1) !== ">")) return true;
      switch (top.kind) {
        case "Bold":
          return c === "*";
        case "Italic":
          return c === "_" && at(i + 1) !== "_";
        case "Code":
          return c === "`";
        case "Pre":
        case "PreCode":
          return c === "`" && at(i + 1) === "`" && at(i + 2) === "`";
        case "TextUrl":
        case "CustomEmoji":
          return c === "]";
        case "Underline":
          return c === "_" && at(i + 1) === "_";
        case "Strikethrough":
          return c === "~";
        case "Spoiler":
          return c === "|" && at(i + 1) === "|";
        default:
          return false;
      }
    })();

    if (!isEnd) {
      const sourceIndex = i;
      let kind: TdKind | undefined;
      let argument = "";
      switch (c) {
        case "_":
          if (at(i + 1) === "_") {
            kind = "Underline";
            i++;
          } else {
            kind = "Italic";
          }
          break;
        case "*":
          kind = "Bold";
          break;
        case "~":
          kind = "Strikethrough";
          break;
        case "|":
          if (at(i + 1) !== "|") reservedError(i);
          i++;
          kind = "Spoiler";
          break;
        case "[":
          kind = "TextUrl";
          break;
        case "`":
          if (at(i + 1) === "`" && at(i + 2) === "`") {
            i += 3;
            kind = "Pre";
            let languageEnd = i;
            while (!isSpace(at(languageEnd)) && at(languageEnd) !== "`") languageEnd++;
            if (i !== languageEnd && languageEnd < text.length && at(languageEnd) !== "`") {
              kind = "PreCode";
              argument = text.slice(i, languageEnd);
              i = languageEnd;
            }
            if (at(i) === "\n" || at(i) === "\r") {
              i += (at(i + 1) === "\n" || at(i + 1) === "\r") && at(i) !== at(i + 1) ? 2 : 1;
            }
            i--;
          } else {
            kind = "Code";
          }
          break;
        case "!":
          if (at(i + 1) !== "[") reservedError(i);
          i++;
          kind = "CustomEmoji";
          break;
        case "\n":
          result += "\n";
          canStartBlockquote = true;
          break;
        case ">":
          if (!canStartBlockquote) reservedError(i);
          if (!haveBlockquote) {
            kind = "BlockQuote";
            haveBlockquote = true;
          }
          break;
        default:
          reservedError(i);
      }
      if (kind === undefined) continue;
      nested.push({ kind, argument, entityOffset: result.length, sourceIndex, resultBegin: result.length });
      continue;
    }

    // End of an entity.
    let open = top!;
    let kind = open.kind;
    if (c === "\n" && kind !== "BlockQuote") {
      const spoilerRightBefore =
        kind === "Spoiler" &&
        (open.sourceIndex === i - 2 || (open.sourceIndex === i - 3 && result.endsWith("\r")));
      if (!spoilerRightBefore) cantFindEnd(open);
      nested.pop();
      open = nested[nested.length - 1]!;
      if (open.kind !== "BlockQuote") cantFindEnd(open);
      kind = "ExpandableBlockQuote";
    }
    let argument = open.argument;
    let skip = result.length === open.entityOffset;
    let linked: RawEntity | undefined;
    switch (kind) {
      case "Underline":
      case "Spoiler":
        i++;
        break;
      case "Pre":
      case "PreCode":
        i += 2;
        break;
      case "TextUrl": {
        let url = "";
        if (at(i + 1) !== "(") {
          url = result.slice(open.resultBegin);
        } else {
          i += 2;
          const urlBegin = i;
          while (i < text.length && at(i) !== ")") {
            const code = text.charCodeAt(i + 1);
            if (at(i) === "\\" && code > 0 && code <= 126) {
              url += text[i + 1];
              i += 2;
              continue;
            }
            url += text[i++];
          }
          if (at(i) !== ")") throw new TextError(`Can't find end of a URL at byte offset ${byteOffset(text, urlBegin)}`);
        }
        linked = linkEntity(url, open.entityOffset, result.length - open.entityOffset);
        if (linked === undefined) skip = true;
        break;
      }
      case "CustomEmoji": {
        if (at(i + 1) !== "(") throw new TextError("Custom emoji entity must contain a tg://emoji URL");
        i += 2;
        let url = "";
        const urlBegin = i;
        while (i < text.length && at(i) !== ")") {
          const code = text.charCodeAt(i + 1);
          if (at(i) === "\\" && code > 0 && code <= 126) {
            url += text[i + 1];
            i += 2;
            continue;
          }
          url += text[i++];
        }
        if (at(i) !== ")") {
          throw new TextError(`Can't find end of a custom emoji URL at byte offset ${byteOffset(text, urlBegin)}`);
        }
        const match = /^tg:\/\/emoji\?id=(\d{1,19})$/u.exec(url);
        if (match === null) throw new TextError("Invalid custom emoji URL specified");
        argument = match[1]!;
        break;
      }
      case "BlockQuote":
      case "ExpandableBlockQuote":
        haveBlockquote = false;
        result += at(i);
        canStartBlockquote = true;
        skip = false;
        break;
      default:
        break;
    }
    if (!skip) {
      const length = result.length - open.entityOffset;
      entities.push(linked ?? toRaw(kind, open.entityOffset, length, argument));
    }
    nested.pop();
  }

  if (haveBlockquote) {
    let kind: TdKind = "BlockQuote";
    const last = nested[nested.length - 1];
    if (last !== undefined && last.kind === "Spoiler" && last.sourceIndex === text.length - 2) {
      nested.pop();
      kind = "ExpandableBlockQuote";
    }
    const quote = nested[nested.length - 1];
    if (quote !== undefined && quote.kind === "BlockQuote") {
      const length = result.length - quote.entityOffset;
      if (length !== 0) entities.push(toRaw(kind, quote.entityOffset, length, ""));
      nested.pop();
    }
  }
  const unclosed = nested[nested.length - 1];
  if (unclosed !== undefined) cantFindEnd(unclosed);
  return { text: result, entities: sortEntities(entities) };
}

/**
 * Parses legacy Markdown (`*bold*`, `_italic_`, `` `code` ``, ```` ```pre``` ````, `[text](url)`).
 *
 * @throws TextError with tdlib's message, prefixed "Can't parse entities: ".
 */
export function parseMarkdown(markdown: string): FormattedText {
  const text = markdown;
  const at = (i: number): string => text[i] ?? "\0";
  let result = "";
  const entities: RawEntity[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === "\\" && "_*`[".includes(at(i + 1))) {
      i++;
      result += text[i];
      continue;
    }
    if (!"_*`[".includes(c)) {
      result += c;
      continue;
    }
    const beginPos = i;
    const endCharacter = c === "[" ? "]" : c;
    let isPre = false;
    i++;
    let language = "";
    if (c === "`" && at(i) === "`" && at(i + 1) === "`") {
      i += 2;
      isPre = true;
      let languageEnd = i;
      while (!isSpace(at(languageEnd)) && at(languageEnd) !== "`") languageEnd++;
      if (i !== languageEnd && languageEnd < text.length && at(languageEnd) !== "`") {
        language = text.slice(i, languageEnd);
        i = languageEnd;
      }
      if (at(i) === "\n" || at(i) === "\r") {
        i += (at(i + 1) === "\n" || at(i + 1) === "\r") && at(i) !== at(i + 1) ? 2 : 1;
      }
    }
    const entityOffset = result.length;
    while (i < text.length && (at(i) !== endCharacter || (isPre && !(at(i + 1) === "`" && at(i + 2) === "`")))) {
      result += text[i++];
    }
    if (i >= text.length) {
      throw new TextError(
        `Can't parse entities: Can't find end of the entity starting at byte offset ${byteOffset(text, beginPos)}`,
      );
    }
    const length = result.length - entityOffset;
    if (length > 0) {
      if (c === "_") entities.push({ type: "italic", offset: entityOffset, length });
      else if (c === "*") entities.push({ type: "bold", offset: entityOffset, length });
      else if (c === "[") {
        let url = "";
        if (at(i + 1) !== "(") {
          url = text.slice(beginPos + 1, i);
        } else {
          i += 2;
          while (i < text.length && at(i) !== ")") url += text[i++];
        }
        const linked = linkEntity(url, entityOffset, length);
        if (linked !== undefined) entities.push(linked);
      } else if (isPre) {
        entities.push(
          language === ""
            ? { type: "pre", offset: entityOffset, length }
            : { type: "pre", offset: entityOffset, length, language },
        );
      } else {
        entities.push({ type: "code", offset: entityOffset, length });
      }
    }
    if (isPre) i += 2;
  }
  return { text: result, entities: sortEntities(entities) };
}
