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
export function startupError(
  step: "getMe" | "setWebhook",
  error: unknown,
  bot: { token: string; apiRoot: string },
  hint: string,
): StartupError {
  const { token, apiRoot } = bot;
  if (error instanceof HttpError) {
    // grammY reads every answer as JSON; a proxy's or a web server's HTML page fails there.
    const cause = error.error;
    // Native fetch throws a SyntaxError there, node-fetch a FetchError of type "invalid-json".
    const notJson =
      cause instanceof SyntaxError ||
      (cause instanceof Error &&
        /invalid.json|unexpected token/iu.test(`${(cause as { type?: string }).type ?? ""} ${cause.message}`));
    const what = notJson ? "answered with something that is not Bot API JSON (an HTML page?)" : "could not be reached";
    return new StartupError(
      `The Telegram Bot API at ${apiRoot} ${what} (${step}, after retries). Check the network and TELEGRAM_API_ROOT.`,
    );
  }
  if (error instanceof GrammyError) {
    const refused = step === "getMe" && (error.error_code === 401 || error.error_code === 404);
    const reason = redactSecrets(error.description, token);
    return new StartupError(
      refused
        ? `Telegram did not accept the bot token (${reason}). ${hint}`
        : `Telegram refused ${step} (${reason}). ${hint}`,
    );
  }
  return new StartupError(
    `${step} failed (${redactSecrets(error instanceof Error ? error.message : String(error), token)}). ${hint}`,
  );
}
