/**
 * Message-entity rules of Telegram, ported from tdlib (td/telegram/MessageEntity.cpp):
 * entity ordering, nesting fixes (`fix_entities`), text cleaning and trimming
 * (`fix_formatted_text`) and auto-detection of mentions, bot commands, hashtags,
 * cashtags, URLs and e-mail addresses (`find_entities`).
 *
 * Why it exists: a bot that is tested against the local emulator must see the
 * same `text`/`entities` Telegram would return - offsets in UTF-16 code units,
 * trailing whitespace trimmed, adjacent bold runs merged, URLs detected - or
 * bugs such as wrong offsets with CJK text and emoji would only show up in
 * production. The URL detector is a deliberate simplification of tdlib's
 * (`match_urls` + a full TLD list); see `findUrls`.
 */

/** Internal entity form: Bot API type names, UTF-16 offsets, arguments kept apart. */
export interface RawEntity {
  type: string;
  offset: number;
  length: number;
  /** text_link target. */
  url?: string;
  /** pre language. */
  language?: string;
  /** text_mention target user id (resolved to a User by the server). */
  userId?: number;
  /** custom_emoji identifier. */
  customEmojiId?: string;
}

/** Plain text plus entities, as stored in a Message. */
export interface FormattedText {
  text: string;
  entities: RawEntity[];
}

/** A tdlib-level text error; the server wraps it into a 400 "Bad Request". */
export class TextError extends Error {
  /** @param message tdlib's wording, e.g. "Text must be non-empty". */
  constructor(message: string) {
    super(message);
    this.name = "TextError";
  }
}

const SPLITTABLE = ["bold", "italic", "underline", "strikethrough", "spoiler"] as const;
const BLOCKQUOTE = new Set(["blockquote", "expandable_blockquote"]);
const PRE = new Set(["pre", "code"]);

/** True for entity types Telegram may split and merge (bold, italic, underline, strikethrough, spoiler). */
function isSplittable(type: string): boolean {
  return (SPLITTABLE as readonly string[]).includes(type);
}

function isBlockquote(type: string): boolean {
  return BLOCKQUOTE.has(type);
}

function isPre(type: string): boolean {
  return PRE.has(type);
}

/** Continuous entities: everything that is neither splittable nor a blockquote nor pre/code. */
function isContinuous(type: string): boolean {
  return !isSplittable(type) && !isBlockquote(type) && !isPre(type);
}

/** tdlib's `MessageEntity::get_type_priority`; lower sorts first among equal ranges. */
function typePriority(entity: RawEntity): number {
  switch (entity.type) {
    case "blockquote":
      return 0;
    case "expandable_blockquote":
      return 1;
    case "pre":
      return entity.language ? 10 : 11;
    case "code":
      return 20;
    case "text_link":
    case "text_mention":
      return 49;
    case "bold":
      return 90;
    case "italic":
      return 91;
    case "underline":
      return 92;
    case "strikethrough":
      return 93;
    case "spoiler":
      return 94;
    case "custom_emoji":
      return 99;
    default:
      return 50;
  }
}

function compareEntities(a: RawEntity, b: RawEntity): number {
  if (a.offset !== b.offset) return a.offset - b.offset;
  if (a.length !== b.length) return b.length - a.length;
  return typePriority(a) - typePriority(b);
}

/** Sorts entities the way tdlib does (offset asc, length desc, type priority). Returns a new array. */
export function sortEntities(entities: readonly RawEntity[]): RawEntity[] {
  return [...entities].sort(compareEntities);
}

function end(entity: RawEntity): number {
  return entity.offset + entity.length;
}

function splittableIndex(type: string): number {
  return (SPLITTABLE as readonly string[]).indexOf(type);
}

