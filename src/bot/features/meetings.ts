/** /meetings: the meetings the bot knows, with date, place, theme and articles. */
import { Composer } from "grammy";

import type { BotContext } from "../context.js";
import { formatMeetingsHtml } from "../format.js";
import { splitHtmlMessage } from "../split-html.js";

/** Lists every meeting (split over several messages when long). */
export function meetingsFeature(): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  composer.command("meetings", async (ctx) => {
    for (const part of splitHtmlMessage(formatMeetingsHtml(ctx.core.meetings, ctx.lang))) {
      await ctx.reply(part, { parse_mode: "HTML", link_preview_options: { is_disabled: true } });
    }
  });
  return composer;
}
