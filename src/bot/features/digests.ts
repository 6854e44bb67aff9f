/**
 * The daily-digest commands: /themes, /subscribe (with arguments or two keyboards:
 * theme, then time), /unsubscribe, /subscriptions, /timezone, /digest (one now) and
 * /stats for admins. The commands only talk to the {@link DigestService}; a bad input
 * is answered with the service's own message in the user's language, which says what
 * is accepted.
 */
import { Composer } from "grammy";

import type { Meeting } from "../../corpus/types.js";
import {
  DigestInputError,
  parseTimeOfDay,
  type ChatRef,
  type DigestService,
  type SubscribeResult,
  type UnknownDelivery,
} from "../../digest/index.js";
import type { Logger } from "../../logger.js";
import { StoreError } from "../../store/errors.js";
import type { BotContext } from "../context.js";
import type { BotFeature, CommandSpec } from "../deps.js";
import { isNotModified } from "../errors.js";
import {
  digestThemeArgument,
  escapeHtml,
  formatDigestStatsHtml,
  formatSubscriptionsHtml,
  formatThemesHtml,
} from "../format.js";
import { texts, type Lang } from "../i18n.js";
import { parseSubscribeCallbackData, themePickerKeyboard, timePickerKeyboard } from "../keyboards.js";
import { splitHtmlMessage } from "../split-html.js";

/** Options of {@link createDigestFeature}. */
export interface DigestFeatureOptions {
  service: DigestService;
  /** Telegram user ids allowed to use /stats (ADMIN_USER_IDS). */
  adminIds: readonly number[];
  logger: Logger;
  /** The loaded meetings, to label /themes counts by year and city (else by meeting id). */
  meetings?: readonly Meeting[];
}

/** The commands this feature adds to the menu; /stats is left out, as only admins may use it. */
export const DIGEST_COMMANDS: readonly CommandSpec[] = [
  { command: "themes", zh: "每日摘要的主题", en: "Daily digest themes" },
  { command: "subscribe", zh: "订阅每日摘要：/subscribe 主题 [HH:MM]", en: "Daily digest: /subscribe THEME [HH:MM]" },
  { command: "subscriptions", zh: "我的订阅", en: "Your subscriptions" },
  { command: "unsubscribe", zh: "退订：/unsubscribe 主题 或 all", en: "Stop: /unsubscribe THEME or all" },
  { command: "timezone", zh: "设置时区，例如 /timezone Asia/Shanghai", en: "Set your time zone, e.g. /timezone Europe/Berlin" },
  { command: "digest", zh: "立即发送一期摘要：/digest 主题", en: "One digest now: /digest THEME" },
];

// A time at the end of /subscribe's argument: "07:30", "7:30", "07：30", also "7.30" (rejected with the accepted format).
const TIME_LIKE = /^\d{1,2}[:：.．]\d{1,3}$/u;

/**
 * Splits what follows /subscribe into the theme and an optional trailing time.
 * @example splitThemeAndTime("科技创新 07:30") // { theme: "科技创新", time: "07:30" }
 */
export function splitThemeAndTime(text: string): { theme: string; time?: string | undefined } {
  const words = text.trim().split(/\s+/u).filter((w) => w !== "");
  const last = words.at(-1);
  if (last !== undefined && TIME_LIKE.test(last)) return { theme: words.slice(0, -1).join(" "), time: last };
  return { theme: words.join(" ") };
}

/**
 * Creates the digest feature, to pass in `BotDeps.extraFeatures`.
 *
 * @example
 * const feature = createDigestFeature({ service, adminIds: config.ADMIN_USER_IDS, logger, meetings });
 * const bot = createBot(token, { ...deps, extraFeatures: [feature] });
 */
