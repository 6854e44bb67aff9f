/**
 * The theme catalogue users subscribe to, free-text topics, theme lookup and the
 * per-meeting counts behind `/themes`.
 *
 * Query terms come from the vocabulary of the meeting reports themselves (科创, 共保联治,
 * 一网通办 …), because matching is literal substring search: a term the reports never
 * use would only add noise.
 */
import type { Chunk } from "../index/chunk.js";
import { DigestInputError } from "./errors.js";

/** A search term and how much one occurrence counts. */
export interface ThemeTerm {
  term: string;
  /** 2 for terms that name the theme itself, 1 for terms that merely lean towards it. */
  weight: number;
}

/** A theme a user can subscribe to. */
export interface Theme {
  /** Stable id stored in subscriptions: a slug for catalogue themes, `topic:<text>` for free text. */
  id: string;
  zh: string;
  en: string;
  description: string;
  terms: readonly ThemeTerm[];
  /** True for a theme made on the fly from the user's own words. */
  custom?: boolean;
}

/** Longest free-text topic accepted, in characters. */
export const MAX_TOPIC_CHARS = 20;

const t = (core: string[], related: string[] = []): ThemeTerm[] => [
  ...core.map((term) => ({ term, weight: 2 })),
  ...related.map((term) => ({ term, weight: 1 })),
];

/** The built-in themes, in the order `/themes` lists them. */
export const DEFAULT_THEMES: readonly Theme[] = [
  {
    id: "tech",
    zh: "科技创新",
    en: "Science & technology innovation",
    description: "科创共同体、创新策源、关键核心技术与前沿产业",
    terms: t(
      ["科技创新", "科创", "创新策源", "集成电路", "人工智能", "科技协同", "协同创新"],
      ["实验室", "大科学装置", "关键核心技术", "量子", "生物医药", "创新能力", "研发", "成果转化"],
    ),
  },
  {
    id: "industry",
    zh: "产业协同",
    en: "Industrial cooperation",
    description: "产业链供应链、现代化产业体系、新质生产力与先进制造业集群",
    terms: t(
      ["产业协同", "产业链", "供应链", "产业集群", "现代化产业体系", "新质生产力"],
      ["制造业", "新能源汽车", "产业创新", "产业体系", "招商"],
    ),
  },
  {
    id: "ecology",
    zh: "生态环境",
    en: "Ecology & environment",
    description: "共保联治、绿色低碳、长江与太湖治理、美丽中国先行区",
    terms: t(
      ["生态", "绿色", "共保联治", "美丽中国", "太湖", "碳"],
      ["长江", "环境", "污染", "低碳", "水环境", "生物多样性"],
    ),
  },
  {
    id: "transport",
    zh: "交通与基础设施",
    en: "Transport & infrastructure",
    description: "轨道上的长三角、港口群、交通枢纽、能源与新型基础设施",
    terms: t(
      ["交通", "铁路", "轨道", "港口", "枢纽", "基础设施"],
      ["机场", "航运", "通道", "高速", "互联互通", "能源"],
    ),
  },
  {
    id: "public-services",
    zh: "公共服务与民生",
    en: "Public services & livelihoods",
    description: "公共服务便利共享、医疗教育养老、跨省通办",
    terms: t(
      ["公共服务", "民生", "医疗", "教育", "养老", "一网通办", "跨省通办"],
      ["就业", "社保", "异地", "便利共享", "社会保障", "卫生"],
    ),
  },
  {
    id: "opening-up",
    zh: "对外开放",
    en: "Opening up",
    description: "高水平对外开放、自贸试验区、进博会与虹桥国际开放枢纽",
    terms: t(["开放", "自贸", "进博会", "一带一路", "虹桥国际开放枢纽"], ["贸易", "外资", "外贸", "国际", "营商环境"]),
  },
  {
    id: "institutions",
    zh: "体制机制",
    en: "Institutions & mechanisms",
    description: "一体化体制机制创新、示范区制度创新、统一大市场与规则标准",
    terms: t(
      ["体制机制", "制度创新", "一体化示范区", "统一大市场", "示范区"],
      ["规则", "标准", "市场", "改革", "合作机制", "同城化"],
    ),
  },
  {
    id: "security",
    zh: "安全发展",
    en: "Security & resilience",
    description: "统筹发展和安全、能源粮食安全、应急联动与风险防控",
    terms: t(["安全", "应急", "粮食", "能源安全", "风险"], ["防控", "韧性", "治理", "联防联控"]),
  },
  {
    id: "culture-tourism",
    zh: "文化旅游",
    en: "Culture & tourism",
    description: "文旅融合、江南文化、大运河与红色文化",
    terms: t(["文化", "旅游", "文旅"], ["大运河", "江南", "红色", "体育", "文明"]),
  },
  {
    id: "digital",
    zh: "数字经济",
    en: "Digital economy",
    description: "数字长三角、数据要素、算力与工业互联网",
    terms: t(["数字", "数据", "算力", "互联网"], ["5G", "智能", "数字化", "平台", "信息"]),
  },
];