/** Port of `are_entities_valid`: the fast path that tells whether fixing is needed at all. */
function areEntitiesValid(entities: readonly RawEntity[]): boolean {
  const endPos = [-1, -1, -1, -1, -1];
  const stack: RawEntity[] = [];
  const stackTypes = new Map<string, number>();
  const stackHas = (predicate: (type: string) => boolean): boolean =>
    [...stackTypes.entries()].some(([type, count]) => count > 0 && predicate(type));
  for (const entity of entities) {
    while (stack.length > 0 && entity.offset >= end(stack[stack.length - 1]!)) {
      const popped = stack.pop()!;
      stackTypes.set(popped.type, (stackTypes.get(popped.type) ?? 1) - 1);
    }
    const parent = stack[stack.length - 1];
    if (parent !== undefined) {
      if (end(entity) > end(parent)) return false;
      if ((stackTypes.get(entity.type) ?? 0) > 0) return false;
      if (isPre(parent.type)) return false;
      if (isPre(entity.type) && stackHas((type) => !isBlockquote(type))) return false;
      if ((isContinuous(entity.type) || isBlockquote(entity.type)) && stackHas(isContinuous)) return false;
      if (isBlockquote(entity.type) && stackHas(isBlockquote)) return false;
      if (stackHas(isSplittable)) return false;
    }
    if (isSplittable(entity.type)) {
      const index = splittableIndex(entity.type);
      if ((endPos[index] ?? -1) >= entity.offset) return false;
      endPos[index] = end(entity);
    }
    stack.push(entity);
    stackTypes.set(entity.type, (stackTypes.get(entity.type) ?? 0) + 1);
  }
  return true;
}

/** Port of `remove_intersecting_entities`: keeps only entities that start after the previous kept one ends. */
function removeIntersecting(sorted: readonly RawEntity[]): RawEntity[] {
  let lastEnd = 0;
  const result: RawEntity[] = [];
  for (const entity of sorted) {
    if (entity.offset >= lastEnd) {
      lastEnd = end(entity);
      result.push(entity);
    }
  }
  return result;
}

/** Port of `remove_entities_intersecting_blockquote`. */
function removeIntersectingBlockquote(entities: readonly RawEntity[], blockquotes: readonly RawEntity[]): RawEntity[] {
  if (blockquotes.length === 0) return [...entities];
  let index = 0;
  const result: RawEntity[] = [];
  for (const entity of entities) {
    while (index < blockquotes.length && end(blockquotes[index]!) <= entity.offset) index++;
    const quote = blockquotes[index];
    if (
      quote !== undefined &&
      (end(quote) < end(entity) || (entity.offset < quote.offset && quote.offset < end(entity)))
    ) {
      continue;
    }
    result.push(entity);
  }
  return result;
}

/**
 * Port of `split_entities`: splits (and merges) splittable entities at the
 * boundaries of the other entities and drops the pieces that fall inside
 * pre/code, which cannot contain formatting.
 */
function splitEntities(splittable: readonly RawEntity[], others: readonly RawEntity[]): RawEntity[] {
  const beginPos = [0, 0, 0, 0, 0];
  const endPos = [0, 0, 0, 0, 0];
  const result: RawEntity[] = [];
  let next = 0;

  const flush = (offset: number): void => {
    for (const type of SPLITTABLE) {
      const i = splittableIndex(type);
      const b = beginPos[i]!;
      const e = endPos[i]!;
      if (e !== 0 && b < offset) {
        if (e <= offset) {
          result.push({ type, offset: b, length: e - b });
          beginPos[i] = 0;
          endPos[i] = 0;
        } else {
          result.push({ type, offset: b, length: offset - b });
          beginPos[i] = offset;
        }
      }
    }
  };
  const addEntities = (endOffset: number): void => {
    while (next < splittable.length) {
      const entity = splittable[next]!;
      if (entity.offset >= endOffset) break;
      const i = splittableIndex(entity.type);
      if (entity.offset <= endPos[i]! && endPos[i] !== 0) {
        if (end(entity) > endPos[i]!) endPos[i] = end(entity);
      } else {
        flush(entity.offset);
        beginPos[i] = entity.offset;
        endPos[i] = end(entity);
      }
      next++;
    }
    flush(endOffset);
  };
  const stack: RawEntity[] = [];
  const addOffset = (offset: number): void => {
    while (stack.length > 0 && offset >= end(stack[stack.length - 1]!)) {
      const top = stack[stack.length - 1]!;
      const oldSize = result.length;
      addEntities(end(top));
      if (isPre(top.type)) result.length = oldSize;
      stack.pop();
    }
    addEntities(offset);
  };
  for (const other of others) {
    addOffset(other.offset);
    stack.push(other);
  }
  addOffset(Number.MAX_SAFE_INTEGER);
  return sortEntities(result);
}

