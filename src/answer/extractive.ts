/**
 * The offline answerer: picks the clauses of the retrieved paragraphs that
 * answer the question, keeps them short, and cites their paragraph. When the
 * best paragraph covers too little of what the question asks, it says the
 * reports don't cover it instead of guessing.
 */
import { escapeRegExp } from "../text/regexp.js";
import { PROVINCES, provincesAbbreviated } from "../corpus/metadata.js";
import type { Meeting } from "../corpus/types.js";
import type { Chunk } from "../index/chunk.js";
import { CHINESE_SYNONYMS } from "../retrieval/aliases.js";
import type { HybridResult, HybridRetriever } from "../retrieval/hybrid.js";
import { typeBonus, VISIT_WORDS } from "../retrieval/answer-types.js";
import {
  asksForKind,
  BESIDES,
  GENERIC_KINDS,
  isOtherMeetingYear,
  type AnswerType,
  type UnderstoodQuery,
} from "../retrieval/query.js";
import { englishPlaceName, meetingLabel, toCitation } from "./citations.js";
import { type FollowUpContext, heuristicStandalone, looksElliptical } from "./followup.js";
import { splitClauses, type Clause } from "./clauses.js";
import { OFF_TOPIC_REQUESTS, QUESTION_VOCABULARY_ALL, STATED_DETAILS } from "./intents.js";
import { expansionIn, shorthandsAsked } from "./numbered.js";
import {
  answerTyped,
  holderNamed,
  meetingByDocument,
  nextHostChain,
  type ChainStep,
  type TypedAnswer,
} from "./typed.js";
import type { Knowledge } from "../knowledge/extract.js";
import { languageOf } from "../text/language.js";
import { isTraditional, toSimplified, toTraditional } from "../text/script.js";
import { isSmallTalk, smallTalkReply } from "./chitchat.js";
import type { Answer, Answerer, AskOptions, Retrieved, Turn } from "./types.js";

/** Answers longer than this are cut back to the best clauses. */
const BUDGET = 110;
/** A speech is told in a few of its sentences: its opening says little of what was said. */
const SPEECH_BUDGET = 200;
/** A single clause may run longer when it is one enumeration (six 方面, four 统筹). */
const LONG_CLAUSE = 220;
/** Below this share of the question's weighted content words found in the evidence, refuse. */
const MIN_COVERAGE = 0.45;
/** The same for an English question understood only through the dictionary bridge. */
const ANCHORLESS_COVERAGE = 0.6;
/** The same for a paragraph of the named person's own words. */
const SPEAKER_COVERAGE = 0.3;
/** The same for a window that scores {@link CLEAR_MARGIN} times the next best (calibrated on the tuning half). */
const CLEAR_COVERAGE = 0.4;
const CLEAR_MARGIN = 1.8;
/** Characters of a speech outline ("X说了什么" with no topic): its opening and the points that follow. */
const OUTLINE_BUDGET = 260;
const CANDIDATES = 5;

/** The offline answerer, which also tells whether a question is within the reports' scope at all. */
export interface ExtractiveAnswerer extends Answerer {
  /**
   * False only when the question is off-topic or names something the reports never mention (冬奥会, GDP):
   * the gate before a model, which decides everything else from the retrieved paragraphs.
   */
  inScope(question: string): Promise<boolean>;
}

