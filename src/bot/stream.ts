/**
 * Streaming an answer into one message: the first partial text is sent as a
 * new message, later ones edit it at most once per interval (Telegram rate
 * limits edits), and calls are chained so edits arrive in order. The caller
 * finishes with the final text and buttons.
 */

/** The two Telegram calls a stream needs, bound to one chat. */
export interface StreamIo {
  /** Sends a new message and returns its id. */
  send(html: string): Promise<number>;
  /** Edits the message's text. */
  edit(messageId: number, html: string): Promise<void>;
}

/** Options of a {@link StreamingReply}. */
export interface StreamingReplyOptions {
  intervalMs: number;
  now: () => Date;
  /** Renders the partial text (escaping, ellipsis). */
  render: (text: string) => string;
}

/** One streamed message. Feed it with {@link update}, then call {@link finish}. */
export class StreamingReply {
  private messageId: number | undefined;
  private started = false;
  private latest = "";
  private shown = "";
  private lastWriteAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private chain: Promise<void> = Promise.resolve();
  private failure: unknown;
  private finished = false;

  constructor(
    private readonly io: StreamIo,
    private readonly options: StreamingReplyOptions,
  ) {}

  /** The answer so far (safe to call synchronously from the answerer's onPartial). */
  update(text: string): void {
    if (this.finished || text.trim() === "") return;
    this.latest = text;
    if (!this.started) {
      this.started = true;
      this.lastWriteAt = this.options.now().getTime();
      // On a timer, not at once: an answerer that reports its whole text right before returning
      // (the extractive one) finishes first, and then the final message is the only one sent.
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.enqueue(async () => {
          if (this.finished) return;
          const snapshot = this.latest;
          this.messageId = await this.io.send(this.options.render(snapshot));
          this.lastWriteAt = this.options.now().getTime();
          this.shown = snapshot;
        });
      }, 0);
      return;
    }
    this.schedule();
  }

  /**
   * Stops streaming and waits for pending calls. Returns the streamed
   * message's id (undefined if nothing was sent); rethrows a failed send/edit.
   */
  async finish(): Promise<number | undefined> {
    this.finished = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    await this.chain;
    if (this.failure !== undefined) throw this.failure;
    return this.messageId;
  }

  private schedule(): void {
    if (this.timer !== undefined) return;
    const wait = Math.max(0, this.lastWriteAt + this.options.intervalMs - this.options.now().getTime());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.enqueue(() => this.flush());
    }, wait);
  }

  private async flush(): Promise<void> {
    if (this.finished || this.messageId === undefined || this.latest === this.shown) return;
    // Telegram counts edits as they arrive, so the interval runs from when the last write was done, not begun.
    if (this.options.now().getTime() < this.lastWriteAt + this.options.intervalMs) {
      this.schedule();
      return;
    }
    const snapshot = this.latest;
    await this.io.edit(this.messageId, this.options.render(snapshot));
    this.lastWriteAt = this.options.now().getTime();
    this.shown = snapshot;
  }

  private enqueue(task: () => Promise<void>): void {
    this.chain = this.chain
      .then(() => (this.failure === undefined ? task() : undefined))
      .catch((error: unknown) => {
        this.failure = error;
      });
  }
}
