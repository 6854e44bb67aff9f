/**
 * Webhook delivery of the local Bot API emulator, modelled on
 * telegram-bot-api's WebhookActor: each update is POSTed as JSON to the
 * webhook URL with `X-Telegram-Bot-Api-Secret-Token`, updates of one chat are
 * delivered in order while different chats proceed concurrently (up to
 * `max_connections`), failures are retried with exponential backoff (or the
 * webhook's Retry-After), and a 2xx response whose JSON body names a `method`
 * is executed as a Bot API call ("webhook reply").
 *
 * Why it exists: bots deployed with webhooks (grammY's `webhookCallback`) must
 * be testable offline, including retries after a failing handler.
 * Deviation: Telegram retries for up to 24 hours; the emulator gives up after
 * `maxAttempts` (default 5) and reports the error in getWebhookInfo.
 */

import type { UpdateQueue, QueuedUpdate } from "./update-queue.js";

/** Tunables of webhook delivery (defaults in parentheses). */
export interface WebhookDeliveryOptions {
  /** First retry delay in ms, doubled per attempt up to 60 s (1000). */
  retryBaseMs?: number;
  /** Attempts per update before it is dropped (5). */
  maxAttempts?: number;
  /** Per-request timeout in ms (60000). */
  timeoutMs?: number;
}

/** An active webhook as configured by setWebhook. */
export interface WebhookConfig {
  url: string;
  secretToken: string;
  maxConnections: number;
}

/** getWebhookInfo result (https://core.telegram.org/bots/api#webhookinfo). */
export interface WebhookInfo {
  url: string;
  has_custom_certificate: boolean;
  pending_update_count: number;
  ip_address?: string;
  last_error_date?: number;
  last_error_message?: string;
  max_connections?: number;
  allowed_updates?: string[];
}

/** Callbacks the delivery needs from the server. */
export interface WebhookHooks {
  /** Current Unix time in seconds (for last_error_date). */
  unixTime(): number;
  /** Executes a method named in a webhook reply. */
  onWebhookReply(method: string, params: Record<string, unknown>): void;
}

/** Methods Telegram refuses to run from a webhook reply (WebhookActor::handle). */
function isAllowedWebhookReply(method: string): boolean {
  const lower = method.toLowerCase();
  return (
    lower !== "" &&
    lower !== "deletewebhook" &&
    lower !== "setwebhook" &&
    lower !== "close" &&
    lower !== "logout" &&
    !lower.startsWith("get")
  );
}

function describeFetchError(error: unknown): string {
  const cause = (error as { cause?: { code?: string } }).cause;
  if (cause?.code === "ECONNREFUSED") return "Connection refused";
  if (cause?.code === "ECONNRESET") return "Connection reset by peer";
  if ((error as Error).name === "TimeoutError" || (error as Error).name === "AbortError") return "Read timeout expired";
  return (error as Error).message || "Webhook request failed";
}

/** Delivers queued updates to the configured webhook. */
export class WebhookDelivery {
  private config: WebhookConfig | undefined;
  private inFlight = 0;
  private timer: NodeJS.Timeout | undefined;
  private lastError: { date: number; message: string } | undefined;
  private stopped = false;
  private readonly controllers = new Set<AbortController>();
  private readonly retryBaseMs: number;
  private readonly maxAttempts: number;
  private readonly timeoutMs: number;

  /** @param queue The bot's update queue. @param options Tunables. @param hooks Server callbacks. */
  constructor(
    private readonly queue: UpdateQueue,
    options: WebhookDeliveryOptions,
    private readonly hooks: WebhookHooks,
  ) {
    this.retryBaseMs = options.retryBaseMs ?? 1000;
    this.maxAttempts = options.maxAttempts ?? 5;
    this.timeoutMs = options.timeoutMs ?? 60_000;
    queue.onPush(() => this.pump());
  }

  /** The active webhook, if any. */
  get active(): WebhookConfig | undefined {
    return this.config;
  }

  /** Activates (or replaces) the webhook and starts delivering pending updates. */
  set(config: WebhookConfig): void {
    this.config = config;
    this.lastError = undefined;
    for (const item of this.queue.pending()) {
      item.attempts = 0;
      item.nextAttemptAt = 0;
    }
    this.pump();
  }

