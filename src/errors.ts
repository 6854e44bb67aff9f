/**
 * The one base class of errors a person can act on: a malformed env var, a broken corpus file, a missing index,
 * a refused token, a command-line mistake. Entry points show `message` alone, without a stack, so the message
 * must say what went wrong and what to do next ("run `npm run ingest`").
 *
 * @example throw new IndexError("index/ is missing; run `npm run ingest`.")
 */
export class UserFacingError extends Error {
  override name = "UserFacingError";
}
