/**
 * Thrown for any corpus problem a person can fix: an empty corpus folder, a file
 * that is not text, a form we cannot parse, a missing manifest entry or field.
 * The message names the file and says what to do.
 */
import { UserFacingError } from "../errors.js";

export class CorpusError extends UserFacingError {
  override name = "CorpusError";
  constructor(
    message: string,
    readonly file?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
