/**
 * Chat with the bot from a terminal, through the local Bot API emulator.
 *
 * Why it exists: developers (and scripted demos/tests) need to try the bot
 * without Telegram. Each input line becomes a user message in a private chat
 * (or a given group); everything the bot does in that chat is printed in a
 * readable form - formatted text as plain text, link targets, "… typing",
 * streamed edits collapsed to their settled text, inline keyboards as numbered
 * choices. Typing a bare number presses that button (or picks that inline
 * result); `@bot QUERY` / `?inline QUERY` sends an inline query; `/quit` or EOF
 * ends the session.
 */

import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";

import type { BotApiServer, InlineAnswer } from "./bot-api-server.js";
import type { CreateUserInit } from "./chat-model.js";
import { parseHtml } from "./telegram-html.js";
import type {
  Chat,
  InlineKeyboardButton,
  InlineKeyboardMarkup,
  Message,
  MessageEntity,
  PhotoSize,
  User,
} from "@grammyjs/types";

/** Options of {@link runTerminalClient}. */
export interface TerminalClientOptions {
  server: BotApiServer;
  input: Readable;
  output: Writable;
  /** An existing user (created on the server), or fields for a new one. */
  user?: User | CreateUserInit;
  /** language_code of a newly created user. */
  language?: string;
  /** Chat to talk in (default: the user's private chat with the bot). */
  chat?: Chat | number;
  /** Quiet period after which a streamed edit is printed (default 400 ms). */
  editSettleMs?: number;
  /** After EOF, wait until the bot has been quiet this long before returning (default 1500 ms, max 30 s overall). */
  drainMs?: number;
  /** How long to wait for an inline query answer (default 10 s). */
  inlineTimeoutMs?: number;
  /** Where photos the bot sends are saved, so their path can be printed (default: a folder in the OS temp dir). */
  photoDir?: string;
  /** Shown where the person types (e.g. "› " on a terminal); redrawn after the bot's output. Default none. */
  prompt?: string;
  /**
   * Lines that arrive within this many ms of a question's first line are one pasted
   * message, sent whole (default 0: every line is a message, as piped scripts expect).
   */
  pasteWindowMs?: number;
}

type Choices =
  | { kind: "buttons"; chatId: number; messageId: number; buttons: InlineKeyboardButton[] }
  | { kind: "inline"; inlineQueryId: string; results: Array<Record<string, unknown>> };

/**
 * Renders message text for a terminal: formatting is dropped, and the target
 * of each text link is appended after its text unless already visible.
 */
export function renderEntitiesText(text: string, entities: readonly MessageEntity[] = []): string {
  const links = entities
    .filter((entity) => entity.type === "text_link")
    .sort((a, b) => b.offset + b.length - (a.offset + a.length));
  let result = text;
  for (const link of links) {
    const end = link.offset + link.length;
    const shown = text.slice(link.offset, end);
    if (shown.includes(link.url) || link.url === `${shown}/`) continue;
    result = `${result.slice(0, end)} (${link.url})${result.slice(end)}`;
  }
  return result;
}

/**
 * Converts Telegram HTML to terminal text: tags removed, `&lt;` `&gt;` `&amp;`
 * `&quot;` and numeric references decoded, link targets shown in parentheses.
 * Text Telegram would reject is still shown, by stripping anything tag-like.
 */
