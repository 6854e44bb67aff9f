/**
 * Factories for the OpenAI-compatible chat model and embeddings.
 *
 * Everything comes from explicit options. LangChain and the `openai` SDK fill any
 * missing option from `process.env` (OPENAI_API_KEY, OPENAI_BASE_URL, OPENAI_API_BASE,
 * OPENAI_ORGANIZATION, OPENAI_ORG_ID, OPENAI_PROJECT_ID, OPENAI_LOG, even a LangSmith
 * gateway), so each of those is set here on purpose: the program reads its environment
 * once, in `loadConfig`, and nowhere else.
 */
import { ChatOpenAI, OpenAIEmbeddings, type ClientOptions } from "@langchain/openai";

import { UserFacingError } from "../errors.js";

/** The public OpenAI endpoint, used when no base URL is configured. */
export const DEFAULT_OPENAI_BASE_URL = "https://api.openai.com/v1";

/** Connection settings shared by the chat model and the embeddings. */
export interface OpenAiConnectionOptions {
  /** Sent as a bearer token. Required: an empty key would make the SDK look in the environment. */
  apiKey: string;
  /** Root of an OpenAI-compatible API, ending in `/v1` (e.g. `http://127.0.0.1:11434/v1`). Defaults to api.openai.com. */
  baseURL?: string | undefined;
  /** Per-request timeout of the HTTP client. */
  timeoutMs: number;
  /**
   * Retries done by LangChain for one call (429 with retry-after, 5xx, network errors;
   * it waits 1–2 s, then doubles). Chat defaults to 0: the LLM answerer retries itself,
   * against its own deadline, so retrying here too would multiply attempts and time.
   * Embeddings default to 1 (ingest has no such deadline; a query-time failure
   * degrades retrieval to BM25 anyway).
   */
  maxRetries?: number | undefined;
}

/** Options for {@link createChatModel}. */
export interface ChatModelOptions extends OpenAiConnectionOptions {
  /** Chat model name, e.g. `gpt-4o-mini` or whatever the compatible server serves. */
  model: string;
  /** Sampling temperature; 0.1 by default (answers must stick to the paragraphs), unset for reasoning models. */
  temperature?: number | undefined;
  /** Upper bound on generated tokens; 600 by default (answers are short), unset for reasoning models. */
  maxTokens?: number | undefined;
}

/** Options for {@link createEmbeddings}. */
export interface EmbeddingsOptions extends OpenAiConnectionOptions {
  /** Embedding model name, e.g. `text-embedding-3-small`. */
  model: string;
  /** Inputs per request. */
  batchSize?: number | undefined;
  /** Output dimensions, for models that support shortening (text-embedding-3-*). */
  dimensions?: number | undefined;
}

/** The client settings that would otherwise be read from the environment. */
function clientOptions(options: OpenAiConnectionOptions): ClientOptions {
  if (!options.apiKey) {
    // An empty key is "missing" to the SDK, which would then read OPENAI_API_KEY.
    throw new UserFacingError(
      "An OpenAI API key is required: set OPENAI_API_KEY, or leave it empty to answer offline.",
    );
  }
  return {
    apiKey: options.apiKey,
    baseURL: trimSlash(options.baseURL ?? DEFAULT_OPENAI_BASE_URL),
    organization: null,
    project: null,
    adminAPIKey: null,
    // The SDK's own logger defaults to console and OPENAI_LOG; keep it to warnings.
    logLevel: "warn",
  };
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, "");
}

/**
 * Builds a chat model for any OpenAI-compatible `/chat/completions` endpoint.
 *
 * @example
 * const model = createChatModel({
 *   apiKey: config.OPENAI_API_KEY, baseURL: config.OPENAI_BASE_URL,
 *   model: config.OPENAI_MODEL, timeoutMs: config.OPENAI_TIMEOUT_MS,
 * });
 * @throws Error when `apiKey` is empty.
 */
export function createChatModel(options: ChatModelOptions): ChatOpenAI {
  const configuration = clientOptions(options);
  // Reasoning models (o1…, gpt-5) reject a non-default temperature, and their hidden
  // reasoning counts against the token cap, so neither default applies to them.
  const reasoning = /^o\d|^gpt-5(?!-chat)/.test(options.model);
  return new ChatOpenAI({
    model: options.model,
    apiKey: options.apiKey,
    configuration,
    timeout: options.timeoutMs,
    maxRetries: options.maxRetries ?? 0,
    ...(options.temperature !== undefined || !reasoning ? { temperature: options.temperature ?? 0.1 } : {}),
    ...(options.maxTokens !== undefined || !reasoning ? { maxTokens: options.maxTokens ?? 600 } : {}),
    // Compatible servers speak Chat Completions, not the Responses API.
    useResponsesApi: false,
  });
}

/**
 * Builds embeddings for any OpenAI-compatible `/embeddings` endpoint.
 *
 * Vectors are requested as plain floats: the SDK asks for base64 by default,
 * which several compatible servers do not implement.
 *
 * @example
 * const embeddings = createEmbeddings({ apiKey, baseURL, model: "text-embedding-3-small", timeoutMs: 15_000, batchSize: 64 });
 * @throws Error when `apiKey` is empty.
 */
export function createEmbeddings(options: EmbeddingsOptions): OpenAIEmbeddings {
  const configuration = clientOptions(options);
  return new OpenAIEmbeddings({
    model: options.model,
    apiKey: options.apiKey,
    configuration,
    timeout: options.timeoutMs,
    maxRetries: options.maxRetries ?? 1,
    encodingFormat: "float",
    ...(options.batchSize !== undefined ? { batchSize: options.batchSize } : {}),
    ...(options.dimensions !== undefined ? { dimensions: options.dimensions } : {}),
  });
}
