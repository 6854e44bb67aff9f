/**
 * The knowledge layer: what Chinese meeting reports state in set forms, read
 * by general patterns of such reports (a post before a name, "以“…”为主题",
 * "审议了《…》", "会议确定，2025年度…在江苏省召开", "X主持会议"), never by
 * the wording of one report. Every fact keeps the chunk it came from, so an
 * answer built from it cites that paragraph.
 */
import { escapeRegExp } from "../text/regexp.js";
import { PROVINCES } from "../corpus/metadata.js";
import type { Meeting } from "../corpus/types.js";
import type { Chunk } from "../index/chunk.js";

/** A person with the post a report gives them at one meeting. */
export interface PostFact {
  person: string;
  /** The post as written: "上海市委副书记、市长". Empty when the report names the person without a post. */
  post: string;
  /** The province or city the post belongs to ("上海"), when the post names one. */
  region?: string | undefined;
  meetingId: string;
  chunkId: string;
}

/** A dated or placed event of a meeting: the meeting itself, its forum, its results conference. */
export interface EventFact {
  event: "meeting" | "forum" | "results";
  /** As the report writes it: "6月5日至6日", "11月30日". */
  dateText?: string | undefined;
  /** "浙江省温州市", "上海". */
  placeText?: string | undefined;
  chunkId: string;
}

/** Who chaired or presided over something ("易炼红主持会议", "信长星代表与会各方通报"). */
export interface ChairFact {
  person: string;
  /** The clause that says it, for the answer. */
  clause: string;
  chunkId: string;
  /** A headline that says it too ("习近平主持召开…座谈会"), cited beside the prose. */
  headlineChunkId?: string | undefined;
}

/** What the reports say about one meeting. */
export interface MeetingFacts {
  meetingId: string;
  events: EventFact[];
  theme?: { text: string; chunkId: string } | undefined;
  /** Documents reviewed or adopted (《…》), in report order. */
  documents: { title: string; chunkId: string }[];
  /** "会议确定，2025年度…在江苏省召开": the next meeting's year and host. */
  nextHost?: { year: number; place: string; clause: string; chunkId: string } | undefined;
  chairs: ChairFact[];
  posts: PostFact[];
}

/** The knowledge layer of a corpus. */
export interface Knowledge {
  meetings: MeetingFacts[];
  /** Every person name the posts mention. */
  people: ReadonlySet<string>;
  /** The post words the reports use (书记, 省长, 市长, 主任…), for question understanding. */
  postWords: ReadonlySet<string>;
}

/** Words that end a post ("…委书记", "…省长", "…董事长"); longest first so 副秘书长 wins over 秘书长. */
const POST_END =
  /(副秘书长|秘书长|副书记|书记|副省长|省长|副市长|市长|副主任|主任|总理|副主席|主席|常委|部长|副校长|校长|董事长|会长|局长|厅长)$/u;
const POST_WORDS = POST_END.source.slice(1, -2).split("|");
/** A date as a lead sentence gives it, with the time of day when it says one ("11月30日上午"). */
const DATE = /\d{1,2}月\d{1,2}日(?:(?:至|—|－|-)(?:\d{1,2}月)?\d{1,2}日)?(?:上午|下午|晚上|晚间)?/u;
const DAY_ONLY = /^(\d{1,2})日(上午|下午)?[，,]/u;
const PLACE = /在(\p{Script=Han}{2,10}?)(?:主持)?(?:举行|召开|举办)/u;

/**
 * Extracts the knowledge layer from the chunks of a corpus.
 * @param people person names the corpus yields (corpus/names.ts), so a post is read only before a known name
 */
