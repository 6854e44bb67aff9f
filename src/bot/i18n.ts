/**
 * Interface texts in Chinese and English. Answers come in the question's
 * language (Answer.language); commands and notices follow the user's Telegram
 * language_code. Every text is plain (HTML-escaped by the caller) unless its
 * name ends in `Html`.
 */
import { languageOf } from "../text/language.js";

/** The two interface languages. */
export type Lang = "zh" | "en";

/** Maps a Telegram language_code to an interface language; Chinese when unknown, as most users read it. */
export function langFromCode(code: string | undefined): Lang {
  if (code === undefined || code === "") return "zh";
  return code.toLowerCase().startsWith("zh") ? "zh" : "en";
}

/** Guesses the language of a question: any Han character means Chinese (the rule the LLM answerer uses too). */
export function langOfText(text: string): Lang {
  return languageOf(text);
}

interface Texts {
  help: (botUsername: string) => string;
  unknownCommand: string;
  askUsage: string;
  tooLong: (limit: number, length: number) => string;
  rateLimited: (seconds: number) => string;
  error: string;
  mediaOnlyText: string;
  thanks: string;
  /** /start: one greeting, the example questions go below it as buttons. */
  greeting: string;
  examplesHint: string;
  /** Feedback: the vote was changed; reasons offered after 👎. */
  voteChanged: string;
  reasonPrompt: string;
  reasons: { wrong: string; incomplete: string; source: string; unanswered: string };
  /** A button whose data no feature knows (an old keyboard, or forged data). */
  unknownButton: string;
  sourcesHeader: string;
  articleKind: { meeting: string; forum: string };
  paragraph: (n: number) => string;
  sourceButton: (n: number) => string;
  sourceNotFound: string;
  noLastAnswer: string;
  sourceUsage: (count: number) => string;
  sourceFrom: string;
  meetingsHeader: string;
  noMeetings: string;
  theme: string;
  forum: string;
  paragraphs: (n: number) => string;
  inlineHint: string;
  inlineNoAnswer: string;
  /** The daily-digest commands (features/digests.ts) and the digest message (format.ts). */
  digest: DigestTexts;
}

/** Texts of the digest commands; plain unless the name ends in `Html`. */
export interface DigestTexts {
  themesHeader: string;
  /** Under the header: what the numbers mean. */
  themesNote: string;
  themesTotal: (n: number) => string;
  themesFooter: string;
  pickTheme: string;
  pickTime: (theme: string, zone: string) => string;
  subscribed: (theme: string, time: string, zone: string, created: boolean) => string;
  subscribedHint: (themeArg: string) => string;
  unsubscribed: (names: string) => string;
  unsubscribedNothing: string;
  unsubscribeUsage: string;
  subscriptionsHeader: string;
  subscriptionLine: (name: string, time: string, zone: string) => string;
  noSubscriptions: string;
  timezoneCurrent: (zone: string) => string;
  timezoneSet: (zone: string, subscriptions: number) => string;
  adminOnly: string;
  /** In a group, only its administrators change what the group receives. */
  groupAdminsOnly: string;
  statsHeader: string;
  statsSubscribers: (active: number, inactive: number) => string;
  statsSubscriptions: (n: number) => string;
  statsDeliveries: (d: { sent: number; failed: number; blocked: number; unknown: number; pending: number }) => string;
  statsFeedback: (up: number, down: number) => string;
  digestFailed: string;
  buttonExpired: string;
  /** getChatMember failed: the bot cannot tell whether the user administers the group. */
  adminCheckFailed: string;
  /** /timezone found a place: which one; a country with several zones says which was chosen. */
  timezonePlace: (place: string, zones: number) => string;
  /** /subscriptions buttons. */
  changeTimeButton: (theme: string) => string;
  unsubscribeButton: (theme: string) => string;
  /** A bare /digest: pick a theme. */
  pickDigestTheme: string;
  /** The digest's line when the theme's unsent paragraphs ran out. */
  reviewStarts: (theme: string) => string;
  lastUnsent: (theme: string) => string;
  /** How a point's mark (新增/回顾) is shown. */
  marks: { 新增: string; 回顾: string };
  digestFooter: (themeArg: string) => string;
}

