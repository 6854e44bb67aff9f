/** The shapes that flow out of corpus parsing into chunking and answering. */

/** An annual 长三角地区主要领导座谈会, or a central symposium such as the 2023 one chaired by Xi Jinping. */
export type MeetingKind = "annual" | "symposium";

/** What a report article is about: the meeting itself, or the forum held alongside it. */
export type ArticleKind = "meeting" | "forum";

/** The source forms the parsers understand; detected from the content, never from the file name. */
export type SourceFormat = "html" | "markdown" | "text";

/** One line of a source after format-specific markup has been removed. */
export interface SourceLine {
  text: string;
  /** A blank line followed this line in the source. */
  blankAfter: boolean;
  /** Set when the markup itself says what the line is (an HTML heading, a Markdown `#`, an image caption…). */
  role?: "headline" | "caption" | "pullquote" | "editor" | "boilerplate";
  /** The markup closes a paragraph here (HTML `</p>`), so no heuristics are needed. */
  paragraphEnd?: boolean;
}

/** A format parser's result: metadata from front matter, and the text as lines. */
export interface ParsedSource {
  format: SourceFormat;
  frontMatter: Record<string, string>;
  lines: SourceLine[];
}

/** A rebuilt paragraph, or a headline line, in reading order. */
export interface Block {
  text: string;
  role: "headline" | "body";
  /**
   * The dateline the paragraph opened with, as printed ("本报讯"; already stripped from `text`): it opens an
   * article, and a citation quotes the paragraph with it.
   */
  dateline?: string;
}

/** A paragraph of an article. Number 0 is the headline block; body paragraphs count from 1. */
export interface Paragraph {
  n: number;
  /** The paragraph without its dateline: what is searched and quoted in answers. */
  text: string;
  /** The dateline it opened with in the report (本报讯, 新华社上海电), shown in its citation. */
  dateline?: string;
}

/** One report on the page, kept because it is about the meeting. */
export interface Article {
  /** 1-based position among the kept articles of the meeting. */
  index: number;
  kind: ArticleKind;
  title: string;
  paragraphs: Paragraph[];
}

/** Where a report came from, for the citation. */
export interface SourceRef {
  name: string;
  url?: string | undefined;
  file: string;
}

/** A meeting with its parsed reports and metadata (inferred from the text, completed by the manifest). */
export interface Meeting {
  id: string;
  kind: MeetingKind;
  title: string;
  year: number;
  startDate: string;
  endDate: string;
  city: string;
  province: string;
  theme?: string | undefined;
  /** The 长三角一体化发展高层论坛 held alongside, e.g. "第六届长三角一体化发展高层论坛". */
  forum?: string | undefined;
  source: SourceRef;
  format: SourceFormat;
  articles: Article[];
}

/** Why an article on a page was not kept. */
export interface DroppedArticle {
  file: string;
  title: string;
  paragraphs: number;
  reason: string;
}

/** Everything ingest learned from corpus/. */
export interface Corpus {
  meetings: Meeting[];
  dropped: DroppedArticle[];
  /** Hash of the manifest and every file's bytes: an index built from another corpus is stale. */
  hash: string;
}