export function extractKnowledge(
  meetings: readonly Meeting[],
  chunks: readonly Chunk[],
  people: readonly string[],
): Knowledge {
  const names = [...new Set(people)].sort((a, b) => b.length - a.length);
  const namePattern = names.length ? new RegExp(names.map(escapeRegExp).join("|"), "gu") : undefined;
  const regions = regionNames(meetings);
  // One pass over the chunks: filtering them per meeting would grow with meetings × chunks.
  const byMeeting = new Map<string, Chunk[]>();
  for (const chunk of chunks) {
    const own = byMeeting.get(chunk.meetingId);
    if (own) own.push(chunk);
    else byMeeting.set(chunk.meetingId, [chunk]);
  }
  return knowledgeFrom(
    meetings.map((meeting) => extractMeeting(meeting, byMeeting.get(meeting.id) ?? [], namePattern, regions)),
  );
}

/**
 * The knowledge layer from its per-meeting facts: what ingest saves with the index build
 * (plain JSON) and a start reads back, so no report is re-read for it.
 */
export function knowledgeFrom(facts: MeetingFacts[]): Knowledge {
  const postWords = new Set<string>();
  for (const m of facts)
    for (const p of m.posts)
      for (const w of POST_WORDS) if (p.post.endsWith(w) || p.post.includes(`${w}、`)) postWords.add(w);
  return { meetings: facts, people: new Set(facts.flatMap((m) => m.posts.map((p) => p.person))), postWords };
}

function extractMeeting(
  meeting: Meeting,
  chunks: readonly Chunk[],
  namePattern: RegExp | undefined,
  regions: readonly string[],
): MeetingFacts {
  const facts: MeetingFacts = { meetingId: meeting.id, events: [], documents: [], chairs: [], posts: [] };
  const seenDocs = new Set<string>();
  for (const chunk of chunks) {
    const text = chunk.text;
    if (chunk.paragraph > 0) collectEvent(facts, chunk, meeting);
    const theme = /以“([^”]{4,80})”为主题|围绕“([^”]{4,80})”的?主题/u.exec(text);
    if (theme && !facts.theme && chunk.paragraph > 0) facts.theme = { text: theme[1] ?? theme[2]!, chunkId: chunk.id };
    // Documents are the 《…》 of a sentence that reviews, adopts or issues them.
    for (const sentence of text.split(/(?<=[。！？])/u)) {
      if (!/审议|通过|印发|发布|签署|签订/u.test(sentence)) continue;
      for (const m of sentence.matchAll(/《([^》]{4,80})》/gu)) {
        const title = m[1]!;
        if (seenDocs.has(title)) continue;
        seenDocs.add(title);
        facts.documents.push({ title, chunkId: chunk.id });
      }
    }
    const next =
      /(?:会议)?确定[，,]?\s*((\d{4})年度\p{Script=Han}{0,20}?(?:座谈会|会议))在(\p{Script=Han}{2,8}?)(?:召开|举行|举办)/u.exec(
        text,
      );
    if (next && !facts.nextHost && Number(next[2]) !== meeting.year) {
      facts.nextHost = {
        year: Number(next[2]),
        place: next[3]!,
        clause: trimClause(text, next.index, next.index + next[0].length),
        chunkId: chunk.id,
      };
    }
    if (namePattern) {
      collectPosts(facts, chunk, namePattern, regions);
      if (chunk.paragraph > 0) collectChairs(facts, chunk, namePattern);
    }
  }
  // A headline ("习近平主持召开…座谈会") says who chaired only where the prose does not: the prose is what to cite.
  if (namePattern) for (const chunk of chunks) if (chunk.paragraph === 0) collectChairs(facts, chunk, namePattern);
  return facts;
}

/** A paragraph that opens with a date and says where something was held dates that event. */
function collectEvent(facts: MeetingFacts, chunk: Chunk, meeting: Meeting): void {
  const text = chunk.text;
  const head = text.split(/[。]/u)[0] ?? "";
  const day = DAY_ONLY.exec(head);
  const date = DATE.exec(head)?.[0] ?? (day ? `${day[1]}日${day[2] ?? ""}` : undefined);
  const place = PLACE.exec(head)?.[1];
  if (!date) return;
  const event: EventFact["event"] = /成果发布会|发布会/u.test(head)
    ? "results"
    : chunk.articleKind === "forum" || /论坛/u.test(head)
      ? "forum"
      : "meeting";
  if (event !== "results" && !place) return;
  if (event === "meeting" && !head.includes(meeting.title) && !/座谈会|会议/u.test(head)) return;
  if (facts.events.some((e) => e.event === event)) return;
  facts.events.push({ event, dateText: date, placeText: place, chunkId: chunk.id });
}