const zh: Texts = {
  help: (bot) =>
    [
      "我回答关于长三角地区主要领导座谈会的问题，每个答案都标注出处（会议 + 段落）。",
      "",
      "• 私聊：直接发送问题，可以接着追问。",
      `• 群聊：@${bot} 加问题、回复我的消息，或发送 /ask 问题。`,
      `• 任意聊天：输入 @${bot} 问题，把答案分享出去。`,
      "",
      "/meetings — 会议列表",
      "/source N — 上一个回答的第 N 条出处",
      "/help — 本说明",
      "",
      "例如：2024年座谈会在哪里举行？",
    ].join("\n"),
  unknownCommand: "我不认识这个命令。",
  askUsage: "请在 /ask 后面写上问题，例如：/ask 2024年座谈会在哪里举行？",
  tooLong: (limit, length) => `问题太长了（${length} 字）。请控制在 ${limit} 字以内。`,
  rateLimited: (seconds) => `提问有点频繁，请 ${seconds} 秒后再试。`,
  error: "出错了，请稍后再试。",
  mediaOnlyText: "我只能读文字。请用文字发送关于长三角座谈会的问题。",
  thanks: "谢谢反馈",
  greeting:
    "你好！我回答关于长三角地区主要领导座谈会的问题，答案摘自新闻报道，并注明出处。直接发问题即可，可以接着追问；/help 查看全部命令。",
  examplesHint: "试试这些问题：",
  voteChanged: "已改为你的新评价",
  reasonPrompt: "哪里不好？（可选）",
  reasons: { wrong: "内容不对", incomplete: "不完整", source: "出处不对", unanswered: "没回答问题" },
  unknownButton: "这个按钮已失效。",
  sourcesHeader: "出处",
  articleKind: { meeting: "会议报道", forum: "论坛报道" },
  paragraph: (n) => `第${n}段`,
  sourceButton: (n) => `📄 ${n}`,
  sourceNotFound: "找不到这段原文，资料可能已更新。请重新提问。",
  noLastAnswer: "还没有可以查看的回答。请先提一个问题。",
  sourceUsage: (count) => `请写出处编号 1–${count}，例如 /source 1。`,
  sourceFrom: "来源",
  meetingsHeader: "长三角地区主要领导座谈会",
  noMeetings: "还没有载入任何会议报道。请先运行 npm run ingest。",
  theme: "主题",
  forum: "同期论坛",
  paragraphs: (n) => `${n}段`,
  inlineHint: "输入关于长三角座谈会的问题",
  inlineNoAnswer: "报道中没有找到答案",
  digest: {
    themesHeader: "每日摘要主题",
    themesNote: "数字为各次会议报道中的相关段落数",
    themesTotal: (n) => `共${n}段`,
    themesFooter:
      "订阅：/subscribe 科技创新 07:30（时间可省略，默认 08:00）。也可以订阅任意关键词，例如 /subscribe 人工智能。",
    pickTheme: "请选择要订阅的主题：",
    pickTime: (theme, zone) => `“${theme}”每天几点发送？（时区 ${zone}，可用 /timezone 修改）`,
    subscribed: (theme, time, zone, created) =>
      created
        ? `已订阅“${theme}”：每天 ${time}（${zone}）发送摘要。`
        : `已把“${theme}”改为每天 ${time}（${zone}）发送。`,
    subscribedHint: (arg) =>
      `立即看一期：/digest ${arg} · 我的订阅：/subscriptions · 时区不对？发送 /timezone 地区/城市`,
    unsubscribed: (names) => `已退订：${names}。`,
    unsubscribedNothing: "你没有任何订阅，无需退订。",
    unsubscribeUsage: "请写出要退订的主题，例如 /unsubscribe 科技创新，或 /unsubscribe all 全部退订。",
    subscriptionsHeader: "你的订阅",
    subscriptionLine: (name, time, zone) => `• ${name} — 每天 ${time}（${zone}）`,
    noSubscriptions: "还没有订阅。发送 /themes 查看主题，再用 /subscribe 科技创新 07:30 订阅。",
    timezoneCurrent: (zone) =>
      `当前时区：${zone}。修改请发送 /timezone 地区/城市，例如 /timezone 北京、/timezone 纽约、/timezone UTC+8 或 /timezone America/New_York。`,
    timezoneSet: (zone, n) => `时区已设为 ${zone}。${n > 0 ? `你的 ${n} 个订阅将按当地时间发送。` : ""}`,
    adminOnly: "抱歉，/stats 仅供机器人管理员使用。",
    groupAdminsOnly: "在群里，只有群管理员可以更改本群的订阅和时区。",
    statsHeader: "摘要统计",
    statsSubscribers: (active, inactive) => `订阅者：活跃 ${active} · 停用 ${inactive}（已拉黑机器人或聊天已失效）`,
    statsSubscriptions: (n) => `订阅：${n}`,
    statsDeliveries: (d) =>
      `最近 24 小时发送：成功 ${d.sent} · 失败 ${d.failed} · 被拉黑 ${d.blocked} · 结果未知 ${d.unknown} · 待发 ${d.pending}`,
    statsFeedback: (up, down) => `回答反馈：👍 ${up} · 👎 ${down}`,
    digestFailed: "摘要暂时没能发出，请稍后再试。",
    buttonExpired: "这个按钮已失效，请重新发送 /subscribe。",
    adminCheckFailed:
      "暂时无法确认你是否为群管理员（Telegram 没有返回成员信息）。请稍后再试；若一直如此，请确认机器人仍在群里。",
    timezonePlace: (place, zones) =>
      zones > 1
        ? `（按“${place}”的主要时区；该国有 ${zones} 个时区，其他地区请发送城市名，例如 /timezone 洛杉矶）`
        : `（${place}）`,
    changeTimeButton: (theme) => `⏰ ${theme}`,
    unsubscribeButton: (theme) => `✖ 退订${theme}`,
    pickDigestTheme: "要看哪个主题的摘要？",
    reviewStarts: (theme) => `“${theme}”的段落都已发送过，本期起开始回顾。`,
    lastUnsent: (theme) => `这是“${theme}”最后几段未发送的内容，下一期起开始回顾。`,
    marks: { 新增: "新增", 回顾: "回顾" },
    digestFooter: (arg) => `点 📄 查看原文段落 · 退订：/unsubscribe ${arg}`,
  },
};

