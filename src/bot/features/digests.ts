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
  resolveTimeZone,
  splitThemeAndTime,
  type ChatRef,
  type DigestService,
  type SubscribeResult,
  type UnknownDelivery,
} from "../../digest/index.js";
import type { Logger } from "../../logger.js";
import { StoreError } from "../../store/errors.js";
import type { BotContext } from "../context.js";
import type { BotFeature, CommandSpec } from "../deps.js";
import { describeError, isNotModified } from "../errors.js";
import {
  digestThemeArgument,
  escapeHtml,
  formatDigestStatsHtml,
  formatSubscriptionsHtml,
  formatThemesHtml,
} from "../format.js";
import { texts, type Lang } from "../i18n.js";
import {
  digestThemeKeyboard,
  parseSubscribeCallbackData,
  subscriptionsKeyboard,
  themePickerKeyboard,
  themeRef,
  timePickerKeyboard,
} from "../keyboards.js";
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
  {
    command: "subscribe",
    zh: "订阅每日摘要：/subscribe 主题 [时间，如 晚上8点]",
    en: "Daily digest: /subscribe THEME [time, e.g. 8pm]",
  },
  { command: "subscriptions", zh: "我的订阅", en: "Your subscriptions" },
  { command: "unsubscribe", zh: "退订：/unsubscribe 主题 或 all", en: "Stop: /unsubscribe THEME or all" },
  {
    command: "timezone",
    zh: "设置时区，例如 /timezone 北京 或 UTC+8",
    en: "Set your time zone, e.g. /timezone Berlin or UTC+8",
  },
  { command: "digest", zh: "立即发送一期摘要：/digest 主题", en: "One digest now: /digest THEME" },
];

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

  const chatOf = (ctx: BotContext & { chat: { id: number } }): ChatRef => ({
    chatId: ctx.chat.id,
    userId: ctx.from?.id ?? null,
    language: ctx.lang,
  });
  /** In groups only the owner and administrators change the group's digests; anyone may in a private chat. */
  const mayManage = async (ctx: BotContext): Promise<boolean> => {
    if (ctx.chat?.type === "private") return true;
    if (ctx.from === undefined) return false;
    let member: Awaited<ReturnType<BotContext["getChatMember"]>>;
    try {
      member = await ctx.getChatMember(ctx.from.id);
    } catch (error) {
      // Without the member's status nothing may change; say so instead of a generic error.
      ctx.log.warn("getChatMember failed; digest change not allowed", { error: describeError(error) });
      const text = texts(ctx.lang).digest.adminCheckFailed;
      if (ctx.callbackQuery !== undefined)
        await ctx.answerCallbackQuery({ text: text.slice(0, 190), show_alert: true });
      else await ctx.reply(escapeHtml(text), { parse_mode: "HTML" });
      return false;
    }
    if (member.status === "creator" || member.status === "administrator") return true;
    ctx.log.info("digest change refused to a group member", { user_id: ctx.from.id });
    if (ctx.callbackQuery !== undefined)
      await ctx.answerCallbackQuery({ text: texts(ctx.lang).digest.groupAdminsOnly, show_alert: true });
    else await ctx.reply(escapeHtml(texts(ctx.lang).digest.groupAdminsOnly), { parse_mode: "HTML" });
    return false;
  };
  /** The group's digests keep one language; a private chat follows its user. */
  const followLanguage = async (ctx: BotContext, chat: ChatRef) => {
    if (ctx.chat?.type === "private") await service.setLanguage(chat, ctx.lang);
  };
  const reply = (ctx: BotContext, html: string) =>
    ctx.reply(html, { parse_mode: "HTML", link_preview_options: { is_disabled: true } });
  /** Answers a DigestInputError with its message (what is accepted); other errors go to the error boundary. */
  const guard =
    <C extends BotContext>(handler: (ctx: C) => Promise<unknown>) =>
    async (ctx: C): Promise<void> => {
      try {
        await handler(ctx);
      } catch (error) {
        if (!(error instanceof DigestInputError) && !(error instanceof StoreError)) throw error;
        // A store fault: the operator needs the details, the user only "busy, try again".
        if (error instanceof StoreError)
          (ctx.log ?? logger).error("digest command hit a store fault", { code: error.code, error: error.message });
        else (ctx.log ?? logger).info("digest command input refused", { code: error.code });
        // A callback answer holds at most 200 characters; the lists of accepted values can be longer, so they go in the chat.
        if (ctx.callbackQuery !== undefined) await ctx.answerCallbackQuery();
        await reply(ctx, escapeHtml(error.text(ctx.lang)));
      }
    };

  only.command(
    "themes",
    guard(async (ctx) => {
      for (const part of splitHtmlMessage(formatThemesHtml(service.themes(), meetings, ctx.lang)))
        await reply(ctx, part);
    }),
  );

  only.command(
    "subscribe",
    guard(async (ctx) => {
      const { theme, time } = splitThemeAndTime(ctx.match);
      if (theme === "") {
        // No theme: offer the catalogue (keeping a time given alone, e.g. "/subscribe 07:30").
        const at = time === undefined ? undefined : parseTimeOfDay(time).text;
        const themes = service
          .themes()
          .filter((c) => c.total > 0)
          .map((c) => c.theme);
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
      const chat = chatOf(ctx);
      const choice = parseSubscribeCallbackData(ctx.callbackQuery.data);
      // A ref names a catalogue theme, or (hashed) a free-text topic this chat subscribed to.
      const catalogue =
        choice === undefined ? undefined : service.themes().find((c) => c.theme.id === choice.themeId)?.theme;
      const mine =
        choice === undefined || catalogue !== undefined
          ? undefined
          : (await service.list(chat)).find((v) => themeRef(v.themeId) === choice.themeId);
      const theme =
        catalogue ??
        (mine === undefined ? undefined : { id: mine.themeId, zh: mine.name.zh, en: mine.name.en, text: mine.name.zh });
      if (choice === undefined || theme === undefined) {
        await ctx.answerCallbackQuery({ text: t.buttonExpired, show_alert: true });
        return;
      }
      const themeText = "text" in theme ? theme.text : theme.id;
      if (choice.step === "now") {
        await ctx.answerCallbackQuery();
        await sendDigestNow(ctx, chat, themeText);
        return;
      }
      if (choice.step === "theme" && choice.time === undefined) {
        await ctx.answerCallbackQuery();
        const name = ctx.lang === "zh" ? theme.zh : theme.en;
        await edit(ctx, escapeHtml(t.pickTime(name, await service.timeZone(chat))), timePickerKeyboard(theme.id));
        return;
      }
      if (!(await mayManage(ctx))) return;
      if (choice.step === "unsubscribe") {
        const { removed } = await service.unsubscribe(chat, themeText);
        await ctx.answerCallbackQuery();
        const names = removed.map((v) => v.name[ctx.lang]).join(ctx.lang === "zh" ? "、" : ", ");
        const rest = await service.list(chat);
        const list = rest.length === 0 ? escapeHtml(t.noSubscriptions) : formatSubscriptionsHtml(rest, ctx.lang);
        await edit(
          ctx,
          `${escapeHtml(removed.length === 0 ? t.unsubscribedNothing : t.unsubscribed(names))}\n\n${list}`,
          subscriptionsKeyboard(rest, ctx.lang),
        );
        return;
      }
      const result = await service.subscribe(chat, themeText, choice.time);
      await followLanguage(ctx, chat);
      ctx.log.info("digest subscribed", {
        theme: result.themeId,
        time: result.time,
        created: result.created,
        via: "keyboard",
      });
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
        await reply(
          ctx,
          mine.length === 0
            ? escapeHtml(t.noSubscriptions)
            : `${escapeHtml(t.unsubscribeUsage)}\n\n${formatSubscriptionsHtml(mine, ctx.lang)}`,
        );
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
      const mine = await service.list(chatOf(ctx));
      const keyboard = subscriptionsKeyboard(mine, ctx.lang);
      await ctx.reply(formatSubscriptionsHtml(mine, ctx.lang), {
        parse_mode: "HTML",
        link_preview_options: { is_disabled: true },
        ...(keyboard === undefined ? {} : { reply_markup: keyboard }),
      });
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
      const found = resolveTimeZone(zone);
      if (!(await mayManage(ctx))) return;
      const { timeZone } = await service.setTimezone(chat, found.timeZone);
      const place =
        found.via === "city"
          ? t.timezonePlace(found.place, 1)
          : found.via === "country"
            ? t.timezonePlace(found.place, found.zones)
            : "";
      await reply(ctx, escapeHtml(`${t.timezoneSet(timeZone, (await service.list(chat)).length)}${place}`));
    }),
  );

  /** Sends one digest now through the scheduler's sender; tells the chat when it could not go out. */
  const sendDigestNow = async (
    ctx: BotContext & { chat: { id: number } },
    chat: ChatRef,
    theme: string | undefined,
  ) => {
    // The digest goes out through the scheduler's sender, in the subscriber's language: make it this user's.
    await followLanguage(ctx, chat);
    const { digest, outcome } = await service.digestNow(chat, theme);
    if (outcome.status === "sent") return;
    (ctx.log ?? logger).warn("digest now not delivered", {
      theme: digest.themeId,
      status: outcome.status,
      ...("error" in outcome ? { error: outcome.error } : {}),
    });
    // A blocked chat cannot be told anything.
    if (outcome.status === "blocked") return;
    const text =
      outcome.status === "empty"
        ? (digest.empty?.[ctx.lang] ?? texts(ctx.lang).digest.digestFailed)
        : texts(ctx.lang).digest.digestFailed;
    await reply(ctx, escapeHtml(text));
  };

  only.command(
    "digest",
    guard(async (ctx) => {
      const chat = chatOf(ctx);
      const theme = ctx.match.trim();
      // Bare /digest: the chat's only subscription, else theme buttons.
      if (theme === "" && (await service.list(chat)).length !== 1) {
        const themes = service
          .themes()
          .filter((c) => c.total > 0)
          .map((c) => c.theme);
        await ctx.reply(escapeHtml(texts(ctx.lang).digest.pickDigestTheme), {
          parse_mode: "HTML",
          reply_markup: digestThemeKeyboard(themes, ctx.lang),
        });
        return;
      }
      await sendDigestNow(ctx, chat, theme === "" ? undefined : theme);
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
      await reply(
        ctx,
        formatDigestStatsHtml(await service.stats(), ctx.lang) +
          unknownRowsHtml(await service.unknownDeliveries(), ctx.lang),
      );
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
      const outcome =
        Number.isInteger(id) && id > 0 ? await service.resendUnknown(id) : { status: "not-unknown" as const };
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
    return lang === "zh"
      ? `#${id} 不是送达未知的摘要（见 /stats）。`
      : `#${id} is not a digest with an unknown outcome (see /stats).`;
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
async function edit(
  ctx: BotContext,
  html: string,
  keyboard?: ReturnType<typeof timePickerKeyboard> | undefined,
): Promise<void> {
  try {
    await ctx.editMessageText(html, {
      parse_mode: "HTML",
      ...(keyboard === undefined ? {} : { reply_markup: keyboard }),
    });
  } catch (error) {
    if (!isNotModified(error)) throw error;
  }
}
