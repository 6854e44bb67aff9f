/**
 * Follow-up questions without a model. Only a turn that leans on the previous one is
 * rewritten: "那2022年呢？" after "2024年的座谈会在哪里举行？" becomes "2022年的座谈会在哪里举行？",
 * "他说了什么？" names the person, "那次会议开了几天？" names the meeting. A question that is
 * complete on its own ("2024年会议在哪里举行？") is never merged with the one before.
 * The LLM path tries the model first and falls back to this.
 */
import { MUNICIPALITIES, PROVINCES } from "../corpus/metadata.js";
import { englishPlaceName } from "./citations.js";
import { INTENT_WORDS } from "./intents.js";
import type { Turn } from "./types.js";

const YEAR = /(?:19|20)\d{2}/g;
/** Openers and endings that mark an elliptical follow-up in Chinese or English. */
const ELLIPTICAL_START =
  /^(?:那么?(?![次届场年回一里儿个])|还有|另外|以及|其中|and\b|what about\b|how about\b|and what about\b|what of\b)/i;
const ELLIPTICAL_END = /呢[？?]?$/;
/** Words that point back at a person of the previous turn. */
const PERSON_BACK = /他们|她们|他|她|\b(?:he|she|him|his|her)\b/giu;
/** Words that point back at the meeting of the previous turn. */
const MEETING_BACK =
  /(?:那|这|该|此)(?:次|届|场)(?:会议|座谈会|会|论坛)?|(?:那|这)个(?:会议|座谈会|会|论坛)|(?:那|这)一?年(?:的)?(?:会议|座谈会|会|论坛)?|当年|当时|那里|那儿|同一年|\b(?:that|this|the same) (?:meeting|symposium|one|year|forum)\b|\bthere\b|\bthen\b|\bit\b|\bits\b/giu;
/** A meeting named outright: a year, a forum edition, an ordinal. */
const NAMES_MEETING =
  /(?:19|20)\d{2}|第[\d一二三四五六七八九十]+届|\b\d+(?:st|nd|rd|th)\b|\b(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth)\b/iu;

/** What the heuristic may know about the corpus. */
export interface FollowUpContext {
  /** Person names of the reports, to find who "他" is. */
  people?: ReadonlySet<string>;
  /**
   * Whether a question names a meeting itself, however it does (a year, an edition, a host city, the
   * symposium's chair), or asks across meetings ("哪几年…"). Such a question keeps no meeting from before.
   */
  standsApart?: (question: string) => boolean;
  /**
   * A Chinese name for the one meeting a question refers to, however it names it ("习近平主持的那次座谈会"
   * → its title), for the turn after it; undefined when it names none or several.
   */
  meetingName?: (question: string) => string | undefined;
  /** The year of the one meeting a question refers to, however it names it ("the Wenzhou meeting" → 2024). */
  meetingYear?: (question: string) => number | undefined;
  /** The person of the reports a question names, however it spells them ("Chen Jining" → 陈吉宁). */
  personIn?: (question: string) => string | undefined;
  /** The post a person held at the meeting a question names, as the report writes it ("上海市委副书记、市长"). */
  postOf?: (person: string, question: string) => string | undefined;
  /** The meetings' host cities, in Chinese and in English ("无锡", "Wuxi"), for "And in Wuxi?" / "那南京呢？". */
  places?: readonly { name: string; english: string }[];
}