/** Port of `resplit_entities`. */
function resplit(splittable: RawEntity[], others: RawEntity[]): RawEntity[] {
  if (splittable.length === 0) return others;
  const split = splitEntities(splittable, others);
  if (others.length === 0) return split;
  return sortEntities([...others, ...split]);
}

function partition(entities: readonly RawEntity[]): {
  splittable: RawEntity[];
  blockquotes: RawEntity[];
  rest: RawEntity[];
} {
  const splittable: RawEntity[] = [];
  const blockquotes: RawEntity[] = [];
  const rest: RawEntity[] = [];
  for (const entity of entities) {
    if (isSplittable(entity.type)) splittable.push(entity);
    else if (isBlockquote(entity.type)) blockquotes.push(entity);
    else rest.push(entity);
  }
  return { splittable, blockquotes, rest };
}

/** Port of `fix_entities`: makes an arbitrary entity list valid (sorted, properly nested, merged). */
export function fixEntities(entities: readonly RawEntity[]): RawEntity[] {
  const sorted = sortEntities(entities);
  if (areEntitiesValid(sorted)) return sorted;
  const { splittable, blockquotes, rest } = partition(sorted);
  let continuous = removeIntersecting(rest);
  if (blockquotes.length > 0) {
    const quotes = removeIntersecting(blockquotes);
    continuous = sortEntities([...removeIntersectingBlockquote(continuous, quotes), ...quotes]);
  }
  return resplit(splittable, continuous);
}

/** Port of `merge_entities`: new (auto-detected) entities never overlap old ones. */
function mergeEntities(old: readonly RawEntity[], fresh: readonly RawEntity[]): RawEntity[] {
  if (fresh.length === 0) return [...old];
  if (old.length === 0) return [...fresh];
  const result: RawEntity[] = [];
  let i = 0;
  for (const entity of old) {
    while (i < fresh.length && end(fresh[i]!) <= entity.offset) result.push(fresh[i++]!);
    result.push(entity);
    while (i < fresh.length && fresh[i]!.offset < end(entity)) i++;
  }
  while (i < fresh.length) result.push(fresh[i++]!);
  return result;
}

/** Port of `merge_new_entities`. */
function mergeNewEntities(entities: readonly RawEntity[], fresh: readonly RawEntity[]): RawEntity[] {
  if (fresh.length === 0) return [...entities];
  const { splittable, blockquotes, rest } = partition(entities);
  let continuous = mergeEntities(rest, removeIntersectingBlockquote(fresh, blockquotes));
  if (blockquotes.length > 0) continuous = sortEntities([...continuous, ...blockquotes]);
  return resplit(splittable, continuous);
}

// ---------------------------------------------------------------------------
// Cleaning and trimming (fix_formatted_text)

/** Characters tdlib deletes from message text: '\r', U+2028..U+202E and three combining marks. */
function isDeletedChar(code: number): boolean {
  return code === 13 || (code >= 0x2028 && code <= 0x202e) || code === 0x0333 || code === 0x033f || code === 0x030a;
}

function byteOffsetOf(text: string, utf16Index: number): number {
  return Buffer.byteLength(text.slice(0, utf16Index), "utf8");
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

/** True if the string contains an unpaired UTF-16 surrogate (not valid UTF-8 once encoded). */
export function hasLoneSurrogate(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (isHighSurrogate(code)) {
      if (!isLowSurrogate(text.charCodeAt(i + 1))) return true;
      i++;
    } else if (isLowSurrogate(code)) {
      return true;
    }
  }
  return false;
}

/**
 * Port of `clean_input_string_with_entities`: replaces control characters by
 * spaces, deletes '\r' and a few invisible characters, and shifts entity
 * offsets accordingly. Entities must be sorted.
 */
