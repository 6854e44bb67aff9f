/**
 * The LLM answerer: generated, cited answers from any OpenAI-compatible chat model,
 * always delivered in time, with the extractive answerer as the fallback.
 *
 * One question goes through these steps, all under one deadline (`timeoutMs`):
 * 1. Follow-ups are rewritten into a standalone question (model, else heuristic).
 * 2. The top `k` paragraphs are retrieved; none → fallback.
 * 3. The model answers from numbered, delimited paragraphs as JSON
 *    `{answered, answer, citations}` (streamed to `onPartial` when asked).
 * 4. The reply is parsed with zod and checked: markers outside 1..k are dropped,
 *    each claim must be supported by what it cites (see support.ts).
 * 5. A bad reply gets one corrective retry; a second bad reply, a declined answer,
 *    an HTTP error that outlasts the retries, or the deadline → the extractive
 *    answer, marked `path: "llm-fallback"`.
 */
import type { BaseChatModel, BaseChatModelCallOptions } from "@langchain/core/language_models/chat_models";
import type { BaseMessage } from "@langchain/core/messages";
import { toCitation } from "../answer/citations.js";
import { languageOf } from "../text/language.js";
import type { Answer, Answerer, AskOptions, Turn } from "../answer/types.js";
import type { Meeting } from "../corpus/types.js";
import type { Chunk } from "../index/chunk.js";
import type { Logger } from "../logger.js";
import type { Retriever } from "../retrieval/types.js";
import { heuristicStandalone } from "../answer/followup.js";
import { rewriteWithModel } from "./followup.js";
import { extractPartialAnswer, parseModelReply } from "./parse.js";
import { buildAnswerMessages, buildCorrectionMessages, paragraphAttributes } from "./prompt.js";
import { DEFAULT_RETRY, statusOf, withRetries, type RetryPolicy } from "./retry.js";
import { checkAnswer, stripMarkers } from "./support.js";

/** Dependencies and settings of {@link createLlmAnswerer}. */
export interface LlmAnswererOptions {
  retriever: Retriever;
  /** Answers when the model cannot (the extractive answerer); it also decides refusals. */
  fallback: Answerer;
  /** Any LangChain chat model; `createChatModel` builds an OpenAI-compatible one. */
  model: BaseChatModel;
  /** The whole LLM path (rewrite, retrieval, generation, retries) must finish within this; the fallback comes after. */
  timeoutMs: number;
  logger: Logger;
  /**
   * Whether the reports cover a question at all (the extractive answerer's evidence
   * check). When it says no, the model is not asked: it must not answer what the reports don't say.
   */
  covers?: (question: string) => Promise<boolean>;
  /** The meetings, so a citation carries its whole paragraph (a chunk may be part of one). */
  meetings?: readonly Meeting[];
  /** Milliseconds clock, for deadlines and durations. Default `Date.now`. */
  now?: () => number;
  /** Paragraphs given to the model. Default 6. */
  k?: number;
  /** Retries of one model call on 429/5xx/network errors. Default {@link DEFAULT_RETRY}. */
  retry?: RetryPolicy;
  /** Time allowed for the follow-up rewrite. Default min(4 s, 30% of `timeoutMs`). */
  rewriteTimeoutMs?: number;
  /**
   * Send `response_format: {type: "json_object"}`. Default true. Turn off for a
   * server that rejects the parameter; the prompt still asks for JSON, and the
   * parser finds it in plain or fenced text.
   */
  jsonMode?: boolean;
}

/** Why the LLM path did not produce the answer (logged, and handy in tests). */
export type FallbackReason =
  | "no-paragraphs"
  | "not-covered"
  | "declined"
  | "malformed-json"
  | "invalid-shape"
  | "empty"
  | "no-citation"
  | "unsupported"
  | "timeout"
  | `http-${number}`
  | "error";

type Outcome = { kind: "answer"; answer: Answer } | { kind: "fallback"; reason: FallbackReason };

/** A checked reply: the answer and the cited paragraph numbers, or why it cannot be used. */
type Verdict = { ok: true; answer: string; cited: number[] } | { ok: false; reason: FallbackReason; problem: string };

/** What the corrective message tells the model about a rejected answer. */
const PROBLEMS = {
  empty: "the answer was empty",
  "no-citation": "no claim cited a valid paragraph number",
  unsupported: "some claims are not stated in the paragraphs they cite",
} as const;

/** Thrown into the pipeline's signal when the deadline passes. */
class DeadlineError extends Error {
  override name = "DeadlineError";
  constructor(timeoutMs: number) {
    super(`The model did not answer within ${timeoutMs} ms.`);
  }
}

