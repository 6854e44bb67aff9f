/**
 * Everything the bot shows, as Telegram HTML. All outside text goes through
 * {@link escapeHtml}; nothing here talks to Telegram.
 */
import type { Answer, Citation } from "../answer/types.js";
import type { Article, Meeting, Paragraph } from "../corpus/types.js";
import { texts, type Lang } from "./i18n.js";

/** Escapes text for Telegram HTML (the three characters Telegram requires). */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Escapes an attribute value (href), quotes included. */
export function escapeAttribute(text: string): string {
  return escapeHtml(text).replace(/"/g, "&quot;");
}

/**
 * A short meeting name for citation lines: the annual
 * "2024年度长三角地区主要领导座谈会" becomes "2024年度座谈会"; other titles
 * (e.g. the 2023 symposium) are kept, since shortening them would lose what they are.
 */
export function shortMeetingTitle(title: string, date: string): string {
  if (!title.includes("主要领导座谈会")) return title;
  const year = /(\d{4})\s*年/u.exec(title)?.[1] ?? /^\d{4}/u.exec(date)?.[0];
  return year === undefined ? "座谈会" : `${year}年度座谈会`;
}

/**
 * The label of a citation line, e.g. `2024年度座谈会（温州）· 会议报道 第5段`
 * (en: `2024年度座谈会 (温州) · meeting report, para. 5`).
 */
export function citationLabel(citation: Citation, lang: Lang): string {
  const t = texts(lang);
  const title = shortMeetingTitle(citation.meeting, citation.date);
  const city = citation.city === "" ? "" : lang === "zh" ? `（${citation.city}）` : ` (${citation.city})`;
  const kind = t.articleKind[citation.articleKind];
  const paragraph = t.paragraph(citation.paragraph);
  return lang === "zh" ? `${title}${city} · ${kind} ${paragraph}` : `${title}${city} · ${kind}, ${paragraph}`;
}

/** The full reply to a question: the answer, then one numbered line per citation. */
export function formatAnswerHtml(answer: Answer): string {
  const body = escapeHtml(answer.answer.trim());
  if (answer.citations.length === 0) return body;
  const t = texts(answer.language);
  const lines = answer.citations.map((c) => `[${c.n}] ${escapeHtml(citationLabel(c, answer.language))}`);
  return `${body}\n\n<b>${t.sourcesHeader}</b>\n${lines.join("\n")}`;
}

/** What a streamed answer shows while it grows: the text so far and an ellipsis. */
export function formatPartialHtml(text: string, maxChars = 3900): string {
  const shown = text.length > maxChars ? text.slice(0, maxChars) : text;
  return `${escapeHtml(shown.trimEnd())} …`;
}

/** One paragraph of a report, as opened from a citation. */
export interface SourceView {
  meetingTitle: string;
  date: string;
  city: string;
  articleKind: Article["kind"];
  articleTitle: string;
  paragraph: number;
  text: string;
  sourceName: string;
  url?: string | undefined;
}

/** A {@link SourceView} from the corpus. */
export function sourceViewOf(meeting: Meeting, article: Article, paragraph: Paragraph): SourceView {
  return {
    meetingTitle: meeting.title,
    date: dateRange(meeting.startDate, meeting.endDate),
    city: meeting.city,
    articleKind: article.kind,
    articleTitle: article.title,
    paragraph: paragraph.n,
    text: paragraph.text,
    sourceName: meeting.source.name,
    url: meeting.source.url,
  };
}

/** A {@link SourceView} from a citation alone (when the meetings list no longer has the paragraph). */
export function sourceViewOfCitation(citation: Citation): SourceView {
  return {
    meetingTitle: citation.meeting,
    date: citation.date,
    city: citation.city,
    articleKind: citation.articleKind,
    articleTitle: citation.article,
    paragraph: citation.paragraph,
    text: citation.text,
    sourceName: citation.source.name,
    url: citation.source.url,
  };
}

/** The message that opens a cited paragraph: meeting, date, place, article, the paragraph, and its source. */
export function formatSourceHtml(view: SourceView, lang: Lang): string {
  const t = texts(lang);
  const where = [view.date, view.city].filter((s) => s !== "").join(" · ");
  const colon = lang === "zh" ? "：" : ": ";
  const article = `${t.articleKind[view.articleKind]}${colon}${view.articleTitle}`;
  const source =
    view.url === undefined || !/^https?:\/\//i.test(view.url)
      ? escapeHtml(view.sourceName)
      : `<a href="${escapeAttribute(view.url)}">${escapeHtml(view.sourceName || view.url)}</a>`;
  return [
    `<b>${escapeHtml(view.meetingTitle)}</b>`,
    escapeHtml(where),
    `<i>${escapeHtml(article)}</i> · ${escapeHtml(t.paragraph(view.paragraph))}`,
    "",
    escapeHtml(view.text),
    "",
    `${t.sourceFrom}${colon}${source}`,
  ].join("\n");
}

/** /meetings: every meeting with its date, place, theme, forum and articles, oldest first. */
export function formatMeetingsHtml(meetings: readonly Meeting[], lang: Lang): string {
  const t = texts(lang);
  if (meetings.length === 0) return escapeHtml(t.noMeetings);
  const colon = lang === "zh" ? "：" : ": ";
  const paren = (text: string) => (lang === "zh" ? `（${text}）` : ` (${text})`);
  const sorted = [...meetings].sort((a, b) => a.startDate.localeCompare(b.startDate));
  const blocks = sorted.map((m) => {
    const place = m.province !== "" && !m.city.startsWith(m.province) ? `${m.province}${m.city}` : m.city;
    const lines = [`<b>${escapeHtml(m.title)}</b>`, escapeHtml(`${dateRange(m.startDate, m.endDate)} · ${place}`)];
    if (m.theme !== undefined && m.theme !== "") lines.push(escapeHtml(`${t.theme}${colon}${m.theme}`));
    if (m.forum !== undefined && m.forum !== "") lines.push(escapeHtml(`${t.forum}${colon}${m.forum}`));
    for (const a of m.articles) {
      const body = a.paragraphs.filter((p) => p.n > 0).length;
      lines.push(escapeHtml(`• ${t.articleKind[a.kind]}${colon}${a.title}${paren(t.paragraphs(body))}`));
    }
    return lines.join("\n");
  });
  return `<b>${escapeHtml(t.meetingsHeader)}</b>\n\n${blocks.join("\n\n")}`;
}

function dateRange(start: string, end: string): string {
  return end === "" || end === start ? start : `${start} – ${end}`;
}