function cleanText(text: string, entities: readonly RawEntity[]): FormattedText {
  // removedBefore[i] = number of deleted UTF-16 units before index i.
  const removedBefore = new Int32Array(text.length + 1);
  let out = "";
  let removed = 0;
  for (let i = 0; i < text.length; i++) {
    removedBefore[i] = removed;
    const code = text.charCodeAt(i);
    if (isDeletedChar(code)) {
      removed++;
    } else if (code < 32 && code !== 10) {
      out += " ";
    } else {
      out += text[i];
    }
  }
  removedBefore[text.length] = removed;

  const fixed: RawEntity[] = [];
  for (const entity of entities) {
    if (entity.offset > text.length) {
      throw new TextError(`Entity begins after the end of the text at UTF-16 offset ${entity.offset}`);
    }
    if (end(entity) > text.length) {
      throw new TextError(
        `Entity beginning at UTF-16 offset ${entity.offset} ends after the end of the text at UTF-16 offset ${end(entity)}`,
      );
    }
    if (entity.offset > 0 && entity.offset < text.length && isLowSurrogate(text.charCodeAt(entity.offset))) {
      throw new TextError(
        `Entity begins in a middle of a UTF-16 symbol at byte offset ${byteOffsetOf(text, entity.offset + 1)}`,
      );
    }
    if (end(entity) < text.length && isLowSurrogate(text.charCodeAt(end(entity)))) {
      throw new TextError(
        `Entity beginning at UTF-16 offset ${entity.offset} ends in a middle of a UTF-16 symbol at byte offset ${byteOffsetOf(text, end(entity) + 1)}`,
      );
    }
    const offset = entity.offset - removedBefore[entity.offset]!;
    const length = end(entity) - removedBefore[end(entity)]! - offset;
    fixed.push({ ...entity, offset, length });
  }
  return { text: out, entities: fixed };
}

/** Port of `remove_empty_entities`. */
function removeEmptyEntities(entities: readonly RawEntity[]): RawEntity[] {
  return entities.filter((entity) => {
    if (entity.length <= 0) return false;
    if (entity.type === "text_link") return Boolean(entity.url);
    if (entity.type === "text_mention") return entity.userId !== undefined && entity.userId > 0;
    if (entity.type === "custom_emoji") return Boolean(entity.customEmojiId);
    return true;
  });
}

/** Options of {@link fixFormattedText}, mirroring tdlib's flags. */
export interface FixOptions {
  allowEmpty?: boolean;
  /** Do not add auto-detected entities (mentions, URLs, ...). */
  skipNewEntities?: boolean;
  /** Do not auto-detect bot commands. */
  skipBotCommands?: boolean;
  skipTrim?: boolean;
}

/**
 * Port of tdlib's `fix_formatted_text`: validates and fixes entities, cleans
 * the text, trims leading/trailing spaces and newlines, rejects empty text with
 * "Text must be non-empty" and merges auto-detected entities.
 *
 * @throws TextError with tdlib's wording on invalid input.
 */
export function fixFormattedText(input: FormattedText, options: FixOptions = {}): FormattedText {
  if (hasLoneSurrogate(input.text)) throw new TextError("Strings must be encoded in UTF-8");
  for (const entity of input.entities) {
    if (entity.offset < 0 || entity.offset > 1_000_000) {
      throw new TextError(`Receive an entity with incorrect offset ${entity.offset}`);
    }
    if (entity.length < 0 || entity.length > 1_000_000) {
      throw new TextError(`Receive an entity with incorrect length ${entity.length}`);
    }
  }
  const prepared = input.entities.length === 0 ? [] : fixEntities(removeEmptyEntities(input.entities));
  const cleaned = cleanText(input.text, prepared);
  let text = cleaned.text;
  let entities = removeEmptyEntities(cleaned.entities);

  let lastNonWhitespace = -1;
  for (let i = text.length - 1; i >= 0; i--) {
    const c = text[i];
    if (c !== " " && c !== "\n") {
      lastNonWhitespace = i;
      break;
    }
  }
  if (lastNonWhitespace === -1) {
    if (options.allowEmpty) return { text: "", entities: [] };
    throw new TextError("Text must be non-empty");
  }
  entities = fixEntities(entities);

  if (!options.skipTrim) {
    text = text.slice(0, lastNonWhitespace + 1);
    entities = entities
      .filter((entity) => entity.offset <= lastNonWhitespace)
      .map((entity) =>
        end(entity) > lastNonWhitespace + 1 ? { ...entity, length: lastNonWhitespace + 1 - entity.offset } : entity,
      );
    entities = sortEntities(entities);
    const firstEntityOffset = entities[0]?.offset ?? text.length;
    let firstNonWhitespace = 0;
    while (
      firstNonWhitespace < firstEntityOffset &&
      (text[firstNonWhitespace] === " " || text[firstNonWhitespace] === "\n")
    ) {
      firstNonWhitespace++;
    }
    if (firstNonWhitespace > 0) {
      text = text.slice(firstNonWhitespace);
      entities = entities.map((entity) => ({ ...entity, offset: entity.offset - firstNonWhitespace }));
    }
  }
  if (!options.allowEmpty && text.length === 0) throw new TextError("Text must be non-empty");

  if (!options.skipNewEntities) {
    entities = mergeNewEntities(entities, findEntities(text, { skipBotCommands: options.skipBotCommands ?? false }));
  }
  return { text, entities };
}

