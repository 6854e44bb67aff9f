/**
 * `/trend THEME` and `/compare A B`: a PNG chart (sendPhoto) with a cited
 * caption, one line per meeting, and source buttons that open the paragraphs
 * like an answer's. Trend questions in words come here from the ask feature
 * ({@link answerTrendInChat}).
 */
import { Composer, InlineKeyboard, InputFile } from "grammy";

import type { Citation } from "../../answer/types.js";
import { DigestInputError } from "../../digest/errors.js";
import { DEFAULT_THEMES, themeNames, type Theme } from "../../digest/themes.js";
import {
  citationOf,
  meetingName,
  parseCompare,
  resolveTrendTheme,
  trendLines,
  type CompareItem,
  type Comparison,
  type MeetingSide,
  type Trend,
} from "../../trend/index.js";
import { checkQuestion } from "../ask-flow.js";
import type { BotContext } from "../context.js";
import type { CommandSpec } from "../deps.js";
import { escapeHtml } from "../format.js";
import { langOfText, texts, type Lang } from "../i18n.js";
import { sourceCallbackData } from "../keyboards.js";
import type { BotServices } from "../services.js";
import { splitHtmlMessage } from "../split-html.js";

/** The commands of this feature, for the menu. */
export const TREND_COMMANDS: readonly CommandSpec[] = [
  {
    command: "trend",
    zh: "主题在历次会议中的分量（图表）：/trend 生态环境",
    en: "A theme across the meetings (chart): /trend ecology",
  },
  { command: "compare", zh: "对比两次会议：/compare 2024 2025", en: "Compare two meetings: /compare 2024 2025" },
];

/** Telegram's caption limit. */
const CAPTION_LIMIT = 1024;
const HTML = { parse_mode: "HTML", link_preview_options: { is_disabled: true } } as const;

/** /trend and /compare; mounted only when the bot has a trend service. */
export function trendFeature(services: BotServices): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  composer.command("trend", async (ctx) => {
    const arg = ctx.match.trim();
    const lang = arg === "" ? ctx.lang : langOfText(arg);
    if (arg === "") {
      await ctx.reply(usage(lang));
      return;
    }
    let theme: Theme;
    try {
      theme = resolveTrendTheme(arg);
    } catch (error) {
      if (!(error instanceof DigestInputError)) throw error;
      await ctx.reply(error.text(lang));
      return;
    }
    await answerTrendInChat(ctx, services, theme, lang, `/trend ${arg}`);
  });
  composer.command("compare", async (ctx) => {
    const service = ctx.core.trend;
    if (service === undefined || ctx.chat === undefined) return;
    const arg = ctx.match.trim();
    const lang = arg !== "" && /\p{Script=Han}/u.test(arg) ? "zh" : ctx.lang;
    const choice = parseCompare(arg, service.meetings);
    if (!choice.ok) {
      await ctx.reply(
        compareProblem(
          choice.reason,
          choice.word,
          service.meetings.map((m) => meetingName(m, lang)),
          lang,
        ),
      );
      return;
    }
    await ctx.replyWithChatAction("upload_photo").catch(() => undefined);
    const comparison = service.compare(choice.earlier, choice.later);
    const png = await service.comparePng(comparison, lang);
    const a = meetingName(comparison.earlier.meeting, lang);
    const b = meetingName(comparison.later.meeting, lang);
    await ctx.replyWithPhoto(new InputFile(png, "compare.png"), {
      caption: lang === "zh" ? `${a} 与 ${b}：各主题段落占比` : `${a} vs ${b}: share of paragraphs per theme`,
    });
    const { html, citations } = compareHtml(comparison, lang);
    const parts = splitHtmlMessage(html);
    let lastId = 0;
    for (const [i, part] of parts.entries()) {
      const markup =
        i === parts.length - 1 && citations.length > 0 ? { reply_markup: sourceKeyboard(citations, lang) } : {};
      lastId = (await ctx.reply(part, { ...HTML, ...markup })).message_id;
    }
    await services.memory.remember(ctx.chat.id, {
      question: `/compare ${arg}`,
      answer: html,
      answered: true,
      citations,
      messageId: lastId,
    });
  });
  return composer;
}

/**
 * Sends the trend of `theme` to the chat: the chart with the cited caption, or the
 * message that the reports never mention it. Applies the same length and rate checks
 * as questions when it answers a question in words.
 */
export async function answerTrendInChat(
  ctx: BotContext,
  services: BotServices,
  theme: Theme,
  lang: Lang,
  question: string,
): Promise<void> {
  const service = ctx.core.trend;
  if (service === undefined || ctx.chat === undefined || ctx.from === undefined) return;
  const check = await checkQuestion(services, ctx.from.id, question, lang);
  if (!check.ok) {
    if (!check.quiet) await ctx.reply(check.notice);
    return;
  }
  const trend = service.trend(theme);
  const name = lang === "zh" ? theme.zh : theme.en;
  if (!trend.mentioned) {
    await ctx.reply(
      lang === "zh"
        ? `报道中没有提到“${name}”：${trend.points.length}次会议的报道里都没有这个词。可以换个说法，或选一个主题：${themeNames(DEFAULT_THEMES, "zh")}。`
        : `The reports never mention "${name}": none of the ${trend.points.length} meetings' reports uses it. Try other words, or a theme: ${themeNames(DEFAULT_THEMES, "en")}.`,
    );
    ctx.log.info("trend: theme not mentioned", { theme: theme.id });
    return;
  }
  await ctx.replyWithChatAction("upload_photo").catch(() => undefined);
  const started = performance.now();
  const png = await service.trendPng(trend, lang);
  const { caption, citations } = trendCaption(trend, lang);
  const keyboard = sourceKeyboard(citations, lang);
  const fits = caption.length <= CAPTION_LIMIT;
  const sent = await ctx.replyWithPhoto(new InputFile(png, "trend.png"), {
    caption: fits
      ? caption
      : lang === "zh"
        ? `“${escapeHtml(name)}”在历次会议中的分量`
        : `"${escapeHtml(name)}" across the meetings`,
    parse_mode: "HTML",
    ...(fits ? { reply_markup: keyboard } : {}),
  });
  const messageId = fits ? sent.message_id : (await ctx.reply(caption, { ...HTML, reply_markup: keyboard })).message_id;
  await services.memory.remember(ctx.chat.id, { question, answer: caption, answered: true, citations, messageId });
  ctx.log.info("trend sent", {
    theme: theme.id,
    citations: citations.length,
    renderMs: Math.round(performance.now() - started),
  });
}

