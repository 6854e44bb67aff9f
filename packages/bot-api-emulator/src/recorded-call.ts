/**
 * The record kept for every Bot API call the emulator receives.
 *
 * Why it exists: tests assert on what the bot asked Telegram to do (method,
 * parameters, timing) and on what it was answered (status, body), including
 * calls that were faulted or abandoned by the client.
 */

import type { FaultKind } from "./faults.js";

/** One Bot API call as seen by the emulator. */
export interface RecordedCall {
  /** Sequence number, increasing in completion order. */
  seq: number;
  /** Method name as the client spelled it (Telegram treats it case-insensitively). */
  method: string;
  /** Decoded parameters (JSON values, or strings for form/multipart bodies). */
  params: Record<string, unknown>;
  /** When the call arrived, from the server's clock (options.now), in ms. */
  at: number;
  /** Wall-clock time the call took to answer, in ms. */
  durationMs: number;
  /** HTTP status answered; 0 when the connection was dropped or the client went away. */
  status: number;
  /** Parsed JSON body answered (raw text for HTML 5xx faults); undefined when nothing was answered. */
  response: unknown;
  /** Kind of injected fault that applied to this call, if any. */
  fault?: FaultKind["type"];
  /** The client aborted the request before it was answered (e.g. grammY stopping a long poll). */
  aborted?: true;
  /** The call arrived as a webhook reply (method in the webhook response body). */
  viaWebhookReply?: true;
}