// ---------------------------------------------------------------------------
// Auto-detection (find_entities)

const WORD_CHAR = /[\p{L}\p{N}_]/u;
const HASHTAG_LETTER = /[\p{L}\p{Nd}_\u200c\u00b7\u0d80-\u0dff]/u;
const LETTER = /\p{L}/u;
const ASCII_WORD = /[A-Za-z0-9_]/;

function codePointBefore(text: string, index: number): string {
  if (index <= 0) return "";
  const code = text.charCodeAt(index - 1);
  if (isLowSurrogate(code) && index >= 2) return text.slice(index - 2, index);
  return text[index - 1] ?? "";
}

function codePointAt(text: string, index: number): string {
  const cp = text.codePointAt(index);
  return cp === undefined ? "" : String.fromCodePoint(cp);
}

function isWordChar(ch: string): boolean {
  return ch !== "" && WORD_CHAR.test(ch);
}

function scanAsciiWord(text: string, from: number): number {
  let i = from;
  while (i < text.length && ASCII_WORD.test(text[i]!)) i++;
  return i;
}

/** Port of `match_mentions` + `find_mentions` (2-32 chars, at least 4 unless gif/vid/pic). */
function findMentions(text: string): Array<[number, number]> {
  const result: Array<[number, number]> = [];
  let i = text.indexOf("@");
  while (i !== -1) {
    const before = codePointBefore(text, i);
    if (isWordChar(before)) {
      i = text.indexOf("@", i + 1);
      continue;
    }
    const nameEnd = scanAsciiWord(text, i + 1);
    const size = nameEnd - i - 1;
    const next = codePointAt(text, nameEnd);
    const name = text.slice(i + 1, nameEnd).toLowerCase();
    if (size >= 2 && size <= 32 && !isWordChar(next) && (size >= 4 || ["gif", "vid", "pic"].includes(name))) {
      result.push([i, nameEnd - i]);
    }
    i = text.indexOf("@", Math.max(nameEnd, i + 1));
  }
  return result;
}

/** Port of `match_bot_commands`: `/cmd` or `/cmd@botname`. */
function findBotCommands(text: string): Array<[number, number]> {
  const result: Array<[number, number]> = [];
  const isBoundary = (ch: string): boolean => isWordChar(ch) || ch === "/" || ch === "<" || ch === ">";
  let i = text.indexOf("/");
  while (i !== -1) {
    if (isBoundary(codePointBefore(text, i))) {
      i = text.indexOf("/", i + 1);
      continue;
    }
    const commandEnd = scanAsciiWord(text, i + 1);
    let ptr = commandEnd;
    let entityEnd = commandEnd;
    const size = commandEnd - i - 1;
    let ok = size >= 1 && size <= 64;
    if (ok && text[ptr] === "@") {
      const mentionEnd = scanAsciiWord(text, ptr + 1);
      const mentionSize = mentionEnd - ptr - 1;
      ptr = mentionEnd;
      if (mentionSize < 3 || mentionSize > 32) ok = false;
      else entityEnd = mentionEnd;
    }
    if (ok && !isBoundary(codePointAt(text, ptr))) result.push([i, entityEnd - i]);
    i = text.indexOf("/", Math.max(ptr, i + 1));
  }
  return result;
}

