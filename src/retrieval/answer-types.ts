/**
 * What each kind of answer looks like in these reports: a place is "在…举行",
 * a date "6月5日", a theme "以“…”为主题", a document "《…》". Retrieval prefers
 * paragraphs with the wanted kind of content; answer selection prefers clauses with it.
 */
import type { AnswerType } from "./query.js";

export const PLACE = /在[\p{Script=Han}]{2,12}?(举行|召开|举办)/u;
const OFFICIAL = /(书记|省长|市长|总理|主任|主席|部长|秘书长|副省长)[\p{Script=Han}]{2,3}/u;
const DATE = /\d{1,2}月\d{1,2}日/;

/** Words that ask for a meeting's theme: "主题", "口号", "the slogan". */
export const THEME_WORDS = /主题|口号|标语|\btheme\b|\btopic\b|\bslogan\b|\bmotto\b/iu;

/** Words that ask about a visit: "去哪里参观了" asks for the places seen, not where the meeting was held. */
export const VISIT_WORDS =
  /考察|参观|看了|去了|去看|走访|调研|转了转|转转|逛了|\bvisit|\binspect|\btour|\bsites?\b|\bstops?\b|\bsee\b|\bsaw\b/iu;

/**
 * A question for a date, put together as users do: a question word with a calendar word (几月份, 哪个月,
 * 哪一天, 什么日子, 几号) or the plain words (什么时候, 日期, "when"). "几天" asks how long, not when.
 */
export const DATE_QUESTION =
  /(?:哪|什么)(?:一|个)?(?:月份?|日子?|号|天|时候|时间|时段)|哪一?年(?=[^，。？?]{0,2}(?:开|举行|召开|举办))|几月份?|几号|几日(?!游)|何时|日期|\bwhen\b|\bwhat date\b|\b(?:which|what) (?:day|month)\b|\bdates?\b/iu;

/** How well a piece of text has the kind of content the question wants (0 when it has none). */
export function typeBonus(window: string, type: AnswerType): number {
  switch (type) {
    case "place":
      // "2020年湖州会议" names where a meeting was held too, less surely than "在…举行".
      return PLACE.test(window) ? 2 : /\d{4}年(?!度)\p{Script=Han}{2,3}?(?:会议|座谈会)/u.test(window) ? 1 : 0;
    case "person":
      return OFFICIAL.test(window) || /主持|出席/.test(window) ? 1.5 : 0;
    case "date":
      // A year alone ("2020年湖州会议") answers "哪年", less surely than a day.
      return DATE.test(window) ? 2 : /\d{4}年(?!度)/u.test(window) ? 0.5 : 0;
    case "number":
      return /\d|[一二三四五六七八九十百]+(年|个|项|大|届)/.test(window) ? 1 : 0;
    case "theme":
      return /为主题/.test(window) ? 3 : 0;
    case "document":
      return /《[^》]+》/.test(window) ? 2 : 0;
    case "speech":
      return /(说|表示|指出|强调|讲话|致辞)/.test(window) ? 1.5 : 0;
    case "list":
      return Math.min(0.5, (window.match(/、/g)?.length ?? 0) * 0.1);
    default:
      return 0;
  }
}
