/**
 * Thrown by `startBot` when the bot cannot start: Telegram refused the token or the
 * webhook, or the Bot API server could not be reached. The message says which, with
 * Telegram's reason (secrets removed), and which setting to check.
 */
import { GrammyError, HttpError } from "grammy";
import { UserFacingError } from "../errors.js";
import { redactSecrets } from "./errors.js";

export class StartupError extends UserFacingError {
  override name = "StartupError";
}

/** Explains why a start-up call failed; never chains the raw error, whose URL holds the token. */
export function startupError(step: "getMe" | "setWebhook", error: unknown, token: string, hint: string): StartupError {
  if (error instanceof HttpError) {
    return new StartupError(`Could not reach the Telegram Bot API (${step}: ${redactSecrets(error.message, token)}). Check the network and TELEGRAM_API_ROOT.`);
  }
  if (error instanceof GrammyError) {
    const refused = step === "getMe" && (error.error_code === 401 || error.error_code === 404);
    const reason = redactSecrets(error.description, token);
    return new StartupError(refused ? `Telegram did not accept the bot token (${reason}). ${hint}` : `Telegram refused ${step} (${reason}). ${hint}`);
  }
  return new StartupError(`${step} failed (${redactSecrets(error instanceof Error ? error.message : String(error), token)}). ${hint}`);
}
