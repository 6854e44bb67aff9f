/**
 * Query understanding: which meeting a question is about (by year, title,
 * forum edition, or the person who chaired it), whether it asks about the
 * forum or the meeting, and which words carry its content. English questions
 * are mapped to Chinese through the alias table first.
 */
import { escapeRegExp } from "../text/regexp.js";
import type { MeetingKind } from "../corpus/types.js";
import type { Segmenter } from "../index/segmenter.js";
import { PROVINCES } from "../corpus/metadata.js";
import { englishOrdinals, pinyinAliases } from "../text/english.js";
import { languageOf } from "../text/language.js";
import { normaliseNumerals, smallChineseNumber } from "../text/numerals.js";
import { toSimplified } from "../text/script.js";
import { CHINESE_SYNONYMS, ENGLISH_ALIASES, synonymsIn } from "./aliases.js";
import type { EnglishBridge } from "./bridge.js";
import { DATE_QUESTION, THEME_WORDS, VISIT_WORDS } from "./answer-types.js";

/** The meeting facts query understanding needs (a Meeting without its articles). */
export interface MeetingInfo {
  id: string;
  kind: MeetingKind;
  title: string;
  year: number;
  city: string;
  province: string;
  forum?: string | undefined;
}

/** A question, understood. */
export interface UnderstoodQuery {
  language: "zh" | "en";
  /** The question as asked, with numerals and script normalised (English stays English). */
  question: string;
  /** The question in Chinese terms (English mapped through aliases). */
  text: string;
  /** Meetings the question refers to; empty when it names none. */
  meetingIds: string[];
  articleKind?: "meeting" | "forum" | undefined;
  /** A meeting the question names that the corpus does not have (e.g. 2019年度): every cited paragraph must contain this. */
  requiredText?: string | undefined;
  /** Content words with weights (question words and the meeting reference removed). */
  terms: { term: string; weight: number }[];
  /** The question asks which meetings/years mention something. */
  asksWhichMeetings: boolean;
  /** The question is about several meetings or all of them ("哪两年…", "历次会议", "which years"), not one. */
  acrossMeetings: boolean;
  /** Years of the meetings the question refers to (empty when it names none). */
  askedYears: ReadonlySet<number>;
  /** The question asks about the meeting after the one it names ("下一年度的座谈会"). */
  nextYear?: number | undefined;
  /** A quoted phrase or the key term the question is about. */
  keyPhrase?: string | undefined;
  /** English content words neither the alias table nor the dictionary bridge knows (they may be outside the reports). */
  unknownWords: string[];
  /**
   * Other Chinese words for a term: an English word bridged through the dictionary ("visit" → 考察,
   * also 参观, 访问) stands for any of them; the term is the corpus' likeliest.
   */
  alternatives: ReadonlyMap<string, readonly string[]>;
  /** What kind of answer is wanted, for answer selection. */
  answerType: AnswerType;
}

export type AnswerType = "place" | "person" | "date" | "number" | "theme" | "document" | "speech" | "list" | "general";

const QUESTION_WORDS = new Set(
  (
    "什么 哪里 哪儿 哪个 哪些 哪几 哪几个 哪天 哪年 几 几个 多少 是 谁 是谁 的 了 吗 呢 在 和 与 及 对 有 有哪些 都 还 又 " +
    "怎么 怎样 如何 为什么 请问 一下 时 时候 时间 地点 地方 城市 哪些地方 内容 方面 情况 提出 提到 关于 方面 主要 一 也 就 将 把 被 " +
    "上 中 这 那 其 之 以 为 于 等 年 年度 会议 会 座谈会 座谈 长三角 长三 三角 地区 领导 们 届 次 哪 个 所 进行 什么样 具体 分别 请 告诉 我 " +
    "大家 我们 咱们 你们 他们 除了 除 以外 之外 还有 另外 其他 其余 报道 报道里 报道中 历届 历次 历年 就是 那个 这个 给我 说说 说一下 讲讲 讲一下 一共 总共 总计 合计 " +
    // How a stance is asked for ("有没有说法", "怎么表态的"): what was said is the answer, not its topic.
    "说法 表态 看法 态度 " +
    // "叫什么名字": a name is what any answer of that kind gives, not what the paragraph is about.
    "名字 名称"
  ).split(" "),
);

const ENGLISH_STOP = new Set(
  (
    "what which who whom whose where when why how many much did does do was were is are the a an of in on at to for and or by with " +
    "about from that this its it be been being has have had would will can could should may might year's years meeting's " +
    // Words that shape a question but carry no topic: not counted as unknown content.
    "place places leader leaders during name names main key major official officials people person city cities province provinces " +
    "date day days time times year one two new also there their they them these those into over under between within after before " +
    "regarding concerning mentions say tell give list according report reports reported something anything any some " +
    "each every other others same such than then very more most first second third last latest previous recent happen happened " +
    "annual discuss discussed talk talked related aspects aspect areas area part parts kind kinds type types please me us our we you " +
    // Words for the kind of thing asked ("which companies", "what sites"): the answer's type, not its topic.
    "company companies firm firms enterprise enterprises site sites spot spots location locations thing things item items " +
    // Months and weekdays date what a question is about; a year or the meeting names it.
    "january february march april may june july august september october november december " +
    "monday tuesday wednesday thursday friday saturday sunday " +
    // "going to be held" is the future, not a movement.
    "going gonna " +
    // Who sent someone, and the bodies asked for, are the answer's type ("which bodies sent officials").
    "sent send sends bodies body " +
    // Words that open a turn in a chat ("OK then — who…"): they name nothing, even in capitals.
    "ok okay alright well so hmm then"
  ).split(" "),
);

const DATE_QUESTIONS = new RegExp(DATE_QUESTION.source, "giu");

/**
 * Question phrases cut off before segmentation, so 浙江省长是谁 does not become 浙江省|长是|谁. A yes-or-no
 * question's A-not-A (能不能, 有没有, 可不可以) asks whether, and an opener (问个别的, 顺便问一下) only turns to a
 * new question; neither is a word of the topic.
 */
