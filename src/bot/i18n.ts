/**
 * Interface texts in Chinese and English. Answers come in the question's
 * language (Answer.language); commands and notices follow the user's Telegram
 * language_code. Every text is plain (HTML-escaped by the caller) unless its
 * name ends in `Html`.
 */

/** The two interface languages. */
export type Lang = "zh" | "en";

/** Maps a Telegram language_code to an interface language; Chinese when unknown, as most users read it. */
export function langFromCode(code: string | undefined): Lang {
  if (code === undefined || code === "") return "zh";
  return code.toLowerCase().startsWith("zh") ? "zh" : "en";
}

/** Guesses the language of a question: any Han character means Chinese. */
export function langOfText(text: string): Lang {
  return /\p{Script=Han}/u.test(text) ? "zh" : "en";
}

interface Texts {
  welcome: string;
  help: (botUsername: string) => string;
  unknownCommand: string;
  askUsage: string;
  tooLong: (limit: number, length: number) => string;
  rateLimited: (seconds: number) => string;
  error: string;
  mediaOnlyText: string;
  thanks: string;
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
}

const zh: Texts = {
  welcome: "你好！我回答关于长三角地区主要领导座谈会的问题，答案摘自新闻报道，并注明出处。",
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
};

const en: Texts = {
  welcome: "Hello! I answer questions about the Yangtze River Delta leaders' meetings from news reports, with sources.",
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
  tooLong: (limit, length) => `Your question is too long (${length} characters). Please keep it under ${limit} characters.`,
  rateLimited: (seconds) => `You're asking a bit fast. Please try again in ${seconds} s.`,
  error: "Something went wrong, please try again later.",
  mediaOnlyText: "I can only read text. Please send your question about the meetings as text.",
  thanks: "Thanks for the feedback",
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
};

const TABLE: Record<Lang, Texts> = { zh, en };

/** The interface texts of one language. */
export function texts(lang: Lang): Texts {
  return TABLE[lang];
}