/** Normalises a free-text topic: trims, collapses inner whitespace. */
export function normalizeTopic(text: string): string {
  return text.replace(/[\s\u3000]+/g, " ").trim();
}

/**
 * Finds a catalogue theme by id, Chinese or English name (case-insensitive, ignoring
 * spaces), or by its 1-based number in the catalogue. Returns undefined when nothing fits.
 */
export function findTheme(text: string, themes: readonly Theme[] = DEFAULT_THEMES): Theme | undefined {
  const key = squash(text);
  if (key === "") return undefined;
  const n = /^\d{1,2}$/.test(key) ? Number(key) : NaN;
  if (n >= 1 && n <= themes.length) return themes[n - 1];
  return themes.find((theme) => [theme.id, theme.zh, theme.en].some((name) => squash(name) === key));
}

/**
 * Resolves what a user typed after `/subscribe`: a catalogue theme if one fits,
 * otherwise a free-text topic whose single query term is the text itself.
 * @throws DigestInputError `empty-topic` or `topic-too-long` (over {@link MAX_TOPIC_CHARS}).
 */
export function resolveTheme(text: string, themes: readonly Theme[] = DEFAULT_THEMES): Theme {
  const found = findTheme(text, themes);
  if (found) return found;
  const topic = normalizeTopic(text);
  if (topic === "") {
    throw new DigestInputError("empty-topic", {
      zh: `请给出主题，可选：${themeNames(themes, "zh")}，或不超过${MAX_TOPIC_CHARS}个字的关键词（如“人工智能”）。`,
      en: `Name a theme: ${themeNames(themes, "en")}, or a keyword of up to ${MAX_TOPIC_CHARS} characters (e.g. 人工智能).`,
    });
  }
  if ([...topic].length > MAX_TOPIC_CHARS) {
    throw new DigestInputError("topic-too-long", {
      zh: `关键词最多${MAX_TOPIC_CHARS}个字，请缩短后再试，或选择主题：${themeNames(themes, "zh")}。`,
      en: `A keyword may have at most ${MAX_TOPIC_CHARS} characters; shorten it or pick a theme: ${themeNames(themes, "en")}.`,
    });
  }
  return customTheme(topic);
}

/** A theme made from free text (already normalised). Words separated by spaces are separate terms. */
export function customTheme(topic: string): Theme {
  const words = [...new Set(topic.split(" ").filter(Boolean))];
  return {
    id: `topic:${topic.toLowerCase()}`,
    zh: topic,
    en: topic,
    description: `包含“${topic}”的段落`,
    terms: words.map((term) => ({ term, weight: 2 })),
    custom: true,
  };
}

/**
 * Rebuilds the theme a subscription refers to: the catalogue theme with that id, or the
 * free-text topic stored with it. Undefined if a catalogue theme was removed since.
 */