const QUESTION_PHRASES =
  /((?:全部|都|一一|逐一)?(?:列出来|列一下|列出|列举(?:一下)?)|问个别的|换个(?:问题|话题)|另外问(?:一下|个问题)?|再问(?:一下|一个|个)|顺便问(?:一下|一句)?|可不可以|(\p{Script=Han})[不没]\2|是谁|是什么|是多少|是哪|有哪些|有什么|在哪里|在哪儿|在哪(?![个一些几天年])|哪一个|哪个(?:省|市|城市)|哪一|哪些|哪几|哪个|哪位|哪天|什么|多长时间|多长|多久|多少|几个|怎样|如何|吗|呢)/gu;

/** Words that ask, or name what is asked about, in a sentence before a colon. */
const LEAD_NAMES =
  /[?？\d]|什么|哪|谁|几|多少|吗|怎么|如何|会议|座谈会|论坛|发布会|\b(?:what|which|who|where|when|how|did|does|was|were|meeting|forum|symposium)\b/iu;

/**
 * A sentence of context before the question ("我们单位要写个简报：…", "我是跑长三角口的记者，…", "Quick question for an
 * article I'm writing: …")
 * says who asks, not what: the question is what follows the colon, when the words before it neither ask nor name
 * a meeting, a year or a place.
 */
function withoutLeadIn(question: string, meetings: readonly MeetingInfo[]): string {
  // "我是跑长三角口的记者，…": who asks, introduced before a comma, is as much a lead-in.
  const introduced = /^(?:我|我们|本人|作为)[^，,。？?:：]{1,24}[，,]/u.exec(question)?.[0].length;
  const at = introduced ? introduced - 1 : question.search(/[:：]/u);
  if (at < 0) return question;
  const lead = question.slice(0, at);
  const rest = question.slice(at + 1).trim();
  const places = meetings.flatMap((m) => [m.city, m.province]);
  if (rest.length < 4 || LEAD_NAMES.test(lead) || places.some((p) => lead.includes(p))) return question;
  return rest;
}

/**
 * Understands a question against the corpus' meetings.
 * @param known whether the corpus uses a word; recovers words that segmentation of the question missed
 * @param longForm what an abbreviation the corpus never uses stands for in it
 */
export function understandQuery(
  asked: string,
  meetings: readonly MeetingInfo[],
  segmenter: Segmenter,
  known: (word: string) => boolean = () => false,
  vocabulary: EnglishVocabulary = DEFAULT_VOCABULARY,
  /** The corpus' long form of a word it never uses, as an abbreviation of it (发改委 → 发展改革委). */
  longForm: (word: string) => string | undefined = () => undefined,
): UnderstoodQuery {
  const language = languageOf(asked);
  // 繁體, 二〇二四年, ２０２５, 第七届 and "the sixth forum" mean what their plain forms mean.
  const question = withoutLeadIn(normaliseNumerals(toSimplified(englishOrdinals(expandContractions(asked)))), meetings);
  const { text, alternatives } =
    language === "en"
      ? bridgeEnglish(question, vocabulary)
      : {
          text: rejoinSeparable(normaliseChinese(question, vocabulary), known),
          alternatives: new Map<string, string[]>(),
        };
  const ref = findMeetingReference(text, question, meetings, (word) => segmenter.partOfSpeech(word).startsWith("ns"));
  // "除了审文件，还听了哪些汇报": what is set aside does not say what is asked.
  const answerType = detectAnswerType(question.replace(BESIDES, " "), text.replace(BESIDES, " "));
  // "哪些会议提到了X": which meetings mention something (not "2024年会议期间召开了哪些会议").
  const mentionVerb = /提到|提及|涉及|谈到|谈及|强调|部署|关注|出现|讨论|聚焦|提出|mention|refer|discuss|talk about/i;
  const asksWhichMeetings =
    ref.meetingIds.length === 0 &&
    mentionVerb.test(`${text} ${question}`) &&
    (/哪(些|几|一)(个)?(年度|年份|年|次|届)(的)?(会议|座谈会|论坛)?|哪些(会议|座谈会|论坛)|哪几次|哪(一)?年(的)?(会议|座谈会)/.test(
      text,
    ) ||
      /\bwhich (meetings|years|of the meetings)\b|\bin which years?\b/i.test(question));

  const acrossMeetings =
    asksWhichMeetings ||
    /哪(些|几|两|三|四)(个)?(年度|年份|年|次|届)|历次|历届|历年|每(一)?(次|年|届)|各(次|届|年)|几次会议|\b(which|what) (?:annual |leaders'? )?(years|meetings)\b|\b(every|each) (meeting|year)\b|\ball (the |of the )?meetings\b/iu.test(
      `${text} ${question}`,
    );

  // The words that ask for the answer ("几月份", "哪个月") say what is asked, not what it is about.
  const withoutRef = (ref.span ? text.replace(ref.span, " ") : text)
    .replace(DATE_QUESTIONS, " ")
    .replace(QUESTION_PHRASES, " ");
  const weights = new Map<string, number>();
  const add = (raw: string, weight: number) => {
    // 提了/讲过/说的: the particle makes a word the reports never use; the verb alone is too short to search.
    const word = raw.length > 1 && /\p{Script=Han}[了过着]$/u.test(raw) && !known(raw) ? raw.slice(0, -1) : raw;
    if (QUESTION_WORDS.has(word) || ENGLISH_STOP.has(word) || isSingleHan(word)) return;
    weights.set(word, Math.max(weights.get(word) ?? 0, weight));
  };
  for (const precise of segmenter.preciseWords(withoutRef)) {
    // A compound the reports never use whole (生态环境保护) stands for its known parts (生态环境, 保护).
    // "或作" (或|作了): a conjunction glued to a verb by segmentation is not a word of the question.
    const unglued =
      !known(precise) && /^[或和与及并且而也都还又就再各对把跟给向]\p{Script=Han}+$/u.test(precise)
        ? precise.slice(1)
        : precise;
    const long = known(unglued) ? undefined : longForm(unglued);
    const parts = known(unglued)
      ? [unglued]
      : long
        ? (knownCover(long, known) ?? [long])
        : (knownCover(unglued, known) ?? [unglued]);
    for (const word of parts) {
      add(word, 1);
      for (const syn of CHINESE_SYNONYMS[word] ?? []) add(syn, 0.6);
    }
  }
  // A colloquial phrase that segmentation splits (都去看了 → 去|看|了) still brings the report's word for it.
  for (const syn of synonymsIn(withoutRef, 2)) add(syn, 0.6);
  // Sub-words (长三角一体化 → 一体化) help recall at a lower weight.
  for (const word of segmenter.words(withoutRef)) if (!weights.has(word)) add(word, 0.5);
  // Words the reports use that segmentation of the question cut apart (浙江省|长 hides 省长).
  for (const run of withoutRef.match(/\p{Script=Han}{3,}/gu) ?? []) {
    for (let len = 2; len <= 4; len++) {
      for (let i = 0; i + len <= run.length; i++) {
        const sub = run.slice(i, i + len);
        if (!weights.has(sub) && known(sub)) add(sub, 0.8);
      }
    }
  }
  // A bridged English word finds the corpus' other words for it too, each a little.
  for (const [term, others] of alternatives) if (weights.has(term)) for (const other of others) add(other, 0.5);
  // The meeting's own name, lightly: it favours the paragraph that reports the meeting itself.
  if (ref.span)
    for (const word of segmenter.preciseWords(ref.span))
      if (!weights.has(word) && !isSingleHan(word)) weights.set(word, 0.3);
  // "…when he met regional leaders in Shanghai in late 2023": the scene says which meeting, not what is asked.
  // (Unless no meeting was found: then the scene's place and year are what name it.)
  const main = language === "en" ? mainClause(question) : question;
  if (main !== question && ref.meetingIds.length) {
    const asked = bridgeEnglish(main, vocabulary).text;
    for (const word of bridgeEnglish(question.replace(main, " "), vocabulary).text.split(/\s+/))
      if (weights.has(word) && !asked.includes(word)) weights.set(word, Math.min(weights.get(word)!, 0.3));
  }
  // "除了审议文件，还考察了哪些地方": what is set aside only steers away from its paragraph, lightly.
  const besides = BESIDES.exec(withoutRef)?.[0];
  if (besides) {
    const rest = withoutRef.replace(besides, " ");
    for (const word of segmenter.preciseWords(besides))
      if (weights.has(word) && !rest.includes(word)) weights.set(word, Math.min(weights.get(word)!, 0.3));
  }
  // "统筹哪几对关系": a generic kind asked for says what sort of answer, not where it is ("关系国家安全" is no pair).
  const kinds = [...weights].filter(([t, w]) => w >= 1 && GENERIC_KINDS.test(t) && asksForKind(t, text));
  if ([...weights].some(([t, w]) => w >= 1 && !kinds.some(([k]) => k === t)))
    for (const [kind] of kinds) weights.set(kind, 0.5);
  if (ref.nextYear) weights.set(`${ref.nextYear}年度`, 2);
  const quoted = /[“"「『]([^”"」』]{2,30})[”"」』]/.exec(text)?.[1];
  if (quoted) for (const word of segmenter.preciseWords(quoted)) if (weights.has(word)) weights.set(word, 2);
  const mentioned =
    /(?:提到|提及|涉及|谈到|谈及|部署|关注|mention(?:ed|s)?|refer(?:red)? to)(?:了|过)?\s*(.{2,30}?)\s*[？?。.]?$/i
      .exec(text)?.[1]
      ?.replace(/^(了|过)/, "");
  const keyPhrase =
    quoted ??
    mentioned ??
    [...weights.entries()]
      .filter(([t, w]) => w >= 1 && t.length >= 2)
      .sort((a, b) => b[0].length - a[0].length)[0]?.[0];
  return {
    language,
    question,
    text,
    meetingIds: ref.meetingIds,
    articleKind: ref.articleKind,
    requiredText: ref.requiredText,
    askedYears: new Set(meetings.filter((m) => ref.meetingIds.includes(m.id)).map((m) => m.year)),
    nextYear: ref.nextYear,
    terms: [...weights].map(([term, weight]) => ({ term, weight })),
    asksWhichMeetings,
    acrossMeetings,
    unknownWords: language === "en" ? unknownEnglishWords(question, vocabulary) : [],
    alternatives,
    keyPhrase,
    answerType,
  };
}