export function createDigestFeature(options: DigestFeatureOptions): BotFeature {
  const { service, logger } = options;
  const admins = new Set(options.adminIds);
  const meetings = options.meetings ?? [];
  const composer = new Composer<BotContext>();
  const only = composer.chatType(["private", "group", "supergroup"]);

  const chatOf = (ctx: BotContext & { chat: { id: number } }): ChatRef => ({ chatId: ctx.chat.id, userId: ctx.from?.id ?? null, language: ctx.lang });
  /** In groups only the owner and administrators change the group's digests; anyone may in a private chat. */
  const mayManage = async (ctx: BotContext): Promise<boolean> => {
    if (ctx.chat?.type === "private") return true;
    if (ctx.from === undefined) return false;
    const member = await ctx.getChatMember(ctx.from.id);
    if (member.status === "creator" || member.status === "administrator") return true;
    ctx.log.info("digest change refused to a group member", { user_id: ctx.from.id });
    if (ctx.callbackQuery !== undefined) await ctx.answerCallbackQuery({ text: texts(ctx.lang).digest.groupAdminsOnly, show_alert: true });
    else await ctx.reply(escapeHtml(texts(ctx.lang).digest.groupAdminsOnly), { parse_mode: "HTML" });
    return false;
  };
  /** The group's digests keep one language; a private chat follows its user. */
  const followLanguage = async (ctx: BotContext, chat: ChatRef) => {
    if (ctx.chat?.type === "private") await service.setLanguage(chat, ctx.lang);
  };
  const reply = (ctx: BotContext, html: string) => ctx.reply(html, { parse_mode: "HTML", link_preview_options: { is_disabled: true } });
  /** Answers a DigestInputError with its message (what is accepted); other errors go to the error boundary. */
  const guard =
    <C extends BotContext>(handler: (ctx: C) => Promise<unknown>) =>
    async (ctx: C): Promise<void> => {
      try {
        await handler(ctx);
      } catch (error) {
        if (!(error instanceof DigestInputError) && !(error instanceof StoreError)) throw error;
        // A store fault: the operator needs the details, the user only "busy, try again".
        if (error instanceof StoreError) (ctx.log ?? logger).error("digest command hit a store fault", { code: error.code, error: error.message });
        else (ctx.log ?? logger).info("digest command input refused", { code: error.code });
        // A callback answer holds at most 200 characters; the lists of accepted values can be longer, so they go in the chat.
        if (ctx.callbackQuery !== undefined) await ctx.answerCallbackQuery();
        await reply(ctx, escapeHtml(error.text(ctx.lang)));
      }
    };

  only.command(
    "themes",
    guard(async (ctx) => {
      for (const part of splitHtmlMessage(formatThemesHtml(service.themes(), meetings, ctx.lang))) await reply(ctx, part);
    }),
  );

  only.command(
    "subscribe",
    guard(async (ctx) => {
      const { theme, time } = splitThemeAndTime(ctx.match);
      if (theme === "") {
        // No theme: offer the catalogue (keeping a time given alone, e.g. "/subscribe 07:30").
        const at = time === undefined ? undefined : parseTimeOfDay(time).text;
        const themes = service.themes().filter((c) => c.total > 0).map((c) => c.theme);
        await ctx.reply(escapeHtml(texts(ctx.lang).digest.pickTheme), {
          parse_mode: "HTML",
          reply_markup: themePickerKeyboard(themes, ctx.lang, at),
        });
        return;
      }
      if (!(await mayManage(ctx))) return;
      const chat = chatOf(ctx);
      const result = await service.subscribe(chat, theme, time);
      await followLanguage(ctx, chat);
      ctx.log.info("digest subscribed", { theme: result.themeId, time: result.time, created: result.created });
      await reply(ctx, subscribedHtml(result, ctx.lang));
    }),
  );

  only.callbackQuery(
    /^dg:/u,
    guard(async (ctx) => {
      const t = texts(ctx.lang).digest;
      const choice = parseSubscribeCallbackData(ctx.callbackQuery.data);
      const theme = choice === undefined ? undefined : service.themes().find((c) => c.theme.id === choice.themeId)?.theme;
      if (choice === undefined || theme === undefined) {
        await ctx.answerCallbackQuery({ text: t.buttonExpired, show_alert: true });
        return;
      }
      const chat = chatOf(ctx);
      if (choice.step === "theme" && choice.time === undefined) {
        await ctx.answerCallbackQuery();
        const name = ctx.lang === "zh" ? theme.zh : theme.en;
        await edit(ctx, escapeHtml(t.pickTime(name, await service.timeZone(chat))), timePickerKeyboard(theme.id));
        return;
      }
      if (!(await mayManage(ctx))) return;
      const result = await service.subscribe(chat, theme.id, choice.time);
      await followLanguage(ctx, chat);
      ctx.log.info("digest subscribed", { theme: result.themeId, time: result.time, created: result.created, via: "keyboard" });
      await ctx.answerCallbackQuery();
      await edit(ctx, subscribedHtml(result, ctx.lang));
    }),
  );

  only.command(
    "unsubscribe",
    guard(async (ctx) => {
      const t = texts(ctx.lang).digest;
      const chat = chatOf(ctx);
      const what = ctx.match.trim();
      if (what === "") {
        const mine = await service.list(chat);
        await reply(ctx, mine.length === 0 ? escapeHtml(t.noSubscriptions) : `${escapeHtml(t.unsubscribeUsage)}\n\n${formatSubscriptionsHtml(mine, ctx.lang)}`);
        return;
      }
      if (!(await mayManage(ctx))) return;
      const { removed } = await service.unsubscribe(chat, what);
      const names = removed.map((v) => v.name[ctx.lang]).join(ctx.lang === "zh" ? "、" : ", ");
      await reply(ctx, escapeHtml(removed.length === 0 ? t.unsubscribedNothing : t.unsubscribed(names)));
    }),
  );

  only.command(
    "subscriptions",
    guard(async (ctx) => {
      await reply(ctx, formatSubscriptionsHtml(await service.list(chatOf(ctx)), ctx.lang));
    }),
  );

  only.command(
    "timezone",
    guard(async (ctx) => {
      const t = texts(ctx.lang).digest;
      const chat = chatOf(ctx);
      const zone = ctx.match.trim();
      if (zone === "") {
        await reply(ctx, escapeHtml(t.timezoneCurrent(await service.timeZone(chat))));
        return;
      }
      if (!(await mayManage(ctx))) return;
      const { timeZone } = await service.setTimezone(chat, zone);
      await reply(ctx, escapeHtml(t.timezoneSet(timeZone, (await service.list(chat)).length)));
    }),
  );

  only.command(
    "digest",
    guard(async (ctx) => {
      const chat = chatOf(ctx);
      const theme = ctx.match.trim();
      // The digest goes out through the scheduler's sender, in the subscriber's language: make it this user's.
      await followLanguage(ctx, chat);
      const { digest, outcome } = await service.digestNow(chat, theme === "" ? undefined : theme);
      if (outcome.status === "sent") return;
      (ctx.log ?? logger).warn("digest now not delivered", { theme: digest.themeId, status: outcome.status, ...("error" in outcome ? { error: outcome.error } : {}) });
      // A blocked chat cannot be told anything.
      if (outcome.status === "blocked") return;
      const text = outcome.status === "empty" ? (digest.empty?.[ctx.lang] ?? texts(ctx.lang).digest.digestFailed) : texts(ctx.lang).digest.digestFailed;
      await reply(ctx, escapeHtml(text));
    }),
  );

  only.command(
    "stats",
    guard(async (ctx) => {
      if (ctx.from === undefined || !admins.has(ctx.from.id)) {
        ctx.log.info("stats refused to a non-admin", { user_id: ctx.from?.id });
        await reply(ctx, escapeHtml(texts(ctx.lang).digest.adminOnly));
        return;
      }
      await reply(ctx, formatDigestStatsHtml(await service.stats(), ctx.lang) + unknownRowsHtml(await service.unknownDeliveries(), ctx.lang));
    }),
  );

  only.command(
    "resend",
    guard(async (ctx) => {
      if (ctx.from === undefined || !admins.has(ctx.from.id)) {
        await reply(ctx, escapeHtml(texts(ctx.lang).digest.adminOnly));
        return;
      }
      const id = Number(ctx.match.trim());
      const outcome = Number.isInteger(id) && id > 0 ? await service.resendUnknown(id) : { status: "not-unknown" as const };
      ctx.log.info("unknown digest resent by an admin", { deliveryId: id, status: outcome.status });
      await reply(ctx, escapeHtml(resendText(outcome.status, id, ctx.lang)));
    }),
  );

  return { name: "digests", composer, commands: [...DIGEST_COMMANDS] };
}

