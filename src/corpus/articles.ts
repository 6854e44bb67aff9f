/**
 * Splits a page into its articles and keeps those about the meetings. A newspaper
 * page carries the meeting report, the forum report and unrelated stories, with
 * headlines sometimes printed away from their story; this module puts each
 * headline back with the story it describes and drops the stories that are not
 * about the meetings, saying why.
 */
import { hanBigrams } from "./text.js";
import type { ArticleKind, Block } from "./types.js";

/** An article before numbering: its headline lines and its paragraphs. */
export interface RawArticle {
  headlines: string[];
  paragraphs: string[];
  /** The dateline its first paragraph opened with, if any. */
  dateline?: string;
}

/**
 * Cuts the blocks into articles. A dateline paragraph (本报讯…) opens an article;
 * so does a headline that follows body text. Headlines before an article's first
 * paragraph belong to it until `rehomeHeadlines` says otherwise.
 */
export function splitArticles(blocks: readonly Block[]): RawArticle[] {
  const articles: RawArticle[] = [];
  let current: RawArticle = { headlines: [], paragraphs: [] };
  const startNew = () => {
    if (current.headlines.length || current.paragraphs.length) articles.push(current);
    current = { headlines: [], paragraphs: [] };
  };
  for (const block of blocks) {
    if (block.role === "headline") {
      if (current.paragraphs.length) startNew();
      current.headlines.push(block.text);
    } else {
      if (block.dateline) {
        if (current.paragraphs.length) startNew();
        current.dateline = block.dateline;
      }
      current.paragraphs.push(block.text);
    }
  }
  startNew();
  return articles.filter((a) => a.paragraphs.length > 0 || a.headlines.length > 0);
}

function overlap(grams: Set<string>, text: string): number {
  if (!grams.size) return 0;
  let hits = 0;
  for (const g of grams) if (text.includes(g)) hits++;
  return hits / grams.size;
}

/**
 * Moves each headline line to the article it describes best: the one whose lead
 * paragraph and body share most of its character bigrams. A line moves only when
 * another article matches clearly better than the one it stands before, so
 * a headline that fits both stays where the page printed it.
 */
export function rehomeHeadlines(articles: RawArticle[], margin = 0.15): RawArticle[] {
  const withBody = articles.filter((a) => a.paragraphs.length);
  const texts = withBody.map((a) => ({ lead: a.paragraphs[0] ?? "", body: a.paragraphs.join("") }));
  const fit = (line: string, i: number) => {
    const grams = new Set(hanBigrams(line));
    const t = texts[i]!;
    return 0.5 * overlap(grams, t.lead) + 0.5 * overlap(grams, t.body);
  };
  const result: RawArticle[] = withBody.map((a) => ({
    headlines: [] as string[],
    paragraphs: a.paragraphs,
    ...(a.dateline ? { dateline: a.dateline } : {}),
  }));
  articles.forEach((article) => {
    // Headlines with no story of their own (at the foot of a page) fall to the best match.
    const home = withBody.indexOf(article);
    let previousTarget = -1;
    for (const line of article.headlines) {
      let best = home;
      let bestScore = home >= 0 ? fit(line, home) : -1;
      const homeScore = bestScore;
      withBody.forEach((_, i) => {
        const s = fit(line, i);
        if (s > bestScore) {
          best = i;
          bestScore = s;
        }
      });
      let target = home >= 0 && bestScore < homeScore + margin ? home : best;
      // Lines of one displaced headline block travel together: a moving line that fits the previous
      // line's story nearly as well as its best match stays with that story.
      if (
        target !== home &&
        target !== previousTarget &&
        previousTarget >= 0 &&
        previousTarget !== home &&
        fit(line, previousTarget) >= bestScore - margin
      ) {
        target = previousTarget;
      }
      if (target >= 0) result[target]!.headlines.push(line);
      previousTarget = target;
    }
  });
  return result;
}

/**
 * Says whether the article is about the meeting, and why not. An article is kept
 * when it mentions one of the corpus' topic terms (长三角 by default) at least
 * twice and names a meeting or forum: a 高考 story or a delegation's trip on the
 * same page does neither.
 */
export function relevance(article: RawArticle, topicTerms: readonly string[]): { keep: boolean; reason: string } {
  const text = article.paragraphs.join("");
  const mentions = topicTerms.reduce((n, term) => n + (text.split(term).length - 1), 0);
  const namesEvent = /座谈会|论坛|会议/.test(text);
  if (mentions >= 2 && namesEvent) return { keep: true, reason: "" };
  const terms = topicTerms.join("/");
  if (mentions < 2)
    return { keep: false, reason: `mentions ${terms} ${mentions} time(s); a meeting report mentions it throughout` };
  return { keep: false, reason: "names no meeting or forum" };
}

/**
 * Tells a forum report from a meeting report by what the first sentence reports
 * on: "…高层论坛在南京举行" is the forum; "…座谈会在南京举行" is the meeting.
 */
export function articleKind(article: RawArticle): ArticleKind {
  const first = (article.paragraphs[0] ?? "").split(/[。！？]/)[0] ?? "";
  const forumAt = first.search(/论坛/);
  const meetingAt = first.search(/座谈会|会议/);
  return forumAt >= 0 && (meetingAt < 0 || forumAt < meetingAt) ? "forum" : "meeting";
}

/**
 * A readable title: the headline line that names the event (a page prints several
 * lines: kicker, main line, attendees), else the first headline, else the first sentence.
 */
export function articleTitle(article: RawArticle): string {
  const main = article.headlines.find((h) => /(座谈会|论坛|会议).*(举行|召开)/.test(h)) ?? article.headlines[0];
  if (main) return main;
  const first = (article.paragraphs[0] ?? "").split(/(?<=[。！？])/)[0] ?? "";
  return first.length > 40 ? `${first.slice(0, 40)}…` : first;
}