/** Port of `match_hashtags`: 1-256 hashtag letters with at least one letter, not followed by '#'. */
function findHashtags(text: string): Array<[number, number]> {
  const result: Array<[number, number]> = [];
  let i = text.indexOf("#");
  while (i !== -1) {
    const before = codePointBefore(text, i);
    if (before !== "" && HASHTAG_LETTER.test(before)) {
      i = text.indexOf("#", i + 1);
      continue;
    }
    let ptr = i + 1;
    let count = 0;
    let cappedEnd = -1;
    let hasLetter = false;
    for (;;) {
      const ch = codePointAt(text, ptr);
      if (ch === "" || !HASHTAG_LETTER.test(ch)) break;
      ptr += ch.length;
      if (count === 255) cappedEnd = ptr;
      if (count !== 256) {
        hasLetter ||= LETTER.test(ch);
        count++;
      }
    }
    const hashtagEnd = cappedEnd === -1 ? ptr : cappedEnd;
    if (count >= 1 && text[ptr] !== "#" && hasLetter) result.push([i, hashtagEnd - i]);
    i = text.indexOf("#", Math.max(ptr, i + 1));
  }
  return result;
}

/** Port of `match_cashtags`: `$USD`, `$1INCH`. */
function findCashtags(text: string): Array<[number, number]> {
  const result: Array<[number, number]> = [];
  const isTagChar = (ch: string): boolean => ch !== "" && (HASHTAG_LETTER.test(ch) || ch === "$");
  let i = text.indexOf("$");
  while (i !== -1) {
    if (isTagChar(codePointBefore(text, i))) {
      i = text.indexOf("$", i + 1);
      continue;
    }
    let ptr = i + 1;
    if (text.startsWith("1INCH", ptr)) ptr += 5;
    else while (ptr < text.length && text[ptr]! >= "A" && text[ptr]! <= "Z") ptr++;
    const size = ptr - i - 1;
    if (size >= 1 && size <= 8 && !isTagChar(codePointAt(text, ptr))) result.push([i, ptr - i]);
    i = text.indexOf("$", Math.max(ptr, i + 1));
  }
  return result;
}

/**
 * Simplified URL detection. tdlib's `match_urls` accepts any domain from a
 * ~1500-entry TLD list; this keeps the common TLDs, explicit schemes and
 * `fix_url`'s trailing-punctuation and bracket-balance rules, which covers
 * what a bot realistically writes (source links, docs).
 */
