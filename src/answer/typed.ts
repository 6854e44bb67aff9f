/**
 * Typed questions answered from the knowledge layer: who held which post, which
 * post a person held, when, how long, where, the theme, the documents, who chaired,
 * and the next host, for one meeting, several, or all of them, and chained through
 * the next host ("the meeting the 2024 meeting chose: when was it?"). Each fact
 * cites the paragraph it was read from. Prose questions go on to clause selection.
 */
import { PROVINCES } from "../corpus/metadata.js";
import type { Meeting } from "../corpus/types.js";
import type { Chunk } from "../index/chunk.js";
import type { Knowledge, MeetingFacts, PostFact } from "../knowledge/extract.js";
import { BESIDES, chairReference, mainClause, type UnderstoodQuery } from "../retrieval/query.js";
import { THEME_WORDS } from "../retrieval/answer-types.js";
import { synonymsIn } from "../retrieval/aliases.js";
import { englishOrdinal } from "../text/english.js";
import { escapeRegExp } from "../text/regexp.js";
import { normaliseNumerals } from "../text/numerals.js";
import { meetingLabel } from "./citations.js";
import { ENGLISH_POSTS, INTENT_WORDS, PROSE_WORDS, type Intent } from "./intents.js";

/** A typed answer: its text with [n] markers, and the chunks those markers cite, in order. */
export interface TypedAnswer {
  text: string;
  chunks: Chunk[];
  /** The chunks of the facts asked for, without those cited only for a detail added to them (the chair's post). */
  evidence: Chunk[];
  /** The answer's text without such details. */
  evidenceText: string;
  intent: Intent;
}

/** What typed answering reads. */
export interface TypedContext {
  knowledge: Knowledge;
  meetings: readonly Meeting[];
  chunkById: ReadonlyMap<string, Chunk>;
}

const CN_COUNTS = ["零", "一", "两", "三", "四", "五", "六", "七", "八", "九", "十"];
const MONTHS = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];

/** The second step of a question that first names the next host a meeting chose. */
export interface ChainStep {
  /** The rest of the question, asked about the chosen meeting or the host place itself. */
  question: string;
  /** The clause that reports the choice and its paragraph: cited before the answer to the rest. */
  clause: string;
  chunkId: string;
}

/**
 * "温州会议确定的下一届主办省，那届会议期间领导们去考察了哪里？", "2022年会议确定的2023年度主办省份，在2022年时的
 * 省委书记是谁？", "the meeting the 2024 meeting chose as next host: when was it held?": the first clause names a
 * meeting's choice of the next host; the rest is asked about that meeting (its report must be in the corpus) or,
 * when the first clause ends on the place (主办省, host province), about that place.
 */
export function nextHostChain(question: string, q: UnderstoodQuery, ctx: TypedContext): ChainStep | undefined {
  const parts = /^(.{4,60}?)[，,:：;；]\s*(.{3,})$/u.exec(question);
  if (!parts || q.meetingIds.length !== 1) return undefined;
  const [, first, rest] = parts as unknown as [string, string, string];
  if (!INTENT_WORDS.next.test(first)) return undefined;
  const host = factsOf(ctx, q.meetingIds[0]!)?.nextHost;
  if (!host) return undefined;
  const english = q.language === "en";
  const toMeeting = english
    ? /\b(?:that meeting|that one|the meeting|it)\b/iu
    : /那届会议|那次会议|那一届|那届|那次|该届|这届|该次|那回/u;
  const toPlace = english
    ? /\b(?:that province|that city|this province|this city|there)\b/iu
    : /该省|那个省|这个省|那个城市|这个城市|该市|那里|那儿|当地/u;
  const endsOnPlace = /(?:省份|省|城市|地方|地)$|\bhost (?:province|city)$/iu.test(first.trim());
  if (!toMeeting.test(rest) && (toPlace.test(rest) || endsOnPlace)) {
    const place = host.place;
    return { question: toPlace.test(rest) ? rest.replace(toPlace, place) : `${place}${rest}`, ...host };
  }
  const target = ctx.meetings.find((m) => m.year === host.year && m.kind === "annual");
  if (!target) return undefined;
  const name = english ? `the ${target.year} meeting` : `${target.year}年度座谈会`;
  return {
    question: toMeeting.test(rest) ? rest.replace(toMeeting, name) : english ? `At ${name}, ${rest}` : `${name}${rest}`,
    ...host,
  };
}

/**
 * Answers a typed question from the knowledge layer, or returns undefined when the
 * question is prose or the layer holds no fact for it (the caller then selects clauses).
 */
