/**
 * Everything the bot shows, as Telegram HTML. All outside text goes through
 * {@link escapeHtml}; nothing here talks to Telegram.
 */
import { asPrinted } from "../answer/citations.js";
import type { Answer, Citation } from "../answer/types.js";
import type { Article, Meeting, Paragraph } from "../corpus/types.js";
import type { Digest, DigestPoint, DigestStats, SubscriptionView, ThemeCount } from "../digest/index.js";
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
export function citationLabel(
  citation: Pick<Citation, "meeting" | "date" | "city" | "articleKind" | "paragraph">,
  lang: Lang,
): string {
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
    text: asPrinted(paragraph),
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

/** What a citation line needs to know about a digest point, looked up in the meetings (city, article kind). */
export function digestPointCitation(
  point: DigestPoint,
  meetings: readonly Meeting[],
): Pick<Citation, "meeting" | "date" | "city" | "articleKind" | "paragraph"> {
  const meeting = meetings.find((m) => m.id === point.meetingId);
  const article = meeting?.articles.find((a) => a.index === point.articleIndex);
  return {
    meeting: point.meetingTitle,
    date: point.startDate,
    city: meeting?.city ?? "",
    // Without the meetings list, the article title still tells a forum report apart.
    articleKind: article?.kind ?? (point.articleTitle.includes("论坛") ? "forum" : "meeting"),
    paragraph: point.paragraph,
  };
}

/** What to type after /unsubscribe or /digest to name a digest's theme: the catalogue id, or the free-text topic. */
export function digestThemeArgument(digest: Pick<Digest, "themeId" | "themeName">): string {
  return digest.themeId.startsWith("topic:") ? digest.themeName.zh : digest.themeId;
}

/**
 * A digest as one Telegram-HTML message: the title (date and theme), then each point
 * in the order the digest gives (meeting time order) with its 新增/回顾 mark and a
 * citation line `[n] 2024年度座谈会（温州）· 会议报道 第5段` matching the 📄 n button,
 * then a footer saying how to open sources and how to stop.
 */
export function formatDigestHtml(digest: Digest, lang: Lang, meetings: readonly Meeting[] = []): string {
  const t = texts(lang).digest;
  const title = `<b>${escapeHtml(digest.title[lang])}</b>`;
  if (digest.points.length === 0) return `${title}\n\n${escapeHtml(digest.empty?.[lang] ?? "")}`.trim();
  const points = digest.points.map((point, i) => {
    const n = i + 1;
    const mark =
      point.mark === undefined
        ? ""
        : lang === "zh"
          ? `<b>【${escapeHtml(t.marks[point.mark])}】</b>`
          : `<b>[${escapeHtml(t.marks[point.mark])}]</b> `;
    const label = citationLabel(digestPointCitation(point, meetings), lang);
    return `<b>${n}.</b> ${mark}${escapeHtml(point.text)}\n<i>[${n}] ${escapeHtml(label)}</i>`;
  });
  const themeName = digest.themeName[lang];
  const round =
    digest.round === "review"
      ? t.reviewStarts(themeName)
      : digest.round === "last"
        ? t.lastUnsent(themeName)
        : undefined;
  const footer = `<i>${escapeHtml(t.digestFooter(digestThemeArgument(digest)))}</i>`;
  return [title, ...(round === undefined ? [] : [escapeHtml(round)]), ...points, footer].join("\n\n");
}

/**
 * /themes: each catalogue theme in both languages with its id, its total of matching
 * paragraphs and the count in each meeting (oldest first, labelled year + city).
 */
export function formatThemesHtml(counts: readonly ThemeCount[], meetings: readonly Meeting[], lang: Lang): string {
  const t = texts(lang).digest;
  const known = [...meetings].sort((a, b) => a.startDate.localeCompare(b.startDate));
  const extra = [...new Set(counts.flatMap((c) => Object.keys(c.byMeeting)))]
    .filter((id) => !known.some((m) => m.id === id))
    .sort();
  const columns = [
    ...known.map((m) => ({ id: m.id, label: `${m.year}${m.city}` })),
    ...extra.map((id) => ({ id, label: id })),
  ];
  const colon = lang === "zh" ? "：" : ": ";
  const blocks = counts.map((count, i) => {
    const [first, second] = lang === "zh" ? [count.theme.zh, count.theme.en] : [count.theme.en, count.theme.zh];
    const head = `<b>${i + 1}. ${escapeHtml(first)}</b> · ${escapeHtml(second)} · <code>${escapeHtml(count.theme.id)}</code>`;
    const perMeeting = columns.map((c) => `${c.label} ${count.byMeeting[c.id] ?? 0}`).join(" · ");
    return `${head}\n${escapeHtml(`${t.themesTotal(count.total)}${colon}${perMeeting}`)}`;
  });
  return [
    `<b>${escapeHtml(t.themesHeader)}</b>\n<i>${escapeHtml(t.themesNote)}</i>`,
    ...blocks,
    escapeHtml(t.themesFooter),
  ].join("\n\n");
}

/** /subscriptions: one line per subscription with its time and zone, or "none yet" with a hint. */
export function formatSubscriptionsHtml(views: readonly SubscriptionView[], lang: Lang): string {
  const t = texts(lang).digest;
  if (views.length === 0) return escapeHtml(t.noSubscriptions);
  const lines = views.map((v) => escapeHtml(t.subscriptionLine(v.name[lang], v.time, v.timeZone)));
  return `<b>${escapeHtml(t.subscriptionsHeader)}</b>\n${lines.join("\n")}`;
}

/** /stats for admins: subscribers, subscriptions, the last 24 hours of deliveries, feedback. */
export function formatDigestStatsHtml(stats: DigestStats, lang: Lang): string {
  const t = texts(lang).digest;
  return [
    `<b>${escapeHtml(t.statsHeader)}</b>`,
    escapeHtml(t.statsSubscribers(stats.subscribers.active, stats.subscribers.inactive)),
    escapeHtml(t.statsSubscriptions(stats.subscriptions)),
    escapeHtml(t.statsDeliveries(stats.deliveries)),
    escapeHtml(t.statsFeedback(stats.feedback.up, stats.feedback.down)),
  ].join("\n");
}