export function htmlToTerminalText(html: string): string {
  try {
    const parsed = parseHtml(html);
    const entities = parsed.entities.map(
      (entity): MessageEntity =>
        entity.type === "text_link"
          ? { type: "text_link", offset: entity.offset, length: entity.length, url: entity.url ?? "" }
          : {
              type: entity.type as MessageEntity.CommonMessageEntity["type"],
              offset: entity.offset,
              length: entity.length,
            },
    );
    return renderEntitiesText(parsed.text, entities);
  } catch {
    return html
      .replace(/<[^>]*>/gu, "")
      .replace(/&lt;/gu, "<")
      .replace(/&gt;/gu, ">")
      .replace(/&quot;/gu, '"')
      .replace(/&#(\d+);/gu, (_, code: string) => String.fromCodePoint(Number(code)))
      .replace(/&amp;/gu, "&");
  }
}

/** Buttons of an inline keyboard in row-major order (the order of their numbers). */
export function keyboardButtons(markup: InlineKeyboardMarkup | undefined): InlineKeyboardButton[] {
  return markup?.inline_keyboard.flat() ?? [];
}

/**
 * Formats an inline keyboard as numbered choices, one line per row:
 * `  [1] 📄 来源 1   [2] 👍   [3] 👎`. URL buttons show their target.
 */
export function formatKeyboard(markup: InlineKeyboardMarkup | undefined): string {
  let n = 0;
  return (markup?.inline_keyboard ?? [])
    .filter((row) => row.length > 0)
    .map(
      (row) =>
        "  " +
        row
          .map((button) => {
            n++;
            const target = "url" in button ? ` (${button.url})` : "";
            return `[${n}] ${button.text}${target}`;
          })
          .join("   "),
    )
    .join("\n");
}

function resultTitle(result: Record<string, unknown>): string {
  const title = typeof result["title"] === "string" ? result["title"] : String(result["id"]);
  const description = typeof result["description"] === "string" ? ` — ${result["description"]}` : "";
  return `${title}${description}`;
}

function resultText(result: Record<string, unknown>): string {
  const content = (result["input_message_content"] ?? result) as Record<string, unknown>;
  const text = typeof content["message_text"] === "string" ? content["message_text"] : "";
  const mode = typeof content["parse_mode"] === "string" ? content["parse_mode"].toLowerCase() : "";
  return mode === "html" ? htmlToTerminalText(text) : text;
}

/**
 * Runs an interactive session until `/quit` or end of input. Deterministic
 * enough for tests: drive it with PassThrough streams and wait for output.
 */
export async function runTerminalClient(options: TerminalClientOptions): Promise<void> {
  const { server, output } = options;
  let photoDir: string | undefined;
  const editSettleMs = options.editSettleMs ?? 400;
  const drainMs = options.drainMs ?? 1500;
  const inlineTimeoutMs = options.inlineTimeoutMs ?? 10_000;
  const user = resolveUser(server, options.user, options.language);
  const chatId =
    options.chat === undefined ? user.id : typeof options.chat === "number" ? options.chat : options.chat.id;
  const botName = server.botInfo.username;

  const prompt = options.prompt ?? "";
  // With a prompt, bot output first clears the prompt line, then draws the prompt again below.
  const write = (text: string): void => {
    output.write(prompt === "" ? `${text}\n` : `\r\x1b[K${text}\n${prompt}`);
  };
  let choices: Choices | undefined;
  let typingShown = false;
  let lastActivity = performance.now();
  const printed = new Map<number, string>();
  const pendingEdits = new Map<number, { timer: NodeJS.Timeout; message: Message }>();
  const myCallbackQueries = new Set<string>();

  const printMessage = (message: Message, edited: boolean): void => {
    const text = describeMessage(message, (photo) =>
      savePhoto(server, photo, (photoDir ??= options.photoDir ?? mkdtempSync(join(tmpdir(), "csj-photos-")))),
    );
    const keyboard = formatKeyboard(message.reply_markup);
    const signature = `${text}\u0000${keyboard}`;
    if (printed.get(message.message_id) === signature) return;
    const previous = printed.get(message.message_id);
    printed.set(message.message_id, signature);
    const previousText = previous?.split("\u0000")[0];
    if (!edited || previousText !== text) write(`${edited ? "bot (edited)" : "bot"}> ${text}`);
    if (keyboard !== "") {
      write(keyboard);
      choices = {
        kind: "buttons",
        chatId: message.chat.id,
        messageId: message.message_id,
        buttons: keyboardButtons(message.reply_markup),
      };
    }
  };

  const flushEdit = (messageId: number): void => {
    const pending = pendingEdits.get(messageId);
    if (pending === undefined) return;
    clearTimeout(pending.timer);
    pendingEdits.delete(messageId);
    printMessage(pending.message, true);
  };

  const unsubscribe = server.onEvent((event) => {
    switch (event.type) {
      case "message":
        if (event.chatId !== chatId) return;
        lastActivity = performance.now();
        printMessage(event.message, false);
        return;
      case "edit": {
        if (event.chatId !== chatId) return;
        lastActivity = performance.now();
        const id = event.message.message_id;
        const existing = pendingEdits.get(id);
        if (existing !== undefined) clearTimeout(existing.timer);
        // Streamed answers edit the same message many times; print only the settled text.
        pendingEdits.set(id, { message: event.message, timer: setTimeout(() => flushEdit(id), editSettleMs) });
        return;
      }
      case "delete":
        if (event.chatId !== chatId || !printed.has(event.messageId)) return;
        lastActivity = performance.now();
        write("bot> (message deleted)");
        return;
      case "chat_action":
        if (event.chatId !== chatId) return;
        lastActivity = performance.now();
        if (event.action === "typing" && !typingShown) {
          typingShown = true;
          write("… typing");
        }
        return;
      case "callback_answer": {
        if (!myCallbackQueries.has(event.answer.callback_query_id)) return;
        lastActivity = performance.now();
        if (event.answer.text !== undefined && event.answer.text !== "") {
          write(`(${event.answer.show_alert ? "alert" : "notice"}) ${event.answer.text}`);
        }
        if (event.answer.url !== undefined) write(`(open) ${event.answer.url}`);
        return;
      }
      default:
        return;
    }
  });

  const showInlineAnswer = (answer: InlineAnswer): void => {
    if (answer.results.length === 0) {
      write("(no inline results)");
      choices = undefined;
      return;
    }
    write("inline results:");
    answer.results.forEach((result, index) => write(`  [${index + 1}] ${resultTitle(result)}`));
    choices = { kind: "inline", inlineQueryId: answer.inline_query_id, results: answer.results };
  };

  const pick = (n: number): boolean => {
    const current = choices;
    if (current === undefined) return false;
    if (current.kind === "buttons") {
      const button = current.buttons[n - 1];
      if (button === undefined) return false;
      if ("url" in button) {
        write(`(open) ${button.url}`);
      } else if ("callback_data" in button) {
        const { callbackQuery } = server.pressButton(
          user,
          { chat: { id: current.chatId }, message_id: current.messageId },
          button.callback_data,
        );
        myCallbackQueries.add(callbackQuery.id);
      } else {
        write(`(button "${button.text}" has no action in the terminal)`);
      }
      return true;
    }
    const result = current.results[n - 1];
    if (result === undefined) return false;
    server.chooseInlineResult(user, current.inlineQueryId, String(result["id"]));
    write(`(sent via @${botName}) ${resultText(result)}`);
    return true;
  };

  const inlinePattern = new RegExp(`^(?:@bot|@${botName}|\\?inline)\\s+(.*)$`, "isu");
  const handleLine = async (raw: string): Promise<boolean> => {
    const line = raw.replace(/\r$/u, "");
    if (line.trim() === "") return true;
    if (line.trim() === "/quit") return false;
    if (/^\d+$/u.test(line.trim()) && pick(Number(line.trim()))) return true;
    const inline = inlinePattern.exec(line.trim());
    if (inline !== null) {
      const { inlineQuery } = server.sendInlineQuery(user, inline[1] ?? "");
      try {
        showInlineAnswer(await server.waitForInlineAnswer(inlineQuery.id, inlineTimeoutMs));
      } catch {
        write("(the bot did not answer the inline query)");
      }
      return true;
    }
    typingShown = false;
    lastActivity = performance.now();
    server.sendMessage(user, chatId, line);
    return true;
  };

  write(`Chatting with @${botName} as ${user.first_name} (id ${user.id}). Type /quit to leave.`);
  const lines = createInterface({ input: options.input, crlfDelay: Infinity, terminal: false });
  let quit = false;
  try {
    for await (const line of pastes(lines[Symbol.asyncIterator](), options.pasteWindowMs ?? 0)) {
      let keepGoing = true;
      try {
        keepGoing = await handleLine(line);
      } catch (error) {
        // E.g. pressing a button the bot has since removed; the session goes on.
        write(`(error) ${(error as Error).message}`);
      }
      if (!keepGoing) {
        quit = true;
        break;
      }
    }
    if (!quit) {
      // End of input (e.g. a piped script): let the bot finish answering first.
      const deadline = performance.now() + 30_000;
      while (performance.now() < deadline && (performance.now() - lastActivity < drainMs || pendingEdits.size > 0)) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  } finally {
    lines.close();
    unsubscribe();
    for (const id of [...pendingEdits.keys()]) flushEdit(id);
  }
}

/**
 * Groups the lines of a paste into one message: after a line that is not a command, a
 * button number or an inline query, lines arriving within `windowMs` join it.
 */
async function* pastes(lines: AsyncIterator<string>, windowMs: number): AsyncGenerator<string> {
  let pending = lines.next();
  for (;;) {
    const first = await pending;
    if (first.done === true) return;
    pending = lines.next();
    const group = [first.value];
    let ended = false;
    if (windowMs > 0 && !/^\s*(?:\/|\d+\s*$|@|\?inline)/u.test(first.value)) {
      for (;;) {
        let timer: NodeJS.Timeout | undefined;
        const next = await Promise.race([
          pending,
          new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), windowMs))),
        ]);
        clearTimeout(timer);
        if (next === undefined) break;
        if (next.done === true) {
          ended = true;
          break;
        }
        group.push(next.value);
        pending = lines.next();
      }
    }
    yield group.join("\n");
    if (ended) return;
  }
}