/** The caption: a heading, then per meeting its bar, share, counts, top terms and the citation of its strongest paragraph. */
export function trendCaption(trend: Trend, lang: Lang): { caption: string; citations: Citation[] } {
  const citations: Citation[] = [];
  const lines = trendLines(trend, lang).map((line, i) => {
    const evidence = trend.points[i]!.evidence;
    if (evidence === undefined) return escapeHtml(line);
    const citation = citationOf(citations.length + 1, evidence);
    citations.push(citation);
    return `${escapeHtml(line)} [${citation.n}]`;
  });
  const name = escapeHtml(lang === "zh" ? trend.theme.zh : trend.theme.en);
  const head =
    lang === "zh"
      ? `<b>“${name}”在历次会议报道中的分量</b>（涉及该主题的段落占比）`
      : `<b>"${name}" across the meetings</b> (share of paragraphs on the theme)`;
  const foot =
    lang === "zh"
      ? "[n] 为该次会议最相关的段落，点按钮查看原文。"
      : "[n] is that meeting's most relevant paragraph; tap a button to read it.";
  return { caption: [head, ...lines, foot].join("\n"), citations };
}

/** The comparison in words: for each meeting, what it has that the other lacks, every item cited. */
export function compareHtml(comparison: Comparison, lang: Lang): { html: string; citations: Citation[] } {
  const citations: Citation[] = [];
  const cite = (item: CompareItem) => {
    const found = citations.find(
      (c) =>
        c.meetingId === item.chunk.meetingId &&
        c.articleIndex === item.chunk.articleIndex &&
        c.paragraph === item.chunk.paragraph,
    );
    const citation = found ?? citationOf(citations.length + 1, item.chunk);
    if (found === undefined) citations.push(citation);
    return `${escapeHtml(item.text)} [${citation.n}]`;
  };
  const section = (side: MeetingSide, other: MeetingSide) => {
    const a = escapeHtml(meetingName(side.meeting, lang));
    const b = escapeHtml(meetingName(other.meeting, lang));
    const sep = lang === "zh" ? "、" : "; ";
    const rows: string[] = [lang === "zh" ? `<b>${a} 有而 ${b} 没有的</b>` : `<b>In ${a}, not in ${b}</b>`];
    const row = (zh: string, en: string, items: CompareItem[], limit: number) => {
      if (items.length > 0) rows.push(`${lang === "zh" ? zh : en}：${items.slice(0, limit).map(cite).join(sep)}`);
    };
    row("突出的词语", "Distinctive terms", side.terms, 4);
    row("审议的文件", "Documents reviewed", side.documents, 3);
    row("新提到的项目", "Named projects", side.projects, 3);
    if (rows.length === 1)
      rows.push(lang === "zh" ? "（没有找到对方报道中没有的内容）" : "(nothing the other report lacks)");
    return rows.join("\n");
  };
  const html = [section(comparison.later, comparison.earlier), section(comparison.earlier, comparison.later)].join(
    "\n\n",
  );
  return { html, citations };
}

/** One 📄 button per citation, five per row, as under answers. */
function sourceKeyboard(citations: readonly Citation[], lang: Lang): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  citations.forEach((c, i) => {
    if (i > 0 && i % 5 === 0) keyboard.row();
    keyboard.text(texts(lang).sourceButton(c.n), sourceCallbackData(c.meetingId, c.articleIndex, c.paragraph));
  });
  return keyboard;
}

function usage(lang: Lang): string {
  return lang === "zh"
    ? `用法：/trend 主题，例如 /trend 生态环境。主题：${themeNames(DEFAULT_THEMES, "zh")}，也可以是任意关键词（如 人工智能）。`
    : `Usage: /trend THEME, e.g. /trend ecology. Themes: ${themeNames(DEFAULT_THEMES, "en")}, or any keyword (e.g. 人工智能).`;
}

function compareProblem(reason: string, word: string | undefined, meetings: string[], lang: Lang): string {
  const list = meetings.join(lang === "zh" ? "、" : ", ");
  if (lang === "zh") {
    if (reason === "ambiguous") return `“${word}”对应不止一次会议，请加上年份。会议：${list}。`;
    if (reason === "same") return "请给出两次不同的会议，例如 /compare 2024 2025。";
    if (reason === "too-few") return `请给出两次会议，例如 /compare 2024 2025。会议：${list}。`;
    return `没有找到“${word}”对应的会议。可以用年份、举办城市，或“专题座谈会”“习近平”指2023年的座谈会：${list}。`;
  }
  if (reason === "ambiguous") return `"${word}" matches more than one meeting; add the year. Meetings: ${list}.`;
  if (reason === "same") return "Name two different meetings, e.g. /compare 2024 2025.";
  if (reason === "too-few") return `Name two meetings, e.g. /compare 2024 2025. Meetings: ${list}.`;
  return `No meeting matches "${word}". Use a year, a host city or "symposium": ${list}.`;
}
