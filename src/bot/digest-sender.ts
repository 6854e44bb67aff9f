/**
 * The Telegram side of digest delivery: renders a {@link Digest} as HTML with one 📄
 * button per point, sends it, and turns grammY's errors into {@link DeliveryError}s
 * for the digest deliverer, which owns throttling and retries.
 *
 * Retries live in one place only. The bot's `bot.api` carries transformers that wait
 * out 429s and back off on 5xx; if the sender used it, a 429 would be waited out inside
 * the call while the deliverer's throttle never heard of it (no global pause, no
 * in-flight bookkeeping per attempt), and a 5xx would be retried 3 × 4 times. So the
 * sender always calls Telegram through a transformer-free copy of the Api it is given
 * (same token and client options): every failure reaches the deliverer once, and a 429
 * is waited out exactly once, by the deliverer.
 *
 * The hand-over: when the deliverer passes `onHandOver`, every request of the digest goes
 * through a grammY transformer that awaits it before handing the request on to grammY's
 * HTTP client, which builds the request and writes it to the socket. So the store records
 * "Telegram may have this now" before any byte can leave, and a process that dies earlier
 * leaves a row that is known to be unsent (see the README's "Digest delivery guarantee").
 */
import { Api, GrammyError, HttpError } from "grammy";

import type { Meeting } from "../corpus/types.js";
import type { Digest } from "../digest/compose.js";
import type { DigestSender, SendOptions } from "../digest/delivery.js";
import { DeliveryError } from "../digest/errors.js";
import type { Logger } from "../logger.js";
import { classifyTelegramError, describeError, redactSecrets } from "./errors.js";
import { formatDigestHtml } from "./format.js";
import { digestKeyboard } from "./keyboards.js";
import { splitHtmlMessage } from "./split-html.js";

/** Where to send when there is no Api at hand yet (the bot is built after the digest feature). */
export interface DigestApiTarget {
  token: string;
  /** Bot API root (TELEGRAM_API_ROOT, or the local server's url); default api.telegram.org. */
  apiRoot?: string | undefined;
}

/** Options of {@link createDigestSender}. */
export interface DigestSenderOptions {
  logger: Logger;
  /** The loaded meetings, for the city and article kind in citation lines (without them the line omits the city). */
  meetings?: readonly Meeting[];
}

/**
 * Creates the {@link DigestSender} the scheduler (daily digests) and `/digest` (one
 * now) both use, so the two look the same.
 *
 * - The message: title with date and theme, 3–5 points in the digest's (meeting time)
 *   order with 新增/回顾 marks and `[n]` citation lines, a footer; split at 4096
 *   characters with {@link splitHtmlMessage}. The 📄 buttons (`src:<meeting>:<article>:<paragraph>`,
 *   answered by the sources feature) go under the last part.
 * - Resolves with the message id of the first part.
 * - Throws a {@link DeliveryError}, classified by {@link classifyTelegramError}:
 *   429 → `rate-limited` (with `retryAfter`), 403 and "chat not found" → `blocked`,
 *   5xx and network failures → `transient`, anything else → `permanent`.
 * - When a digest needs several messages and a later part fails, a retry of the same
 *   digest object to the same chat resumes at the failed part instead of repeating
 *   the parts Telegram already accepted.
 *
 * @param api grammY's Api (e.g. `bot.api`; the sender uses a copy without its transformers, see the
 *   module doc), or the token and API root: main.ts builds the sender before the bot, since the
 *   digest feature (mounted by createBot) needs the scheduler, which needs the sender. A function
 *   returning either is called at the first send (local mode, where the server's url comes later).
 * @example
 * const send = createDigestSender({ token, apiRoot: config.TELEGRAM_API_ROOT }, { logger, meetings: engine.corpus.meetings });
 * const scheduler = createScheduler({ store, chunks: engine.index.chunks, send, logger });
 */