const en: Texts = {
  help: (bot) =>
    [
      "I answer questions about the Yangtze River Delta (长三角) leaders' meetings; every answer cites its meeting and paragraph.",
      "",
      "• Private chat: just send a question; follow-ups work.",
      `• Groups: mention @${bot} with a question, reply to my message, or send /ask question.`,
      `• Anywhere: type @${bot} question to share an answer.`,
      "",
      "/meetings — list of meetings",
      "/source N — source N of the last answer",
      "/help — this help",
      "",
      "Example: Where was the 2024 meeting held?",
    ].join("\n"),
  unknownCommand: "I don't know that command.",
  askUsage: "Write your question after /ask, e.g. /ask Where was the 2024 meeting held?",
  tooLong: (limit, length) =>
    `Your question is too long (${length} characters). Please keep it under ${limit} characters.`,
  rateLimited: (seconds) => `You're asking a bit fast. Please try again in ${seconds} s.`,
  error: "Something went wrong, please try again later.",
  mediaOnlyText: "I can only read text. Please send your question about the meetings as text.",
  thanks: "Thanks for the feedback",
  greeting:
    "Hello! I answer questions about the Yangtze River Delta leaders' meetings from the news reports, with sources. Just send a question, follow-ups work; /help lists every command.",
  examplesHint: "Try one of these:",
  voteChanged: "Your vote was changed",
  reasonPrompt: "What was wrong? (optional)",
  reasons: { wrong: "Wrong", incomplete: "Incomplete", source: "Wrong source", unanswered: "Didn't answer" },
  unknownButton: "This button has expired.",
  sourcesHeader: "Sources",
  articleKind: { meeting: "meeting report", forum: "forum report" },
  paragraph: (n) => `para. ${n}`,
  sourceButton: (n) => `📄 ${n}`,
  sourceNotFound: "That paragraph is no longer available; the reports may have been updated. Please ask again.",
  noLastAnswer: "There is no answer to show sources for yet. Please ask a question first.",
  sourceUsage: (count) => `Please give a source number 1–${count}, e.g. /source 1.`,
  sourceFrom: "Source",
  meetingsHeader: "Yangtze River Delta leaders' meetings",
  noMeetings: "No meeting reports are loaded yet. Run npm run ingest first.",
  theme: "Theme",
  forum: "Forum",
  paragraphs: (n) => `${n} para.`,
  inlineHint: "Type a question about the meetings",
  inlineNoAnswer: "Not covered by the reports",
  digest: {
    themesHeader: "Daily digest themes",
    themesNote: "Numbers: matching paragraphs in each meeting's reports",
    themesTotal: (n) => `${n} para.`,
    themesFooter:
      "Subscribe: /subscribe tech 07:30 (time optional, default 08:00). Any keyword works too, e.g. /subscribe 人工智能.",
    pickTheme: "Pick a theme to subscribe to:",
    pickTime: (theme, zone) => `${theme}: at what time each day? (time zone ${zone}; change it with /timezone)`,
    subscribed: (theme, time, zone, created) =>
      created
        ? `Subscribed to “${theme}”: a digest every day at ${time} (${zone}).`
        : `“${theme}” now comes every day at ${time} (${zone}).`,
    subscribedHint: (arg) =>
      `One now: /digest ${arg} · Your subscriptions: /subscriptions · Wrong time zone? Send /timezone Area/City`,
    unsubscribed: (names) => `Unsubscribed: ${names}.`,
    unsubscribedNothing: "You have no subscriptions, so there is nothing to stop.",
    unsubscribeUsage: "Name the theme to stop, e.g. /unsubscribe tech, or /unsubscribe all.",
    subscriptionsHeader: "Your subscriptions",
    subscriptionLine: (name, time, zone) => `• ${name} — daily at ${time} (${zone})`,
    noSubscriptions: "No subscriptions yet. See the themes with /themes, then e.g. /subscribe tech 07:30.",
    timezoneCurrent: (zone) =>
      `Your time zone: ${zone}. To change it send /timezone Area/City, e.g. /timezone Berlin, /timezone New York, /timezone UTC+8 or /timezone America/New_York.`,
    timezoneSet: (zone, n) =>
      `Time zone set to ${zone}.${n > 0 ? ` Your ${n === 1 ? "subscription" : `${n} subscriptions`} will follow local time there.` : ""}`,
    adminOnly: "Sorry, /stats is only for the bot's administrators.",
    groupAdminsOnly: "In a group, only the group's administrators can change its subscriptions and time zone.",
    statsHeader: "Digest statistics",
    statsSubscribers: (active, inactive) =>
      `Subscribers: ${active} active · ${inactive} inactive (blocked the bot or chat gone)`,
    statsSubscriptions: (n) => `Subscriptions: ${n}`,
    statsDeliveries: (d) =>
      `Last 24 h: ${d.sent} sent · ${d.failed} failed · ${d.blocked} blocked · ${d.unknown} unknown · ${d.pending} pending`,
    statsFeedback: (up, down) => `Answer feedback: 👍 ${up} · 👎 ${down}`,
    digestFailed: "The digest could not be sent right now; please try again later.",
    buttonExpired: "This button has expired; please send /subscribe again.",
    adminCheckFailed:
      "I can't check right now whether you administer this group (Telegram did not return the member). Please try again later; if it persists, check that the bot is still in the group.",
    timezonePlace: (place, zones) =>
      zones > 1
        ? ` (${place}'s main zone; it has ${zones} time zones: for another, send a city, e.g. /timezone Los Angeles)`
        : ` (${place})`,
    changeTimeButton: (theme) => `⏰ ${theme}`,
    unsubscribeButton: (theme) => `✖ Stop ${theme}`,
    pickDigestTheme: "A digest on which theme?",
    reviewStarts: (theme) => `Every paragraph on “${theme}” has been sent; from today the digest reviews them.`,
    lastUnsent: (theme) =>
      `These are the last unsent paragraphs on “${theme}”; from the next digest on, it reviews them.`,
    marks: { 新增: "New", 回顾: "Recap" },
    digestFooter: (arg) => `Tap 📄 for the paragraph · Stop: /unsubscribe ${arg}`,
  },
};

const TABLE: Record<Lang, Texts> = { zh, en };

/** The interface texts of one language. */
export function texts(lang: Lang): Texts {
  return TABLE[lang];
}
