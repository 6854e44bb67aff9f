/**
 * Person names as the reports write them: a post, then the name ("安徽省委书记韩俊，",
 * "市长龚正；", "主席习近平11月30日…"). Segmentation learns them, so "韩俊说" and
 * "龚正在…" split at the name instead of gluing it to the next word.
 */
import type { Corpus } from "./types.js";

const POST_THEN_NAME =
  /(?:(?<!总)书记|省长|市长|主任|总理|主席|部长|秘书长|校长|局长|厅长|会长|董事长)(\p{Script=Han}{2,3}?)(?=[，、；。：\d（(]|出席|主持|代表|讲话|致辞|说|表示|在|等)/gu;
/** Words that follow a post but are not names (总书记嘱托 is excluded above; 主任座谈会 here). */
const NOT_NAMES = /^(同志|应邀|出席|主持|代表|讲话|致辞|分别|共同|等)|[会议重要]/u;

/** The distinct person names in the corpus, found by the post-then-name pattern. */
export function personNames(corpus: Corpus): string[] {
  const names = new Set<string>();
  for (const meeting of corpus.meetings) {
    for (const article of meeting.articles) {
      for (const paragraph of article.paragraphs) {
        for (const match of paragraph.text.matchAll(POST_THEN_NAME)) {
          const name = match[1]!;
          if (!NOT_NAMES.test(name)) names.add(name);
        }
      }
    }
  }
  return [...names].sort();
}