/** Posts before names: "上海市委副书记、市长龚正", "国家发展改革委主任郑栅洁、上海市委书记陈吉宁". */
function collectPosts(facts: MeetingFacts, chunk: Chunk, namePattern: RegExp, regions: readonly string[]): void {
  const text = chunk.text;
  let boundary = 0;
  for (const m of text.matchAll(namePattern)) {
    const person = m[0];
    const start = m.index;
    // The post runs back to the previous clause mark or the previous name.
    let from = start;
    while (from > boundary && !/[，；。：:（(“”]/u.test(text[from - 1]!)) from--;
    let post = text.slice(from, start).replace(/^、/u, "");
    boundary = start + person.length;
    // "江苏省委副书记、省长许昆林" keeps its 、; "…主任郑栅洁、上海市委书记陈吉宁" starts after the name.
    if (!POST_END.test(post)) post = "";
    post = post.replace(/^(?:\d{1,2}月\d{1,2}日|同时|会议|座谈会上|论坛上)/u, "");
    if (!post && facts.posts.some((p) => p.person === person)) continue;
    if (facts.posts.some((p) => p.person === person && (p.post === post || !post))) continue;
    // A post found later replaces an earlier bare mention.
    facts.posts = facts.posts.filter((p) => !(p.person === person && !p.post));
    // "上海市委书记" belongs to 上海; "南京大学副校长" to no region.
    const region = regions.find((r) => post.startsWith(r) && /^(省|市|委)/u.test(post.slice(r.length)));
    facts.posts.push({ person, post, region, meetingId: facts.meetingId, chunkId: chunk.id });
  }
}

/** "易炼红主持会议", "习近平11月30日上午在上海主持召开…", "信长星代表与会各方通报…": the name itself is the subject. */
const CHAIRS = /^(?:\d{1,2}月\d{1,2}日)?(?:上午|下午)?(?:在\p{Script=Han}{2,6})?(?:主持|代表与会各方通报)/u;

function collectChairs(facts: MeetingFacts, chunk: Chunk, namePattern: RegExp): void {
  const text = chunk.text;
  for (const m of text.matchAll(namePattern)) {
    if (!CHAIRS.test(text.slice(m.index + m[0].length, m.index + m[0].length + 30))) continue;
    // A post glued before the name ("总书记") means someone else's sentence is quoting it.
    if (/总?书记$/u.test(text.slice(Math.max(0, m.index - 3), m.index)) && chunk.paragraph > 1) continue;
    const clause = trimClause(text, m.index, m.index + m[0].length);
    const known = facts.chairs.find((c) => c.person === m[0]);
    if (!known) facts.chairs.push({ person: m[0], clause, chunkId: chunk.id });
    else if (chunk.paragraph === 0 && known.chunkId !== chunk.id) known.headlineChunkId ??= chunk.id;
  }
}

/** The sentence part around [start, end): from the previous sentence end to the next clause end. */
function trimClause(text: string, start: number, end: number): string {
  // Headline lines are joined by spaces: each part is a clause of its own.
  const stop = (ch: string) => /[。！？ ]/u.test(ch);
  let from = start;
  while (from > 0 && !stop(text[from - 1]!)) from--;
  let to = end;
  while (to < text.length && !stop(text[to]!) && text[to] !== "；") to++;
  return text.slice(from, Math.min(text.length, to + 1)).trim();
}

/** Province names and the meetings' host cities, longest first. */
function regionNames(meetings: readonly Meeting[]): string[] {
  const names = new Set<string>(PROVINCES);
  for (const m of meetings) if (m.city) names.add(m.city);
  return [...names].sort((a, b) => b.length - a.length);
}