const COMMON_TLDS = new Set(
  (
    "com org net edu gov mil int info biz io co ai app dev me tv cc us uk ru de fr jp kr cn hk tw sg in br it es nl se no fi pl " +
    "ch at be ca au nz ua by kz eu asia online site xyz top tech store blog news wiki museum name pro mobi travel jobs tel " +
    "中国 公司 网络 在线 中文网 网址 政务 新闻 手机 移动"
  ).split(" "),
);
// Quantifiers are bounded (DNS labels are at most 63 characters) so that long
// runs of letters, e.g. Chinese text, are scanned in linear time.
const URL_CANDIDATE =
  /(?:(?:https?|ftp|tonsite):\/\/[^\s<>"]+)|(?:tg:\/\/[^\s<>"]+)|(?:[\p{L}\p{N}](?:[\p{L}\p{N}_-]{0,61}[\p{L}\p{N}])?\.){1,10}[\p{L}\p{N}-]{2,63}(?::\d{1,5})?(?:[/?#][^\s<>"]*)?/giu;
const EMAIL = /^[A-Za-z0-9._%+-]+@([A-Za-z0-9-]+\.)+[A-Za-z]{2,}$/;

function trimUrlPath(url: string): string {
  const schemeEnd = url.indexOf("://");
  const rest = schemeEnd === -1 ? url : url.slice(schemeEnd + 3);
  const pathStartInRest = Math.min(
    ...["/", "?", "#"].map((c) => (rest.indexOf(c) === -1 ? rest.length : rest.indexOf(c))),
  );
  const pathStart = url.length - rest.length + pathStartInRest;
  const path = url.slice(pathStart);
  const balance = [0, 0, 0];
  let pos = 0;
  for (; pos < path.length; pos++) {
    const c = path[pos];
    if (c === "(") balance[0]!++;
    else if (c === "[") balance[1]!++;
    else if (c === "{") balance[2]!++;
    else if (c === ")") balance[0]!--;
    else if (c === "]") balance[1]!--;
    else if (c === "}") balance[2]!--;
    if (balance[0]! < 0 || balance[1]! < 0 || balance[2]! < 0) break;
  }
  while (pos > 0 && ".:;,('?!`".includes(path[pos - 1]!)) pos--;
  return url.slice(0, pathStart + pos);
}

function hostOf(url: string): string {
  const schemeEnd = url.indexOf("://");
  const rest = schemeEnd === -1 ? url : url.slice(schemeEnd + 3);
  const host = rest.split(/[/?#]/u)[0] ?? "";
  const withoutUser = host.includes("@") ? host.slice(host.lastIndexOf("@") + 1) : host;
  return withoutUser.replace(/:\d+$/u, "");
}

/** Whitespace-separated tokens containing `needle`, with their offsets (a linear pre-filter for the regexes). */
function tokensContaining(text: string, needles: readonly string[]): Array<[string, number]> {
  if (!needles.some((needle) => text.includes(needle))) return [];
  const tokens: Array<[string, number]> = [];
  for (const match of text.matchAll(/\S+/gu)) {
    if (needles.some((needle) => match[0].includes(needle))) tokens.push([match[0], match.index ?? 0]);
  }
  return tokens;
}

/** URL and e-mail detection; returns [offset, length, type] triples. */
function findUrls(text: string): Array<[number, number, "url" | "email"]> {
  const result: Array<[number, number, "url" | "email"]> = [];
  for (const [token, tokenStart] of tokensContaining(text, [".", "://"])) {
    for (const match of token.matchAll(URL_CANDIDATE)) {
      const start = tokenStart + (match.index ?? 0);
      const raw = match[0];
      const before = codePointBefore(text, start);
      const hasScheme = /^(?:https?|ftp|tonsite|tg):\/\//iu.test(raw);
      // The host part of an e-mail address ("user@host.tld") is not a URL on its own.
      if (!hasScheme && (before === "@" || before === "." || before === "/" || isWordChar(before))) continue;
      const url = trimUrlPath(raw);
      if (url.length === 0) continue;
      if (!hasScheme) {
        const host = hostOf(url);
        const tld = host.slice(host.lastIndexOf(".") + 1).toLowerCase();
        if (!COMMON_TLDS.has(tld)) continue;
      }
      result.push([start, url.length, "url"]);
    }
  }
  for (const [token, tokenStart] of tokensContaining(text, ["@"])) {
    for (const match of token.matchAll(/[A-Za-z0-9._%+-]{1,64}@(?:[A-Za-z0-9-]{1,63}\.){1,10}[A-Za-z]{2,63}/gu)) {
      const start = tokenStart + (match.index ?? 0);
      if (isWordChar(codePointBefore(text, start)) || !EMAIL.test(match[0])) continue;
      result.push([start, match[0].length, "email"]);
    }
  }
  return result;
}

/**
 * Port of `find_entities`: auto-detected entities of a plain text, sorted and
 * with overlapping ones removed (e.g. a mention inside a URL).
 */
export function findEntities(text: string, options: { skipBotCommands?: boolean } = {}): RawEntity[] {
  const found: RawEntity[] = [];
  for (const [offset, length] of findMentions(text)) found.push({ type: "mention", offset, length });
  if (!options.skipBotCommands) {
    for (const [offset, length] of findBotCommands(text)) found.push({ type: "bot_command", offset, length });
  }
  for (const [offset, length] of findHashtags(text)) found.push({ type: "hashtag", offset, length });
  for (const [offset, length] of findCashtags(text)) found.push({ type: "cashtag", offset, length });
  for (const [offset, length, type] of findUrls(text)) found.push({ type, offset, length });
  return removeIntersecting(sortEntities(found));
}

/** Number of Unicode code points, the unit of Telegram's 4096-character message limit. */
export function codePointLength(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    count++;
    if (isHighSurrogate(text.charCodeAt(i)) && isLowSurrogate(text.charCodeAt(i + 1))) i++;
  }
  return count;
}