export function themeForSubscription(
  themeId: string,
  themeQuery: string | null,
  themes: readonly Theme[] = DEFAULT_THEMES,
): Theme | undefined {
  if (themeQuery !== null) return customTheme(themeQuery);
  return themes.find((theme) => theme.id === themeId);
}

/** The theme names joined for a message, e.g. "科技创新、产业协同、…". */
export function themeNames(themes: readonly Theme[], language: "zh" | "en"): string {
  return themes.map((theme) => (language === "zh" ? theme.zh : theme.en)).join(language === "zh" ? "、" : ", ");
}

/** How strongly a text matches a theme: weighted hits plus a bonus per distinct term. */
export interface TermMatch {
  score: number;
  /** Occurrences of all terms. */
  hits: number;
  distinct: number;
}

/**
 * Scores a text against theme terms. Repeated occurrences count (capped at 3 per term,
 * so one term repeated cannot outweigh several different ones), and each distinct
 * term adds its weight again: a paragraph touching several facets of a theme wins.
 */
export function matchTerms(text: string, terms: readonly ThemeTerm[]): TermMatch {
  const haystack = text.toLowerCase();
  let score = 0;
  let hits = 0;
  let distinct = 0;
  for (const { term, weight } of terms) {
    const count = countOccurrences(haystack, term.toLowerCase());
    if (count === 0) continue;
    hits += count;
    distinct += 1;
    score += weight * Math.min(count, 3) + weight;
  }
  return { score, hits, distinct };
}

/** Key of the paragraph a chunk belongs to; chunks split from one paragraph share it. */
export function paragraphKey(chunk: Pick<Chunk, "meetingId" | "articleIndex" | "paragraph">): string {
  return `${chunk.meetingId}/${chunk.articleIndex}/${chunk.paragraph}`;
}

/** One paragraph rebuilt from its chunks. */
export interface ParagraphText {
  key: string;
  /** The first chunk of the paragraph, for citation fields. */
  chunk: Chunk;
  text: string;
}

/** Groups chunks into whole paragraphs (parts joined in order), keeping first-seen order. */
export function paragraphsOf(chunks: readonly Chunk[]): ParagraphText[] {
  const byKey = new Map<string, Chunk[]>();
  for (const chunk of chunks) {
    const key = paragraphKey(chunk);
    const list = byKey.get(key);
    if (list) list.push(chunk);
    else byKey.set(key, [chunk]);
  }
  return [...byKey].map(([key, parts]) => {
    const sorted = [...parts].sort((a, b) => a.part - b.part);
    return { key, chunk: sorted[0]!, text: sorted.map((part) => part.text).join("") };
  });
}

/** Per-theme paragraph counts for `/themes`. */
export interface ThemeCount {
  theme: Theme;
  /** Distinct matching paragraphs in all meetings. */
  total: number;
  /** Distinct matching paragraphs per meetingId. */
  byMeeting: Record<string, number>;
}

/** Counts, for each theme, the distinct paragraphs that match it in each meeting. */
export function themeCounts(chunks: readonly Chunk[], themes: readonly Theme[] = DEFAULT_THEMES): ThemeCount[] {
  const paragraphs = paragraphsOf(chunks);
  return themes.map((theme) => {
    const byMeeting: Record<string, number> = {};
    let total = 0;
    for (const paragraph of paragraphs) {
      if (matchTerms(paragraph.text, theme.terms).hits === 0) continue;
      total += 1;
      byMeeting[paragraph.chunk.meetingId] = (byMeeting[paragraph.chunk.meetingId] ?? 0) + 1;
    }
    return { theme, total, byMeeting };
  });
}

function countOccurrences(haystack: string, needle: string): number {
  if (needle === "") return 0;
  let count = 0;
  for (let at = haystack.indexOf(needle); at !== -1; at = haystack.indexOf(needle, at + needle.length)) count++;
  return count;
}

function squash(text: string): string {
  return text.replace(/[\s\u3000&＆]+/g, "").toLowerCase();
}