/** Creates the extractive answerer over a hybrid retriever. */
export function createExtractiveAnswerer(deps: {
  retriever: HybridRetriever;
  meetings: readonly Meeting[];
  /** Person names in the reports, to tell "王浩说了什么" (a person) from "会议说了什么" (a topic). */
  people?: ReadonlySet<string>;
  /** Facts extracted at ingest; typed questions (who, which post, when, where…) are answered from them. */
  knowledge?: Knowledge;
  /** Judges words the corpus never uses: a name (冬奥会, GDP) weighs against an answer, a common verb (聊) hardly. */
  partOfSpeech?: (word: string) => string;
  /** Today, for a meeting named by how long ago it was ("去年南京那个论坛"); the system clock by default. */
  now?: () => Date;
}): ExtractiveAnswerer {
  const { retriever, meetings, knowledge } = deps;
  const partOfSpeech = deps.partOfSpeech ?? (() => "x");
  const chunkById = new Map(retriever.chunks.map((c) => [c.id, c]));
  const people = deps.people ?? new Set<string>();
  const places = new Set<string>([...PROVINCES, ...meetings.flatMap((m) => [m.city, m.province])]);
  const cities = [...new Set(meetings.map((m) => m.city))];
  const hostCities = cities.map((name) => ({ name, english: englishPlaceName(name) }));
  /** What the follow-up rules may ask of the corpus (its people, meetings, places and posts). */
  const followUpContext: FollowUpContext = {
    people,
    standsApart,
    meetingName,
    meetingYear,
    places: hostCities,
    personIn: (text) => namedPeopleOf(retriever.understand(text))[0],
    postOf: (person, text) => {
      const [id, other] = retriever.understand(text).meetingIds;
      const facts = id && !other ? knowledge?.meetings.find((m) => m.meetingId === id) : undefined;
      return facts?.posts.find((p) => p.person === person)?.post;
    },
  };
  /** Whose words each paragraph reports ("" for nobody's), worked out when a speech question first needs it. */
  const speakers = new Map<Chunk, string>();
  let positions: Map<Chunk, number> | undefined;
  /** How rare a character is in the reports, built on the first question that needs it. */
  let characterIdf: ((ch: string) => number) | undefined;
  /** Whether the reports quote a shorthand ("“一厅三片”"), remembered per shorthand asked. */
  const quotedShorthands = new Map<string, boolean>();
  /** The people of the reports by the first character of their name and each title they held, built when first asked. */
  let byTitle: Map<string, Set<string>> | undefined;
  /** Chunk texts without quotes and spaces, for phrase search; built on the first "which meetings" question. */
  let normalised: string[] | undefined;
  const contexts = new WeakMap<
    UnderstoodQuery,
    {
      terms: { term: string; weight: number; idf: number }[];
      agent: string | undefined;
      excluded: string[];
      focus: string | undefined;
      speakers: string[];
    }
  >();

  return {
    async ask(asked, options = {}) {
      const reply = await answerQuestion(asked, options);
      // A question in Traditional characters gets its answer in them. What the answer quotes follows as the
      // reports print it, so a name or phrase can be checked against the source word for word.
      if (!isTraditional(asked)) return reply;
      const original = reply.answered ? `\n原文：${reply.answer.replace(/\[\d+\]/gu, "")}` : "";
      return { ...reply, answer: `${toTraditional(reply.answer)}${original}` };
    },
    async inScope(question) {
      if (isSmallTalk(question)) return false;
      const result = await retriever.retrieve(question, { k: 10 });
      const q = result.understood;
      if (OFF_TOPIC_REQUESTS.test(q.question)) return false;
      const top = (result.results.filter((r) => q.meetingIds.includes(r.chunk.meetingId))[0] ?? result.results[0])
        ?.chunk;
      if (!top) return false;
      const { topicFound, unseenName } = coverageOf(q, top);
      return topicFound && !unseenName;
    },
  };

  async function answerQuestion(raw: string, options: AskOptions, chained = false): Promise<Answer> {
    // "去年南京那个论坛", "last year's forum": the year counted back from today.
    const asked = chained ? raw : namedByTitle(yearsAgoNamed(raw, (deps.now ?? (() => new Date()))().getFullYear()));
    if (isSmallTalk(asked)) {
      const language = languageOf(asked);
      return {
        question: asked,
        answered: false,
        answer: smallTalkReply(asked, examples(language)),
        citations: [],
        retrieved: [],
        path: "extractive",
        language,
      };
    }
    // A follow-up ("那2022年呢？") is answered as the standalone question it stands for.
    // A chat in Traditional characters ("那第六屆呢？") is read in the simplified forms the rules are written in.
    const history = options.history?.map(simplifiedTurn);
    const question = history?.length ? standalone(history, toSimplified(asked)) : asked;
    // "审议通过《…》的那次会议…" names the meeting by its document: asked again with the meeting's name.
    const byDocument =
      knowledge && !chained ? meetingByDocument(question, { knowledge, meetings, chunkById }) : undefined;
    if (byDocument) {
      const named = await answerQuestion(question.replace(byDocument.span, byDocument.name), {}, true);
      if (named.answered) return { ...named, question };
    }
    // "在温州主持成果发布会的那位，在…座谈会上是以什么身份发言的": who is described, then the rest asked of them.
    const throughPerson = chained ? undefined : await askOfDescribed(question);
    if (throughPerson) return throughPerson;
    // "…省长是谁？他在成果发布会上说了什么？": the second question leans on the first's answer, as in a chat.
    const inTurn = chained ? undefined : await askInTurn(question);
    if (inTurn) return inTurn;
    const result = asksWords(await retriever.retrieve(question, { k: 10 }));
    // "帮我写一首关于长江的诗", "明天南京天气怎么样": no report answers it, whatever it names.
    const q = result.understood;
    if (OFF_TOPIC_REQUESTS.test(q.question)) return refuse(question, result);
    // "2024年论坛上安徽省委书记讲了什么" is asked of the person who held that post there, by name.
    // So is "那第二年浙江省长讲话时也提八八战略了吗" (whether they said it, in their own words).
    const speaks = q.answerType === "speech" || q.terms.some((t) => t.weight >= 1 && SPOKEN.test(t.term));
    const holder = knowledge && !chained && speaks ? holderNamed(q, { knowledge, meetings, chunkById }) : undefined;
    if (holder) {
      const named = q.text.replace(holder.phrase, holder.person);
      // An English question reads as its topic words ("安徽 省长 2025 成果发布会"); it still asks what was said.
      const byName = await answerQuestion(q.language === "en" ? `${named}说了什么` : named, {}, true);
      // Who held the post is part of the answer ("江苏省长呢？" asks who, as much as what was said).
      const who = byName.answer.includes(holder.person) ? "" : `${holder.phrase}${holder.person}：`;
      if (byName.answered)
        return { ...byName, question, answer: inLanguage({ ...byName, answer: `${who}${byName.answer}` }, q.language) };
    }
    // The rest of a chained question is asked on its own, and never chains again.
    const chain = knowledge && !chained ? nextHostChain(question, q, { knowledge, meetings, chunkById }) : undefined;
    if (chain) {
      const then = await answerQuestion(chain.question, {}, true);
      if (then.answered) return afterChoice(question, result, chain, then);
    }
    // "他是以什么身份讲话的", "on whose behalf did X speak": the capacity the report gives the act.
    const capacity = CAPACITY.test(q.question) ? capacityOf(question, result) : undefined;
    if (capacity) return capacity;
    // "“三地一区”具体指什么": the enumeration the report gives for the shorthand.
    const spelledOut = spellOut(question, result);
    if (spelledOut === "unstated") return refuse(question, result);
    if (spelledOut) return spelledOut;
    // "李强是哪里人", "习近平的生日": a person's life, which no meeting's date or place answers.
    const personal = PERSONAL.test(q.question);
    // An effect, an election, a speech's length: no fact of the knowledge layer is one; a paragraph must state it.
    const detail = STATED_DETAILS.some(({ asks }) => asks.test(q.question));
    const typed =
      knowledge && !personal && !detail ? answerTyped(question, q, { knowledge, meetings, chunkById }) : undefined;
    // "陈吉宁当上海市委书记出现在哪几次会议上" asks a person's posts, not where the words occur.
    if (q.asksWhichMeetings && typed?.intent !== "role") {
      const multi = answerWhichMeetings(question, result);
      if (multi) return multi;
    }
    // A typed answer must also cover what else the question says ("…上升为国家战略有几年了" is not a date question).
    if (typed && typedCovers(q, typed)) return namingMeeting(q, fromTyped(question, result, typed));
    return namingMeeting(q, answerSingle(question, result));
  }

  /**
   * A follow-up as the question it stands for. Of two questions in one message, the first is read against the
   * chat and the second against the first ("那次成果发布会上代表浙江讲话的是谁？他提了啥战略？": 他 is who the first
   * finds, not the person before).
   */
  function standalone(history: readonly Turn[], asked: string): string {
    const [lead, rest] = asked.split(/(?<=[？?])/u).filter((part) => part.trim());
    // ("那2025年呢？他当时是什么职务？" is one question: its first part only names the year.)
    if (
      lead &&
      rest &&
      /谁|什么|啥|哪|几|多少|怎么/u.test(lead) &&
      looksElliptical(rest) &&
      /^(?:他|她|他们|那|这)/u.test(rest.trim())
    )
      return `${heuristicStandalone(history, lead, followUpContext)}${rest}`;
    return heuristicStandalone(history, asked, followUpContext);
  }

  /**
   * A person called by surname and title ("习总书记", "李总理", "陈书记"), named in full where the reports give one
   * person of that surname that title; otherwise the question as it is.
   */
  function namedByTitle(question: string): string {
    if (!knowledge) return question;
    return question.replace(BY_TITLE, (whole, surname: string, title: string, at: number) => {
      // "浙江省长" is the province's governor, not someone surnamed 江.
      const before = question.slice(0, at + 1);
      if ([...places].some((place) => before.endsWith(place))) return whole;
      byTitle ??= peopleByTitle(knowledge);
      const named = byTitle.get(`${surname}${title}`) ?? new Set<string>();
      const [person] = named;
      return named.size === 1 && !question.includes(person!) ? `${person}${title}` : whole;
    });
  }

  /**
   * What a numbered shorthand the question asks about stands for ("三地一区" → "科技创新策源地、…绿色转型区"), from
   * the paragraph that spells it out, the best-ranked first. "unstated" when the reports use the shorthand but never
   * spell it out ("切实把“三件大事”落到实处"), undefined when the question asks for none.
   */
  function spellOut(question: string, result: HybridResult): Answer | "unstated" | undefined {
    const q = result.understood;
    // Unquoted, a shorthand is one the reports themselves quote ("“一厅三片”"), not any numeral (三省一市, 第三届).
    const used = (term: string) => {
      let quoted = quotedShorthands.get(term);
      if (quoted === undefined)
        quotedShorthands.set(term, (quoted = retriever.chunks.some((c) => c.text.includes(`“${term}”`))));
      return quoted;
    };
    const asked = shorthandsAsked(q.question, used);
    const ranked = asked.length ? [...result.results.map((r) => r.chunk), ...retriever.chunks] : [];
    for (const { term, parts } of asked) {
      for (const chunk of ranked) {
        if (q.meetingIds.length && !q.meetingIds.includes(chunk.meetingId)) continue;
        const clause = expansionIn(term, parts, chunk.text);
        if (!clause) continue;
        const text =
          q.language === "en"
            ? `${capitalise(meetingLabel(meetingOf(chunk), "en"))} report: ${clause} [1]`
            : `${clause}[1]。`;
        return citingOne(question, result, chunk, text);
      }
    }
    return asked.some(({ term }) => used(term)) ? "unstated" : undefined;
  }

  /**
   * The capacity a named person acted in, as the report states it ("易炼红代表会议轮值主办方致辞"), in the meeting
   * asked about (its forum first when the question names one); undefined when the reports state none.
   */
  function capacityOf(question: string, result: HybridResult): Answer | undefined {
    const q = result.understood;
    const [named, other] = namedPeopleOf(q);
    // "2024年论坛上浙江省委书记是以什么身份讲话的": whoever held that post there.
    const person = named ?? (knowledge ? holderNamed(q, { knowledge, meetings, chunkById })?.person : undefined);
    if (!person || other) return undefined;
    // "易炼红代表会议轮值主办方，在讲话中回顾了…" and "信长星代表与会各方通报…" both state it.
    const acting = new RegExp(
      `${escapeRegExp(person)}代表[^，。；]{2,24}?[，,]?(?:在)?(讲话|致辞|发言|通报|作了讲话|主持)`,
      "u",
    );
    // The act the question names (致辞, not 通报) and the event it names (the forum) pick among several.
    const act = /讲话|致辞|发言|通报|主持/u.exec(q.question)?.[0];
    const fit = (c: Chunk) =>
      Number(acting.exec(c.text)?.[1]?.includes(act ?? "—") ?? false) * 2 + Number(c.articleKind === q.articleKind);
    const chunk = retriever.chunks
      .filter((c) => (!q.meetingIds.length || q.meetingIds.includes(c.meetingId)) && acting.test(c.text))
      .sort((a, b) => fit(b) - fit(a))[0];
    // The whole sentence that states it: "…，在讲话中回顾了…" reads on to what was done in that capacity.
    const sentence = chunk?.text.split(/(?<=。)/u).find((s) => acting.test(s));
    if (!chunk || !sentence) return undefined;
    const text =
      q.language === "en"
        ? `${capitalise(meetingLabel(meetingOf(chunk), "en"))} report: ${sentence} [1]`
        : `${meetingLabel(meetingOf(chunk), "zh")}：${sentence.replace(/。$/u, "")}[1]。`;
    return citingOne(question, result, chunk, text);
  }

  /** An answer quoting one paragraph, cited as [1] and retrieved first. */
  function citingOne(question: string, result: HybridResult, chunk: Chunk, text: string): Answer {
    return {
      question,
      answered: true,
      answer: text,
      citations: [toCitation(1, chunk, meetings)],
      retrieved: [{ chunk, score: 1 }, ...result.results.filter((r) => r.chunk !== chunk)].slice(0, 10),
      path: "extractive",
      language: result.understood.language,
    };
  }

  /**
   * "习近平对上海提出了哪些要求": what a named person asked for or stressed is in their own words, so it is answered
   * as a speech (where that person speaks), not as any list that names them.
   */
  function asksWords(result: HybridResult): HybridResult {
    const q = result.understood;
    // "2021年会议在碳达峰方面怎么说的" asks what the report states, not anyone's speech.
    if (q.answerType === "speech" && !namedPeopleOf(q).length && /(?:怎么|如何|怎样)(?:说|讲|谈)/u.test(q.text))
      return /讲话|发言|致辞|演讲/u.test(q.text) ? result : { ...result, understood: { ...q, answerType: "general" } };
    if ((q.answerType !== "list" && q.answerType !== "general") || !namedPeopleOf(q).length) return result;
    // A quoted phrase ("强调了哪几个“统筹”") is found where it is written, whoever's words those are.
    if (!PERSON_ASKS.test(q.text) || /[“"「『]/u.test(q.text)) return result;
    return { ...result, understood: { ...q, answerType: "speech" } };
  }

  /**
   * A question about a person described by what they did at a meeting ("2021年代表江苏讲话的省长，第二年…担任
   * 什么职务"): who that is, asked on its own, then the rest asked of them by name ("第二年" counted from that
   * meeting). Both answers are cited; undefined unless both are answered.
   */
  async function askOfDescribed(question: string): Promise<Answer | undefined> {
    const parts = DESCRIBED_PERSON.exec(question);
    if (!parts || !DESCRIBED_ACT.test(parts[1]!)) return undefined;
    const [, description, noun, rest] = parts as unknown as [string, string, string, string];
    const who = await answerQuestion(`${description}的${noun}是谁？`, {}, true);
    // "那位上海市委书记": of those the answer names, the one it gives that post.
    const post = noun.replace(/^那位/u, "");
    const named = [...people]
      .filter((p) => who.answer.includes(p))
      .sort((a, b) => who.answer.indexOf(a) - who.answer.indexOf(b));
    const person = named.find((p) => post.length > 1 && who.answer.includes(`${post}${p}`)) ?? named[0];
    if (!who.answered || !person) return undefined;
    const year = meetingYear(description);
    const then = await answerQuestion(`${person}${year ? rest.replace(NEXT_YEAR, `${year + 1}年`) : rest}`, {}, true);
    return then.answered ? followedBy(question, who, then) : undefined;
  }

  /**
   * Two questions in one message where the second points back at the first ("他", "那次"): the first is answered,
   * then the second as its follow-up. Undefined unless the message is two such questions and both are answered.
   */
  async function askInTurn(question: string): Promise<Answer | undefined> {
    // "Who chaired it, and which two members attended it?" is two questions as much as "…？…？" is.
    // So is "审议了什么文件，还听取了哪些汇报？": "还" asks more of the same meeting.
    const parts = question
      .split(
        /(?<=[？?])\s*|,\s*and\s+(?=(?:what|which|who|when|where|how|on what|in what|did)\b)|[，,](?=(?:还(?!有)|由|是)[^，。？?]*(?:哪|什么|谁|几)[^，。？?]*[？?]?$)/iu,
      )
      .filter((p) => p.trim());
    // The second leans on the first when it points back, goes on with 还, or asks its own question of no meeting.
    const leaning = (part: string) =>
      looksElliptical(part) || /^还/u.test(part) || (ASKS.test(part) && !standsApart(part));
    const [lead, rest] = parts;
    // "除了审议文件，还考察了哪些地方": what is set aside is no question of its own.
    if (lead && /除了?[^，,？?。]*$/u.test(lead)) return undefined;
    // The first must stand on its own ("南京那次会议" names its meeting; "那次会议" alone leans on the chat).
    if (parts.length !== 2 || !lead || !rest || !leaning(rest) || (looksElliptical(lead) && !standsApart(lead)))
      return undefined;
    const first = await answerQuestion(lead, {}, true);
    if (!first.answered) return undefined;
    const then = await answerQuestion(rest, { history: [{ question: first.question, answer: first.answer }] }, true);
    return then.answered ? followedBy(question, first, then) : undefined;
  }

  /** Two answers as one: `then` follows `first`, its citation marks and numbers moved past `first`'s. */
  function followedBy(
    question: string,
    first: Pick<Answer, "answer" | "citations" | "retrieved">,
    then: Answer,
  ): Answer {
    const shift = first.citations.length;
    const seen = new Set(first.retrieved.map((r) => r.chunk));
    return {
      ...then,
      question,
      answer: `${first.answer}${then.language === "en" ? " " : ""}${then.answer.replace(/\[(\d+)\]/gu, (_, n: string) => `[${Number(n) + shift}]`)}`,
      citations: [...first.citations, ...then.citations.map((c) => ({ ...c, n: c.n + shift }))],
      retrieved: [...first.retrieved, ...then.retrieved.filter((r) => !seen.has(r.chunk))].slice(0, 10),
    };
  }

  /** An answer found through a Chinese rewording, introduced by its meeting for an English question. */
  function inLanguage(answer: Answer, language: "zh" | "en"): string {
    const meeting = meetings.find((m) => m.id === answer.citations[0]?.meetingId);
    if (language !== "en" || !meeting || answer.language === "en") return answer.answer;
    return `${capitalise(meetingLabel(meeting, "en"))} report: ${answer.answer}`;
  }

  /** The choice of the next host, cited first, then the answer about the chosen meeting or place. */
  function afterChoice(question: string, result: HybridResult, chain: ChainStep, then: Answer): Answer {
    const chosen = chunkById.get(chain.chunkId)!;
    const choice = {
      answer: `${chain.clause.replace(/。$/u, "")}[1]${result.understood.language === "en" ? ". " : "。"}`,
      citations: [toCitation(1, chosen, meetings)],
      retrieved: [{ chunk: chosen, score: 1 }],
    };
    return followedBy(question, choice, then);
  }

  /** Whether a question names its own meeting or asks across meetings, so it keeps none from the chat. */
  function standsApart(question: string): boolean {
    const q = retriever.understand(question);
    return q.meetingIds.length > 0 || q.requiredText !== undefined || q.acrossMeetings;
  }

  /** The name a follow-up can carry for the one meeting a question refers to: its title, as the reports write it. */
  function meetingName(question: string): string | undefined {
    const ids = retriever.understand(question).meetingIds;
    return ids.length === 1 ? meetings.find((m) => m.id === ids[0])?.title : undefined;
  }

  /** The year of the one meeting a question refers to. */
  function meetingYear(question: string): number | undefined {
    const ids = retriever.understand(question).meetingIds;
    return ids.length === 1 ? meetings.find((m) => m.id === ids[0])?.year : undefined;
  }

  /** "在哪一年的座谈会期间举办的": an answer that does not say its meeting names it first. */
  function namingMeeting(q: UnderstoodQuery, answer: Answer): Answer {
    const first = answer.citations[0];
    if (!answer.answered || !first || q.language === "en" || !/哪(一)?(年|次|届会|个年度)/u.test(q.question))
      return answer;
    const meeting = meetings.find((m) => m.id === first.meetingId);
    if (!meeting || answer.answer.includes(String(meeting.year))) return answer;
    return { ...answer, answer: `${meetingLabel(meeting, "zh")}：${answer.answer}` };
  }

  function answerSingle(question: string, result: HybridResult): Answer {
    const q = result.understood;
    // A meeting the corpus lacks ("2023年度的座谈会") is known only from the report that chose it: where and when it
    // was to be held, never what it decided or said.
    if (q.requiredText && !["place", "date"].includes(q.answerType) && /\d{4}/u.test(q.requiredText))
      return refuse(question, result);
    // "2024年和2025年开会期间都去看了哪些地方": each meeting named is answered from its own paragraphs.
    if (q.meetingIds.length > 1) {
      const each = q.meetingIds.flatMap((id) => {
        const own = result.results.filter((r) => r.chunk.meetingId === id);
        const pick = own.length ? selectWindow(q, own) : undefined;
        return pick ? [pick] : [];
      });
      if (each.length > 1) return answerEach(question, result, each);
    }
    const named = result.results.filter((r) => q.meetingIds.includes(r.chunk.meetingId));
    const best = selectWindow(q, named.length ? named : result.results);
    if (!best) return refuse(question, result);
    const citations = [toCitation(1, best.chunk, meetings)];
    const regional = forRegion(q, best.chunk);
    // "是谁说要把“三件大事”落到实处的": the words are in a speech whose speaker the paragraph names earlier.
    const speaker = q.answerType === "person" && SAYS_WHO.test(q.text) ? speakerOf(best.chunk) : undefined;
    const window = regional
      ? `${regional.people}${q.language === "en" ? ". " : "："}${regional.sentence}`
      : speaker && people.has(speaker) && !best.window.includes(speaker)
        ? `${speaker}${q.language === "en" ? ": " : "："}${best.window}`
        : best.window;
    const text =
      q.language === "en"
        ? `${capitalise(meetingLabel(meetingOf(best.chunk), "en"))} report: ${window} [1]`
        : `${window}[1]`;
    return {
      question,
      answered: true,
      answer: text,
      citations,
      retrieved: result.results,
      path: "extractive",
      language: q.language,
    };
  }

  /**
   * "谁代表江苏讲话", "who spoke for Zhejiang": of the people a sentence lists ("龚正、许昆林、刘捷、王清宪分别代表
   * 三省一市讲话"), the ones whose post at that meeting belongs to the place asked about, with that post.
   */
  function forRegion(q: UnderstoodQuery, chunk: Chunk): { people: string; sentence: string } | undefined {
    const asksPeople =
      q.answerType === "person" || q.answerType === "speech" || (q.answerType === "list" && ASKS_PEOPLE.test(q.text));
    if (!asksPeople || namedPeopleOf(q).length) return undefined;
    const region = q.terms.find((t) => t.weight >= 1 && places.has(t.term))?.term;
    const posts = knowledge?.meetings.find((m) => m.meetingId === chunk.meetingId)?.posts ?? [];
    if (!region || !posts.length) return undefined;
    for (const sentence of chunk.text.split(/(?<=。)/u)) {
      const listed = [...people]
        .filter((p) => sentence.includes(p))
        .sort((a, b) => sentence.indexOf(a) - sentence.indexOf(b));
      const all = listed.flatMap((person) => {
        const post = posts.find(
          (f) => f.person === person && f.post && (f.region === region || f.post.includes(region)),
        );
        return post?.post ? [{ person, post: post.post }] : [];
      });
      // "代表江苏讲话的省长": of that province's leaders, the one in the post asked.
      const asked = /省长|市长|(?<!总)书记|主任/u.exec(q.text)?.[0];
      const holding = asked ? all.filter((p) => p.post.endsWith(asked)) : [];
      const own = (holding.length ? holding : all).map((p) => `${p.person}（${p.post}）`);
      if (own.length && listed.length > 1 && own.length < listed.length) return { people: own.join("、"), sentence };
    }
    return undefined;
  }

  /** One cited window per meeting, in time order, each introduced by its meeting. */
  function answerEach(
    question: string,
    result: HybridResult,
    picks: readonly { window: string; chunk: Chunk }[],
  ): Answer {
    const q = result.understood;
    const ordered = [...picks].sort((a, b) => a.chunk.startDate.localeCompare(b.chunk.startDate));
    const parts = ordered.map(({ window, chunk }, i) => {
      const label = meetingLabel(meetingOf(chunk), q.language);
      return q.language === "en" ? `${capitalise(label)}: ${window} [${i + 1}]` : `${label}：${window}[${i + 1}]`;
    });
    return {
      question,
      answered: true,
      answer: parts.join(q.language === "en" ? " " : ""),
      citations: ordered.map(({ chunk }, i) => toCitation(i + 1, chunk, meetings)),
      retrieved: result.results,
      path: "extractive",
      language: q.language,
    };
  }

  /**
   * The window that answers among the first candidates: the best that holds the kind of fact asked
   * ("信长星讲了什么" wants where he speaks, not where his speech is announced), if it scores near the
   * best; undefined when there is none or its paragraph covers too little of the question.
   */
  function selectWindow(
    q: UnderstoodQuery,
    ranked: readonly Retrieved[],
  ): { window: string; score: number; chunk: Chunk } | undefined {
    // A named person's speech may rank below the paragraphs that name the event it was given at.
    const speakers = q.answerType === "speech" ? speakersAsked(q) : [];
    const first = [
      ...ranked.slice(0, CANDIDATES),
      ...ranked.slice(CANDIDATES).filter((r) => speakers.includes(speakerOf(r.chunk) ?? "")),
    ];
    const chosen = windowAmong(q, first);
    // "谁讲话了": whoever speaks, in whatever words ("陈明远说，…"), may rank below where speaking is only named.
    const anySpeaker = q.answerType === "person" && q.terms.some((t) => t.weight >= 1 && SPOKEN.test(t.term));
    if (chosen || !anySpeaker) return chosen;
    return windowAmong(q, [...first, ...ranked.slice(CANDIDATES).filter((r) => people.has(speakerOf(r.chunk) ?? ""))]);
  }

  /** The best window of these candidates that holds the kind of fact asked and covers enough of the question. */
  function windowAmong(
    q: UnderstoodQuery,
    candidates: readonly Retrieved[],
  ): { window: string; score: number; chunk: Chunk } | undefined {
    const top = candidates[0];
    if (!top) return undefined;
    const windows: { window: string; score: number; chunk: Chunk }[] = [];
    for (const candidate of candidates) {
      const window = bestWindow(
        candidate.chunk.text,
        q,
        candidate.score / top.score,
        (w) => holdsAskedKind(q, w, candidate.chunk),
        () => restOfParagraph(candidate.chunk),
      );
      if (!window) continue;
      // A headline is not an answer when the prose says the same with more detail.
      windows.push({
        window: window.window,
        score: window.score * (candidate.chunk.paragraph === 0 ? 0.5 : 1),
        chunk: candidate.chunk,
      });
    }
    windows.sort((a, b) => b.score - a.score);
    // A named person's speech is found by its speaker: the paragraph listing them among others may score higher.
    const bySpeaker = q.answerType === "speech" && namedPeopleOf(q).length > 0;
    // A visit is known by what it says ("考察了…"): the lead paragraph naming the meeting, its city and its
    // leaders may outscore it, and sets no bar for it.
    const visit = q.answerType === "list" && VISIT_WORDS.test(q.text);
    const leading = visit ? windows.find((w) => holdsAskedKind(q, w.window, w.chunk)) : windows[0];
    const bar = bySpeaker ? 0 : (leading?.score ?? 0) * 0.5;
    const floor = minCoverage(q);
    // A named person's own words need less of the question: the setting ("在发布会上") is often stated
    // paragraphs before the speech goes on.
    const own = (w: { window: string; chunk: Chunk }) =>
      bySpeaker && speakersAsked(q).some((p) => speaks(p, w.window) || speakerOf(w.chunk) === p);
    // A window far ahead of every other (its words and kind fit, the others' hardly) needs a little less of the
    // question: the rest is how the asker put it. Not where a person is asked or named (lists of people are
    // everywhere, and a person's words are theirs alone), nor where the question names what the reports never do.
    const [leader, runnerUp] = windows;
    const clearLead =
      q.answerType !== "person" &&
      !namedPeopleOf(q).length &&
      leader !== undefined &&
      (runnerUp === undefined || leader.score >= CLEAR_MARGIN * runnerUp.score);
    return windows.find((w) => {
      if (w.score < bar || !holdsAskedKind(q, w.window, w.chunk)) return false;
      const { share, unseenName } = coverageOf(q, w.chunk);
      const clear = clearLead && w === leader && !unseenName;
      return share >= (own(w) ? Math.min(floor, SPEAKER_COVERAGE) : clear ? Math.min(floor, CLEAR_COVERAGE) : floor);
    });
  }

  /**
   * Whether a typed answer leaves less of the question unexplained than it explains. Words of the
   * question vocabulary (职务, 几天) and the meeting reference count as explained when present.
   */
  function typedCovers(q: UnderstoodQuery, typed: TypedAnswer): boolean {
    const evidence = (
      typed.evidence.map((c) => `${c.meetingTitle}${c.articleTitle}${c.text}`).join("") + typed.evidenceText
    ).toLowerCase();
    // The words that shaped the question ("下一年", "哪个城市") are what the typed answer answers.
    const explained = [...q.text.matchAll(QUESTION_VOCABULARY_ALL)].map((m) => m[0]);
    const maxIdf = Math.log(1 + retriever.chunks.length);
    let found = 0;
    let missing = 0;
    // "Besides Xi, which…": an answer naming what the asker set aside is not what they asked for.
    const { excluded } = contextOf(q);
    if (excluded.some((item) => typed.evidenceText.includes(item))) return false;
    // A sub-word (一把 in 一把手) or another word for a question word (书记 for 一把手) is that word again, not more.
    const whole = q.terms.filter((t) => t.weight >= 1);
    const partOfAnother = (term: string) =>
      whole.some((t) => t.term !== term && (t.term.includes(term) || formsOf(q, t.term).includes(term)));
    for (const { term, weight } of q.terms) {
      if (weight < 0.3 || (weight < 1 && partOfAnother(term))) continue;
      const known = retriever.documentFrequency(term) > 0;
      const w = contentWeight(term, known) * Math.min(1, weight);
      const said = formsOf(q, term).some((t) => evidence.includes(t));
      if (said || explained.some((span) => span.includes(term) || term.includes(span))) found += w;
      // A word bridged from English may be how the question is put ("how long", "pick"), which the type answers.
      else if (q.alternatives.has(term)) continue;
      // A common word the reports never use ("散会前") sets the scene of a question whose kind the answer meets;
      // the kind asked for ("哪个酒店") and a name (冬奥会) still count whole.
      else
        missing +=
          !known && /^\p{Script=Han}+$/u.test(term) && unknownWeight(term) < 1 && !asksForKind(term, q.text)
            ? w / 2
            : w;
    }
    for (const word of q.unknownWords) if (isEnglishName(word)) missing += maxIdf + 1;
    return missing <= found;
  }

  function fromTyped(question: string, result: HybridResult, typed: TypedAnswer): Answer {
    const citations = typed.chunks.map((chunk, i) => toCitation(i + 1, chunk, meetings));
    const cited = new Set(typed.chunks);
    const retrieved: Retrieved[] = [
      ...typed.chunks.map((chunk) => ({ chunk, score: 1 })),
      ...result.results.filter((r) => !cited.has(r.chunk)),
    ].slice(0, 10);
    return {
      question,
      answered: true,
      answer: typed.text,
      citations,
      retrieved,
      path: "extractive",
      language: result.understood.language,
    };
  }

  /** "哪些年度的会议提到了G60科创走廊": every meeting whose reports contain the key phrase, in time order. */
  function answerWhichMeetings(question: string, result: HybridResult): Answer | undefined {
    const q = result.understood;
    const phrase = q.keyPhrase;
    if (!phrase) return undefined;
    const needle = normalisePhrase(phrase);
    normalised ??= retriever.chunks.map((c) => normalisePhrase(c.text));
    const texts = normalised;
    let matching = retriever.chunks.filter((_, i) => texts[i]!.includes(needle));
    if (!matching.length) {
      // The phrase may be worded differently; then every content word must appear in one paragraph.
      const words = q.terms.filter((t) => t.weight >= 1).map((t) => t.term);
      matching = words.length
        ? retriever.chunks.filter((c) => words.every((w) => c.text.toLowerCase().includes(w)))
        : [];
    }
    if (!matching.length) return undefined;
    const byMeeting = new Map<string, Chunk>();
    for (const chunk of matching) if (!byMeeting.has(chunk.meetingId)) byMeeting.set(chunk.meetingId, chunk);
    const ordered = [...byMeeting.values()].sort((a, b) => a.startDate.localeCompare(b.startDate));
    const citations = ordered.map((chunk, i) => toCitation(i + 1, chunk, meetings));
    const labels = ordered.map((chunk, i) => `${meetingLabel(meetingOf(chunk), q.language)}[${i + 1}]`);
    // Quote the phrase as the reports write it (G60, not g60).
    const at = ordered[0] ? ordered[0].text.toLowerCase().indexOf(phrase.toLowerCase()) : -1;
    const shown =
      at >= 0
        ? ordered[0]!.text.slice(at, at + phrase.length)
        : phrase.replace(/[a-z][a-z0-9]*/g, (w) => w.toUpperCase());
    const answer =
      q.language === "en"
        ? `“${shown}” is mentioned in ${labels.join(", ")}.`
        : `提到“${shown}”的有：${labels.join("、")}。`;
    const first = new Set(ordered);
    const retrieved: Retrieved[] = [
      ...ordered.map((chunk) => ({ chunk, score: 1 })),
      ...result.results.filter((r) => !first.has(r.chunk)),
    ].slice(0, 10);
    return { question, answered: true, answer, citations, retrieved, path: "extractive", language: q.language };
  }

  /** Words that set the scene (a year, a place, the region) rather than say what is asked. */
  function isContextWord(term: string): boolean {
    return /^\d{4}(年|年度)?$/.test(term) || places.has(term) || /^(长三角|三省一市|长三角地区)$/.test(term);
  }

  /**
   * How much of the question a chunk covers: the share of its content (IDF-weighted) that the chunk, its article or
   * its meeting mentions; whether it found what the question is about (a word beyond its setting); and whether the
   * question names something the corpus never does. A word the corpus never uses weighs by what it is: a name or
   * term (冬奥会, GDP) as much as the rarest word, a common noun (人口) a little less, a verb or particle (聊, 意味着)
   * hardly at all, so one colloquial word never refuses alone.
   */
  function coverageOf(q: UnderstoodQuery, chunk: Chunk): { share: number; topicFound: boolean; unseenName: boolean } {
    const haystackText = `${chunk.meetingTitle}${chunk.articleTitle}${chunk.text}`;
    const nearbyText = neighbours(chunk);
    const typeText = chunk.text;
    // "除了李强和蔡奇，还有谁": what the asker already names is not what the evidence must hold.
    const { excluded } = contextOf(q);
    const primary = q.terms.filter((t) => t.weight >= 1 && !excluded.includes(t.term));
    const unknownWords = q.unknownWords;
    if (!primary.length && !unknownWords.length) return { share: 1, topicFound: true, unseenName: false };
    const maxIdf = Math.log(1 + retriever.chunks.length);
    const haystack = haystackText.toLowerCase();
    const nearby = nearbyText.toLowerCase();
    let found = 0;
    let total = 0;
    let unseenName = false;
    let topicFound = false;
    // "What did Xi Jinping say about Taiwan": the speaker is found wherever they speak; what they spoke about is the topic.
    let subjectFound = false;
    // In a named person's own speech the setting it was given at ("在成果发布会上") is stated paragraphs before.
    const ownSpeech = q.answerType === "speech" && speakersAsked(q).some((p) => speakerOf(chunk) === p);
    for (const { term, weight: termWeight } of primary) {
      const forms = formsOf(q, term);
      const known = forms.some((s) => retriever.documentFrequency(s) > 0);
      const strangeness = known ? 0 : unknownWeight(term);
      if (strangeness >= 1) unseenName = true;
      // A word bridged from English is one guess among its translations: it counts half.
      const weight = contentWeight(term, known) * Math.min(1, termWeight) * (q.alternatives.has(term) ? 0.5 : 1);
      const said =
        forms.some((t) => haystack.includes(t)) ||
        // A year is the paragraph's meeting's, whether or not the paragraph writes it.
        Number(/^(\d{4})年?度?$/u.exec(term)?.[1]) === chunk.year ||
        // "讲话里认为…" is said by whoever speaks in the paragraph.
        ((q.answerType === "speech" || q.answerType === "person") &&
          SPOKEN.test(term) &&
          speakerOf(chunk) !== undefined);
      // "哪三种角色", "哪几家报社": the kind of thing asked for; the evidence names its instances, not the kind.
      if (!said && asksForKind(term, q.text)) continue;
      total += weight;
      if (said || answersTypeWord(term, q.answerType, typeText, q.text) || (ownSpeech && SETTING.test(term))) {
        found += weight;
        if (!isContextWord(term)) topicFound = true;
        if (!isContextWord(term) && !(q.answerType === "speech" && people.has(term))) subjectFound = true;
      } else if (forms.some((t) => nearby.includes(t))) {
        // The setting of a question (成果发布会, 第六届论坛) is often stated a paragraph before the answer.
        found += weight * 0.7;
      } else {
        // A word may be said in the reports' other words, character by character (治水 in 水环境综合治理,
        // 诚信 beside 信用, 医院 beside 医疗): the share of its characters in the paragraph counts half.
        found += weight * 0.5 * charactersIn(term, typeText);
      }
    }
    // A question about something the reports never name (冬奥会, GDP) that matches only
    // its setting (a year, a place) is not answered by that paragraph, however well the setting fits.
    if (unknownWords.some(isEnglishName)) unseenName = true;
    if (unseenName && !subjectFound) return { share: 0, topicFound, unseenName };
    // Only the setting matched ("明天南京会下雨吗": Nanjing, not rain): what is asked about is not there. The
    // reports' word for a spoken one counts ("都实地看了哪些地方" is 考察).
    const synonymFound = () =>
      q.terms.some((t) => t.weight >= 0.6 && t.weight < 1 && !isContextWord(t.term) && haystack.includes(t.term));
    // The kind or number asked for ("哪两位", "哪三种") is what the answer names, not a topic it must match.
    const topical = (term: string) => !isContextWord(term) && !QUANTITY.test(term) && !asksForKind(term, q.text);
    if (!topicFound && primary.some((t) => topical(t.term)) && !synonymFound())
      return { share: 0, topicFound, unseenName };
    for (const word of unknownWords) total += (maxIdf + 1) * (isEnglishName(word) ? 1 : 0.15);
    return { share: total ? found / total : 1, topicFound, unseenName };
  }

  /**
   * Whether the evidence holds the kind of information asked for: a count for "多少", a name for
   * "谁", a date for "哪天", a theme for "主题", the person's own words for "X说了什么". Every topic
   * word may be there while the detail asked for is not (an amount never stated, a speech only announced).
   */
  function holdsAskedKind(q: UnderstoodQuery, window: string, chunk: Chunk): boolean {
    const text = chunk.text;
    // "由谁主办", "由哪个省市牵头起草": only "由…主办/起草" says who did it, whatever kind of answer is wanted.
    const { agent } = contextOf(q);
    if (agent && q.answerType !== "person" && !statesAgent(window, agent)) return false;
    // "签的那批合作协议具体有哪些": a report that says only "签订一批合作协议" never names them.
    if ((SPECIFICS.test(q.text) || SPECIFICS.test(q.question)) && onlyVaguelyNamed(topicWordsOf(q), window))
      return false;
    // A person's birth, home or age is answered only where the report states it.
    if (PERSONAL.test(q.question) && !/出生|生于|籍贯|\d{1,3}岁/u.test(window)) return false;
    // "在正泰集团看了哪些产品": what was seen inside a place that the report only lists among others.
    const inside = SEEN_INSIDE.exec(q.text)?.[1];
    if (inside && new RegExp(`[、和了]${escapeRegExp(inside)}(?=[、和，。等])`, "u").test(window)) return false;
    // An effect, an election, a speech's length: answered only where the report states one.
    if (STATED_DETAILS.some(({ asks, states }) => asks.test(q.question) && !states.test(window))) return false;
    // A sum of money ("总投资", "what was the total investment") is stated in 元 or 亿, however the question is read.
    if (MONEY.test(q.question) && (q.answerType === "number" || AMOUNT.test(q.question)) && !STATES_MONEY.test(window))
      return false;
    switch (q.answerType) {
      case "number": {
        // "第几届" asks for the ordinal itself.
        if (/第几/u.test(q.text)) return /第[\d一二三四五六七八九十]+[届次批]/u.test(window);
        // A year, a date or an ordinal (第七届, 第二批) is not an amount.
        const stated = window.replace(/\d{4}(年度?|—|-)|\d{1,2}月\d{1,2}日|第[\d一二三四五六七八九十]+[届批次]/gu, "");
        // A sum of money ("预算", "总投资", "budget") is stated in 元 or 亿, not by any number.
        if (MONEY.test(q.text) || MONEY.test(q.question)) return STATES_MONEY.test(stated);
        // "多少个协议" wants a count of 个 (or 项), not the 三年 of a plan's name.
        const unit =
          /(?:多少|几)(个|项|家|人|名|位|条|场|次|年|天|亿|万|批|所|座|类|种|字|分钟)/u.exec(q.text)?.[1] ??
          englishUnit(q);
        if (!unit) return COUNT.test(stated);
        const units =
          unit === "个" || unit === "项" ? "个项" : unit === "人" || unit === "名" || unit === "位" ? "人名位" : unit;
        return new RegExp(`(\\d+|[一二两三四五六七八九十百千万]+)[${units}]`, "u").test(stated);
      }
      case "person": {
        // "由谁主办" is answered by who it is done by, a body as well as a person ("由…联席会议主办"), not by
        // anyone near the word ("代表轮值主办方致辞").
        const { agent } = contextOf(q);
        if (agent) return statesAgent(window, agent);
        // The name must stand by what is asked ("…负责同志应邀出席" names nobody, whoever the clause before names),
        // by what was done rather than where ("who spoke at the results conference": by 讲话, not 发布会).
        const asked = topicWordsOf(q);
        const acts = asked.filter((t) => !SETTING.test(t));
        const topic = acts.length ? acts : asked;
        const clauses = splitClauses(window).map((c) => c.text);
        const near = (i: number) => `${clauses[i - 1] ?? ""}${clauses[i]}`;
        // "谁讲话了" is answered where anyone speaks, in whatever words ("陈明远说，…").
        const said = (t: string, c: string) => c.includes(t) || (SPOKEN.test(t) && SPEAKING.test(c));
        const about = topic.length
          ? clauses.flatMap((c, i) => (topic.some((t) => said(t, c)) ? [near(i)] : []))
          : [window];
        // "是谁说要…": whoever speaks in the paragraph said it.
        if (SAYS_WHO.test(q.text) && people.has(speakerOf(chunk) ?? "")) return true;
        // What was done is said further on in the paragraph ("…成果发布会。信长星通报…。龚正…讲话。"): not here.
        if (!about.length && acts.some((t) => text.includes(t))) return false;
        return [...people].some((p) => (about.length ? about : [window]).some((t) => t.includes(p)));
      }
      case "place": {
        // "哪个城市" is not answered by a province ("在安徽省召开").
        const city =
          cities.some((c) => window.includes(c)) || /\p{Script=Han}{2}市/u.test(window.replace(/省市|三省一市/gu, ""));
        if (/(哪个|哪座|什么)城市|\bwhich city\b|\bwhat city\b/iu.test(q.text)) return city;
        // A meeting the corpus lacks is placed only by a clause that names a place: a headline cut before
        // "在上海市召开" names none. (A meeting of the corpus is placed by its own label in the answer.)
        if (!q.requiredText || city) return true;
        // "湖州会议在哪开的": a meeting named by its place is placed where a report names it.
        if (!/\d/u.test(q.requiredText)) return window.includes(q.requiredText);
        const named = window.replace(/长三角|三省一市/gu, "");
        // "2020年湖州会议": the year's meeting named by its place, a place the reports mention only there.
        const placed = new RegExp(`${escapeRegExp(q.requiredText)}年(\\p{Script=Han}{2,3}?)(?:会议|座谈会)`, "u").exec(
          window,
        );
        return (
          [...places].some((p) => named.includes(p)) || (placed !== null && partOfSpeech(placed[1]!).startsWith("ns"))
        );
      }
      case "date":
        // "哪年开的" is answered by a year ("2020年湖州会议"); a day needs the day.
        if (/哪(?:一)?年|\bwhat year\b|\bwhich year\b/iu.test(q.text) && /\d{4}年/u.test(window)) return true;
        // A meeting the corpus lacks ("2026年度…在上海市召开") has its date only if the clause naming it gives one.
        return /\d{1,2}月\d{1,2}日|\d{1,2}日(上午|下午)?，/u.test(q.requiredText ? window : text);
      case "list": {
        // "去哪里参观了", "which places did they visit": a visit made ("考察了…"), not one recalled in a speech
        // ("总书记考察安徽时").
        if (VISIT_WORDS.test(q.text) && !/(考察|参观|调研|走访|视察)了/u.test(window)) return false;
        // "…名单里都有哪些联合体": what the list holds, not a sentence that names the list among other things.
        const named =
          /([\p{Script=Han}\w]{2,30}?(?:名单|清单|目录|榜单))(?:里|中|上)(?:都|具体|一共)?(?:有|包括|包含)/u.exec(
            q.text,
          )?.[1];
        const at = named ? window.indexOf(named.slice(-6)) : -1;
        return at < 0 || !/^[^，。；]{0,6}[、，。；]/u.test(window.slice(at + 6));
      }
      case "theme":
        // The topic of a talk ("讲的是什么主题") is what it was given on: "围绕人工智能…作了演讲".
        if (
          /讲|演讲|发言|致辞|\bspeech\b|\btalk\b/iu.test(q.text) &&
          /围绕[^。]{2,40}?(?:作了|做了|进行了)?(?:演讲|发言|讲话|致辞|交流)/u.test(window)
        )
          return true;
        // A stated theme ("以“…”为主题"), not any 主题 (主题教育).
        return /为主题|主题(为|是)|主题：/u.test(text);
      case "speech": {
        const speakers = speakersAsked(q);
        // "几位省长都讲了什么" with nobody named is answered only where somebody speaks, not by a list of attendees.
        if (!speakers.length) return SPEAKING.test(window) || speakerOf(chunk) !== undefined;
        // A speech runs over several paragraphs; only the first may name its speaker ("习近平强调，…" then "要…").
        const owner = speakerOf(chunk);
        return speakers.some((p) => speaks(p, window) || owner === p);
      }
      default:
        return true;
    }
  }

  /**
   * The share of the question the evidence must cover. An English question whose every topic word is
   * a dictionary guess (no name, no term of the alias table) has nothing firm to match, so it needs more.
   */
  function minCoverage(q: UnderstoodQuery): number {
    const topic = q.terms.filter((t) => t.weight >= 1 && !isContextWord(t.term));
    return topic.length && topic.every((t) => q.alternatives.has(t.term)) ? ANCHORLESS_COVERAGE : MIN_COVERAGE;
  }

  /** What a question word weighs before its query weight: IDF and kind for a known word, strangeness for an unknown one. */
  function contentWeight(term: string, known: boolean): number {
    // A quantity ("三种", "六块", "一个") says how many are asked for, not what about.
    if (QUANTITY.test(term)) return 0.1;
    return known
      ? (retriever.idf(term) || 1) * knownWeight(term)
      : (Math.log(1 + retriever.chunks.length) + 1) * unknownWeight(term);
  }

  /**
   * How much a word the corpus uses counts, beyond its IDF: what a question is about is named by
   * nouns and names; a rare verb or adverb ("放在", "到底") says how it is asked.
   */
  function knownWeight(term: string): number {
    if (/\d|[a-z]/iu.test(term) || term.length >= 4) return 1;
    const tag = partOfSpeech(term);
    if (/^(v|vd|vi|vq|a|ad|d|p|c|u|r|m|mq|q|t|f|y|e|o|z)/u.test(tag) && !/^(vn|an)$/u.test(tag)) return 0.5;
    return 1;
  }

  /** How much a word the corpus never uses counts against an answer (1 for a name or term). */
  function unknownWeight(term: string): number {
    // Demonstratives ("那届", "这次") point back; they name nothing.
    if (term.length < 2 || /^[那这该此哪][届次场个年位天批回种些项份件块边]/u.test(term)) return 0;
    // A year or an ordinal ("2019年", "3rd") is a meeting reference, judged by query understanding.
    if (/^\d+(年度?|st|nd|rd|th)?$/iu.test(term)) return 0.3;
    if (/\d|[a-z]/iu.test(term)) return 1;
    const tag = partOfSpeech(term);
    // A string the dictionary lacks that ends in a measure word or particle (搞个, 弄点) is a spoken verb
    // phrase, not a name.
    if (tag === "x" && /[个些点了过着吧啊呀]$/u.test(term)) return 0.1;
    // Spoken forms are no names: 儿化 words (这事儿, 一块儿) and 咋/啥 questions (咋整, 啥样).
    if (/儿$|们$|^[咋啥]/u.test(term)) return 0.1;
    if (/^(nr|nrt|nrfg|ns|nt|nz|j|eng|x)$/u.test(tag)) return 1;
    if (tag === "n") return 0.6;
    if (/^(m|mq|t|r|f|p|d|c|q|u)/u.test(tag)) return 0.1;
    return 0.2;
  }

  /**
   * The share of a Chinese word's characters (2 to 4 of them) that a text holds, each weighed by how rare it
   * is in the reports: 信 of 诚信 in 信用 is evidence, 经 of 经济 in any paragraph hardly. 0 for any other word.
   */
  function charactersIn(term: string, text: string): number {
    if (!/^\p{Script=Han}{2,4}$/u.test(term)) return 0;
    if (!characterIdf) {
      const df = new Map<string, number>();
      for (const chunk of retriever.chunks) for (const ch of new Set(chunk.text)) df.set(ch, (df.get(ch) ?? 0) + 1);
      const n = retriever.chunks.length;
      characterIdf = (ch) => Math.log(1 + n / (1 + (df.get(ch) ?? 0)));
    }
    const idf = characterIdf;
    const chars = [...term];
    const all = chars.reduce((sum, ch) => sum + idf(ch), 0);
    return all ? chars.filter((ch) => text.includes(ch)).reduce((sum, ch) => sum + idf(ch), 0) / all : 0;
  }

  /**
   * Whose words a paragraph reports: the first speaker it introduces ("李强说，", "会议指出，"), else that of the
   * paragraph before it in the article, and so on back, since a speech goes on after its first paragraph.
   */
  function speakerOf(chunk: Chunk): string | undefined {
    const cached = speakers.get(chunk);
    if (cached !== undefined) return cached || undefined;
    const own = firstSpeaker(chunk.text, chunk.paragraph <= 1);
    const i = positionOf(chunk);
    const previous = retriever.chunks[i - 1];
    const sameArticle =
      previous && previous.meetingId === chunk.meetingId && previous.articleIndex === chunk.articleIndex;
    // The rest of a lead paragraph cut in two ("…并发表重要讲话。他强调，" then "要完整、准确…") is the speech
    // its pronoun introduced, though the lead itself only reports the meeting.
    const continued = sameArticle && previous.paragraph === chunk.paragraph ? firstSpeaker(previous.text) : undefined;
    const found = own ?? continued ?? (sameArticle ? speakerOf(previous) : undefined);
    speakers.set(chunk, found ?? "");
    return found;
  }

  /** The speaker a paragraph introduces first: a person of the reports, or the meeting itself. */
  function firstSpeaker(text: string, lead = false): string | undefined {
    let best: { at: number; who: string } | undefined;
    for (const who of [...people, "会议", "座谈会", "论坛"]) {
      const at = text.search(new RegExp(`${who}[^，。]{0,12}?(说|表示|指出|强调|认为|提出|要求)[，：]`, "u"));
      if (at >= 0 && (!best || at < best.at)) best = { at, who };
    }
    if (best || lead) return best?.who;
    // "易炼红…在讲话中回顾了…。他说，…": the pronoun speaks for the person named before it. Not in an article's
    // lead paragraph, which reports the meeting ("…并发表重要讲话。他强调，…") rather than gives the speech.
    const pronoun = /(他|她)(说|表示|指出|强调|认为|提出|要求)[，：]/u.exec(text);
    if (!pronoun) return undefined;
    const before = text.slice(0, pronoun.index);
    return [...people]
      .filter((p) => before.includes(p))
      .sort((a, b) => before.lastIndexOf(b) - before.lastIndexOf(a))[0];
  }

  function positionOf(chunk: Chunk): number {
    positions ??= new Map(retriever.chunks.map((c, i) => [c, i]));
    return positions.get(chunk) ?? -1;
  }

  /**
   * For a question after several things: when three or more sentences or ；-parts of the paragraph repeat one
   * of its words ("更大力度构建一体化的创新体系，…；…的产业体系，…"), the clause of each part that holds it,
   * joined. Undefined when no word of the question repeats so.
   */
  function repeatedItems(clauses: readonly Clause[], q: UnderstoodQuery): string | undefined {
    const parts: string[] = [];
    let i = 0;
    while (i < clauses.length) {
      const end = partEnd(clauses, i);
      parts.push(joinClauses(clauses, i, end));
      i = end + 1;
    }
    const words = topicWordsOf(q).filter((w) => w.length >= 2 && !isContextWord(w));
    let best: { word: string; items: string[] } | undefined;
    for (const word of words) {
      const items = parts.flatMap((part) => {
        const clause = splitClauses(part).find((c) => c.text.includes(word))?.text;
        return clause ? [clause.replace(/[，；。：]$/u, "")] : [];
      });
      if (items.length >= 3 && (!best || items.length > best.items.length)) best = { word, items };
    }
    if (!best) return undefined;
    const text = best.items.join("；");
    return text.length <= BUDGET * 2 ? `${text}。` : undefined;
  }

  /** The text of the chunks that continue a chunk's paragraph (a long paragraph is split into several). */
  function restOfParagraph(chunk: Chunk): string {
    const i = positionOf(chunk);
    let text = "";
    for (let j = i + 1; j < retriever.chunks.length; j++) {
      const next = retriever.chunks[j]!;
      if (
        next.meetingId !== chunk.meetingId ||
        next.articleIndex !== chunk.articleIndex ||
        next.paragraph !== chunk.paragraph
      )
        break;
      text += next.text;
    }
    return text;
  }

  /** The paragraphs just before and after a chunk in its article. */
  function neighbours(chunk: Chunk): string {
    const i = positionOf(chunk);
    return [i - 2, i - 1, i + 1, i + 2]
      .map((j) => retriever.chunks[j])
      .filter(
        (c): c is Chunk => c !== undefined && c.meetingId === chunk.meetingId && c.articleIndex === chunk.articleIndex,
      )
      .map((c) => c.text)
      .join("");
  }

  function meetingOf(chunk: Chunk) {
    return { kind: chunk.meetingKind, year: chunk.year, title: chunk.meetingTitle, city: chunk.city };
  }

  /** Questions the reports answer, from the newest meetings: for greetings and refusals. */
  function examples(language: "zh" | "en"): string[] {
    const annual = [...meetings]
      .filter((m) => m.kind === "annual")
      .sort((a, b) => b.startDate.localeCompare(a.startDate));
    const [latest, before] = annual;
    if (!latest) return [];
    return language === "en"
      ? [`What was the theme of the ${latest.year} meeting?`, `Where was the ${(before ?? latest).year} meeting held?`]
      : [`${latest.year}年度座谈会的主题是什么？`, `${(before ?? latest).year}年度座谈会在哪里举行？`];
  }

  function refuse(question: string, result: HybridResult): Answer {
    const q = result.understood;
    // Say what the reports do cover, and a question they answer.
    const covered = [...meetings]
      .sort((a, b) => a.startDate.localeCompare(b.startDate))
      .map((m) => meetingLabel(m, q.language));
    const [example] = examples(q.language);
    const answer =
      q.language === "en"
        ? `The meeting reports don't cover this, so I can't answer it from them. They cover ${covered.join(", ")}.${example ? ` You could ask: “${example}”` : ""}`
        : `报道中没有找到与这个问题相关的内容，无法作答。现有报道涵盖：${covered.join("、")}。${example ? `可以试试问：“${example}”` : ""}`;
    return {
      question,
      answered: false,
      answer,
      citations: [],
      retrieved: result.results,
      path: "extractive",
      language: q.language,
    };
  }

  /** Scores clause windows of one chunk and returns the best, extended for list questions. */
  function bestWindow(
    text: string,
    q: UnderstoodQuery,
    retrievalShare: number,
    /** Whether a window holds the kind of fact asked; the best one is extended into the next sentence until it does. */
    holdsKind: (window: string) => boolean = () => true,
    /** The rest of the paragraph when the text is only its first chunk: a speech outline reads on into it. */
    rest: () => string = () => "",
  ): { window: string; score: number } | undefined {
    const clauses = splitClauses(text);
    let best: { start: number; end: number; score: number } | undefined;
    for (let start = 0; start < clauses.length; start++) {
      for (let end = start; end < Math.min(clauses.length, start + 3); end++) {
        // A window may cross into the next sentence ("…举行了成果发布会。易炼红主持会议").
        if (clauses[end]!.sentence > clauses[start]!.sentence + 1) break;
        const window = joinClauses(clauses, start, end);
        const len = window.length;
        if (len > (start === end ? LONG_CLAUSE : BUDGET)) break;
        // A meeting the corpus lacks (2019年度) may only be answered by text that names it.
        if (q.requiredText && !mentionsRequired(clauses.slice(start, end + 1), q)) continue;
        const score = windowScore(window, q) * (0.3 + 0.7 * retrievalShare) - 0.002 * len;
        if (!best || score > best.score + 1e-9) best = { start, end, score };
      }
    }
    if (!best || best.score <= 0) return undefined;
    let { start, end } = best;
    // A short sentence reads better whole than cut into clauses.
    if (clauses[start]!.sentence === clauses[end]!.sentence) {
      const sentence = clauses.map((c, i) => ({ c, i })).filter(({ c }) => c.sentence === clauses[start]!.sentence);
      const sentenceText = joinClauses(clauses, sentence[0]!.i, sentence.at(-1)!.i);
      if (sentenceText.length <= BUDGET * 0.8) {
        start = sentence[0]!.i;
        end = sentence.at(-1)!.i;
      }
    }
    // "…举行了成果发布会。" names the event; who spoke there is in a sentence after it. (Only for a name: any next
    // sentence may hold some count or date, but a person there is one of that event's.)
    if (q.answerType === "person" && !holdsKind(joinClauses(clauses, start, end))) {
      // "…举行了成果发布会。信长星通报了…。龚正…讲话。": who spoke may be two sentences on.
      const limit = clauses[end]!.sentence + 2;
      for (let next = end + 1; next < clauses.length && clauses[next]!.sentence <= limit; next++) {
        if (joinClauses(clauses, start, next).length > LONG_CLAUSE) break;
        if (holdsKind(joinClauses(clauses, start, next))) {
          end = next;
          break;
        }
      }
    }
    let cut = false;
    // A list is read whole when its sentence fits: "哪些人出席" wants every name, not the last clause.
    if (q.answerType === "list") {
      const first = clauses.findIndex((c) => c.sentence === clauses[start]!.sentence);
      const last = clauses.findLastIndex((c) => c.sentence === clauses[end]!.sentence);
      if (joinClauses(clauses, first, last).length <= LONG_CLAUSE) {
        start = first;
        end = last;
      }
    }
    // The whole paragraph's clauses, read on into its other chunks only when a list or an outline needs them.
    let paragraph: Clause[] | undefined;
    const wholeParagraph = () => (paragraph ??= [...clauses, ...splitClauses(rest())]);
    // "要更大力度构建一体化的哪几样东西": the parts of the paragraph that repeat the asked words, each at that word.
    if (SEVERAL.test(q.text)) {
      const repeated = repeatedItems(wholeParagraph(), q);
      if (repeated) return { window: repeated, score: best.score };
    }
    // "信长星说了什么" with no topic: the speech's opening, then the point each later sentence or ；-part makes.
    if (
      q.answerType === "speech" &&
      !topicWordsOf(q).length &&
      speakersAsked(q).some((p) => speaks(p, joinClauses(clauses, start, end)))
    ) {
      const outline = speechOutline(wholeParagraph(), start);
      if (outline) return { window: outline, score: best.score };
    }
    if (q.answerType === "list" || q.answerType === "document" || q.answerType === "speech") {
      // Add whole sentences while they fit, then clauses of the next one, marking that cut with an ellipsis.
      // "信长星说了什么" wants what he said, which follows the sentence that opens his speech.
      const budget = q.answerType === "speech" ? SPEECH_BUDGET : BUDGET;
      while (end + 1 < clauses.length && joinClauses(clauses, start, end + 1).length <= budget) end++;
      cut = !clauses[end]!.last;
    }

    // "龚正说，" introduces what was said: never stop there.
    if (REPORTING.test(clauses[end]!.text)) {
      while (end + 1 < clauses.length && joinClauses(clauses, start, end + 1).length <= BUDGET) {
        end++;
        if (clauses[end]!.last) break;
      }
    }
    // "除了陈吉宁还有谁": the ones the question already names are left out of the answer.
    const { excluded } = contextOf(q);
    const chosen = clauses.slice(start, end + 1).map((c) => c.text);
    const kept = chosen.flatMap((text) => withoutItems(text, excluded));
    // A window only about what the question already names answers nothing it asks.
    if (excluded.length && !kept.length) return undefined;
    const window = tidy(kept.length ? kept.join("") : joinClauses(clauses, start, end));
    return { window: cut ? window.replace(/。$/, "……") : window, score: best.score };
  }

  /** The clause naming the missing meeting must itself be about what is asked (not "2020年湖州会议以来"). */
  function mentionsRequired(window: readonly Clause[], q: UnderstoodQuery): boolean {
    // …or holds what is asked ("2026年度…座谈会在上海市召开" for where it is held).
    return window.some(
      (c) => c.text.includes(q.requiredText!) && (windowScore(c.text, q) > 0 || typeBonus(c.text, q.answerType) > 0),
    );
  }

  /** Per-question values that every window's score needs, computed once. */
  function contextOf(q: UnderstoodQuery) {
    let context = contexts.get(q);
    if (!context) {
      context = {
        // The meeting's own name (weight 0.3) helped find the report; it says nothing about the answer.
        terms: windowTerms(q).map((t) => ({ ...t, idf: Math.max(0.3, retriever.idf(t.term)) })),
        // "由谁主办", "是谁牵头承办的" are answered by "由…主办" (the agent stands between them).
        agent:
          /(?:由|是)?(?:谁|哪个?\p{Script=Han}{0,3}?|哪些\p{Script=Han}{0,3}?)(?:牵头|负责|来|一起|共同)?(主办|承办|协办|发起|举办|起草|制定|编制|(?<=牵头)(?:做|完成|开展|承担))|(?:谁|哪[家个]\p{Script=Han}{0,4}?)(做|设计)(?=的)|(主办|承办|协办)(?:方|单位|者)(?:是|有)/u
            .exec(q.text)
            ?.slice(1)
            .find(Boolean),
        // What the question already names ("除了陈吉宁") helps find the paragraph but is left out of the answer.
        excluded: q.language === "en" ? excludedPeople(q.question) : excludedItems(q.text),
        focus: focusOf(q.text),
        speakers: speakersOf(q),
      };
      contexts.set(q, context);
    }
    return context;
  }

  /** The people an English question sets aside ("besides Li Qiang and Cai Qi"), as the reports write them. */
  function excludedPeople(question: string): string[] {
    const clause = /\b(?:besides|apart from|aside from|other than|except(?: for)?)\s+([^,?.;]+)/iu.exec(question)?.[1];
    return clause ? namedPeopleOf(retriever.understand(clause)) : [];
  }

  /** The people of the reports a question names ("陈吉宁说了什么"). */
  function namedPeopleOf(q: UnderstoodQuery): string[] {
    // Not the chair that names the meeting ("习近平主持的那次座谈会上，陈吉宁…"): that weighs as its reference.
    return q.terms.filter((t) => people.has(t.term) && t.weight >= 0.5).map((t) => t.term);
  }

  /**
   * Whose words a speech question asks for: everyone it names when they are joined ("习近平和李强讲了什么"), else
   * the one named first, who speaks ("what did Chen Jining tell Xi Jinping": Chen Jining's words, not Xi's).
   */
  function speakersAsked(q: UnderstoodQuery): readonly string[] {
    return contextOf(q).speakers;
  }

  /** {@link speakersAsked}, worked out once per question. */
  function speakersOf(q: UnderstoodQuery): string[] {
    const named = namedPeopleOf(q).sort((a, b) => q.text.indexOf(a) - q.text.indexOf(b));
    if (named.length < 2) return named;
    const between = q.text.slice(q.text.indexOf(named[0]!) + named[0]!.length, q.text.indexOf(named[1]!));
    return /^\s*(和|与|及|、|跟|以及|and|,)\s*$/iu.test(between) ? named : named.slice(0, 1);
  }

  /** What a question is about beyond its setting and the people it names (先行区 in "陈吉宁说上海要建什么先行区"). */
  function topicWordsOf(q: UnderstoodQuery): string[] {
    return q.terms.filter((t) => t.weight >= 1 && !isContextWord(t.term) && !people.has(t.term)).map((t) => t.term);
  }

  /**
   * The words a window is scored by. In "陈吉宁说上海要建什么先行区" the speaker only says whose speech to
   * look in (holdsAskedKind checks it); the topic says where in it.
   */
  function windowTerms(q: UnderstoodQuery): { term: string; weight: number }[] {
    const all = q.terms.filter((t) => t.weight >= 0.5);
    // "能源方面提了哪些举措": 举措 is the kind of any answer, not where this one stands; the topic says where.
    const kindless = all.filter((t) => !(GENERIC_KINDS.test(t.term) && asksForKind(t.term, q.text)));
    const terms = kindless.some((t) => t.weight >= 1 && !isContextWord(t.term)) ? kindless : all;
    if (q.answerType !== "speech" || !topicWordsOf(q).length) return terms;
    // Nor do the words for speaking ("讲话里说…还存在哪些问题"): where the speech is, not what it says.
    return terms.filter((t) => !people.has(t.term) && !SPEECH_WORDS.test(t.term));
  }

  function windowScore(window: string, q: UnderstoodQuery): number {
    const { terms, agent, excluded, focus } = contextOf(q);
    const lower = window.toLowerCase();
    let score = 0;
    let spokenInOtherWords =
      q.answerType === "person" &&
      SPEAKING.test(window) &&
      !terms.some((t) => SPOKEN.test(t.term) && lower.includes(t.term));
    for (const { term, weight: asked, idf } of terms) {
      // "除了李强和蔡奇，还有谁": the names already given point near the answer, not at it.
      if (excluded.includes(term)) continue;
      // "推进什么行动": the answer is a 行动, so the window that names one is where it stands.
      const weight = focus?.includes(term) ? asked * 2 : asked;
      // "谁讲话了" finds whoever speaks, in whatever words ("陈明远说，…"), as if it named speaking once.
      const speaking = spokenInOtherWords && SPOKEN.test(term);
      if (speaking) spokenInOtherWords = false;
      const count = lower.split(term).length - 1 || (speaking ? 1 : 0);
      // Repeats count a little when a list is asked for: four 统筹 answer "哪几个统筹" better than one.
      // For one fact (who, where, when) they only pull in the neighbours.
      const several = q.answerType === "list" || q.answerType === "general" || SEVERAL.test(q.text);
      const repeats = several ? Math.min(3, count - 1) : 0;
      if (count) score += weight * idf * (1 + 0.25 * repeats);
    }
    // "刘捷说了什么": the window where that person starts speaking. With a topic ("陈吉宁说上海要建什么先行区"),
    // the topic words find the window within the speech instead, and the opening only stands in when none
    // does (the topic may be the setting, "在发布会上", stated before the speech).
    const opening =
      q.answerType === "speech" &&
      speakersAsked(q).some((p) => new RegExp(`${p}(说|表示|指出|强调|致辞|在讲话中)`, "u").test(window));
    // With no content word left ("2024年的座谈会是什么时候开的"), the kind of answer wanted decides.
    if (score === 0 && terms.length > 0 && !opening) return 0;
    if (opening) score += topicWordsOf(q).length ? 0.1 : 3;
    score += typeBonus(window, q.answerType);
    if (score === 0) return 0;
    if (agent && statesAgent(window, agent)) score += 2;
    // "会议确定，2025年度…在江苏省召开" is about next year's meeting, not the one asked about.
    for (const m of window.matchAll(/(\d{4})年度/g)) {
      if (isOtherMeetingYear(q, Number(m[1]))) return score * 0.5;
    }
    return score;
  }
}

/** The unit an English count question asks for ("how many people" → 人). */
function englishUnit(q: UnderstoodQuery): string | undefined {
  if (q.language !== "en") return undefined;
  // The counted noun may follow its modifiers ("how many cooperation agreements").
  const words = /\bhow many ((?:[\w-]+ ){0,2}[\w-]+)/i.exec(q.question)?.[1]?.toLowerCase().split(" ") ?? [];
  return words.map((w) => ENGLISH_UNITS.get(w)).find((unit) => unit !== undefined);
}

/** The English nouns a count is given in, and the Chinese unit the reports count them in. */
const ENGLISH_UNITS = new Map<string, string>([
  ...["people", "persons", "participants", "attendees", "guests", "officials", "delegates"].map(
    (w) => [w, "人"] as const,
  ),
  ...["agreements", "projects", "items", "documents", "deals", "measures", "cases"].map((w) => [w, "个"] as const),
  ["days", "天"],
  ["years", "年"],
  ["times", "次"],
  ["words", "字"],
  ["minutes", "分钟"],
]);

/** A stated count or amount: "5年来", "六大方面", "100亿元", "3个"; not "一批" or a year. */
const COUNT =
  /(\d+(\.\d+)?|[一二两三四五六七八九十百千万]+)(个|项|家|人|名|位|条|场|次|年|天|亿|万|%|大|届|批次|所|座|类|方面)/u;

/** Someone speaking in a text: a reporting verb, or a speech named as such. */
const SPEAKING = /(说|表示|指出|强调|认为|提出|要求|介绍|讲话中|致辞时|发言时)[，：,:]/u;

const REPORTING = /(说|指出|强调|表示|认为|提出|要求|宣布)[，：,:]$/;
/**
 * Words that name what kind of answer is wanted (什么文件, 哪些举措, 什么地方)
 * rather than what it is about. The reports rarely use them; a paragraph with
 * the right kind of content (a 《title》, a list, a place) covers them.
 */
const TYPE_WORDS: Partial<Record<AnswerType, { words: RegExp; satisfied: RegExp }>> = {
  document: { words: /^(文件|文件名|名称|意见|计划|方案)$/, satisfied: /《[^》]+》/ },
  list: { words: /^(举措|措施|要求|任务|方面|部署|工作|内容|重点)$/, satisfied: /、|；/ },
  place: { words: /^(地方|城市|省份|地点|位置)$/, satisfied: /在[\p{Script=Han}]{2,12}?(举行|召开|举办)|省|市/u },
  date: { words: /^(时间|日期|时候)$/, satisfied: /\d{1,2}月\d{1,2}日/ },
  person: { words: /^(人|人物|领导|官员)$/, satisfied: /书记|省长|市长|总理|主任|主席/ },
};

/** An English word the alias table lacks that the user capitalised mid-sentence, or an acronym: a name (Olympics, GDP). */
function isEnglishName(word: string): boolean {
  return /^[A-Z]/u.test(word) && word !== word.toLowerCase();
}

/**
 * A clause without the items a question already names: an item of an enumeration ("三垟湿地、中国眼谷")
 * is cut from it; a clause that is only about the item ("上海市委书记陈吉宁，") is dropped.
 */
function withoutItems(clause: string, items: readonly string[]): string[] {
  let text = clause;
  for (const item of items) {
    if (!text.includes(item)) continue;
    const e = escapeRegExp(item);
    const cut = text.replace(new RegExp(`${e}、|、${e}(?=[、，。；和及]|$)`, "u"), "");
    if (cut === text) return [];
    text = cut;
  }
  return [text];
}

/** Whether a person starts speaking in the text ("龚正说，", "李强在致辞中表示，"). */
function speaks(person: string, text: string): boolean {
  return new RegExp(`${person}[^，。]{0,12}?(说|表示|指出|强调|认为|提出|要求)[，：]`, "u").test(text);
}

/**
 * The thing a question asks for: the noun after its question word ("推进什么行动" → 行动, "哪些项目" → 项目), else the
 * verb before it ("要建设什么" → 建设). Undefined when the question word stands alone.
 */
function focusOf(text: string): string | undefined {
  const after =
    /(?:什么样的|什么|哪些|哪几个|哪几项|哪一项|哪项|哪个|哪种|哪类|哪几类)(\p{Script=Han}{2,4}?)(?=[，。？?、]|$|的|是|呢|吗)/u.exec(
      text,
    )?.[1];
  // "哪些举措", "什么内容": a word for any answer, which the answer itself need not say.
  if (after && GENERIC_KINDS.test(after)) return undefined;
  if (after) return after;
  return /(\p{Script=Han}{2})(?:了)?(?:些)?(?:什么|哪些)[？?。]?$/u.exec(text)?.[1];
}

/** What a person asked for or stressed ("提出了哪些要求", "强调了什么", "对上海有什么要求"). */
const PERSON_ASKS =
  /(提出|要求|强调|指出|部署|寄语|希望|表态|表示)(了)?[^，。？?]{0,8}(哪些|什么|哪几|怎么|如何)|(有|提)(了)?(哪些|什么)(具体)?(要求|期望|希望)/u;

/**
 * What a speech says, from the clause that opens it: the text that follows while it fits {@link SPEECH_BUDGET},
 * then the point each later sentence or ；-part makes (its first clause, two when the first only leads in),
 * each after "……" for the text left out, within {@link OUTLINE_BUDGET}. Undefined when nothing is left out.
 */
function speechOutline(clauses: readonly Clause[], start: number): string | undefined {
  let end = start;
  while (end + 1 < clauses.length && joinClauses(clauses, start, end + 1).length <= SPEECH_BUDGET) end++;
  // The lead runs to the end of a clause; a point starts at the next sentence or ；-part.
  let i = end + 1;
  while (i < clauses.length && !endsPart(clauses[i - 1]!)) i++;
  let text = joinClauses(clauses, start, end).replace(/[，；：]$/u, "");
  let points = 0;
  while (i < clauses.length) {
    const end = partEnd(clauses, i);
    let take = i;
    if (take < end && clauses[take]!.text.length < 12) take++;
    const point = joinClauses(clauses, i, take).replace(/[，；：。]$/u, "");
    if (text.length + point.length + 2 > OUTLINE_BUDGET) break;
    text = `${text.replace(/[。；]$/u, "")}……${point}`;
    points++;
    i = end + 1;
  }
  return points ? `${text}……` : undefined;
}

/** Whether a clause ends a sentence or a ；-part: the unit a speech makes one point in. */
function endsPart(clause: Clause): boolean {
  return clause.last || clause.text.endsWith("；");
}

/** The last clause of the sentence or ；-part that starts at clause `i`. */
function partEnd(clauses: readonly Clause[], i: number): number {
  let end = i;
  while (end < clauses.length - 1 && !endsPart(clauses[end]!)) end++;
  return end;
}

/** Words for the event a speech was given at. */
const SETTING = /^(成果发布会|发布会|高层论坛|论坛|座谈会|会议|会上|大会|成果)$/u;

/** A question for several things of a kind ("统筹哪几对关系", "提了哪些要求"), whatever else it asks. */
const SEVERAL = /哪几|哪些|几[个项对条点类]|\bwhich (?:\w+ )?(?:ones|things|areas|relationships|pairs)\b/iu;

/** What "除了A和B（之外），还有…" already names: A and B. */
function excludedItems(text: string): string[] {
  const list = BESIDES.exec(text)?.[1];
  // "除了信长星致辞": the person, not what they did.
  return list
    ? list
        .split(/[和、及与跟]/u)
        .map((x) => x.trim().replace(/(致辞|发言|演讲|讲话|出席|参加|主持)$/u, ""))
        .filter((x) => x.length >= 2)
    : [];
}

/** A question word and the other words that say the same in the reports (synonyms, a bridged English word's other terms). */
function formsOf(q: UnderstoodQuery, term: string): string[] {
  return [term, ...(CHINESE_SYNONYMS[term] ?? []), ...(q.alternatives.get(term) ?? []), ...provincesAbbreviated(term)];
}

/**
 * A person described, then a question about them: "…主持成果发布会的那位，…", "2021年代表江苏讲话的省长，…",
 * "座谈会上发言的浙江省委书记，…".
 */
const DESCRIBED_PERSON =
  /^(.{4,40}?)的(那位[^，,的]{0,8}|那个人|那个领导|领导|[^，,的]{0,4}?(?:省长|省委书记|书记|市长|主任))[，,]\s*(.{4,})$/u;
/** What a description says the person did there. */
const DESCRIBED_ACT = /主持|讲话|发言|致辞|代表|通报|演讲/u;
/** The year after the meeting just named. */
const NEXT_YEAR = /第二年|次年|翌年|下一年|转年/u;

function simplifiedTurn(turn: Turn): Turn {
  return { question: toSimplified(turn.question), answer: toSimplified(turn.answer) };
}

/** Titles a person is called by after their surname ("习总书记", "李总理"); 总书记 before 书记 so it is read whole. */
const TITLES = ["总书记", "总理", "书记", "省长", "市长", "主任", "主席"] as const;
const BY_TITLE = new RegExp(`(\\p{Script=Han})(${TITLES.join("|")})`, "gu");

/** Who of the reports could be "习总书记" or "林书记": each person under the first character of their name and each title. */
function peopleByTitle(knowledge: Knowledge): Map<string, Set<string>> {
  const index = new Map<string, Set<string>>();
  for (const { person, post } of knowledge.meetings.flatMap((m) => m.posts))
    for (const title of TITLES)
      if (new RegExp(`(?<!副)${title}`, "u").test(post)) {
        const key = `${person[0]}${title}`;
        index.set(key, (index.get(key) ?? new Set()).add(person));
      }
  return index;
}

/** 去年/前年 and "last year('s)" naming a meeting, forum or symposium, as the year they count back to from `year`. */
const YEARS_AGO =
  /(去年|前年)(?=的?[^，。？?]{0,6}?(?:会|论坛|座谈会|那次|那场|那届|那回))|\blast year's\b(?=\s+(?:\w+\s+){0,2}(?:meeting|forum|symposium)\b)|(?<=\b(?:meeting|forum|symposium)\s+)last year\b/giu;

/** The question with a meeting named by how many years ago it was ("去年南京那个论坛") named by its year instead. */
function yearsAgoNamed(question: string, year: number): string {
  return question.replace(YEARS_AGO, (words) =>
    /last/iu.test(words)
      ? `${/'s/u.test(words) ? `the ${year - 1}` : `in ${year - 1}`}`
      : `${year - (words === "前年" ? 2 : 1)}年`,
  );
}

/** A question for the capacity someone acted in ("以什么身份讲话", "代表谁致辞", "on whose behalf"). */
const CAPACITY =
  /以什么身份|什么身份(?:讲话|发言|致辞)|代表(?:谁|哪方|什么)|在[^，。？?]{2,12}(?:上|中)(?:扮演|担任)了?什么角色|\bwhat role did (?:(?!\b(?:say|said|think|want)\b).){2,30} play at\b|\bin what capacity\b|\bon (?:whose|what) behalf\b|\bon behalf of (?:whom|what|which)\b/iu;
/** A question about a person's life rather than their part in a meeting. */
const PERSONAL =
  /生日|出生|籍贯|哪里人|哪儿人|老家|年龄|多大岁数|几岁|毕业于|哪个学校毕业|学历|\bborn\b|\bbirthday\b|\bhometown\b|\bhow old\b/iu;

/** A question for who said something. */
const SAYS_WHO = /谁(?:说|讲|提出|强调|表示|指出)|\bwho (?:said|says|stressed|proposed|called for|pledged)\b/iu;

/** Words for giving a speech. */
const SPEAKING_VERBS = ["讲话", "发言", "致辞", "演讲", "讲", "说", "谈", "表示", "指出", "强调"];
const SPEECH_WORDS = new RegExp(`^(?:${SPEAKING_VERBS.join("|")})$`, "u");

/** Words for what a speaker does: giving the speech, and what it does (认为, 提出, 要求). */
const SPOKEN = new RegExp(`^(?:${[...SPEAKING_VERBS, "认为", "提出", "要求"].join("|")})$`, "u");

/** What was seen or heard at one place ("在正泰集团看了哪些产品"); group 1 is the place. */
const SEEN_INSIDE =
  /在([\p{Script=Han}\w]{2,16}?)(?:里|内|中)?(?:具体|都)?(?:看|参观|考察|了解|听)了?(?:些)?(?:哪些|什么|啥)/u;

/** Words that ask for a sum of money. */
const MONEY =
  /预算|投资|资金|金额|经费|多少钱|\bbudget\b|\bcosts?\b|\bfunding\b|\binvest(?:ment)?\b|\bhow much money\b/iu;
/** Words that ask for an amount rather than about the subject ("总投资" but not "投资潜力"). */
const AMOUNT = /总投资|投资额|总额|金额|多少|\btotal\b|\bhow much\b|\bamount\b/iu;
/** An amount of money as the reports write one: 元 or 亿 after a number. */
const STATES_MONEY = /(\d+(\.\d+)?|[一二两三四五六七八九十百千万]+)\s*(亿|万)?元|\d+(\.\d+)?\s*亿/u;

/** Words that ask for the particulars of something: which ones, how many, each of them, who by name. */
const SPECIFICS =
  /具体|分别|哪些|哪几|多少|几[个场项家条批次]|叫什么|名字|是谁|哪位|有没有|是否|\bwhich\b|\bhow many\b|\bwhat (?:were|are) (?:the|they)\b|\bwho\b|\bname\b/iu;

/** A quantity that names no particulars: "一批合作协议", "相关专题座谈会". */
const VAGUE = "一批|一系列|相关|有关|若干|多项|一些|多个";

/**
 * Whether a thing the question asks about appears in the text only after a vague quantity ("签订一批合作协议")
 * with no enumeration after it: the text says that there were some, not which or how many.
 */
function onlyVaguelyNamed(words: readonly string[], text: string): boolean {
  return words.some((word) => {
    const places = [...text.matchAll(new RegExp(escapeRegExp(word), "gu"))].map((m) => m.index);
    return (
      places.length > 0 &&
      places.every((at) => {
        const before = text.slice(Math.max(0, at - 24), at);
        const after = text.slice(at + word.length, at + word.length + 12);
        // "A、B等有关部门负责同志", "中央财办、国家发展改革委有关负责同志": the enumeration comes first.
        return (
          new RegExp(`(?:${VAGUE})\\p{Script=Han}{0,4}$`, "u").test(before) &&
          !new RegExp(`(?:等|、[^，。；]{1,14})\\p{Script=Han}{0,4}(?:${VAGUE})\\p{Script=Han}{0,4}$`, "u").test(
            before,
          ) &&
          !/^[^，。；]{0,6}[：:、（(]|包括/u.test(after)
        );
      })
    );
  });
}

/**
 * Whether a text says who did it: "由…主办", or a clause whose subject did it ("…主办，新华日报、解放日报共同承办").
 */
function statesAgent(text: string, act: string): boolean {
  return new RegExp(
    `由[^，。；]{2,30}${act}|(?:^|[，,；。])[^，,。；由]{2,40}?(?:共同|联合)?${act}(?=[，,。；]|$)`,
    "u",
  ).test(text);
}

/** A question word: a clause with one asks something of its own. */
const ASKS = /哪|什么|谁|几|多少|吗|\b(?:what|which|who|when|where|how)\b/iu;
/** A list question that asks for people ("哪两位", "哪些领导"), not things. */
const ASKS_PEOPLE = /哪[几两三四五六七八九十]?位|哪些人|哪些领导|有谁/u;
/** A number and a measure word, written as one word ("三种", "六块", "一个", "两天"). */
const QUANTITY = /^[一二两三四五六七八九十几\d]+[个种块项条位家天次年点类批件大名所场]$/u;

function answersTypeWord(term: string, type: AnswerType, text: string, question: string): boolean {
  const rule = TYPE_WORDS[type];
  if (!rule?.satisfied.test(text)) return false;
  // "去看了哪些企业", "还开了什么会议": the noun a question word asks for is the kind of answer, whatever it is.
  const asked = new RegExp(`(?:哪些|哪几[个家项位所条类种场]?|什么|哪[个家种类场])${escapeRegExp(term)}`, "u");
  return rule.words.test(term) || (type === "list" && asked.test(question));
}

function joinClauses(clauses: readonly Clause[], start: number, end: number): string {
  return clauses
    .slice(start, end + 1)
    .map((c) => c.text)
    .join("");
}

function normalisePhrase(text: string): string {
  return text.replace(/[“”"‘’「」『』\s]/g, "").toLowerCase();
}

/** Ends the extract cleanly: a trailing comma becomes a stop (the cut is always at a clause boundary). */
function tidy(window: string): string {
  return window.replace(/[，；：,;]$/, "").replace(/([^。！？”’）)])$/, "$1。");
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