/** Nouns that ask for any kind of content rather than name what it is called. */
export const GENERIC_KINDS =
  /^(举措|措施|内容|方面|情况|工作|问题|地方|领域|任务|要求|事情|事项|话题|东西|成果|意见|建议|部署|安排|重点|方向|做法|政策|观点|看法|表态|主张|关系)$/u;

/** Whether the question asks which of a kind the term names ("哪三种角色", "哪几家报社", "什么平台"). */
export function asksForKind(term: string, question: string): boolean {
  return new RegExp(
    `(?:哪|什么|啥)[些一二两三四五六七八九十几\\d]*[个家项位所条类种场块样对组点句件份]?(?:的)?(?:具体|主要|重点)?${escapeRegExp(term)}`,
    "u",
  ).test(question);
}

/** "除了A和B(之外)，…还…": what the asker sets aside (group 1), up to where the question goes on. */
export const BESIDES =
  /除了?([^，,？?。]{2,30}?)(?:之外|以外|外)?(?=(?:[，,][^，,？?。]{0,16}?)?(?:还|另外|其他|其余|又))/u;

/**
 * Whether text naming the meeting of `year` ("会议确定，2025年度…") is about another meeting
 * than the one asked about: the question names a meeting, not that year's, and does not
 * ask about the next one or mention the year itself.
 */
export function isOtherMeetingYear(q: UnderstoodQuery, year: number): boolean {
  return q.askedYears.size > 0 && !q.nextYear && !q.askedYears.has(year) && !q.text.includes(String(year));
}