export function answerTyped(question: string, q: UnderstoodQuery, ctx: TypedContext): TypedAnswer | undefined {
  // A meeting the corpus lacks (2019年度) is never answered from another meeting's facts.
  if (q.requiredText) return undefined;
  // The reports' words for the question's everyday ones ("一把手" → 书记) say what is asked as well.
  // A meeting named by who chaired it ("习近平主持的那次座谈会") does not ask who chaired it.
  const byChair = chairReference(q.text);
  // "除了审文件，还听了哪些汇报" does not ask for the documents it sets aside.
  const own = (byChair ? q.text.replace(byChair, " ") : q.text).replace(BESIDES, " ");
  const plain = (
    byChair
      ? question
          .replace(byChair, " ")
          .replace(/\b(?:chaired|presided over) by [\w' ]{2,30}|\b\w+ (?:chaired|presided over)\b/giu, " ")
      : mainClause(question)
  ).replace(BESIDES, " ");
  const asked = `${plain} ${own} ${synonymsIn(own).join(" ")}`;
  const has = (intent: Intent) => INTENT_WORDS[intent].test(asked);
  const prose = PROSE_WORDS.test(question);
  const out = new Answer(ctx, q.language);
  let scope = meetingsInScope(question, q, ctx);
  // "《…》是哪次会议审议的", "which meeting reviewed the …": the meetings whose reports say they reviewed it.
  const title = /《([^》]{4,60})》/u.exec(question)?.[1];
  if (title && has("documents") && /哪(?:次|一次|年|届|个会)|\bwhich (?:meeting|year)\b|\bwhen\b/iu.test(question))
    return documentsOf(out, ctx, everyMeeting(ctx), title) ? out.done("documents") : undefined;

  // Chaining: "2024年会议确定的下一届…在哪里开、开了几天" moves to the meeting that was chosen.
  // The meeting that chose is the earliest one named ("2022年会议确定2023年度座谈会在哪个省").
  const chooser = scope[0];
  const host = has("next") && chooser ? factsOf(ctx, chooser.id)?.nextHost : undefined;
  if (host && chooser && scope.every((m) => m === chooser || m.year === host.year)) {
    const target = ctx.meetings.find((m) => m.year === host.year && m.kind === "annual");
    const wantsMore = has("when") || has("duration") || has("theme") || /城市|哪个市|\bcity\b/iu.test(asked);
    // The next meeting's date or theme is not in the reports until its own report is added.
    if (wantsMore && !target) return undefined;
    out.say(q.language === "en" ? `The ${chooser.year} meeting chose the next host: ${host.clause}` : host.clause, [
      host.chunkId,
    ]);
    if (!wantsMore) return out.done("next");
    scope = [target!];
  }

  const people = namedPeople(asked, ctx.knowledge);
  const posts = askedPosts(asked, ctx.knowledge);
  const region = PROVINCES.find((p) => asked.includes(p));
  // Chaining through a person: "2025年的浙江省委书记，2022年时是什么职务？" finds who held the post at the
  // meeting named first, then that person's post at the other one.
  // "2021年和2024年浙江省委书记分别是谁" asks for two holders, not a chain.
  if (
    !people.length &&
    posts.length &&
    has("role") &&
    !has("holder") &&
    !prose &&
    !has("chair") &&
    scope.length === 2
  ) {
    const [first, then] = [...scope].sort((a, b) => mentionAt(question, q, a) - mentionAt(question, q, b));
    const holder = factsOf(ctx, first!.id)?.posts.find((p) => holdsPost(p, posts) && inRegion(p, region));
    if (holder) {
      out.say(
        out.language === "en"
          ? `${capitalise(label(ctx, first!.id, "en"))}: ${holder.post}${holder.person}`
          : `${label(ctx, first!.id, "zh")}：${holder.post}${holder.person}`,
        [holder.chunkId],
      );
      rolesOf(out, ctx, holder.person, [then!]);
      return out.done("role");
    }
  }
  // "X担任什么职务", "X在2021年和2025年分别是什么身份", "who is X"; and with a post, "王清宪哪几年是安徽省长",
  // "at which meetings was X Shanghai's party secretary": the meetings where X held it.
  const whenHeld = posts.length > 0 && (q.acrossMeetings || has("when"));
  if (people.length && (has("role") || whenHeld) && !prose && !has("chair")) {
    for (const person of people) rolesOf(out, ctx, person, scope, whenHeld ? { posts, region } : undefined);
    return out.done("role");
  }
  // "龚正参加了哪几年的年度座谈会", "which meetings did Chen Jining attend": the meetings the reports list them at.
  // "他2022年还出席了吗": yes, with the post the report gives them there (else the reports do not list them).
  const whether = /吗|有没有|是否|\b(?:did|was|were)\b/iu.test(asked) && scope.length > 0;
  if (
    people.length &&
    ATTENDED.test(asked) &&
    (q.acrossMeetings || whether || /哪些(?:会议|座谈会|会)/u.test(asked)) &&
    !prose
  ) {
    for (const person of people) rolesOf(out, ctx, person, scope);
    return out.empty() ? undefined : out.done("role");
  }
  // "Who represented Zhejiang at the 2022 meeting?", "2022年谁代表安徽出席": the province's leaders there.
  if (!posts.length && region && REPRESENTED.test(asked) && has("holder") && !prose && !people.length && scope.length)
    return holdersOf(out, ctx, [...ctx.knowledge.postWords], region, scope) ? out.done("holder") : undefined;
  // "2024年浙江省长是谁", "who was Zhejiang's governor in 2024".
  if (posts.length && has("holder") && !prose && !has("chair") && !people.length) {
    // "发改委一把手": a body the question names decides whose post, more than a place it mentions.
    const bodies = q.terms.filter((t) => t.weight >= 1 && t.term.length >= 3).map((t) => t.term);
    if (holdersOf(out, ctx, posts, region, scope, bodies)) return out.done("holder");
    return undefined;
  }
  if (prose) return out.empty() ? undefined : out.done("next");

  const event: EventKind = /成果发布会|发布会|\bresults? (?:release )?conference\b/iu.test(asked)
    ? "results"
    : q.articleKind === "forum" || /论坛|\bforum\b/iu.test(asked)
      ? "forum"
      : "meeting";
  // "第二天还有什么活动": the events a report dates to the day after the meeting opened.
  if (DAY_AFTER.test(asked) && WHAT_HAPPENED.test(asked) && scope.length === 1)
    return dayAfter(out, ctx, scope[0]!) ? out.done("when") : undefined;
  // "战略提出并实施了多长时间" asks how long something has gone on, not when or how long the meeting was.
  if (ELAPSED.test(asked)) return undefined;
  // The reports give days, never hours: "how many hours did it last" is not answered by "1 day".
  if (has("duration") && /小时|钟头|分钟|\bhours?\b|\bminutes?\b/iu.test(asked)) return undefined;
  if (has("duration") && event === "meeting")
    return durationOf(out, ctx, scope.length ? scope : everyMeeting(ctx)) ? out.done("duration") : undefined;
  // "2022年的座谈会和高层论坛分别是哪天开的": both events of the meeting.
  const both =
    event === "forum" &&
    /(座谈会|会议)[^，。？?]{0,4}(和|与|及|跟)[^，。？?]{0,6}论坛|论坛[^，。？?]{0,4}(和|与|及|跟)[^，。？?]{0,6}(座谈会|会议)|\b(meeting|symposium) and (the )?(high-level )?forum\b/iu.test(
      asked,
    );
  // "2025年的论坛是第几届": the forum's edition, from its name.
  if (has("edition") && event === "forum") {
    const within = scope.length ? scope : everyMeeting(ctx);
    if (!editionsOf(out, ctx, within)) return undefined;
    // "是第几届？哪天开的？": the second question is answered too.
    if (has("when") && ASKS_DAY.test(asked.replace(INTENT_WORDS.edition, ""))) datesOf(out, ctx, within, "forum");
    return out.done("edition");
  }
  // "是谁主持的，在哪个城市？": who chaired it is answered first, then when or where.
  if (has("chair") && event !== "forum" && scope.length && (has("when") || has("where"))) chairsOf(out, ctx, scope);
  if (has("when") && !has("theme")) {
    const within = scope.length ? scope : everyMeeting(ctx);
    const found = (both ? (["meeting", "forum"] as EventKind[]) : [event]).map((e) => datesOf(out, ctx, within, e));
    // "When and where did…", "什么时候在哪里开的": where is answered too.
    if (found.some(Boolean) && scope.length && event !== "results" && !has("chair") && WHEN_AND_WHERE.test(asked))
      placesOf(out, ctx, scope, event);
    return found.some(Boolean) ? out.done("when") : undefined;
  }
  if (has("where") && event !== "results") {
    if (scope.length) {
      if (!placesOf(out, ctx, scope, event)) return undefined;
      // "在哪个城市开的？那次的主题是什么？": the second question is answered too.
      if (event === "meeting" && ASKS_THEME.test(asked)) themesOf(out, ctx, scope);
      return out.done("where");
    }
    const region = [...PROVINCES, ...ctx.meetings.map((m) => m.city)].find((p) => asked.includes(p));
    // "哪几年的会议在江苏开" lists the meetings held there; a bare "在哪里开" lists them all.
    const held = (region ? ctx.meetings.filter((m) => m.province === region || m.city === region) : ctx.meetings).slice(
      -LISTED,
    );
    return held.length && placesOf(out, ctx, held, event) ? out.done("where") : undefined;
  }
  if (has("theme") && event === "meeting")
    return themesOf(out, ctx, scope.length ? scope : everyMeeting(ctx)) ? out.done("theme") : undefined;
  // "行动计划的预算是多少" asks an amount, and "行动方案是哪个机构牵头做的" who made it, not which documents.
  // "还要编制什么方案" asks what is to be drafted, which the meeting did not review.
  if (
    has("documents") &&
    event === "meeting" &&
    q.answerType !== "number" &&
    !WHO_MADE.test(asked) &&
    !(/编制|制定|起草|出台|印发/u.test(asked) && !/审议|通过/u.test(asked)) &&
    /哪|什么|几|列|\bwhich\b|\bwhat\b|\blist\b/iu.test(asked)
  ) {
    return documentsOf(out, ctx, scope.length ? scope : everyMeeting(ctx)) ? out.done("documents") : undefined;
  }
  if (has("chair") && event !== "forum" && scope.length)
    return chairsOf(out, ctx, scope, has("role")) ? out.done("chair") : undefined;
  return out.empty() ? undefined : out.done("next");
}

type EventKind = "meeting" | "forum" | "results";

/** Collects the sentences of an answer and the chunks they cite, numbering citations in order. */
class Answer {
  private readonly parts: string[] = [];
  private readonly cited: string[] = [];
  private readonly numbers = new Map<string, number>();
  private readonly asked = new Set<string>();
  private readonly details = new Set<number>();
  constructor(
    private readonly ctx: TypedContext,
    readonly language: "zh" | "en",
  ) {}

  /**
   * Adds a sentence citing these chunks (a chunk cited twice keeps its first number). A `detail` adds to
   * the fact asked for; its chunks do not count as evidence that the question is answered.
   */
  say(text: string, chunkIds: readonly string[], detail = false): void {
    if (detail) this.details.add(this.parts.length);
    else for (const id of chunkIds) this.asked.add(id);
    const marks = chunkIds.map((id) => {
      let n = this.numbers.get(id);
      if (n === undefined) this.numbers.set(id, (n = this.cited.push(id) - 1));
      return `[${n + 1}]`;
    });
    const body = text.replace(/[。.]$/u, "");
    this.parts.push(`${body}${[...new Set(marks)].join("")}${this.language === "en" ? "." : "。"}`);
  }

  empty(): boolean {
    return this.parts.length === 0;
  }

  done(intent: Intent): TypedAnswer | undefined {
    if (!this.parts.length) return undefined;
    const chunks = this.cited.map((id) => this.ctx.chunkById.get(id)).filter((c): c is Chunk => c !== undefined);
    const evidence = chunks.filter((c) => this.asked.has(c.id));
    const joiner = this.language === "en" ? " " : "";
    const evidenceText = this.parts.filter((_, i) => !this.details.has(i)).join(joiner);
    return { text: this.parts.join(joiner), chunks, evidence, evidenceText, intent };
  }
}

/** Meetings the question names: by year (several years too), title, host city or forum edition. */
function meetingsInScope(question: string, q: UnderstoodQuery, ctx: TypedContext): Meeting[] {
  const ids = new Set(q.meetingIds);
  const years = new Set<number>();
  for (const m of `${q.text} ${question}`.matchAll(/(?<!\d)((?:19|20)\d{2})(?!\d)(?!\s*[—–-]\s*\d)/gu)) {
    // "三年行动计划（2021-2023年）" names a plan's years, not a meeting's.
    const around = `${q.text} ${question}`.slice(Math.max(0, m.index - 1), m.index + 8);
    if (/[（(]\d|\d[—–-]/u.test(around)) continue;
    years.add(Number(m[1]));
  }
  if (years.size > 1) for (const m of ctx.meetings) if (years.has(m.year)) ids.add(m.id);
  // A meeting named by its title beside one named by its year ("2021年…到了深入推进…座谈会时").
  if (ids.size) for (const m of ctx.meetings) if (question.includes(m.title) || q.text.includes(m.title)) ids.add(m.id);
  let scoped = ctx.meetings.filter((m) => ids.has(m.id));
  // "2023年" alone names the symposium only when no annual meeting has that year.
  if (/年度|annual|leaders'? meeting|主要领导/iu.test(question) && !/座谈会上|symposium/iu.test(question)) {
    const annual = scoped.filter((m) => m.kind === "annual");
    if (annual.length) scoped = annual;
  }
  return [...scoped].sort((a, b) => a.startDate.localeCompare(b.startDate));
}

/** At most this many meetings are listed for a question that names none (the newest), so a long archive stays readable. */
const LISTED = 10;

/** The meetings a question that names none is answered for: the newest {@link LISTED}, in order. */
function everyMeeting(ctx: TypedContext): readonly Meeting[] {
  return ctx.meetings.length <= LISTED
    ? ctx.meetings
    : [...ctx.meetings].sort((a, b) => a.startDate.localeCompare(b.startDate)).slice(-LISTED);
}

// Lookups by id, built once per corpus: a search per meeting listed grows with meetings².
const factsById = new WeakMap<Knowledge, Map<string, MeetingFacts>>();
const meetingsById = new WeakMap<readonly Meeting[], Map<string, Meeting>>();
const chunksByMeeting = new WeakMap<ReadonlyMap<string, Chunk>, Map<string, Chunk[]>>();

/** A meeting's chunks, grouped in one pass over all chunks the first time any is asked for. */
function chunksOf(ctx: TypedContext, meetingId: string): readonly Chunk[] {
  let byMeeting = chunksByMeeting.get(ctx.chunkById);
  if (!byMeeting) {
    byMeeting = new Map();
    for (const chunk of ctx.chunkById.values()) {
      const list = byMeeting.get(chunk.meetingId);
      if (list) list.push(chunk);
      else byMeeting.set(chunk.meetingId, [chunk]);
    }
    chunksByMeeting.set(ctx.chunkById, byMeeting);
  }
  return byMeeting.get(meetingId) ?? [];
}

function factsOf(ctx: TypedContext, meetingId: string): MeetingFacts | undefined {
  let byId = factsById.get(ctx.knowledge);
  if (!byId) factsById.set(ctx.knowledge, (byId = new Map(ctx.knowledge.meetings.map((m) => [m.meetingId, m]))));
  return byId.get(meetingId);
}

function label(ctx: TypedContext, meetingId: string, language: "zh" | "en"): string {
  let byId = meetingsById.get(ctx.meetings);
  if (!byId) meetingsById.set(ctx.meetings, (byId = new Map(ctx.meetings.map((m) => [m.id, m]))));
  return meetingLabel(byId.get(meetingId)!, language);
}

/**
 * "2024年论坛上安徽省委书记讲了什么": the post a question names at its one meeting, and who held it there, so
 * what that person did can be asked of them by name. Undefined unless exactly one person held it.
 */
export function holderNamed(q: UnderstoodQuery, ctx: TypedContext): { phrase: string; person: string } | undefined {
  if (q.meetingIds.length !== 1) return undefined;
  const match = regionPostPattern(ctx.knowledge)?.exec(q.text);
  if (!match) return undefined;
  const [phrase, region, post] = match as unknown as [string, string, string];
  const holders = (factsOf(ctx, q.meetingIds[0]!)?.posts ?? []).filter(
    (f) => holdsPost(f, [post]) && inRegion(f, region),
  );
  const people = [...new Set(holders.map((f) => f.person))];
  return people.length === 1 ? { phrase, person: people[0]! } : undefined;
}

/**
 * "审议通过《…三年行动计划（2024—2026年）》的那次会议": a meeting named by a document it reviewed. Returns the words
 * that name it and the meeting's own name ("2024年度长三角地区主要领导座谈会") to put in their place, so the years
 * inside the title do not read as meetings. Undefined unless exactly one meeting reviewed that document.
 */
export function meetingByDocument(question: string, ctx: TypedContext): { span: string; name: string } | undefined {
  const span =
    /(?:审议(?:通过)?了?|通过了?|印发了?|发布了?)?《([^》]{4,60})》(?:的)?(?:那次|这次|那场|那届|那一次)?(?:会议|座谈会|会)/u.exec(
      question,
    );
  if (!span) return undefined;
  const wanted = normaliseTitle(span[1]!);
  const ids = new Set(
    ctx.knowledge.meetings
      .filter((m) => m.documents.some((d) => normaliseTitle(d.title) === wanted))
      .map((m) => m.meetingId),
  );
  const meeting = ids.size === 1 ? ctx.meetings.find((m) => ids.has(m.id)) : undefined;
  return meeting ? { span: span[0], name: meeting.title } : undefined;
}

/** A document title compared without brackets, dashes and spaces as people type them differently. */
function normaliseTitle(title: string): string {
  return normaliseNumerals(title).replace(/[\s()（）—–\-－~～至]/gu, "");
}

const regionPosts = new WeakMap<Knowledge, RegExp | undefined>();

/**
 * "安徽省委书记", "浙江省长" (or "安徽 省长", as an English question reads): a province followed by a post word of
 * the reports; built once per knowledge layer.
 */
function regionPostPattern(knowledge: Knowledge): RegExp | undefined {
  if (!regionPosts.has(knowledge)) {
    const postWords = [...knowledge.postWords].sort((a, b) => b.length - a.length).map(escapeRegExp);
    regionPosts.set(
      knowledge,
      postWords.length
        ? new RegExp(`(${PROVINCES.join("|")})(?:省|市)?(?:委)?\\s*(${postWords.join("|")})`, "u")
        : undefined,
    );
  }
  return regionPosts.get(knowledge);
}

/** Who led or made something: "哪个机构牵头做的", "由谁起草". */
const WHO_MADE =
  /(?:谁|哪个?\p{Script=Han}{0,3}?|哪些\p{Script=Han}{0,3}?)(?:牵头|负责)|(?:谁|哪[家个]\p{Script=Han}{0,4}?)(?:做|设计)的|由谁|\bwho (?:led|drafted|prepared|wrote|designed|made)\b/iu;

/** Being at a meeting, as a question asks it. */
const ATTENDED = /参加|出席|参会|与会|到会|\battend(?:ed|s|ing)?\b/iu;
/** Who attended for a province: "代表安徽出席", "represented Zhejiang". */
const REPRESENTED = /代表\p{Script=Han}{2,3}(?:出席|参加|与会|参会)|\brepresent(?:ed|s|ing)?\b/iu;

/** The day after a meeting opened ("第二天", "次日", "the next day"). */
const DAY_AFTER = /第二天|第2天|次日|翌日|\bthe (?:next|following|second) day\b/iu;

/** A question for what took place ("什么活动", "还有什么", "what happened"), not for who did something then. */
const WHAT_HAPPENED =
  /什么活动|哪些活动|什么安排|举办了什么|举行了什么|还有什么|\bwhat (?:else )?(?:happened|took place|was held|events?)\b/iu;

/** "第二天举办了什么活动": the forum or results conference a report dates to the meeting's second day. */
function dayAfter(out: Answer, ctx: TypedContext, meeting: Meeting): boolean {
  const next = Number(meeting.startDate.slice(8, 10)) + 1;
  const events = (factsOf(ctx, meeting.id)?.events ?? []).filter(
    (e) => e.event !== "meeting" && e.dateText && new RegExp(`(?:^|月)${next}日`, "u").test(e.dateText),
  );
  for (const event of events) {
    const what = event.event === "forum" ? (meeting.forum ?? "论坛") : "成果发布会";
    out.say(
      out.language === "en"
        ? `${capitalise(label(ctx, meeting.id, "en"))}: the next day (${event.dateText}) held ${what}`
        : `${label(ctx, meeting.id, "zh")}：第二天（${event.dateText}）的活动是${what}`,
      [event.chunkId],
    );
  }
  return events.length > 0;
}

/** When and where asked together. */
const WHEN_AND_WHERE =
  /\bwhen and where\b|\bwhere and when\b|\bwhere and (?:on )?(?:what|which) dates?\b|(?:什么时候|何时|哪天|哪一天|几月几[日号])[^，。？?]{0,6}(?:在哪|在什么地方|哪个城市)|(?:在哪|哪个城市)[^，。？?]{0,8}(?:什么时候|何时|哪天)/iu;

/** A question for the theme itself, beside another question ("…在哪开的？那次的主题是什么？"). */
const ASKS_THEME = new RegExp(
  `(?:${THEME_WORDS.source})[^，。？?]{0,4}(?:是什么|是啥|叫什么|为何)|\\bwhat was (?:the|its) (?:theme|topic|slogan)\\b`,
  "iu",
);

/** A question for the day itself, beside another question ("第几届？哪天开的？"). */
const ASKS_DAY = /哪天|哪一天|几月几日|几号|什么时候|何时|日期|\bwhen\b|\bwhat date\b|\bwhich day\b/iu;

/** A time that has passed since something began ("提出并实施了多长时间", "成立以来多少年", "how long has it been"). */
const ELAPSED =
  /(提出|实施|上升为|成立|建立|启动|开展|推进|以来)[^，。？?]{0,6}(多长时间|多久|几年|多少年)|\bhow long (?:has|have|had)\b/iu;

/** People of the knowledge layer the question names, longest names first. */
function namedPeople(asked: string, knowledge: Knowledge): string[] {
  return [...knowledge.people]
    .filter((p) => asked.includes(p))
    .sort((a, b) => b.length - a.length)
    .slice(0, 2);
}

/** Post words the question names: "省长", "书记", or their English names. */
function askedPosts(asked: string, knowledge: Knowledge): string[] {
  const posts = [...knowledge.postWords].filter((w) => asked.includes(w));
  for (const { words, post } of ENGLISH_POSTS) if (words.test(asked)) posts.push(post);
  // "副书记、省长" asks for the governor; "书记" alone is never the deputy's post.
  return [...new Set(posts)].filter(
    (p) => !posts.some((other) => other !== p && other.endsWith(p) && other.length > p.length && !/^副/u.test(other)),
  );
}

/** "龚正：上海市委副书记、市长——2021年度座谈会（无锡）[1]、…". */
function rolesOf(
  out: Answer,
  ctx: TypedContext,
  person: string,
  scope: readonly Meeting[],
  /** Only the meetings where the person held this post (all of them when there is none). */
  held?: { posts: readonly string[]; region: string | undefined },
): void {
  const wanted = scope.length ? new Set(scope.map((m) => m.id)) : undefined;
  const all = ctx.knowledge.meetings
    .flatMap((m) => m.posts.filter((p) => p.person === person && p.post))
    .filter((p) => !wanted || wanted.has(p.meetingId));
  const matching = held ? all.filter((p) => holdsPost(p, held.posts) && inRegion(p, held.region)) : [];
  const facts = matching.length ? matching : all;
  const byPost = new Map<string, PostFact[]>();
  for (const f of facts) byPost.set(f.post, [...(byPost.get(f.post) ?? []), f]);
  for (const [post, list] of byPost) {
    const labels = list.map((f) => label(ctx, f.meetingId, out.language));
    const chunkIds = list.length <= 2 ? corroborated(ctx, list) : list.map((f) => f.chunkId);
    out.say(
      out.language === "en"
        ? `${person}: ${post} (${post}${person}) at ${labels.join(", ")}`
        : `${labels.join("、")}：${post}${person}`,
      chunkIds,
    );
  }
}

/** "2024年度座谈会（温州）：浙江省委副书记、省长王浩[1]". */
function holdersOf(
  out: Answer,
  ctx: TypedContext,
  posts: readonly string[],
  region: string | undefined,
  scope: readonly Meeting[],
  bodies: readonly string[] = [],
): boolean {
  const meetings = scope.length ? scope : everyMeeting(ctx);
  let found = false;
  for (const meeting of meetings) {
    const facts = factsOf(ctx, meeting.id);
    const holding = (facts?.posts ?? []).filter((p) => holdsPost(p, posts));
    const ofBody = holding.filter((p) => bodies.some((b) => p.post.includes(b)));
    const holders = ofBody.length ? ofBody : holding.filter((p) => inRegion(p, region));
    if (!holders.length) continue;
    found = true;
    const names = holders.map((p) => `${p.post}${p.person}`).join("；");
    out.say(
      out.language === "en"
        ? `${capitalise(label(ctx, meeting.id, "en"))}: ${names}`
        : `${label(ctx, meeting.id, "zh")}：${names}`,
      holders.length <= 2 ? corroborated(ctx, holders) : [...new Set(holders.map((p) => p.chunkId))],
    );
  }
  return found;
}

/**
 * The paragraphs that state these posts: where each was read, and one more of the same meeting that says it in the
 * same words ("浙江省委书记易炼红" in the lead and again among the forum's speakers), so either can be checked.
 */
function corroborated(ctx: TypedContext, facts: readonly PostFact[]): string[] {
  const ids = facts.flatMap((f) => [
    f.chunkId,
    ...statedAgain(ctx, f.meetingId, f.chunkId, (c) => c.text.includes(`${f.post}${f.person}`)),
  ]);
  return [...new Set(ids)];
}

/** Another paragraph of a meeting's reports, besides the one cited, that states the same fact: none, or its id. */
function statedAgain(ctx: TypedContext, meetingId: string, cited: string, states: (chunk: Chunk) => boolean): string[] {
  const again = chunksOf(ctx, meetingId).find((c) => c.id !== cited && states(c));
  return again ? [again.id] : [];
}

/** Where a question names a meeting: its year or its title (the end of the question when it does not say). */
function mentionAt(question: string, q: UnderstoodQuery, meeting: Meeting): number {
  const text = `${question} ${q.text}`;
  const at = [String(meeting.year), meeting.title, meeting.city]
    .map((needle) => text.indexOf(needle))
    .filter((i) => i >= 0);
  return at.length ? Math.min(...at) : text.length;
}

/** Whether a person's post is one of the posts asked for (书记, 省长…). */
function holdsPost(fact: PostFact, posts: readonly string[]): boolean {
  return Boolean(fact.post) && posts.some((w) => endsWithPost(fact.post, w));
}

/** Whether a post belongs to the province or city asked about (any, when none is). */
function inRegion(fact: PostFact, region: string | undefined): boolean {
  return !region || fact.region === region;
}

/** "副书记、省长" ends with 省长; "省委书记" with 书记 but "副书记、省长" does not hold 书记. */
function endsWithPost(post: string, word: string): boolean {
  const last = post.split("、").at(-1) ?? post;
  return last.endsWith(word) && !(word === "书记" && last.endsWith("副书记"));
}

function durationOf(out: Answer, ctx: TypedContext, meetings: readonly Meeting[]): boolean {
  let found = false;
  for (const meeting of meetings) {
    const event = factsOf(ctx, meeting.id)?.events.find((e) => e.event === "meeting");
    if (!event) continue;
    const days = Math.round((Date.parse(meeting.endDate) - Date.parse(meeting.startDate)) / 86_400_000) + 1;
    if (!(days >= 1)) continue;
    found = true;
    const when = event.dateText ?? "";
    out.say(
      out.language === "en"
        ? `${capitalise(label(ctx, meeting.id, "en"))} lasted ${days} day${days > 1 ? "s" : ""}: ${englishDate(meeting)} (${when})`
        : `${label(ctx, meeting.id, "zh")}会期${CN_COUNTS[days] ?? days}天（${days}天）：${chineseSpan(meeting)}`,
      [event.chunkId],
    );
  }
  return found;
}

/** "2025年度座谈会（南京）期间举办的是第七届长三角一体化发展高层论坛", citing where the report names it. */
function editionsOf(out: Answer, ctx: TypedContext, meetings: readonly Meeting[]): boolean {
  let found = false;
  for (const meeting of meetings) {
    // 第七届 → 第7届, the numerals' one rule.
    const edition = /^第(\d+)届/u.exec(normaliseNumerals(meeting.forum ?? ""))?.[1];
    if (edition === undefined) continue;
    // A report without one on the forum itself names it among the meeting's events ("举办了第三届…论坛").
    const chunkId =
      factsOf(ctx, meeting.id)?.events.find((e) => e.event === "forum")?.chunkId ??
      chunksOf(ctx, meeting.id).find((c) => c.text.includes(meeting.forum!))?.id;
    if (!chunkId) continue;
    // The meeting's own report names it among its events too ("举办了第七届…论坛"): either says which edition.
    const named = statedAgain(
      ctx,
      meeting.id,
      chunkId,
      (c) => c.articleKind === "meeting" && c.text.includes(`举办了${meeting.forum}`),
    );
    found = true;
    out.say(
      out.language === "en"
        ? `${capitalise(label(ctx, meeting.id, "en"))} held the ${englishOrdinal(Number(edition))} high-level forum (${meeting.forum})`
        : `${label(ctx, meeting.id, "zh")}期间举办的是${meeting.forum}`,
      [chunkId, ...named],
    );
  }
  return found;
}

function datesOf(
  out: Answer,
  ctx: TypedContext,
  meetings: readonly Meeting[],
  kind: "meeting" | "forum" | "results",
): boolean {
  let found = false;
  for (const meeting of meetings) {
    const event = factsOf(ctx, meeting.id)?.events.find((e) => e.event === kind);
    if (!event?.dateText) continue;
    found = true;
    const what =
      kind === "forum"
        ? out.language === "en"
          ? "its forum"
          : (meeting.forum ?? "论坛")
        : kind === "results"
          ? out.language === "en"
            ? "its results conference"
            : "成果发布会"
          : "";
    const date = /月/u.test(event.dateText)
      ? event.dateText
      : `${Number(meeting.startDate.slice(5, 7))}月${event.dateText}`;
    out.say(
      out.language === "en"
        ? `${capitalise(label(ctx, meeting.id, "en"))}${what ? `, ${what},` : ""} was held on ${englishDate(meeting, kind === "meeting" ? undefined : date)} (${meeting.year}年${date})`
        : `${label(ctx, meeting.id, "zh")}${what ? `的${what}` : ""}于${meeting.year}年${date}举行${
            // The lead sentence dates the opening day; the meeting may go on (5月26日 and the results on 27日).
            kind === "meeting" && meeting.startDate !== meeting.endDate && !/至/u.test(date)
              ? `，会期${chineseSpan(meeting)}`
              : ""
          }`,
      [event.chunkId],
    );
  }
  return found;
}

function placesOf(out: Answer, ctx: TypedContext, meetings: readonly Meeting[], kind: "meeting" | "forum"): boolean {
  let found = false;
  for (const meeting of meetings) {
    const event =
      factsOf(ctx, meeting.id)?.events.find((e) => e.event === kind) ??
      factsOf(ctx, meeting.id)?.events.find((e) => e.event === "meeting");
    if (!event?.placeText) continue;
    found = true;
    const what =
      kind === "forum"
        ? (meeting.forum ?? "论坛")
        : meeting.kind === "annual"
          ? `${meeting.year}年度座谈会`
          : meeting.title;
    out.say(
      out.language === "en"
        ? `${capitalise(label(ctx, meeting.id, "en"))}${kind === "forum" ? "'s forum" : ""} was held in ${event.placeText} (${meeting.city})`
        : `${what}在${event.placeText}举行${event.placeText.includes(meeting.city) ? "" : `（${meeting.city}）`}`,
      meetings.length <= 2 ? [event.chunkId, ...heldAgain(ctx, meeting, event.chunkId)] : [event.chunkId],
    );
  }
  return found;
}

/** Another paragraph of the meeting's reports that says where it was held ("…座谈会在浙江温州举行" as a headline). */
function heldAgain(ctx: TypedContext, meeting: Meeting, cited: string): string[] {
  const held = new RegExp(
    `${escapeRegExp(meeting.title)}在[^，。；]{0,8}${escapeRegExp(meeting.city)}[^，。；]{0,4}(?:举行|召开)`,
    "u",
  );
  return statedAgain(ctx, meeting.id, cited, (c) => held.test(c.text));
}

function themesOf(out: Answer, ctx: TypedContext, meetings: readonly Meeting[]): boolean {
  let found = false;
  for (const meeting of meetings) {
    const theme = factsOf(ctx, meeting.id)?.theme;
    if (!theme) continue;
    found = true;
    out.say(
      out.language === "en"
        ? `The theme of ${label(ctx, meeting.id, "en")} was “${theme.text}”`
        : `${label(ctx, meeting.id, "zh")}的主题是“${theme.text}”`,
      [theme.chunkId],
    );
  }
  return found;
}

function documentsOf(out: Answer, ctx: TypedContext, meetings: readonly Meeting[], title?: string): boolean {
  let found = false;
  for (const meeting of meetings) {
    // "《…》是哪次会议审议的": only the meetings that reviewed that one, and only it.
    const all = factsOf(ctx, meeting.id)?.documents ?? [];
    const docs = title ? all.filter((d) => normaliseTitle(d.title) === normaliseTitle(title)) : all;
    if (!docs.length) continue;
    found = true;
    const titles = docs.map((d) => `《${d.title}》`).join("");
    out.say(
      out.language === "en"
        ? `${capitalise(label(ctx, meeting.id, "en"))} reviewed ${titles}`
        : `${label(ctx, meeting.id, "zh")}审议了${titles}`,
      [...new Set(docs.map((d) => d.chunkId))],
    );
  }
  return found;
}

/** Who chaired each meeting; with `withPost` ("谁主持的？他当时担任什么职务？") also the post the report gives them there. */
function chairsOf(out: Answer, ctx: TypedContext, meetings: readonly Meeting[], withPost = false): boolean {
  let found = false;
  for (const meeting of meetings) {
    const facts = factsOf(ctx, meeting.id);
    const chair = facts?.chairs[0];
    if (!chair) continue;
    found = true;
    out.say(
      out.language === "en"
        ? `At ${label(ctx, meeting.id, "en")}: ${chair.clause}`
        : `${label(ctx, meeting.id, "zh")}：${chair.clause}`,
      chair.headlineChunkId ? [chair.chunkId, chair.headlineChunkId] : [chair.chunkId],
    );
    const post = withPost ? facts.posts.find((p) => p.person === chair.person && p.post) : undefined;
    if (post)
      out.say(
        out.language === "en" ? `${chair.person} was then ${post.post}` : `${chair.person}时任${post.post}`,
        [post.chunkId],
        true,
      );
  }
  return found;
}

/** "June 5–6, 2024" from the meeting's dates, or from a Chinese date of one of its events. */
function englishDate(meeting: Meeting, chineseDate?: string): string {
  if (chineseDate) {
    const m = /(\d{1,2})月(\d{1,2})日/u.exec(chineseDate);
    if (m) return `${MONTHS[Number(m[1]) - 1]} ${Number(m[2])}, ${meeting.year}`;
  }
  const [, sm, sd] = meeting.startDate.split("-").map(Number);
  const [, em, ed] = meeting.endDate.split("-").map(Number);
  const start = `${MONTHS[sm! - 1]} ${sd}`;
  if (meeting.startDate === meeting.endDate) return `${start}, ${meeting.year}`;
  return sm === em ? `${start}–${ed}, ${meeting.year}` : `${start} – ${MONTHS[em! - 1]} ${ed}, ${meeting.year}`;
}

/** A meeting's days as the reports write them: "2021年5月26日至27日", "2023年11月30日". */
function chineseSpan(meeting: Meeting): string {
  const [y, sm, sd] = meeting.startDate.split("-").map(Number);
  const [, em, ed] = meeting.endDate.split("-").map(Number);
  const start = `${y}年${sm}月${sd}日`;
  if (meeting.startDate === meeting.endDate) return start;
  return `${start}至${em === sm ? "" : `${em}月`}${ed}日`;
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
