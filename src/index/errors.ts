/**
 * Thrown when the index under index/ cannot be used: a file is missing or
 * unreadable, or it was built by an embedder this configuration refuses to mix
 * with. The message says how to fix it (usually: run `npm run ingest`).
 */
import { UserFacingError } from "../errors.js";

export class IndexError extends UserFacingError {
  override name = "IndexError";
  /** "disk-full" when a build failed for lack of space: the previous index, if any, is intact and usable. */
  readonly reason?: "disk-full" | undefined;
  constructor(message: string, options?: { cause?: unknown; reason?: "disk-full" }) {
    super(message, options);
    this.reason = options?.reason;
  }
}