export function createDigestSender(
  api: Api | DigestApiTarget | (() => Api | DigestApiTarget),
  options: DigestSenderOptions,
): DigestSender {
  const { logger } = options;
  const meetings = options.meetings ?? [];
  let resolved: Api | undefined;
  const rawApi = (): Api => (resolved ??= transformerFree(typeof api === "function" ? api() : api));
  // Parts already accepted, per digest object and chat, while a multi-part digest is being retried.
  const progress = new WeakMap<Digest, Map<number, number[]>>();

  const send = async (chatId: number, digest: Digest, { language, onHandOver }: SendOptions) => {
    const handOver = { done: false };
    const raw = onHandOver === undefined ? rawApi() : handingOver(rawApi(), onHandOver, handOver);
    const parts = splitHtmlMessage(formatDigestHtml(digest, language, meetings));
    const keyboard = digestKeyboard(digest, language);
    let byChat = progress.get(digest);
    if (byChat === undefined) progress.set(digest, (byChat = new Map()));
    const sent = byChat.get(chatId) ?? [];
    byChat.set(chatId, sent);
    for (let i = sent.length; i < parts.length; i++) {
      const last = i === parts.length - 1;
      handOver.done = false;
      try {
        const message = await raw.sendMessage(chatId, parts[i]!, {
          parse_mode: "HTML",
          link_preview_options: { is_disabled: true },
          ...(last && keyboard !== undefined ? { reply_markup: keyboard } : {}),
        });
        sent.push(message.message_id);
      } catch (error) {
        if (error instanceof HandOverError) throw new DeliveryError("transient", error.message, { cause: error.cause });
        const refused = toDeliveryError(error, raw.token);
        // Handed over and no answer: Telegram may have it, and a retry could send it twice.
        if (handOver.done && mayHaveArrived(error))
          throw new DeliveryError("unknown", `no answer after the hand-over: ${refused.message}`);
        throw refused;
      }
    }
    byChat.delete(chatId);
    logger.debug("digest sent", { chatId, themeId: digest.themeId, parts: parts.length, messageId: sent[0] });
    return { messageId: sent[0]! };
  };
  return Object.assign(send, { reportsHandOver: true as const });
}

/** The hand-over callback failed (the store could not record it): nothing was sent. */
class HandOverError extends Error {
  override name = "HandOverError";
}

/**
 * A copy of `api` whose every call first awaits `onHandOver`: a transformer is the last
 * step before grammY's client serialises the payload and gives it to the socket. The copy
 * shares grammY's per-API-root keep-alive agent, so connections are still reused.
 */
function handingOver(api: Api, onHandOver: () => Promise<void>, state: { done: boolean }): Api {
  const copy = new Api(api.token, api.options);
  copy.config.use(async (prev, method, payload, signal) => {
    try {
      await onHandOver();
    } catch (error) {
      throw new HandOverError(
        `not sent: the hand-over could not be recorded (${error instanceof Error ? error.message : String(error)})`,
        { cause: error },
      );
    }
    state.done = true;
    return prev(method, payload, signal);
  });
  return copy;
}

/** Failures to reach the server at all: no byte of the request can have arrived. */
const NEVER_CONNECTED = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH"]);

/**
 * True when a failed call may still have reached Telegram: an `HttpError` (no Bot API answer)
 * other than a failure to connect. A body that was not JSON (an HTML error page of Telegram's
 * front end) is an answer that the request failed, so it is retried like a 5xx.
 */
function mayHaveArrived(error: unknown): boolean {
  if (!(error instanceof HttpError)) return false;
  const cause = error.error as { code?: unknown; type?: unknown } | undefined;
  if (cause?.type === "invalid-json") return false;
  return !NEVER_CONNECTED.has(String(cause?.code));
}

/** A copy of an Api without its transformers, or a plain Api for a token and API root. */
function transformerFree(api: Api | DigestApiTarget): Api {
  if (api instanceof Api) return new Api(api.token, api.options);
  return new Api(api.token, api.apiRoot === undefined ? undefined : { apiRoot: api.apiRoot.replace(/\/+$/u, "") });
}

/**
 * Maps an error of a grammY API call onto a {@link DeliveryError} (token redacted from
 * the message, which ends up in the deliveries table and the logs).
 */
export function toDeliveryError(error: unknown, token?: string): DeliveryError {
  const verdict = classifyTelegramError(error);
  const message =
    error instanceof GrammyError
      ? `${error.error_code} ${error.description}`
      : error instanceof HttpError
        ? redactSecrets(`${error.message}${describeCause(error, token)}`, token)
        : redactSecrets(error instanceof Error ? error.message : String(error), token);
  // HttpError causes carry request URLs with the token: keep them out of the chain.
  const cause = error instanceof HttpError ? undefined : error;
  const extra = cause === undefined ? {} : { cause };
  switch (verdict.kind) {
    case "rate-limited":
      return new DeliveryError("rate-limited", message, { retryAfter: verdict.retryAfter, ...extra });
    case "blocked":
      return new DeliveryError("blocked", message, extra);
    case "transient":
      return new DeliveryError("transient", message, extra);
    case "permanent":
      return new DeliveryError("permanent", message, extra);
  }
}

function describeCause(error: HttpError, token: string | undefined): string {
  const cause = describeError(error, token)["cause"];
  return typeof cause === "string" ? ` (${cause})` : "";
}