/**
 * Creates an {@link Answerer} that generates cited answers with `model` and falls
 * back to `fallback` whenever the generated answer cannot be trusted or is late.
 *
 * Streaming: with `onPartial`, the first attempt is streamed; the `answer` field is
 * decoded from the partial JSON as it arrives, and `onPartial` gets the growing
 * text *without* `[n]` markers (their numbers are final only after validation).
 * Each call replaces the previous draft; the returned Answer is the validated one
 * and may differ (claims dropped, or the extractive fallback, which may itself call
 * `onPartial` once). Corrective retries are not streamed, so the draft never restarts.
 *
 * @example
 * const answerer = createLlmAnswerer({
 *   retriever, fallback: extractive, logger,
 *   model: createChatModel({ apiKey, baseURL, model: "gpt-4o-mini", timeoutMs: 15_000 }),
 *   timeoutMs: 15_000,
 * });
 * const answer = await answerer.ask("2024年的座谈会在哪里举行？");
 */
export function createLlmAnswerer(options: LlmAnswererOptions): Answerer {
  const { retriever, fallback, model, timeoutMs, now = Date.now } = options;
  const logger = options.logger.child({ component: "llm-answerer" });
  const k = options.k ?? 6;
  const policy = options.retry ?? DEFAULT_RETRY;
  const rewriteTimeoutMs = options.rewriteTimeoutMs ?? Math.min(4_000, Math.round(timeoutMs * 0.3));
  const jsonMode = options.jsonMode ?? true;

  /** Calls the model (streaming when `onPartial` is given) with bounded retries; returns the reply text. */
  async function complete(
    messages: BaseMessage[],
    signal: AbortSignal,
    deadline: number,
    onPartial?: (text: string) => void,
  ): Promise<string> {
    const callOptions: BaseChatModelCallOptions & { response_format?: { type: "json_object" } } = {
      signal,
      ...(jsonMode ? { response_format: { type: "json_object" } } : {}),
    };
    return withRetries(
      async () => {
        if (!onPartial) return (await model.invoke(messages, callOptions)).text;
        let content = "";
        let shown = "";
        for await (const chunk of await model.stream(messages, callOptions)) {
          content += chunk.text;
          const partial = extractPartialAnswer(content);
          const draft = partial === undefined ? "" : stripMarkers(partial.replace(/\[\d*$/, ""));
          // After the deadline the fallback owns the draft; a late chunk must not overwrite it.
          if (draft && draft !== shown && !signal.aborted) {
            shown = draft;
            try {
              onPartial(draft);
            } catch (error) {
              // A failed draft edit must not cost the answer.
              logger.warn("onPartial failed", { error });
            }
          }
        }
        return content;
      },
      {
        policy,
        deadline,
        now,
        signal,
        onRetry: (event) => logger.info("model call failed, retrying", { ...event }),
      },
    );
  }

  /** Step 1: the standalone question. */
  async function standaloneQuestion(
    question: string,
    history: readonly Turn[],
    signal: AbortSignal,
  ): Promise<{ text: string; by: "model" | "heuristic" }> {
    const budget = AbortSignal.any([signal, AbortSignal.timeout(rewriteTimeoutMs)]);
    try {
      return { text: await rewriteWithModel(model, history, question, budget), by: "model" };
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      logger.info("follow-up rewrite failed, using the heuristic", { error, status: statusOf(error) });
      return { text: heuristicStandalone(history, question), by: "heuristic" };
    }
  }

  /** Steps 1–4; `state` keeps the standalone question for the fallback even if this throws. */
  async function generate(
    question: string,
    ask: AskOptions,
    signal: AbortSignal,
    deadline: number,
    state: { standalone: string },
  ): Promise<Outcome> {
    const history = ask.history ?? [];
    if (history.length) {
      const rewritten = await standaloneQuestion(question, history, signal);
      state.standalone = rewritten.text;
      logger.debug("follow-up rewritten", { by: rewritten.by, standalone: rewritten.text });
    }
    // The extractive answerer's evidence check is the refusal gate: a model must not
    // answer what the reports don't cover, however fluent its guess would be.
    if (options.covers && !(await options.covers(state.standalone))) return { kind: "fallback", reason: "not-covered" };
    const retrieval = await retriever.retrieve(state.standalone, { k, signal });
    const retrieved = retrieval.results.slice(0, k);
    if (!retrieved.length) return { kind: "fallback", reason: "no-paragraphs" };

    const chunks = retrieved.map((r) => r.chunk);
    const sources = chunks.map(supportText);
    const language = languageOf(question);
    const messages = buildAnswerMessages(state.standalone, chunks, language);

    let reply = await complete(messages, signal, deadline, ask.onPartial);
    let verdict = judge(reply, sources);
    if (!verdict.ok && verdict.reason !== "declined") {
      logger.info("model reply rejected, asking once more", { reason: verdict.reason });
      reply = await complete(
        buildCorrectionMessages(messages, reply, verdict.problem, chunks.length),
        signal,
        deadline,
      );
      verdict = judge(reply, sources);
    }
    if (!verdict.ok) return { kind: "fallback", reason: verdict.reason };
    const citations = verdict.cited.flatMap((n, i) => {
      const chunk = chunks[n - 1];
      return chunk ? [toCitation(i + 1, chunk, options.meetings)] : [];
    });
    return {
      kind: "answer",
      answer: {
        question: state.standalone,
        answered: true,
        answer: verdict.answer,
        citations,
        retrieved,
        path: "llm",
        language,
      },
    };
  }

  /** Step 4: parses and checks one reply; on failure says why, for the log and for the corrective message. */
  function judge(reply: string, sources: readonly string[]): Verdict {
    const parsed = parseModelReply(reply);
    if (!parsed.ok) {
      const problem =
        parsed.reason === "malformed-json"
          ? "it was not a JSON object"
          : `the JSON had the wrong fields (${parsed.detail})`;
      return { ok: false, reason: parsed.reason, problem };
    }
    // The model says the paragraphs don't answer it; the fallback decides and words refusals.
    if (!parsed.reply.answered) return { ok: false, reason: "declined", problem: "declined" };
    const checked = checkAnswer(parsed.reply.answer, parsed.reply.citations, sources);
    if (checked.dropped.length || checked.flagged.length) {
      logger.warn("model answer had bad citations or unsupported claims", {
        dropped: checked.dropped,
        flagged: checked.flagged,
      });
    }
    if (checked.ok) return { ok: true, answer: checked.answer, cited: checked.cited };
    return { ok: false, reason: checked.reason, problem: PROBLEMS[checked.reason] };
  }

  return {
    async ask(question, ask = {}) {
      if (ask.signal?.aborted) throw ask.signal.reason;
      const started = now();
      const deadline = started + timeoutMs;
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(new DeadlineError(timeoutMs)), timeoutMs);
      const onCallerAbort = () => controller.abort(ask.signal?.reason);
      ask.signal?.addEventListener("abort", onCallerAbort, { once: true });
      const state = { standalone: question };

      let reason: FallbackReason;
      try {
        // Race the pipeline against the signal, so a call that ignores the abort cannot hold the answer back.
        const outcome = await untilAborted(
          generate(question, ask, controller.signal, deadline, state),
          controller.signal,
        );
        if (outcome.kind === "answer") {
          logger.info("answered", { path: "llm", ms: now() - started, citations: outcome.answer.citations.length });
          return outcome.answer;
        }
        reason = outcome.reason;
      } catch (error) {
        if (ask.signal?.aborted) throw ask.signal.reason;
        reason = reasonOf(error);
        logger.warn("model path failed", { reason, error });
      } finally {
        clearTimeout(timer);
        ask.signal?.removeEventListener("abort", onCallerAbort);
      }

      // The fallback answers the user's own question (with the chat), not the model's rewrite of it.
      const extractive = await fallback.ask(question, {
        ...(ask.history ? { history: ask.history } : {}),
        ...(ask.signal ? { signal: ask.signal } : {}),
        ...(ask.onPartial ? { onPartial: ask.onPartial } : {}),
      });
      logger.info("answered", { path: "llm-fallback", reason, ms: now() - started, answered: extractive.answered });
      return { ...extractive, question: state.standalone, path: "llm-fallback" };
    },
  };
}

/** What the support check compares a claim with: the paragraph as the model saw it. */
function supportText(chunk: Chunk): string {
  return `${Object.values(paragraphAttributes(chunk)).join(" ")}\n${chunk.text}`;
}

function reasonOf(error: unknown): FallbackReason {
  if (error instanceof DeadlineError) return "timeout";
  const status = statusOf(error);
  if (status !== undefined) return `http-${status}`;
  const name = typeof error === "object" && error !== null ? (error as { name?: unknown }).name : undefined;
  return name === "TimeoutError" || name === "AbortError" || name === "APIConnectionTimeoutError" ? "timeout" : "error";
}

/** Settles with `promise`, or rejects with the signal's reason as soon as it aborts. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}