/**
 * The digests whose outcome is unknown (the process died while Telegram handled them),
 * with the command that resends one. They are never resent automatically: most did
 * arrive, and a resend would then be a duplicate; an admin who checked can decide.
 */
function unknownRowsHtml(rows: readonly UnknownDelivery[], lang: Lang): string {
  if (rows.length === 0) return "";
  const head =
    lang === "zh"
      ? "\n\n送达未知的摘要（进程在发送途中退出；确认未收到后可用 /resend 编号 重发）："
      : "\n\nDigests with an unknown outcome (the process died mid-send; if one never arrived, /resend ID sends it):";
  const lines = rows.map((r) => `• #${r.id} chat ${r.chatId ?? "?"} · ${escapeHtml(r.themeId)} · ${r.localDate}`);
  return `${escapeHtml(head)}\n${lines.join("\n")}`;
}

function resendText(status: string, id: number, lang: Lang): string {
  if (status === "sent") return lang === "zh" ? `已重发 #${id}。` : `Resent #${id}.`;
  if (status === "not-unknown") {
    return lang === "zh" ? `#${id} 不是送达未知的摘要（见 /stats）。` : `#${id} is not a digest with an unknown outcome (see /stats).`;
  }
  return lang === "zh" ? `#${id} 重发失败（${status}）。` : `Resending #${id} failed (${status}).`;
}

/** The confirmation of a subscription: theme, time and zone, then what to do next. */
function subscribedHtml(result: SubscribeResult, lang: Lang): string {
  const t = texts(lang).digest;
  const argument = digestThemeArgument({ themeId: result.themeId, themeName: result.name });
  return `${escapeHtml(t.subscribed(result.name[lang], result.time, result.timeZone, result.created))}\n${escapeHtml(t.subscribedHint(argument))}`;
}

/** Replaces the keyboard message's text (and keyboard); pressing the same button twice is harmless. */
async function edit(ctx: BotContext, html: string, keyboard?: ReturnType<typeof timePickerKeyboard>): Promise<void> {
  try {
    await ctx.editMessageText(html, { parse_mode: "HTML", ...(keyboard === undefined ? {} : { reply_markup: keyboard }) });
  } catch (error) {
    if (!isNotModified(error)) throw error;
  }
}
