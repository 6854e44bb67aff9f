/**
 * Two meetings side by side: what each stresses that the other does not
 * (terms and phrases found in several of its paragraphs and in none of the
 * other's), the documents each reviewed (《…》 next to 审议/通过/签署/发布…),
 * the named projects only one of them mentions, and each catalogue theme's
 * share in both. Every item keeps the paragraph it came from, for its citation.
 */
import type { Chunk } from "../index/chunk.js";
import type { Segmenter } from "../index/segmenter.js";
import { DEFAULT_THEMES, type ParagraphText, type Theme } from "../digest/themes.js";
import { weighTheme, type TrendMeeting } from "./weights.js";

/** One item of a comparison, with the paragraph that shows it. */
export interface CompareItem {
  text: string;
  /** Paragraphs of its meeting that contain it. */
  paragraphs: number;
  chunk: Chunk;
}

/** What one meeting has that the other lacks. */
export interface MeetingSide {
  meeting: TrendMeeting;
  terms: CompareItem[];
  documents: CompareItem[];
  projects: CompareItem[];
}

/** The comparison of two meetings, earlier first. */
export interface Comparison {
  earlier: MeetingSide;
  later: MeetingSide;
  /** Share of paragraphs per catalogue theme in both meetings, catalogue order. */
  themes: { theme: Theme; earlier: number; later: number }[];
}

const MAX_ITEMS = 6;
const DOCUMENT = /《([^《》]{2,60})》/gu;
const REVIEW_VERBS = /审议|通过|签署|签约|发布|印发|出台|制定|研究|讨论|形成/u;
const PROJECT_SUFFIX =
  "(?:项目|平台|工程|走廊|中心|基地|实验室|联盟|集群|通道|枢纽|园区|示范区|先行区|合作区|试验区|大会|行动|计划|专线|网络|共同体|指数)";
const PROJECT = new RegExp(`[\\p{Script=Han}A-Za-z0-9]{2,18}?${PROJECT_SUFFIX}(?![\\p{Script=Han}])`, "gu");
// Verbs and joiners that open the phrase a project name follows; the name starts after the last one.
const PROJECT_LEAD =
  /^.*(?:共建|共同|联合|合力|携手|建设|建成|建立|成立|组建|打造|推动|推进|加快|加强|实施|启动|深化|开展|举办|依托|围绕|聚焦|支持|谋划|培育|发挥|提升|完善|优化|布局|落地|签署|发布|以及|和|与|及|等|了|的|为|在|把|将|对|是)/u;
const GENERIC = new Set([
  "长三角",
  "一体化",
  "三省一市",
  "座谈会",
  "会议",
  "高质量发展",
  "发展",
  "推动",
  "加快",
  "建设",
  "坚持",
  "深入",
  "持续",
  "进一步",
  "指出",
  "强调",
  "表示",
  "致辞",
  "讲话",
  "重要讲话",
  "要求",
  "全国",
  "基本",
]);

/**
 * Compares two meetings' paragraphs.
 * @param people Person names (never "distinctive terms": every meeting has its own officials).
 */
export function compareMeetings(options: {
  earlier: TrendMeeting;
  later: TrendMeeting;
  paragraphs: readonly ParagraphText[];
  segmenter: Segmenter;
  people?: readonly string[];
  themes?: readonly Theme[];
}): Comparison {
  const { earlier, later, segmenter } = options;
  const themes = options.themes ?? DEFAULT_THEMES;
  const of = (m: TrendMeeting) => options.paragraphs.filter((p) => p.chunk.meetingId === m.meetingId);
  const a = of(earlier);
  const b = of(later);
  const skip = new Set([...(options.people ?? []), earlier.city, later.city, ...GENERIC]);
  const weights = themes.map((theme) => weighTheme(theme, [...a, ...b], [earlier, later]));
  return {
    earlier: side(earlier, a, b, segmenter, skip),
    later: side(later, b, a, segmenter, skip),
    themes: themes.map((theme, i) => ({
      theme,
      earlier: weights[i]!.meetings[0]!.share,
      later: weights[i]!.meetings[1]!.share,
    })),
  };
}

function side(
  meeting: TrendMeeting,
  own: readonly ParagraphText[],
  other: readonly ParagraphText[],
  segmenter: Segmenter,
  skip: Set<string>,
): MeetingSide {
  const otherText = other.map((p) => p.text).join("\n");
  return {
    meeting,
    terms: distinctiveTerms(own, other, segmenter, skip),
    documents: collect(own, (text) =>
      [...text.matchAll(DOCUMENT)]
        .filter((m) => REVIEW_VERBS.test(sentenceAround(text, m.index)))
        .map((m) => `《${m[1]}》`),
    ).slice(0, MAX_ITEMS),
    projects: collect(own, (text) =>
      [...text.matchAll(PROJECT)]
        .map((m) => m[0].replace(PROJECT_LEAD, ""))
        .filter((name) => [...name].length >= 4 && !/^《/u.test(name)),
    )
      .filter((item) => !otherText.includes(item.text))
      .slice(0, MAX_ITEMS),
  };
}

/** Words and two-word phrases in at least two of `own`'s paragraphs and none of `other`'s, most widespread first. */
function distinctiveTerms(
  own: readonly ParagraphText[],
  other: readonly ParagraphText[],
  segmenter: Segmenter,
  skip: Set<string>,
): CompareItem[] {
  const candidates = (text: string): string[] => {
    const words = segmenter.preciseWords(text).filter((w) => /^\p{Script=Han}{2,}$/u.test(w));
    const phrases = words
      .slice(1)
      .map((w, i) => [words[i]!, w] as const)
      .filter(([x, y]) => !skip.has(x) && !skip.has(y) && x.length + y.length <= 8)
      .map(([x, y]) => x + y);
    return [...words.filter((w) => !skip.has(w)), ...phrases];
  };
  const otherSeen = new Set(other.flatMap((p) => candidates(p.text)));
  const otherText = other.map((p) => p.text).join("\n");
  const found = collect(own, (text) => candidates(text).filter((w) => !otherSeen.has(w) && !otherText.includes(w)));
  const kept: CompareItem[] = [];
  for (const item of found
    .filter((i) => i.paragraphs >= 2)
    .sort((x, y) => y.paragraphs - x.paragraphs || y.text.length - x.text.length)) {
    // A word inside a kept phrase with the same reach adds nothing.
    if (kept.some((k) => (k.text.includes(item.text) || item.text.includes(k.text)) && k.paragraphs >= item.paragraphs))
      continue;
    kept.push(item);
    if (kept.length === MAX_ITEMS + 2) break;
  }
  return kept;
}

/** Distinct strings `extract` finds, each with the first paragraph holding it and how many do; first-seen order. */
function collect(paragraphs: readonly ParagraphText[], extract: (text: string) => string[]): CompareItem[] {
  const items = new Map<string, CompareItem>();
  for (const paragraph of paragraphs) {
    for (const text of new Set(extract(paragraph.text))) {
      const item = items.get(text);
      if (item) item.paragraphs += 1;
      else items.set(text, { text, paragraphs: 1, chunk: { ...paragraph.chunk, text: paragraph.text } });
    }
  }
  return [...items.values()];
}

function sentenceAround(text: string, at: number): string {
  const start = Math.max(text.lastIndexOf("。", at), text.lastIndexOf("；", at)) + 1;
  const end = text.indexOf("。", at);
  return text.slice(start, end === -1 ? undefined : end);
}