/** "where's", "who's", "what're": the question words written out, so they read as question words. */
function expandContractions(text: string): string {
  return /['’]/u.test(text)
    ? text.replace(
        /\b(where|what|who|when|which|how|that|it|there)['’](s|re)\b/giu,
        (_, w: string, v: string) => `${w} ${v.toLowerCase() === "s" ? "is" : "are"}`,
      )
    : text;
}

/** Covers a word with known words of two or more characters, longest first from the left; undefined when it cannot. */
function knownCover(word: string, known: (w: string) => boolean): string[] | undefined {
  if (!/^\p{Script=Han}{3,}$/u.test(word)) return undefined;
  const parts: string[] = [];
  let i = 0;
  while (i < word.length) {
    let len = Math.min(6, word.length - i);
    while (len >= 2 && !known(word.slice(i, i + len))) len--;
    if (len < 2) return undefined;
    parts.push(word.slice(i, i + len));
    i += len;
  }
  return parts;
}

function isSingleHan(word: string): boolean {
  return word.length === 1 && /\p{Script=Han}/u.test(word);
}

/** A Chinese question as the reports would write it: an English word in it ("讲AI的", "NDRC") in its Chinese term. */
function normaliseChinese(text: string, vocabulary: EnglishVocabulary): string {
  return (
    text
      .normalize("NFKC")
      .replace(/\s+/g, "")
      // A verb and its object parted by 了 ("发了言", "讲了话") are the word the reports use.
      .replace(/(发|讲|致|开|签)了(言|话|辞|会|约)/gu, "$1$2")
      // Spoken question words ("啥文件", "咋安排的") are the written ones.
      .replace(/啥/gu, "什么")
      .replace(/咋/gu, "怎么")
      // "开会期间" is 会|期间, not 会期 (a session's length).
      .replace(/会期间/gu, "会议期间")
      // "主办方是谁" asks what "由谁主办" asks; the reports answer it with "由…主办" ("轮值主办方" is a role).
      .replace(/(?<!轮值)(主办|承办|协办)(?:方|单位)(?:是|为|有)?(谁|哪个|哪家|哪些|什么)/gu, "由$2$1")
      .replace(/(?<![A-Za-z\d])[A-Za-z]{2,}(?![A-Za-z\d])/g, (word) => vocabulary.table[word.toLowerCase()] ?? word)
  );
}

/** English phrases and their Chinese terms, with one pattern matching any of them (longest first, on word boundaries). */
export interface EnglishVocabulary {
  table: Readonly<Record<string, string>>;
  pattern: RegExp;
  /** The corpus' Chinese words for other English words, from the dictionary (none when not given). */
  bridge?: EnglishBridge | undefined;
}

/**
 * The English vocabulary: the alias table plus names spelled from the corpus ("li qiang" → 李强).
 * Build it once per corpus; the table's own phrases win over a name spelled the same.
 */
export function englishVocabulary(
  names: Readonly<Record<string, string>> = {},
  bridge?: EnglishBridge,
): EnglishVocabulary {
  const table = { ...names, ...ENGLISH_ALIASES };
  const pattern = new RegExp(
    `(?<![a-z])(?:${Object.keys(table)
      .sort((a, b) => b.length - a.length)
      .map((phrase) => phrase.replace(/[.*+?^${}()|[\]\\']/g, "\\$&"))
      .join("|")})(?![a-z])`,
    "g",
  );
  return { table, pattern, bridge };
}

const DEFAULT_VOCABULARY = englishVocabulary();

/**
 * The English vocabulary of a corpus: the alias table plus the pinyin of its people, its host
 * cities and the provinces, so a report added tomorrow brings its officials' English names along.
 */
export function corpusVocabulary(
  people: readonly string[],
  meetings: readonly MeetingInfo[],
  bridge?: EnglishBridge,
): EnglishVocabulary {
  const places = [...new Set([...PROVINCES, ...meetings.flatMap((m) => [m.city, m.province])])];
  // Spelling every name in pinyin takes about 10 ms, and a Chinese question without Latin words never looks
  // the table up: it is built on first use.
  let built: EnglishVocabulary | undefined;
  const vocabulary = () => (built ??= englishVocabulary(pinyinAliases(people, places), bridge));
  return {
    get table() {
      return vocabulary().table;
    },
    get pattern() {
      return vocabulary().pattern;
    },
    bridge,
  };
}

/**
 * Maps an English question to Chinese search text: aliases (longest first),
 * years attached to meetings ("the 2022 meeting" → 2022年度会议), and tokens
 * such as G60 or GDP kept as they are.
 */
export function translateEnglish(question: string, vocabulary: EnglishVocabulary = DEFAULT_VOCABULARY): string {
  return bridgeEnglish(question, vocabulary).text;
}

/**
 * Maps an English question to Chinese search text (see {@link translateEnglish}); a word the alias
 * table lacks goes through the dictionary bridge, and its other Chinese words are returned beside.
 */
function bridgeEnglish(
  question: string,
  vocabulary: EnglishVocabulary,
): { text: string; alternatives: Map<string, string[]> } {
  const alternatives = new Map<string, string[]>();
  let text = ` ${question
    .toLowerCase()
    .replace(/[’‘]/g, "'")
    .replace(/[?!.,;:()"]/g, " ")} `;
  // "annual"/"leaders'" name the annual meeting (年度); a bare "meeting" or "symposium" may be either kind.
  text = text.replace(/\b(\d{4})\s+(?:annual\s+|leaders'?\s+)+meeting\b/g, " $1年度会议 ");
  text = text.replace(/\b(\d{4})\s+meeting\b/g, " $1年会议 ");
  text = text.replace(/\b(\d{4})\s+symposium\b/g, " $1年座谈会 ");
  text = text.replace(/\b(?:meeting|symposium)\s+(?:of|in)\s+(\d{4})\b/g, " $1年会议 ");
  // "Who was the Anhui party secretary in 2024?": in these reports a year is a meeting's year.
  text = text.replace(/\b(?:in|at)\s+(\d{4})\b(?!\s*年)/g, " $1年会议 ");
  text = text.replace(/\b(\d{4})\s+(?:high-level\s+)?forum\b/g, " $1年论坛 ");
  text = text.replace(
    /\bnext (?:year's )?(?:annual )?(?:meeting|one|session|edition|round|gathering)\b|\bthe following year\b|\bnext year\b|\b(?:the )?(?:meeting|one) after\b|\bfollowing (?:year's )?meeting\b/g,
    " 下一年度 ",
  );
  // "When did it open?", "on what date did the meeting end": a question ending in the event's start or end asks
  // when it was held (not 开放, "opening up").
  text = text.replace(
    /\b(?:open|opened|start|started|begin|began|kick off|kicked off|close|closed|end|ended|conclude|concluded|wrap up)\s*$/u,
    " 举行 ",
  );
  // "Which places or companies did they see?": the kind asked for; the reports name the instances (正泰集团), not it.
  text = text.replace(
    /\b(which|what)\s+(?:(?:places?|sites?|compan(?:y|ies)|firms?|enterprises?|factories|factory)\s+(?:or|and)\s+)?(?:places?|sites?|compan(?:y|ies)|firms?|enterprises?|factories|factory)\b/g,
    "$1",
  );
  // "Which other senior officials were there?", "who was at the symposium": who attended (出席).
  text = text.replace(
    /\b(?:officials|people|leaders|members|guests|who)\b(?=[^?]{0,24}?\b(?:was|were)\s+(?:also\s+)?(?:present\s+)?(?:at|there|in attendance)\b)/g,
    "$& 出席 ",
  );
  text = text.replace(vocabulary.pattern, (phrase) => ` ${vocabulary.table[phrase]} `);
  text = text.replace(QUESTION_SHAPE, " ");
  const kept = text.split(/\s+/).flatMap((t) => {
    if (!t) return [];
    if (/\p{Script=Han}/u.test(t) || /\d/.test(t)) return [t];
    if (/^[a-z]{2,5}$/.test(t) && question.includes(t.toUpperCase()) && !ENGLISH_STOP.has(t)) return [t.toUpperCase()];
    const [first, ...others] = isEnglishContentWord(t) ? (vocabulary.bridge?.(t) ?? []) : [];
    if (!first) return [];
    alternatives.set(first, [...new Set([...(alternatives.get(first) ?? []), ...others])]);
    return [first];
  });
  return { text: kept.join(" "), alternatives };
}

/** "How long", "how many": the shape of an English question (its answer type), not a topic to translate. */
const QUESTION_SHAPE = /\bhow (?:long|many|much|often|far|big|large)\b/g;

/** A word of an English question that says what it is about ("wetland"), not how it asks ("which"). */
function isEnglishContentWord(word: string): boolean {
  return /^[a-z][a-z'-]{2,}$/.test(word) && !ENGLISH_STOP.has(word) && !ENGLISH_STOP.has(word.replace(/s$/, ""));
}

/**
 * Content words of an English question that the alias table does not know
 * ("population"): the reports may not cover them, so they count against an answer.
 * A word the user capitalised inside a sentence keeps its capital ("Olympics"): it names something.
 */
export function unknownEnglishWords(question: string, vocabulary: EnglishVocabulary = DEFAULT_VOCABULARY): string[] {
  let text = ` ${question
    .toLowerCase()
    .replace(/[’‘]/g, "'")
    .replace(/[?!.,;:()"]/g, " ")} `;
  text = text.replace(vocabulary.pattern, " ").replace(QUESTION_SHAPE, " ");
  const unknown = new Set(text.split(/\s+/).filter((w) => isEnglishContentWord(w) && !vocabulary.bridge?.(w).length));
  // A sentence's first word is capitalised whatever it is ("…review? Student here, …"): it names nothing. Nor
  // does the capital ending a name whose words before it are known ("China International Import Expo"): the
  // reports may call it by those.
  const capital = (w: string | undefined) => w !== undefined && /^[A-Z]/u.test(w);
  const written = question
    .replace(/[’‘]/g, "'")
    .split(/(?<=[?!.])\s+/u)
    .flatMap((sentence) => {
      const words = sentence.split(/[\s?!.,;:()"]+/).filter(Boolean);
      return words.map((w, i) => {
        // The head of the name ("Expo" after "Import"), not its first word ("Xuelang" before "Town").
        const previous = words[i - 1];
        const inKnownName =
          capital(previous) && !unknown.has(previous!.toLowerCase()) && isEnglishContentWord(previous!.toLowerCase());
        return i > 0 && !inKnownName ? w : w.toLowerCase();
      });
    });
  return written.filter((w) => unknown.has(w.toLowerCase()));
}

interface MeetingReference {
  meetingIds: string[];
  articleKind?: "meeting" | "forum";
  requiredText?: string;
  /** The text of the reference, removed from the content terms. */
  span?: string;
  nextYear?: number;
}

/** The meeting a question refers to; `asked` is the question before English is read into the reports' words. */
function findMeetingReference(
  text: string,
  asked: string,
  meetings: readonly MeetingInfo[],
  /** Whether a word is a place name (湖州), for a meeting named by a place that hosted none of the reports'. */
  isPlace: (word: string) => boolean = () => false,
): MeetingReference {
  const wantsForum = /论坛/.test(text);
  const next = /下一年度|下一年|下一届|下届|明年|下一次|下次|下回|第2年|次年|翌年|转年/.test(text);

  // 第七届…论坛: the meeting whose forum has that edition ("第六届和第七届论坛": both).
  const editions = [...text.matchAll(/第([一二三四五六七八九十\d]+)届/g)];
  if (editions.length && wantsForum) {
    const numbers = editions.map((e) => (/\d/.test(e[1]!) ? Number(e[1]) : (smallChineseNumber(e[1]!) ?? 0)));
    // A forum may be named by its year beside another by its edition ("2022年那届论坛和第七届论坛").
    const years = [...text.matchAll(/(\d{4})年/g)].map((y) => Number(y[1]));
    const hits = meetings.filter(
      (m) =>
        m.forum &&
        (numbers.some((n) => new RegExp(`第(${n}|${"〇一二三四五六七八九十"[n] ?? "_"})届`).test(m.forum!)) ||
          years.includes(m.year)),
    );
    // The whole name ("第六届高层论坛上") is the reference, so the forum's name does not outweigh what is asked.
    const first = editions[0]!;
    const last = editions.at(-1)!;
    const tail =
      new RegExp(`^${last[0]}\\p{Script=Han}{0,12}?论坛(上|期间)?`, "u").exec(text.slice(last.index))?.[0] ?? last[0];
    const span = text.slice(first.index, last.index) + tail;
    if (hits.length) return { meetingIds: hits.map((m) => m.id), articleKind: "forum", span };
    // Reports write editions in Chinese numerals (第九届), whatever form the question used.
    const n = numbers[0]!;
    return { meetingIds: [], articleKind: "forum", requiredText: `第${"〇一二三四五六七八九十"[n] ?? n}届`, span };
  }

  // A span of years ("从2021年到2025年", "between 2021 and 2024"): every meeting held in it.
  // A plan's period ("《…行动计划（2024—2026年）》") names no meetings.
  const range = /(\d{4})\s*年?度?\s*(?:到|至|—|–|-|~|\bto\b|\bthrough\b)\s*(\d{4})/iu;
  const span = range.exec(text) ?? (languageOf(asked) === "en" ? range.exec(asked) : null);
  const inTitle = span?.input === text && text.lastIndexOf("《", span.index) > text.lastIndexOf("》", span.index);
  const spanned = span ? meetings.filter((m) => m.year >= Number(span[1]) && m.year <= Number(span[2])) : [];
  if (span && spanned.length > 1 && !inTitle && !/[（(]\s*$/u.test(span.input.slice(0, span.index)))
    return { meetingIds: spanned.map((m) => m.id), ...(span.input === text ? { span: span[0] } : {}) };
  // Years joined in one phrase ("2024年和2025年开会期间", "2021、2025年度会议", "in 2024 and 2025"): each year's meetings.
  // Two years compared in one question ("2021年……，2024年的又是谁", "in 2021, and who in 2024") count too,
  // unless one meeting chose the other ("2022年会议确定的2023年度…").
  const joined = /(\d{4})\s*年?度?(?:会议)?(?:(?:和|与|及|以及|跟|、|，|,|\s)+\d{4}\s*年?度?)+/u.exec(text);
  const chooses =
    /确定|决定|选定|定下|定了|定在|下一|下届|轮到|\b(?:chose|chosen|decided|picked|selected|next)\b(?! (?:day|morning|afternoon|evening|week|month))|\b(?:was|were|would|will) (?:to )?host\b/iu.test(
      `${text} ${asked}`,
    );
  const named = joined ? joined[0].match(/\d{4}/g) : chooses ? null : text.match(/(?<![\d到至止])\d{4}(?!\d)/gu);
  // "2022年会议确定2023年度的会议在哪里", "chosen at the 2022 meeting to host the 2023 one": the year after is asked.
  const nextOf = (year: number) =>
    next || (chooses && new RegExp(`(?<!\\d)${year + 1}(?!\\d)`, "u").test(text)) ? { nextYear: year + 1 } : {};
  const joinedYears = new Set((named ?? []).map(Number));
  const joinedHits = meetings.filter((m) => joinedYears.has(m.year));
  if (joinedYears.size > 1 && joinedHits.length > 1)
    return {
      meetingIds: joinedHits.map((m) => m.id),
      ...(wantsForum ? { articleKind: "forum" as const } : {}),
      ...(joined ? { span: joined[0] } : {}),
    };

  // A year attached to a meeting word: "2022年度会议", "2024年的座谈会", "2021年会议时".
  // A place may stand between them ("2020年湖州会议"), and a series name may be the event ("2023年深入推进…座谈会").
  const vocabulary = vocabularyOf(meetings);
  for (const match of text.matchAll(/(\d{4})\s*年(度)?/g)) {
    const after =
      text.slice(match.index + match[0].length, match.index + match[0].length + 30).split(/[\d，。？?；\s]/)[0] ?? "";
    const event = vocabulary.seriesAfterYear?.exec(after) ?? EVENT_AFTER_YEAR.exec(after);
    if (!event) continue;
    const year = Number(match[1]);
    const forum = /论坛/.test(event[0]);
    const wantsAnnual = Boolean(match[2]) || /主要领导/.test(event[0]);
    const symposium = meetings.some((m) => m.kind === "symposium" && event[0].includes(m.title));
    const candidates = meetings.filter(
      (m) => m.year === year && (!wantsAnnual || m.kind === "annual") && (!symposium || m.kind === "symposium"),
    );
    const span = match[0] + event[0];
    if (candidates.length) {
      // "2022年会议" asks about the meeting itself, not the forum held alongside it.
      const articleKind = forum ? "forum" : wantsForum ? undefined : "meeting";
      return { meetingIds: candidates.map((m) => m.id), articleKind, span, ...nextOf(year) };
    }
    return { meetingIds: [], requiredText: String(year), span };
  }

  // A question that opens with a year ("2022年安徽省委书记是谁") asks about that year's meeting.
  const opening = /^(\d{4})年(?!度)/.exec(text);
  if (opening) {
    const candidates = meetings.filter((m) => m.year === Number(opening[1]));
    if (candidates.length)
      return {
        meetingIds: candidates.map((m) => m.id),
        span: opening[0],
        ...nextOf(Number(opening[1])),
      };
  }

  // A bare year a meeting was held in ("the 2025 results conference", "2021的会"), when the question holds only
  // that one. "2025年" is read above; a target ("到2025年", "by 2025") names no meeting.
  const targets = new Set([...asked.matchAll(/\b(?:by|until|before|since|through) (\d{4})/giu)].map((y) => y[1]));
  const years = new Set(
    [...text.matchAll(/(?<![\d到至止])(\d{4})(?!\d|年度|年(?:以来|以前|之前|之后|前|后|底|末|左右|目标))/gu)].flatMap(
      (y) => (targets.has(y[1]) ? [] : [Number(y[1])]),
    ),
  );
  const [year] = years;
  const held = years.size === 1 ? meetings.filter((m) => m.year === year) : [];
  if (held.length) return { meetingIds: held.map((m) => m.id), ...nextOf(year!) };
  // "Where will the 2026 leaders' meeting take place?": a meeting of a year the reports hold none of.
  if (years.size === 1 && !next && /会议|座谈会|论坛|\b(?:meeting|symposium|forum)\b/iu.test(`${text} ${asked}`))
    return { meetingIds: [], requiredText: String(year) };

  // "最近一次主要领导座谈会", "the most recent forum": the latest of the reports' meetings (of the annual series
  // unless a forum is asked), whatever year that is. ("第一次会议" is the series' first, which no report covers.)
  const inText = LATEST_MEETING.exec(text);
  if (inText ?? LATEST_MEETING_EN.exec(asked)) {
    const annual = meetings.filter((m) => m.kind === "annual" && (!wantsForum || m.forum));
    const latest = [...(annual.length ? annual : meetings)].sort((a, b) => a.year - b.year).at(-1);
    if (latest)
      return {
        meetingIds: [latest.id],
        ...(wantsForum ? { articleKind: "forum" as const } : {}),
        ...(inText ? { span: inText[0] } : {}),
        ...(next ? { nextYear: latest.year + 1 } : {}),
      };
  }
  // A meeting named by its title (深入推进长三角一体化发展座谈会), or by Xi Jinping chairing it.
  const titled = meetings.filter(
    (m) => text.includes(m.title) || (m.kind === "symposium" && /习近平|总书记/.test(text)),
  );
  if (titled.length === 1) {
    const only = titled[0]!;
    // "习近平主持的那次长三角座谈会" names the meeting by its chair: those words say which meeting, not what is asked.
    const byChair = chairReference(text);
    const span = text.includes(only.title) ? only.title : byChair;
    return { meetingIds: [only.id], ...(span ? { span } : {}) };
  }
  // A meeting named by its host city ("温州会议", "南京座谈会"; in English "the Nanjing meeting", "the meeting
  // held in Wenzhou", read into "南京 会议" and "会议 举行 温州").
  const cityEvent = languageOf(asked) === "en" ? vocabulary.englishCityEvent : vocabulary.cityEvent;
  const cityRefs = cityEvent ? [...text.matchAll(cityEvent)].map((m) => [m[0], m[1] ?? m[2]!] as const) : [];
  // In English a "symposium", not a "leaders' meeting", is what the answers call the symposium ("the Shanghai
  // symposium on deepening integration" is not the 2022 meeting held in Shanghai).
  const symposium = (m: MeetingInfo) => m.kind === "symposium";
  const asksSymposium =
    languageOf(asked) === "en" && /\bsymposium\b/iu.test(asked) && !/\bleaders\b|\bannual\b/iu.test(asked);
  if (cityRefs.length) {
    const cities = new Set(cityRefs.map((m) => m[1]));
    const span = cityRefs[0]![0];
    const held = meetings.filter((m) => cities.has(m.city));
    const named = asksSymposium && held.some(symposium) ? held.filter(symposium) : held;
    // "南京那届会议定了下一年度的会轮到哪里": the meeting after the one named by its city.
    const only = named.length === 1 ? named[0] : undefined;
    return {
      meetingIds: named.map((m) => m.id),
      articleKind: /论坛/.test(span) ? "forum" : "meeting",
      span,
      ...(next && only ? { nextYear: only.year + 1 } : {}),
    };
  }
  const symposia = asksSymposium ? meetings.filter(symposium) : [];
  if (symposia.length === 1) return { meetingIds: [symposia[0]!.id] };
  // "湖州那次会议": a meeting held in a place that hosted none of the reports' meetings (a province may have).
  for (const m of text.matchAll(/(\p{Script=Han}{2,4}?)(?:那次|这次|那回|那场|那届)?(?:会议|座谈会)/gu)) {
    const place = [m[1]!, m[1]!.slice(-3), m[1]!.slice(-2)].find(
      (w) =>
        w.length >= 2 &&
        isPlace(w) &&
        !(PROVINCES as readonly string[]).includes(w) &&
        !meetings.some((x) => x.city === w || x.title.includes(w)),
    );
    if (place) return { meetingIds: [], requiredText: place, span: m[0] };
  }
  // The series named without a year ("长三角一体化发展高层论坛由谁主办"): its name is the
  // subject, not what is asked, so it weighs like a meeting reference.
  const seriesName = vocabulary.series.find((name) => text.includes(name));
  return {
    meetingIds: [],
    ...(wantsForum ? { articleKind: "forum" as const } : {}),
    ...(seriesName ? { span: seriesName } : {}),
  };
}

/**
 * The words that name the symposium by who chaired it ("习近平主持的那次长三角座谈会"; in English word order, "the
 * symposium Xi chaired" reads "座谈会 习近平 主持"): they say which meeting, not that the question asks who chaired.
 */
export function chairReference(text: string): string | undefined {
  return /(习近平|总书记)(亲自)?(主持(召开)?的?)(那次|这次|那场|这场|那个|这个)?[\p{Script=Han}\d]{0,12}?(座谈会|会议|会)|(习近平|总书记)+的?(?:在\p{Script=Han}{2,3}?(?:开|召开|主持召开)的)?(那次|这次|那场|这场|那个|这个)[\p{Script=Han}\d]{0,12}?(座谈会|会议|会)|(座谈会|会议)\s*(习近平|总书记)\s*主持/u.exec(
    text,
  )?.[0];
}

/** The latest meeting, named by its place in time ("最近一次座谈会", "最新的那届论坛", "the most recent meeting"). */
const LATEST_MEETING =
  /(?:最近|最新|最后)(?:的)?(?:一|那)?[次届回场]?(?:的)?(?:长三角)?(?:地区)?(?:主要领导)?(?:座谈会|会议|高层论坛|论坛|会)/u;
const LATEST_MEETING_EN =
  /\b(?:the )?(?:latest|most recent|last)(?: annual)?(?: leaders'?)? (?:meeting|symposium|forum|gathering)\b/iu;

/**
 * What follows a year when it names a meeting: an event word, perhaps after a place ("湖州会议") or where it
 * was held ("2026年在上海开的那次主要领导座谈会").
 */
const EVENT_AFTER_YEAR =
  /^(的)?(?:在\p{Script=Han}{2,3}?(?:召开|举行|举办|开)的)?(?:那|这)?[次回场届]?(?:长三角)?(?:地区)?(?:主要)?(?:领导)?(\p{Script=Han}{2,4}?)?(座谈会|会议|会上|会期|论坛|长三角一体化发展高层论坛|高层论坛|成果发布会|发布会|开会|会(?![见谈晤]))(上|期间|中|(?:那|这)一?[回次场届])?/u;

/** The meetings' names and cities as patterns; the same for every question, so built once per meeting list. */
interface MeetingVocabulary {
  /** Series names without year or edition (长三角地区主要领导座谈会, 长三角一体化发展高层论坛), longest first. */
  series: string[];
  /** A series name right after a year ("2023年深入推进长三角一体化发展座谈会上"). */
  seriesAfterYear?: RegExp;
  /** A host city followed by an event word ("温州会议"); group 1 is the city. */
  cityEvent?: RegExp;
  /** The same in an English question's words: "南京 会议" or "会议 举行 温州"; group 1 or 2 is the city. */
  englishCityEvent?: RegExp;
}

const vocabularies = new WeakMap<readonly MeetingInfo[], MeetingVocabulary>();

function vocabularyOf(meetings: readonly MeetingInfo[]): MeetingVocabulary {
  let vocabulary = vocabularies.get(meetings);
  if (vocabulary) return vocabulary;
  const names = new Set<string>();
  for (const m of meetings) {
    names.add(m.title.replace(/^\d{4}年度/, ""));
    if (m.forum) names.add(m.forum.replace(/^第[一二三四五六七八九十\d]+届/, ""));
  }
  const series = [...names].sort((a, b) => b.length - a.length);
  const cities = [...new Set(meetings.map((m) => m.city))].map(escapeRegExp);
  vocabulary = {
    series,
    ...(series.length
      ? { seriesAfterYear: new RegExp(`^(的)?(${series.map(escapeRegExp).join("|")})(上|期间|中)?`, "u") }
      : {}),
    ...(cities.length
      ? {
          // "温州会议", "南京那届论坛", "无锡那回", "温州发布会", "无锡之后的下一届": a meeting named by its host city.
          cityEvent: new RegExp(
            `(${cities.join("|")})(的)?((?:开会|开的会|办会)?(?:那|这)一?(?:回|场|届|次|个)(?:\\p{Script=Han}{0,3}?(?:会议|座谈会|高层论坛|论坛|会(?![见谈晤])))?|成果发布会|发布会|会议|座谈会|高层论坛|论坛|会(?=上|期间)|(?=(?:之后|以后|之前|以前)的?(?:下|上|后|前)一?[届次回]))(上|期间)?`,
            "gu",
          ),
          englishCityEvent: new RegExp(
            `(${cities.join("|")})\\s*(?:成果发布会|发布会|会议|座谈会|高层论坛|论坛)|(?:成果发布会|发布会|会议|座谈会|高层论坛|论坛)\\s*(?:举行|召开|举办)?\\s*(${cities.join("|")})`,
            "gu",
          ),
        }
      : {}),
  };
  vocabularies.set(meetings, vocabulary);
  return vocabulary;
}

/**
 * A verb and its object split by an aspect particle ("揭了牌", "签了约", "讲过话") joined again as the reports'
 * word (揭牌, 签约, 讲话), where the reports use it.
 */
function rejoinSeparable(text: string, known: (word: string) => boolean): string {
  return text.replace(/(\p{Script=Han})[了过着](\p{Script=Han})/gu, (whole, verb: string, object: string) =>
    known(verb + object) ? verb + object : whole,
  );
}

/**
 * An English question without the clause that only sets its scene: "When the leaders met in Wuxi, what places did
 * they see?" and "What did Xi ask for … when he met regional leaders in Shanghai?" ask what, not when.
 */
export function mainClause(question: string): string {
  return question
    .replace(/^\s*(when|while|during|at|in)\b[^,?]{3,60},\s*(?=(what|which|who|where|how|did|was|were)\b)/i, "")
    .replace(
      /^(\s*(?:what|which|who|how)\b.{8,}?)\s+\b(?:when|while|as)\s+(?:he|she|they|the|it|leaders?|xi)\b[^?]*/i,
      "$1",
    );
}

function detectAnswerType(question: string, text: string): AnswerType {
  // "When the leaders met in Wuxi, what places did they see?": the question is the main clause, not the "when" one.
  const main = mainClause(question);
  const q = `${main} ${main === question ? text : ""}`;
  if (THEME_WORDS.test(q)) return "theme";
  // "去哪里参观了", "what places did they tour": the places seen, a list.
  if (VISIT_WORDS.test(q) && /哪|什么地方|\bwhere\b|\bwhich\b|\bwhat (places|sites)\b/iu.test(q)) return "list";
  if (
    /哪里|哪儿|什么地方|何地|(?<!存)在哪(?!天|一天|年|一年|些|几)|哪个(省|市|城市)|地点|\bwhere\b|\b(which|what) (city|province|place)\b/i.test(
      q,
    ) &&
    !VISIT_WORDS.test(q)
  )
    return "place";
  // What someone said: "讲了什么", "发言的具体内容", "致辞讲了哪些", "演讲时介绍了哪些", "怎么形容".
  if (
    /(说|讲|谈)(了)?(些)?(什么|哪些|啥)|(讲话|发言|致辞|演讲)(的)?(主要|具体)?(内容|讲了|说了|谈了)|(讲话|发言|致辞|演讲)(时|中)(介绍|提到|谈到|讲)|表示了什么|(怎么|如何|怎样)(形容|评价|看待|描述|概括|描绘|说|讲|谈|表述)|(提到|谈到|讲到)(了)?[^，。？?]{0,12}(什么|哪些)|(\p{Script=Han}{2,3})(在[^，。？?]{2,12})?(说|讲)[^了过的，。？?][^的，。？?]{0,14}(什么|哪些|哪|啥|怎么)|\b(what(?: \w+)?|how|which \w+)(?: exactly| precisely| else)? did .{2,40} (say|call|pledge|promise|vow|commit|speak about|talk about|recall|stress|emphasi[sz]e|describe|propose|urge|mention|note|highlight|tell)\b|^\s*did .{2,40} (say|stress|mention|speak about|talk about)\b|\bin (?:his|her|their) (?:remarks|speech|address|talk)\b/iu.test(
      q,
    )
  )
    return "speech";
  // "哪些人出席" wants the whole list of names; "谁主持" one person; "全部列出来" asks a list without a question word.
  if (/哪些人|哪些领导|有谁|哪[几两三四五六七八九十]位|列出|列一下|列举|\blist (?:all|every|the)\b/iu.test(q))
    return "list";
  // "…负责同志叫什么名字" asks for a person; "湿地公园叫什么名字" for a place.
  if (
    /是谁|谁|哪位|姓名|(负责同志|同志|领导|官员|负责人|书记|省长|市长|主任|主席|嘉宾|专家|学者|代表|人)[^，。？?]{0,6}叫什么|\bwho\b|\bname of the (official|person|leader|speaker)\b/i.test(
      q,
    )
  )
    return "person";
  if (DATE_QUESTION.test(q)) return "date";
  // "这个意见一共有多少条", "行动计划总投资多少亿元": counts and amounts of what a document holds, not which documents.
  if (/(?:多少|(?<!哪)几)(?:条|款|项|页|章|节|字|亿|万|元|钱)|\bhow much\b|\bbudget\b/iu.test(q)) return "number";
  if (/文件|审议|意见|计划|方案|\bdocuments?\b|\breviewed\b/i.test(q)) return "document";
  if (/哪些|哪几|举措|措施|要求|任务|\bwhat measures\b|\bwhich\b/i.test(q)) return "list";
  if (/多少|几年|几个|几项|多大|规模|\bhow (many|much|long|large|big)\b/i.test(q)) return "number";
  return "general";
}
