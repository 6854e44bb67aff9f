/**
 * Infers a meeting's metadata from its reports: title, year, dates, host city and
 * province, theme and the forum held alongside. Only general patterns of Chinese
 * news leads are used ("6月5日至6日，2024年度…座谈会在浙江省温州市举行"); what the
 * text does not say comes from the manifest.
 */
import type { ArticleKind, MeetingKind } from "./types.js";

/** Province-level divisions of China; the four municipalities are also their own city. */
export const PROVINCES = [
  "北京",
  "天津",
  "上海",
  "重庆",
  "河北",
  "山西",
  "辽宁",
  "吉林",
  "黑龙江",
  "江苏",
  "浙江",
  "安徽",
  "福建",
  "江西",
  "山东",
  "河南",
  "湖北",
  "湖南",
  "广东",
  "海南",
  "四川",
  "贵州",
  "云南",
  "陕西",
  "甘肃",
  "青海",
  "台湾",
  "内蒙古",
  "广西",
  "西藏",
  "宁夏",
  "新疆",
  "香港",
  "澳门",
] as const;
/** Each province's one-character short name, as in 沪苏浙皖 or 京津冀. */
const SHORT_NAMES: Readonly<Record<string, (typeof PROVINCES)[number]>> = {
  京: "北京",
  津: "天津",
  沪: "上海",
  渝: "重庆",
  冀: "河北",
  晋: "山西",
  辽: "辽宁",
  吉: "吉林",
  黑: "黑龙江",
  苏: "江苏",
  浙: "浙江",
  皖: "安徽",
  闽: "福建",
  赣: "江西",
  鲁: "山东",
  豫: "河南",
  鄂: "湖北",
  湘: "湖南",
  粤: "广东",
  琼: "海南",
  川: "四川",
  黔: "贵州",
  滇: "云南",
  陕: "陕西",
  甘: "甘肃",
  青: "青海",
  台: "台湾",
  蒙: "内蒙古",
  桂: "广西",
  藏: "西藏",
  宁: "宁夏",
  新: "新疆",
  港: "香港",
  澳: "澳门",
};

/**
 * The provinces a word strings together by their short names ("沪苏浙皖", "苏浙皖" → 上海, 江苏…), or none when
 * the word is not such a run. Pass a whole word as segmented: "苏浙" inside "江苏浙江" is not one.
 */
export function provincesAbbreviated(word: string): string[] {
  const chars = [...word];
  if (chars.length < 2 || !chars.every((c) => c in SHORT_NAMES)) return [];
  return chars.map((c) => SHORT_NAMES[c]!);
}
/** The four municipalities, each its own city: their heads are mayors and their party secretaries 市委书记. */
export const MUNICIPALITIES = ["北京", "天津", "上海", "重庆"] as const;

/** Metadata the text gave; any field may be missing. */
export interface InferredMetadata {
  title?: string;
  kind?: MeetingKind;
  year?: number;
  startDate?: string;
  endDate?: string;
  city?: string;
  province?: string;
  theme?: string;
  forum?: string;
  sourceName?: string;
}

interface ArticleText {
  kind: ArticleKind;
  paragraphs: string[];
}

const DATE_RANGE = /(\d{1,2})月(\d{1,2})日(?:上午|下午|晚)?(?:(?:至|—|－|-)(?:(\d{1,2})月)?(\d{1,2})日)?/;
const pad = (n: number) => String(n).padStart(2, "0");

/** Splits "浙江省温州市" / "江苏无锡" / "上海" into province and city. */
export function splitPlace(place: string): { province?: string; city?: string } {
  const clean = place.replace(/^(中国)/, "");
  for (const p of PROVINCES) {
    if (!clean.startsWith(p)) continue;
    const rest = clean.slice(p.length).replace(/^(省|市|自治区|特别行政区)/, "");
    const city = rest.replace(/市$/, "");
    if (city) return { province: p, city };
    return (MUNICIPALITIES as readonly string[]).includes(p) ? { province: p, city: p } : { province: p };
  }
  const city = clean.replace(/市$/, "");
  return city ? { city } : {};
}

/** Infers what it can from the kept articles (meeting report first) and front matter. */
export function inferMetadata(articles: readonly ArticleText[], frontMatter: Record<string, string>): InferredMetadata {
  const meta: InferredMetadata = {};
  const meeting = articles.find((a) => a.kind === "meeting") ?? articles[0];
  const lead = meeting?.paragraphs[0] ?? "";
  const firstSentence = lead.split(/[。！？]/)[0] ?? "";
  const allText = articles.flatMap((a) => a.paragraphs).join("\n");

  const title = /(?:召开|，|^)((?:\d{4}年度)?[^，。、；\s“”]{2,30}?座谈会)(?=在|并|，|。|$)/u.exec(firstSentence)?.[1];
  if (title) meta.title = title;
  else if (frontMatter.title) meta.title = frontMatter.title;
  if (meta.title && /年度.*主要领导座谈会/.test(meta.title)) meta.kind = "annual";

  const titleYear = /(\d{4})年度/.exec(meta.title ?? "")?.[1];
  const fmYear = frontMatter.date ? new Date(frontMatter.date).getUTCFullYear() : NaN;
  if (titleYear) meta.year = Number(titleYear);
  else if (Number.isFinite(fmYear)) meta.year = fmYear;

  const place = /在([\p{Script=Han}]{2,12}?)(?:主持)?(?:举行|召开|举办)/u.exec(firstSentence)?.[1];
  if (place) Object.assign(meta, splitPlace(place));

  const theme = /以“([^”]{2,60})”为主题/.exec(allText)?.[1];
  if (theme) meta.theme = theme;
  const forum =
    /(第[〇一二三四五六七八九十\d]+届[\p{Script=Han}]{2,20}?论坛)/u.exec(allText)?.[1] ??
    articles
      .filter((a) => a.kind === "forum")
      .map((a) => /([\p{Script=Han}]{4,24}?论坛)(?=在|于)/u.exec(a.paragraphs[0] ?? "")?.[1])
      .find(Boolean);
  if (forum) meta.forum = forum;
  if (frontMatter.author) meta.sourceName = frontMatter.author;

  if (meta.year) {
    const dates = articles
      .map((a) => DATE_RANGE.exec((a.paragraphs[0] ?? "").split(/[。！？]/)[0] ?? ""))
      .filter((m): m is RegExpExecArray => m !== null)
      .flatMap((m) => {
        const month = Number(m[1]);
        const start = `${meta.year}-${pad(month)}-${pad(Number(m[2]))}`;
        const end = m[4] ? `${meta.year}-${pad(Number(m[3] ?? month))}-${pad(Number(m[4]))}` : start;
        return [start, end];
      })
      .sort();
    if (dates.length) {
      meta.startDate = dates[0];
      meta.endDate = dates.at(-1);
    }
  }
  return meta;
}
