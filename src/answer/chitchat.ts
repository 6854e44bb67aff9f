/**
 * Greetings, thanks and "what can you do": a short friendly reply with example questions,
 * never "the reports don't say". Recognised only when the whole message is small talk.
 */
import { languageOf } from "../text/language.js";

/** Phrases of small talk; a message made only of these (and punctuation) is small talk. */
const SMALL_TALK = [
  "你好",
  "您好",
  "大家好",
  "你们好",
  "嗨",
  "哈喽",
  "在吗",
  "早上好",
  "下午好",
  "晚上好",
  "谢谢",
  "谢谢你",
  "多谢",
  "感谢",
  "好的",
  "好",
  "明白了",
  "明白",
  "知道了",
  "懂了",
  "了解了",
  "清楚了",
  "收到",
  "好吧",
  "好嘞",
  "行",
  "谢啦",
  "谢谢啦",
  "辛苦了",
  "太好了",
  "原来如此",
  "没问题",
  "再见",
  "拜拜",
  "你能做什么",
  "你会什么",
  "你能干什么",
  "你是谁",
  "怎么用",
  "帮助",
  "hi",
  "hello",
  "hey",
  "thanks",
  "thank you",
  "thank you so much",
  "thanks a lot",
  "ok",
  "okay",
  "great",
  "cheers",
  "thx",
  "ty",
  "got it",
  "i see",
  "cool",
  "nice",
  "perfect",
  "awesome",
  "excellent",
  "wonderful",
  "understood",
  "noted",
  "makes sense",
  "sounds good",
  "alright",
  "all right",
  "appreciate it",
  "much appreciated",
  "bye",
  "goodbye",
  "good morning",
  "good afternoon",
  "good evening",
  "greetings",
  "howdy",
  "what can you do",
  "who are you",
  "help",
  "how does this work",
  // Offers of a question yet to come ("Can you help me with the YRD meetings?", "我想问问长三角座谈会的事").
  "can you help me",
  "can you help",
  "could you help me",
  "help me",
  "i have a question",
  "i have some questions",
  "我想问问",
  "我想问",
  "我有个问题",
  "我有几个问题",
  "能帮我",
  "能帮帮我吗",
  "想了解一下",
  "了解一下",
];

const PHRASES = new Set(SMALL_TALK);
/** Words that may stand beside small talk without asking anything ("thanks, that's all", "好的，就这些"). */
const FILLER = new Set([
  "that's",
  "thats",
  "that",
  "is",
  "all",
  "it",
  "for",
  "now",
  "so",
  "much",
  "very",
  "really",
  "again",
  // Praise beside thanks ("thanks, that's really helpful", "太有用了"): it asks nothing.
  "helpful",
  "useful",
  "great",
  "perfect",
  "awesome",
  "nice",
  "有用",
  "有帮助",
  "太好了",
  "you",
  "a",
  "lot",
  "there",
  "everyone",
  "everybody",
  "bot",
  "guys",
  "folks",
  "大家",
  "朋友",
  "机器人",
  "了",
  "啊",
  "哦",
  "呀",
  "啦",
  "吧",
  "嗯",
  "就这些",
  "没了",
  "没有了",
  "先这样",
  // The bot's own subject, named beside such an offer: it asks nothing yet.
  "with",
  "about",
  "on",
  "the",
  "yangtze",
  "river",
  "delta",
  "yrd",
  "leaders'",
  "meetings",
  "meeting",
  "长三角",
  "长三角会议",
  "长三角座谈会",
  "座谈会",
  "的事",
  "吗",
]);

/** Whether a message is only small talk ("你好", "好的，谢谢", "hi, what can you do?", "thanks, that's all"). */
export function isSmallTalk(message: string): boolean {
  // "Hi, I have a few questions about the meetings.", "你好，我想了解一下长三角座谈会": a greeting that asks nothing yet.
  if (GREETING.test(message) && !ASKS_ANYTHING.test(message)) return true;
  const parts = message
    .toLowerCase()
    .split(/[\s,，。.!！?？~～、;；:：]+/u)
    .filter(Boolean);
  if (!parts.length) return false;
  // Chinese runs without spaces ("好的谢谢", "我想问问长三角座谈会的事") are read as the phrases they are made of.
  if (parts.some((part) => !PHRASES.has(part) && !FILLER.has(part) && /^\p{Script=Han}+$/u.test(part))) {
    const split = parts.flatMap((part) =>
      /^\p{Script=Han}+$/u.test(part) ? (chinesePhrases(part) ?? [part]) : [part],
    );
    return split.length !== parts.length || split.some((p, i) => p !== parts[i]) ? isSmallTalk(split.join(" ")) : false;
  }
  // Join neighbouring words back into phrases ("thank you", "what can you do").
  let i = 0;
  let phrases = 0;
  while (i < parts.length) {
    let matched = 0;
    for (let len = Math.min(5, parts.length - i); len >= 1; len--) {
      if (PHRASES.has(parts.slice(i, i + len).join(" "))) {
        matched = len;
        break;
      }
    }
    if (matched) phrases++;
    else if (FILLER.has(parts[i]!.replace(/[’‘]/g, "'"))) matched = 1;
    else return false;
    i += matched;
  }
  return phrases > 0;
}

/** A message that opens with a greeting. */
const GREETING =
  /^\s*(?:hi|hello|hey|good (?:morning|afternoon|evening)|你好|您好|嗨|哈喽|早上好|下午好|晚上好)(?![a-z])/iu;
/** Any sign of a question or a request: a question mark, a question word, or "tell me", "介绍一下" in either language. */
const ASKS_ANYTHING =
  /[?？]|什么|啥|哪|谁|几|多少|吗|呢|怎么|如何|是否|介绍|说说|讲讲|告诉|列出|列一下|总结|解释|\b(?:what|which|who|whom|whose|when|where|why|how|did|does|is|are|was|were|can|could|tell|list|give|show|explain|describe|summari[sz]e)\b/iu;

/**
 * The reply to small talk, in the message's language, with examples built from the meetings at hand.
 * @param examples two or three questions the reports answer
 */
export function smallTalkReply(message: string, examples: readonly string[]): string {
  const thanks = /谢|感谢|辛苦|thank|cheers|thx|\bty\b|appreciate/iu.test(message);
  if (languageOf(message) === "en") {
    const lead = thanks
      ? "You're welcome!"
      : "Hello! I answer questions about the Yangtze River Delta leaders' meetings from the news reports, and cite the paragraph each answer comes from.";
    return `${lead} You could ask: ${examples.map((e) => `“${e}”`).join(" or ")}`;
  }
  const lead = thanks
    ? "不客气！"
    : "你好！我根据新闻报道回答关于长三角地区主要领导座谈会的问题，每个回答都注明出处段落。";
  return `${lead}可以这样问：${examples.map((e) => `“${e}”`).join("、")}`;
}

/** Small-talk words and fillers written in Chinese, longest first. */
const CHINESE_WORDS = [...PHRASES, ...FILLER]
  .filter((w) => /^\p{Script=Han}+$/u.test(w))
  .sort((a, b) => b.length - a.length);

/** A Chinese run cut into small-talk words and fillers, longest first from the left; undefined if any of it is not. */
function chinesePhrases(run: string): string[] | undefined {
  const words: string[] = [];
  let rest = run;
  while (rest) {
    const word = CHINESE_WORDS.find((w) => rest.startsWith(w));
    if (!word) return undefined;
    words.push(word);
    rest = rest.slice(word.length);
  }
  return words;
}
