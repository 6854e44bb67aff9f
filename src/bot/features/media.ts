/** Stickers, photos, voice and other media: a short note that only text questions are understood. */
import { Composer } from "grammy";

import type { BotContext } from "../context.js";
import { texts } from "../i18n.js";
import { repliesToMe } from "./ask.js";

const MEDIA: Array<
  | "message:sticker"
  | "message:photo"
  | "message:voice"
  | "message:audio"
  | "message:video"
  | "message:video_note"
  | "message:document"
> = [
  "message:sticker",
  "message:photo",
  "message:voice",
  "message:audio",
  "message:video",
  "message:video_note",
  "message:document",
];

/** Explains text-only input; in groups only when the media replies to the bot. */
export function mediaFeature(): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  composer
    .on(MEDIA)
    .filter((ctx) => ctx.chat.type === "private" || repliesToMe(ctx.msg, ctx.me.id))
    .use((ctx) => ctx.reply(texts(ctx.lang).mediaOnlyText));
  return composer;
}
