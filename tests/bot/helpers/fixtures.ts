/** Two small meetings shaped like parsed reports, enough for citations, sources and /meetings. */
import type { Citation } from "../../../src/answer/types.js";
import type { Meeting } from "../../../src/corpus/types.js";

export const MEETINGS: Meeting[] = [
  {
    id: "2024-wenzhou",
    kind: "annual",
    title: "2024年度长三角地区主要领导座谈会",
    year: 2024,
    startDate: "2024-06-05",
    endDate: "2024-06-05",
    city: "温州",
    province: "浙江",
    theme: "深化创新链产业链跨区域协同",
    forum: "第六届长三角一体化发展高层论坛",
    source: { name: "新华网", url: "https://example.com/news/2024?a=1&b=2", file: "2024-wenzhou.html" },
    format: "html",
    articles: [
      {
        index: 1,
        kind: "meeting",
        title: "2024年度长三角地区主要领导座谈会在温州召开",
        paragraphs: [
          { n: 0, text: "2024年度长三角地区主要领导座谈会在温州召开" },
          { n: 1, text: "6月5日，2024年度长三角地区主要领导座谈会在浙江温州召开。" },
          { n: 2, text: "会议指出，要深化创新链产业链跨区域协同，<共建> 世界级产业集群 & 创新高地。" },
          { n: 3, text: "会议审议了长三角一体化发展重点合作事项。" },
        ],
      },
      {
        index: 2,
        kind: "forum",
        title: "第六届长三角一体化发展高层论坛举行",
        paragraphs: [
          { n: 0, text: "第六届长三角一体化发展高层论坛举行" },
          { n: 1, text: "论坛以“科技创新与产业协同”为主题。" },
        ],
      },
    ],
  },
  {
    id: "2023-hefei",
    kind: "annual",
    title: "2023年度长三角地区主要领导座谈会",
    year: 2023,
    startDate: "2023-06-05",
    endDate: "2023-06-06",
    city: "合肥",
    province: "安徽",
    theme: "携手推进长三角一体化发展",
    source: { name: "安徽日报", file: "2023-hefei.md" },
    format: "markdown",
    articles: [
      {
        index: 1,
        kind: "meeting",
        title: "2023年度长三角地区主要领导座谈会在合肥举行",
        paragraphs: [
          { n: 0, text: "2023年度长三角地区主要领导座谈会在合肥举行" },
          { n: 1, text: "6月5日至6日，2023年度长三角地区主要领导座谈会在合肥举行。" },
        ],
      },
    ],
  },
];

/** A citation of paragraph `paragraph` of article `articleIndex` of a fixture meeting. */
export function citationOf(n: number, meetingId: string, articleIndex: number, paragraph: number): Citation {
  const meeting = MEETINGS.find((m) => m.id === meetingId)!;
  const article = meeting.articles.find((a) => a.index === articleIndex)!;
  return {
    n,
    meetingId,
    meeting: meeting.title,
    article: article.title,
    articleIndex,
    articleKind: article.kind,
    paragraph,
    text: article.paragraphs.find((p) => p.n === paragraph)!.text,
    source: { name: meeting.source.name, url: meeting.source.url },
    date: meeting.startDate,
    city: meeting.city,
  };
}