  /** Deactivates the webhook; pending updates stay queued for getUpdates. */
  delete(): void {
    this.config = undefined;
    this.lastError = undefined;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** getWebhookInfo for the current state. */
  info(): WebhookInfo {
    const config = this.config;
    const info: WebhookInfo = {
      url: config?.url ?? "",
      has_custom_certificate: false,
      pending_update_count: this.queue.pendingCount,
    };
    if (this.lastError !== undefined) {
      info.last_error_date = this.lastError.date;
      info.last_error_message = this.lastError.message;
    }
    if (config !== undefined) {
      info.max_connections = config.maxConnections;
      info.ip_address = "127.0.0.1";
    }
    const allowed = this.queue.allowedUpdates;
    if (allowed !== undefined) info.allowed_updates = allowed;
    return info;
  }

  /** Re-enables delivery after {@link stop} (server restarted). */
  resume(): void {
    this.stopped = false;
    this.pump();
  }

  /** Stops delivery and aborts requests in flight (server shutdown). */
  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    for (const controller of this.controllers) controller.abort();
  }

  /** Starts every delivery that is currently allowed; schedules the next retry. */
  pump(): void {
    const config = this.config;
    if (config === undefined || this.stopped) return;
    const now = performance.now();
    const busyChats = new Set<string>();
    let nextWake = Number.POSITIVE_INFINITY;
    for (const item of this.queue.pending()) {
      if (this.inFlight >= config.maxConnections) break;
      // Later updates of a chat wait for the earlier ones, even while those back off.
      if (busyChats.has(item.chatKey)) continue;
      busyChats.add(item.chatKey);
      if (item.inFlight) continue;
      if (item.nextAttemptAt > now) {
        nextWake = Math.min(nextWake, item.nextAttemptAt);
        continue;
      }
      void this.deliver(item, config);
    }
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    if (Number.isFinite(nextWake)) {
      this.timer = setTimeout(() => this.pump(), Math.max(0, nextWake - now));
    }
  }

  private async deliver(item: QueuedUpdate, config: WebhookConfig): Promise<void> {
    item.inFlight = true;
    item.attempts++;
    this.inFlight++;
    const controller = new AbortController();
    this.controllers.add(controller);
    const timeout = setTimeout(() => controller.abort(), this.timeoutMs);
    try {
      const headers: Record<string, string> = { "Content-Type": "application/json" };
      if (config.secretToken !== "") headers["X-Telegram-Bot-Api-Secret-Token"] = config.secretToken;
      const response = await fetch(config.url, {
        method: "POST",
        headers,
        body: JSON.stringify(item.update),
        signal: controller.signal,
      });
      const body = await response.text();
      if (response.ok) {
        this.queue.remove(item.update.update_id);
        this.runWebhookReply(response.headers.get("content-type"), body);
      } else {
        const retryAfter = Number(response.headers.get("retry-after") ?? "0");
        this.fail(item, `Wrong response from the webhook: ${response.status} ${response.statusText}`, retryAfter);
      }
    } catch (error) {
      if (!this.stopped) this.fail(item, describeFetchError(error), 0);
    } finally {
      clearTimeout(timeout);
      this.controllers.delete(controller);
      item.inFlight = false;
      this.inFlight--;
      this.pump();
    }
  }

  private fail(item: QueuedUpdate, message: string, retryAfterSeconds: number): void {
    this.lastError = { date: this.hooks.unixTime(), message };
    if (item.attempts >= this.maxAttempts) {
      this.queue.remove(item.update.update_id);
      return;
    }
    const backoff = Math.min(60_000, this.retryBaseMs * 2 ** (item.attempts - 1));
    const delay = retryAfterSeconds > 0 ? Math.min(3600, retryAfterSeconds) * 1000 : backoff;
    item.nextAttemptAt = performance.now() + delay;
  }

  private runWebhookReply(contentType: string | null, body: string): void {
    if (body.trim() === "" || !(contentType ?? "").toLowerCase().includes("json")) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      return;
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return;
    const { method, ...params } = parsed as Record<string, unknown>;
    if (typeof method === "string" && isAllowedWebhookReply(method)) this.hooks.onWebhookReply(method, params);
  }
}