/** Words for the meeting after the one before ("the following meeting", "下一届会议"). */
const MEETING_AFTER =
  /\bthe (?:following|next|subsequent) (?:meeting|one|year's meeting|annual meeting)\b|\bthe meeting after (?:that|it)\b|\bthe one after(?: that| it)?\b|(?:再)?下一届(?:会议|座谈会)?|下一次会议|下一年的会议|后一届(?:会议)?|(?:第二|第2|次|翌)年(?:的)?(?:会议|座谈会|会)?(?!度)/iu;
/** Words for the meeting before the one before ("前一年", "上一届", "the year before"). */
const MEETING_BEFORE =
  /前一年|上一年|前一届|上一届|上届|\b(?:in )?the (?:year|meeting) before(?: that)?\b|\b(?:in )?the previous (?:year|meeting)\b/iu;
/** The next meeting as what a meeting chose ("会议定的下一届", "pick for the next one"), not as a meeting that acts. */
const CHOSEN_NEXT =
  /\b(?:pick|picked|chose|choose|chosen|decide|decided|select|selected)\b[^?]{0,30}\b(?:for|as|to (?:host|hold|stage))\s+the (?:next|following)\b|\bthe (?:next|following) (?:year's )?(?:meeting|one) (?:to be|would be|will be|was to be) held\b|(?:确定|决定|定)的?(?:下一届|下届|下一次|下次|下一年|下回)|(?:下一届|下届|下一次|下次|下一年|下回)(?:会议|座谈会)?(?:定在|放在|安排在|选在|轮到)/iu;
/** A year named as what a meeting chose, in Chinese ("确定2026年度…"); group 1 is the year. */
const CHOSEN_YEAR_ZH = /(?:确定|决定|定)[，,]?\s*((?:19|20)\d{2})年度?/u;
/** The same in either language ("decided the 2026 meeting"), to leave out when a question is read for its own meeting. */
const CHOSEN_YEAR = new RegExp(
  `${CHOSEN_YEAR_ZH.source}|\\b(?:decided|chose|picked|selected)\\b[^?]{0,20}\\b(?:19|20)\\d{2}\\b`,
  "giu",
);
/** Words for the place the previous answer named ("Which province hosted…?" then "the governor there"). */
const PLACE_BACK = /\b(?:that|this) (?:province|city)(?:'s)?|\bthere\b|那里|那儿|该省|该市|当地|那个省|那个城市/iu;
/** A question that asks for a place. */
const ASKS_PLACE = /哪个省|哪个城市|哪座城市|哪里|在哪|哪儿|\bwhere\b|\bwhich (?:province|city)\b|\bhost(?:ed|s)?\b/iu;

/**
 * True when the question leans on an earlier turn: it opens like "那…"/"what about", ends in 呢,
 * or points back with a pronoun ("他", "那次会议", "that meeting").
 */
export function looksElliptical(question: string): boolean {
  const q = question.trim();
  return (
    ELLIPTICAL_START.test(q) ||
    ELLIPTICAL_END.test(q) ||
    new RegExp(PERSON_BACK.source, "iu").test(q) ||
    new RegExp(MEETING_BACK.source, "iu").test(q)
  );
}

/**
 * The standalone question without a model.
 * - A follow-up that only names another year takes the previous question with the year swapped.
 * - "他/她" becomes the person the previous turn was about; "那次会议/that meeting" its meeting.
 * - "省长呢？" swaps the same kind of word (a post, a person, a province) in the previous question.
 * - A question that names no meeting and does not ask across meetings keeps the previous turn's meeting.
 * - Other elliptical follow-ups are appended to the previous question; full questions stand as they are.
 */
export function heuristicStandalone(history: readonly Turn[], question: string, context: FollowUpContext = {}): string {
  const q = question.trim();
  const previousTurn = history[history.length - 1];
  const previous = previousTurn?.question.trim();
  if (!previous || !previousTurn) return q;
  const english = /[a-z]{3}/i.test(q) && !/\p{Script=Han}{3}/u.test(q);
  const opener = ELLIPTICAL_START.test(q) || ELLIPTICAL_END.test(q);
  const previousYears = previous.match(YEAR) ?? [];
  // "And the year before?", "上一届呢？": the year before the one asked about, then swapped in as a year.
  const relative =
    previousYears.length === 1 && MEETING_BEFORE.test(q)
      ? q.replace(MEETING_BEFORE, ` ${Number(previousYears[0]) - 1} `)
      : q;
  const years = relative.match(YEAR) ?? [];
  // "What about in 2024?" after "…the 2025 meeting in Nanjing": the host city went with the year, and so does
  // "And before that, in Wuxi in 2021?" name its own.
  const hosts = (context.places ?? []).flatMap((p) => [p.name, p.english]);
  const rest = hosts
    .reduce((text, host) => text.replaceAll(host, ""), relative)
    .replace(/\b(?:before|after) that\b|之前|之后|以前|以后/giu, "")
    .replace(ELLIPTICAL_START, "")
    .replace(YEAR, "")
    .replace(/\b(?:in|at|for|during|then|the|meeting|one|s)\b/gi, "")
    .replace(/[年度的呢？?，,。'’\s]/g, "");
  // "What about 2024 and 2025?", "那2024年和2025年呢？": the previous question of both years.
  const both = years.length === 2 && /^(?:and|和|与|及|跟|、)$/iu.test(rest);
  if (opener && (years.length === 1 || both) && previousYears.length === 1 && (rest === "" || both)) {
    const swapped = previous.replace(
      previousYears[0] ?? "",
      both ? (english ? `${years[0]} and ${years[1]}` : `${years[0]}年和${years[1]}`) : (years[0] ?? ""),
    );
    return hosts.reduce(
      (text, host) =>
        text.replace(new RegExp(`\\s*\\b(?:in|at)\\s+${host}\\b|${host}(?=的?(?:会议|座谈会|那次|那届|会))`, "u"), ""),
      swapped,
    );
  }
  // "And in 2022, who held that same post?", "2025年换成谁了？" after an answer that named one ("江苏省委书记娄勤俭").
  const post =
    SAME_POST.test(q) && years.length === 1 && !POST.test(q)
      ? history
          .map((turn) => HELD_POST.exec(turn.answer)?.[0])
          .filter(Boolean)
          .at(-1)
      : undefined;
  if (post) return english ? `Who was ${post} at the ${years[0]} meeting?` : `${years[0]}年${post}是谁？`;

  // "And in Wuxi?", "那南京那次呢？": the previous question, asked of the meeting held in that city.
  const city = opener ? placeOnly(q, context.places ?? []) : undefined;
  if (city) {
    const swapped = swapPlace(previous, city, english, context.places ?? []);
    // "南京会议确定2026年的会在哪开？" then "温州那次呢？": the year chosen was Nanjing's next, not Wenzhou's.
    if (swapped) return swapped.replace(CHOSEN_YEAR_ZH, (clause, year: string) => clause.replace(year, "下一"));
  }

  // "那到了总书记主持的那次座谈会呢？": a follow-up that only names another meeting asks the previous question of it.
  const own = context.meetingName?.(q);
  const previousYear = /(?:19|20)\d{2}\s*年?度?(?:的)?(?:会议|座谈会|会)?/u.exec(previous)?.[0];
  if (opener && own && previousYear && !english && !asksOnItsOwn(q.replace(ELLIPTICAL_START, ""))) {
    return previous.replace(previousYear, `${own}上`);
  }

  // "湖州那次会议的主题是什么？" names its own meeting, one the reports lack: "那次" is not the previous one.
  if (context.standsApart?.(q) && !context.meetingName?.(q) && asksOnItsOwn(q)) return q;
  let rewritten = q;
  let resolved = false;
  // "the governor there" after "Which province hosted the 2021 meeting?" is that province's.
  const place = ASKS_PLACE.test(previous) ? PROVINCE.exec(previousTurn.answer)?.[0] : undefined;
  if (place && PLACE_BACK.test(rewritten)) {
    rewritten = rewritten.replace(PLACE_BACK, english ? `in ${place}` : place);
    resolved = true;
  }
  // "2022年的会议还提这个了吗？": the phrase the chat was about, as the reports quote it.
  // Each alternative of the pattern captures its own pointing word ("这个", "对它", "mention it").
  const pointer = TOPIC_BACK.exec(rewritten)?.slice(1).find(Boolean);
  const topic = pointer ? (QUOTED.exec(previous) ?? QUOTED.exec(previousTurn.answer))?.[1] : undefined;
  if (pointer && topic) {
    rewritten = rewritten.replace(pointer, `“${topic}”`);
    resolved = true;
  }
  // "And what did the following meeting decide?": the meeting a year after the one before.
  const before = context.meetingYear?.(previous);
  // "Which place did that meeting pick for the next one?" asks what was chosen: "the next one" is not a reference.
  if (before && MEETING_AFTER.test(rewritten) && !CHOSEN_NEXT.test(rewritten)) {
    rewritten = rewritten.replace(
      MEETING_AFTER,
      english ? `the ${before + 1} annual meeting` : `${before + 1}年度会议`,
    );
    if (rewritten !== q) return rewritten.replace(ELLIPTICAL_START, "").trim();
  }
  // "What post did the first of them hold?", "第二位是什么职务": the person at that place in the answer's list.
  const nth = NTH_PERSON.exec(rewritten);
  const listed = nth ? namedIn(previousTurn.answer, context.people) : [];
  const listedPerson = nth ? listed.at(ordinal(nth[1] ?? nth[2] ?? nth[3] ?? "")) : undefined;
  if (nth && listedPerson) {
    rewritten = rewritten.replace(nth[0], listedPerson);
    resolved = true;
  }
  // An English question names people in pinyin ("What did Chen Jining say…"): understanding reads them.
  const person = personBack(history, context);
  if (person && !listedPerson && new RegExp(PERSON_BACK.source, "iu").test(rewritten)) {
    rewritten = rewritten.replace(PERSON_BACK, person);
    resolved = true;
  }
  // "王浩前一年是什么职务？", "and the year before?": the meeting a year before the one the chat is about.
  if (before && MEETING_BEFORE.test(rewritten)) {
    rewritten = rewritten.replace(MEETING_BEFORE, english ? ` the ${before - 1} meeting ` : `${before - 1}年`);
    resolved = true;
  }
  // After "2022年会议下一届定在哪" or "…确定2026年度的会在哪里开", "那届" is the meeting that was chosen.
  // "下次呢？" answered "会议确定，2026年度…在上海市召开": the meeting chosen is the one the chat is now about.
  // "2026年度会议在哪里举行？" answered "会议确定，2026年度…" asked of the chosen meeting, as "下一届…" does.
  const choice = CHOSEN_YEAR_ZH.exec(previousTurn.answer)?.[1];
  const named =
    CHOSEN_YEAR_ZH.exec(previous)?.[1] ??
    (INTENT_WORDS.next.test(previous) || (choice && previous.includes(choice)) ? choice : undefined);
  const picked = named ? Number(named) : before && CHOSEN_NEXT.test(previous) ? before + 1 : undefined;
  // Of a chosen meeting the reports lack, only where and when it would be are known: "Who was that province's party
  // secretary back then?" or "its results conference" is asked of the meeting that chose it, the year before.
  const reported = (year: number) => context.meetingName?.(`${year}年度会议`) !== undefined;
  // "那次在安徽开的会" names the chosen meeting by its host: that meeting is meant, whatever is asked of it.
  const host = choice ? PROVINCE.exec(previousTurn.answer.slice(previousTurn.answer.indexOf(choice)))?.[0] : undefined;
  const aboutChoice =
    INTENT_WORDS.where.test(q) ||
    INTENT_WORDS.when.test(q) ||
    INTENT_WORDS.duration.test(q) ||
    (host !== undefined &&
      new RegExp(`在${host}[省市]?(?:开|举行|召开|办)|${host}[省市]?的?(?:那次|那届|那场)?(?:会议|座谈会)`, "u").test(
        q,
      ));
  const chosen =
    picked && context.meetingName && !reported(picked) && reported(picked - 1) && !aboutChoice ? picked - 1 : picked;
  // "那个座谈会是谁主持的？" after an answer that names another meeting by its whole title ("…在深入推进长三角一体化
  // 发展座谈会上…"): that meeting, not the one the chat was about.
  const kind = english ? undefined : /(?:那|这)个(座谈会|论坛)/u.exec(q)?.[1];
  const titled = kind ? context.meetingName?.(previousTurn.answer) : undefined;
  const mentioned =
    titled && titled.endsWith(kind!) && previousTurn.answer.includes(titled) && !previous.includes(titled)
      ? titled
      : undefined;
  const meeting =
    mentioned ??
    (chosen
      ? english
        ? `the ${chosen} annual meeting`
        : `${chosen}年度会议`
      : (meetingOf(previous, english) ?? (english ? englishMeeting(previous) : context.meetingName?.(previous))));
  /** "Xi Jinping's symposium" has no year to carry, but its meeting has. */
  function englishMeeting(question: string): string | undefined {
    const year = context.meetingYear?.(question);
    if (!year) return undefined;
    // "the 6th high-level forum" is that year's forum, not its meeting.
    return /\bforum\b/iu.test(question) && !/\bmeeting\b/iu.test(question)
      ? `the ${year} forum`
      : `the ${year} meeting`;
  }
  // "2024年座谈会说那一年是…" names its own meeting: "那一年" points at it, not at the previous turn's.
  // "那次会议确定2026年度的会在哪里开" names 2026 as what was chosen, not as the meeting "那次" is.
  if (
    meeting &&
    !NAMES_MEETING.test(q.replace(CHOSEN_YEAR, "")) &&
    // "总书记主持的那个座谈会" names its meeting by its chair: "那个座谈会" is that one.
    !context.meetingName?.(q.replace(CHOSEN_YEAR, "")) &&
    new RegExp(MEETING_BACK.source, "iu").test(rewritten)
  ) {
    // "that forum" is the forum of that meeting.
    const year = /(?:19|20)\d{2}/u.exec(meeting)?.[0];
    const forum = year ? (english ? `the ${year} forum` : `${year}年论坛`) : meeting;
    rewritten = rewritten
      .replace(MEETING_BACK, (ref) => {
        const named = /论坛|\bforum\b/iu.test(ref) ? forum : meeting;
        // "Which officials were there?": at that meeting.
        return english ? (/^there$/iu.test(ref) ? ` at ${named} ` : ` ${named} `) : named;
      })
      .replace(/\s+/g, " ")
      .trim();
    resolved = true;
  }
  // "What did the governor say at the 2025 results conference?" after a question about Zhejiang: its governor.
  // ("省长呢？" swaps the post in the previous question instead.)
  const [region, other] = provincesIn(previous);
  const provincial = english ? ENGLISH_PROVINCIAL_POST : PROVINCIAL_POST;
  if (region && !other && !opener && !provincesIn(rewritten).length && provincial.test(rewritten)) {
    rewritten = rewritten.replace(provincial, english ? `${englishPlaceName(region)} $&` : `${region}$&`);
    resolved = true;
  }
  if (opener && !resolved) {
    const content = q.replace(ELLIPTICAL_START, "").replace(/[呢？?，,。\s]/gu, "");
    const swapped = swapSameKind(previous, content, context.people) ?? swapPersonForPost(previous, content, context);
    if (swapped) return swapped;
    // "能源方面呢？" after "…在生态环境共保联治上提了哪些举措？": the same question about another topic.
    const topic = TOPIC_ONLY.exec(content)?.[1];
    if (topic && !english) return swapTopic(previous, topic) ?? `${meeting ?? ""}${topic}方面提了什么？`;
    // "And about private companies?" after "What did Xi say about the demonstration zone at his symposium?".
    const about = english
      ? /^(?:and\s+)?(?:what\s+|how\s+)?about\s+(.{3,60}?)\s*\??$/iu.exec(q.trim())?.[1]
      : undefined;
    const asked = about ? /\babout\s+(.+?)(?=\s+(?:at|in|during|on|for)\b|\s*\?|$)/iu.exec(previous) : null;
    if (about && asked) return previous.replace(asked[0], `about ${about}`);
    // "那省长呢？" after "王浩2025年是什么职务？" (answered "浙江省委书记王浩"): that province's governor, then.
    const province = PROVINCE.exec(previousTurn.answer)?.[0];
    if (!english && meeting && province && POST_ONLY.test(content) && !POST.test(previous))
      return `${meeting}${province}${content}是谁？`;
    // "And where will next year's meeting be held?" asks on its own; only its meeting comes from before.
    const rest = q.replace(ELLIPTICAL_START, "").trim();
    // "And who was Anhui's party secretary back in 2021?": a whole question with its own meeting stands alone.
    // "那第六届呢？在哪里办的？" after a question about a forum: the sixth forum.
    if (NAMES_MEETING.test(rest) && asksOnItsOwn(rest))
      return /论坛|forum/iu.test(previous)
        ? rest.replace(/(第[\d一二三四五六七八九十]+届)(?!\p{Script=Han}{0,8}论坛)/u, "$1论坛")
        : rest;
    if (!meeting || NAMES_MEETING.test(rest) || !asksOnItsOwn(rest)) return `${previous} ${q}`;
    rewritten = rest;
  }
  // "开了几天？" after a question about the 2024 meeting is about that meeting, and so is a longer question
  // that names no meeting ("陈吉宁在论坛上提到上海要建设什么？" after one about the sixth forum).
  const apart = context.standsApart ? context.standsApart(rewritten) : !isShort(rewritten);
  if (meeting && !NAMES_MEETING.test(rewritten) && !apart) {
    // "他在高层论坛上讲了些什么？" is about that year's forum: the year, not "2024年会议", says which.
    const scene = /论坛/u.test(rewritten) ? meeting.replace(/度?会议$/u, "") : meeting;
    // In English "at the forum" becomes that year's forum as well ("at the 2024 forum").
    const year = /(?:19|20)\d{2}/u.exec(meeting)?.[0];
    rewritten = !english
      ? `${scene}${rewritten}`
      : year && /\bthe forum\b/iu.test(rewritten)
        ? rewritten.replace(/\bthe forum\b/iu, `the ${year} forum`)
        : `${rewritten.replace(/[?？]$/, "")} at ${meeting}?`;
  }
  return rewritten;
}

/** A question with its own question word and enough words to stand alone ("where will next year's meeting be held"). */
function asksOnItsOwn(text: string): boolean {
  const han = (text.match(/\p{Script=Han}/gu) ?? []).length;
  if (han > 0) return han >= 6 && /哪|什么|谁|几|多少|何时|怎么|如何/u.test(text);
  return text.split(/\s+/).filter(Boolean).length >= 4 && /\b(where|when|who|what|which|how)\b/i.test(text);
}

function isShort(text: string): boolean {
  const han = (text.match(/\p{Script=Han}/gu) ?? []).length;
  return han > 0 ? han <= 12 : text.split(/\s+/).filter(Boolean).length <= 8;
}

/** The meeting the previous question named, in the current question's language. */
function meetingOf(previous: string, english: boolean): string | undefined {
  const edition = /第([\d一二三四五六七八九十]+)届/u.exec(previous);
  const year = /(?:19|20)\d{2}/.exec(previous)?.[0];
  if (year) {
    const annual = /年度|annual|leaders/iu.test(previous);
    if (/论坛|forum/iu.test(previous) && !/会议|座谈会|meeting/iu.test(previous))
      return english ? `the ${year} forum` : `${year}年论坛`;
    return english ? `the ${year} meeting` : `${year}年${annual ? "度" : ""}会议`;
  }
  if (edition) return english ? `the 第${edition[1]}届 forum` : `第${edition[1]}届论坛`;
  return undefined;
}

/** One of the people an answer lists, by place ("the first of them", "第二位", "最后一位"); the groups hold the place. */
const NTH_PERSON =
  /\bthe (first|second|third|fourth|fifth|last) (?:of them|person|speaker|name)\b|第([一二三四五])(?:位|个人)|(最后)一位/iu;
const PLACES_IN_LIST = ["first", "second", "third", "fourth", "fifth"];

/** The list index an ordinal word stands for (-1 for the last). */
function ordinal(word: string): number {
  if (/^(last|最后)$/iu.test(word)) return -1;
  const chinese = "一二三四五".indexOf(word);
  return chinese >= 0 ? chinese : PLACES_IN_LIST.indexOf(word.toLowerCase());
}

/**
 * The people a text lists, in its order: those of its longest enumeration ("郑栅洁、陈吉宁、信长星…先后发言"), not
 * the person the sentence before is about; every person named when it lists none.
 */
function namedIn(text: string, people: ReadonlySet<string> | undefined): string[] {
  const inOrder = (part: string) =>
    [...(people ?? [])].filter((p) => part.includes(p)).sort((a, b) => part.indexOf(a) - part.indexOf(b));
  const lists = text.split(/[，。；：,;:]/u).map(inOrder);
  const longest = lists.reduce((a, b) => (b.length > a.length ? b : a), []);
  return longest.length > 1 ? longest : inOrder(text);
}

/**
 * The person "他" points at: the one the previous question named, else the one its answer named. An answer that
 * lists several ("郑栅洁、陈吉宁、信长星…先后发言") names no one in particular, so an earlier turn's person is
 * meant, if there is one; else the first listed.
 */
function personBack(history: readonly Turn[], context: FollowUpContext): string | undefined {
  let firstListed: string | undefined;
  for (const [i, turn] of [...history].reverse().entries()) {
    const asked = antecedent(turn.question, "", context.people) ?? context.personIn?.(turn.question);
    if (asked) return asked;
    const first = antecedent(turn.question, turn.answer, context.people);
    const listed = namedIn(turn.answer, context.people);
    // "娄勤俭主持会议…，龚正、吴政隆…分别讲话": the one named before the list is who the answer is about.
    if (first && (listed.length <= 2 || turn.answer.indexOf(first) < turn.answer.indexOf(listed[0]!))) return first;
    if (i === 0) firstListed = first;
    // Only the last few turns: a person named long ago is not "他".
    if (i >= 2) break;
  }
  return firstListed;
}

/** "还提到它了吗", "对它怎么说的", "did it mention this": a topic pointed back at; a group holds the pointing word. */
const TOPIC_BACK =
  /(?:提|提到|提及|说|说到|谈到|涉及|讲到)(?:了|过)?(这个|它|这件事|这事|这块|这一块|这方面)|对(它|这个|这块|这方面)|\b(?:mention|discuss|talk about|say anything about)(?:ed)? (it|this|that)\b/iu;
/** A phrase quoted in the reports' quotation marks; group 1 is the phrase. */
const QUOTED = /[“"「]([^”"」]{2,20})[”"」]/u;
/** A follow-up that names only a topic ("能源方面"); group 1 is the topic. */
const TOPIC_ONLY = /^(?:那|那么|还有|再说说)?(\p{Script=Han}{2,10}?)方面(?:的)?$/u;

/** The previous question about another topic: its "在…上" or "…方面" holds the topic it asked about. */
function swapTopic(previous: string, topic: string): string | undefined {
  const at =
    /在[^，。？?在]{2,14}?(?:方面上|方面|上)/u.exec(previous) ??
    /(?<=会议|会上|年|的|，|^)[^，。？?、在的年会议]{2,8}?方面/u.exec(previous);
  if (!at) return undefined;
  // What was asked of the old topic in particular ("说要加快建设哪两个综合性国家科学中心") is no question of the new one.
  const asked = previous.slice(at.index + at[0].length);
  const tail = (asked.match(/\p{Script=Han}/gu) ?? []).length > 8 ? "提了什么？" : asked;
  return `${previous.slice(0, at.index)}${at[0].startsWith("在") ? "在" : ""}${topic}方面${tail}`;
}

/** The person the previous turn was about: named in its question, else first named in its answer. */
function antecedent(previous: string, answer: string, people: ReadonlySet<string> | undefined): string | undefined {
  if (!people?.size) return undefined;
  // "信长星在习近平主持的那次座谈会上…": the chair only names the meeting; the one asked about is meant.
  const inQuestion = [...people].filter(
    (p) => previous.includes(p) && !new RegExp(`${p}(?:同志)?(?:主持|主持召开)的`, "u").test(previous),
  );
  if (inQuestion.length) return inQuestion.sort((a, b) => previous.lastIndexOf(b) - previous.lastIndexOf(a))[0];
  const inAnswer = [...people].filter((p) => answer.includes(p));
  return inAnswer.sort((a, b) => answer.indexOf(a) - answer.indexOf(b))[0];
}

/** A province's own post, without its province ("省长", "书记" but not 总书记; "the governor"). */
const PROVINCIAL_POST = /(?<![\p{Script=Han}])(?:省委)?(?:副书记、)?(?:省长|(?<!总)书记)/u;
const ENGLISH_PROVINCIAL_POST = /(?<=\bthe )(?:governor|party secretary|party chief)\b/iu;

/** The provinces a question names, in Chinese or in English ("Zhejiang"). */
function provincesIn(text: string): string[] {
  return PROVINCES.filter((p) => text.includes(p) || new RegExp(`\\b${englishPlaceName(p)}\\b`, "iu").test(text));
}

/** A post named by pointing back at it. */
const SAME_POST =
  /\b(?:that same|that|the same|this|same) (?:post|position|office|job|role|title)\b|同一(?:个)?(?:职务|职位)|(?:这|那|该)(?:个)?(?:职务|职位)|同样的(?:职务|职位)|换成(?:了)?谁|换了谁|谁接(?:任|替|班)|\bwho (?:replaced|succeeded)\b/iu;

/** Posts and provinces as reports write them: a follow-up naming one replaces the previous one. */
const POST = /副书记、省长|副书记、市长|省委书记|市委书记|书记|省长|市长|主任|总理/u;
const PROVINCE = new RegExp(PROVINCES.join("|"), "u");
const POST_ONLY = new RegExp(`^(?:${POST.source})$`, "u");
/** A province's post in an answer ("江苏省委书记", "浙江省委副书记、省长"). */
const HELD_POST = new RegExp(`(?:${PROVINCES.join("|")})(?:省委|市委)?(?:${POST.source})`, "u");

/** "省长呢？" after "2024年浙江省委书记是谁？" → "2024年浙江省长是谁？"; undefined when nothing of that kind is there. */
function swapSameKind(previous: string, content: string, people: ReadonlySet<string> | undefined): string | undefined {
  if (!content) return undefined;
  const kinds: RegExp[] = [POST, PROVINCE];
  if (people?.size) kinds.push(new RegExp([...people].sort((a, b) => b.length - a.length).join("|"), "u"));
  for (const kind of kinds) {
    const whole = new RegExp(`^(?:${kind.source})$`, "u");
    if (!whole.test(content)) continue;
    const found = kind.exec(previous);
    if (found) return previous.replace(found[0], content);
  }
  return undefined;
}

/**
 * "江苏省长呢？", "浙江那位呢？" after "2021年成果发布会上龚正讲了什么？": the previous question asked of the post named,
 * or of the province's counterpart of the person it named (a mayor's is a governor, a party secretary's a party
 * secretary). Without a person, the province is swapped. Undefined unless the follow-up names a province.
 */
function swapPersonForPost(previous: string, content: string, context: FollowUpContext): string | undefined {
  // "And the Jiangsu party chief?", "What about Zhejiang's governor?" read as 江苏省委书记, 浙江省长.
  const chinese = PROVINCES.reduce(
    (text, p) => text.replace(new RegExp(`${englishPlaceName(p)}(?:'s)?`, "giu"), p),
    content.replace(/^(?:and)?(?:whataboutthe|whatabout|the)?/iu, ""),
  )
    .replace(/^the/iu, "")
    .replace(/party(?:chief|secretary)|secretary/iu, "省委书记")
    .replace(/governor/iu, "省长")
    .replace(/mayor/iu, "市长");
  const asked = new RegExp(`^(${PROVINCES.join("|")})(?:的|那位|那个|那边)?(${POST.source})?(?:那位|的)?$`, "u").exec(
    chinese,
  );
  if (!asked) return undefined;
  const province = asked[1]!;
  const named = context.personIn?.(previous);
  // In English the person is spelled in pinyin ("What did Chen Mingyuan say…").
  const person =
    named && !previous.includes(named)
      ? [...previous.matchAll(/\b[A-Z][a-z]+(?:[ -][A-Z][a-z]+){1,2}\b/gu)]
          .map((m) => m[0])
          .find((span) => context.personIn?.(span) === named)
      : named;
  // "那浙江的呢？" after "江苏省长在…说了什么？": the province swapped, as "浙江呢？" would.
  if (!named || !person) return swapSameKind(previous, province, context.people);
  const held = context.postOf?.(named, previous);
  const kind = /(?:省长|市长)$/u.test(held ?? "") ? "head" : /(?<!副)书记$/u.test(held ?? "") ? "secretary" : undefined;
  const city = (MUNICIPALITIES as readonly string[]).includes(province);
  const counterpart =
    kind === "head" ? (city ? "市长" : "省长") : kind === "secretary" ? (city ? "市委书记" : "省委书记") : undefined;
  // "the Shanghai party chief" is its 市委书记.
  const post = city
    ? (asked[2] ?? counterpart)?.replace("省委", "市委").replace("省长", "市长")
    : (asked[2] ?? counterpart);
  if (!post) return undefined;
  // "龚正说上海要重点抓什么" asks about his own province after his name: the counterpart's own, in turn.
  // (Before the name, "上海那次会议上龚正…" names the meeting.)
  const own = PROVINCE.exec(held ?? "")?.[0];
  const at = previous.indexOf(person);
  const after = previous.slice(at + person.length);
  return `${previous.slice(0, at)}${province}${post}${own ? after.replaceAll(own, province) : after}`;
}

/** The host city a follow-up names and nothing else ("And in Wuxi?", "What about Nanjing in 2025?", "那南京那次呢？"). */
function placeOnly(
  question: string,
  places: readonly { name: string; english: string }[],
): { name: string; english: string } | undefined {
  const rest = question
    .replace(ELLIPTICAL_START, "")
    .replace(YEAR, "")
    .replace(
      /[呢？?，,。.!！\s]|年度?|的|那次|那回|那场|会议|座谈会|会上|\b(?:in|at|the|meeting|one|for|then)\b/giu,
      "",
    );
  return places.find((p) => rest === p.name || rest.toLowerCase() === p.english.toLowerCase());
}

/**
 * The previous question about the meeting in another city: its city swapped ("during the Wenzhou meeting" →
 * "during the Wuxi meeting"), or, when it named its meeting by year, the year replaced by the city.
 */
function swapPlace(
  previous: string,
  place: { name: string; english: string },
  english: boolean,
  places: readonly { name: string; english: string }[],
): string | undefined {
  const before = places.find(
    (p) => p !== place && (previous.includes(p.name) || new RegExp(`\\b${p.english}\\b`, "iu").test(previous)),
  );
  if (before) {
    const swapped = previous.includes(before.name)
      ? previous.replace(before.name, place.name)
      : previous.replace(new RegExp(`\\b${before.english}\\b`, "iu"), place.english);
    // "2025年南京会议期间…" then "温州那次呢？": the year was the old meeting's, and goes with its city.
    // (Not the year that meeting chose: "南京会议确定2026年的会在哪开" keeps it to be read as "下一年".)
    return swapped.replace(
      /(?<!(?:确定|决定|定)[，,]?\s*)(?:19|20)\d{2}\s*年度?的?|(?<=^|\s)(?<!(?:decided|chose|picked)\s+)(?:in\s+)?(?:19|20)\d{2}\b\s*/u,
      "",
    );
  }
  const year = /(?:19|20)\d{2}\s*年?度?/u.exec(previous)?.[0];
  if (!year) return undefined;
  return english ? previous.replace(year.trim(), place.english) : previous.replace(year, place.name);
}