function describeMessage(
  message: Message,
  savedPhoto: (photo: PhotoSize) => string | undefined = () => undefined,
): string {
  if (message.text !== undefined) return renderEntitiesText(message.text, message.entities);
  const caption =
    message.caption === undefined ? "" : ` ${renderEntitiesText(message.caption, message.caption_entities)}`;
  if (message.photo !== undefined) {
    const largest = message.photo.at(-1);
    const path = largest === undefined ? undefined : savedPhoto(largest);
    return `[photo${path === undefined ? "" : ` saved to ${path}`}]${caption}`;
  }
  if (message.sticker !== undefined) return `[sticker ${message.sticker.emoji ?? ""}]`;
  if (message.voice !== undefined) return `[voice ${message.voice.duration}s]${caption}`;
  return "[message]";
}

/** Writes a photo the bot uploaded to `dir`; undefined for photos without stored bytes (e.g. sent by a user). */
function savePhoto(server: BotApiServer, photo: PhotoSize, dir: string): string | undefined {
  const bytes = server.fileBytes(photo.file_id);
  if (bytes === undefined) return undefined;
  const path = join(dir, `${photo.file_unique_id}.${bytes[0] === 0x89 ? "png" : "jpg"}`);
  writeFileSync(path, bytes);
  return path;
}

function resolveUser(server: BotApiServer, user: User | CreateUserInit | undefined, language?: string): User {
  if (user !== undefined && "is_bot" in user) return user;
  const init: CreateUserInit = { first_name: "You", ...user };
  if (language !== undefined && init.language_code === undefined) init.language_code = language;
  return server.createUser(init);
}
