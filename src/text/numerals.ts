/**
 * Numbers in questions written the way the reports' dates and ordinals are matched: full-width digits and
 * letters folded to ASCII, Chinese-numeral years, month/day dates and 第N ordinals written in digits.
 * Words that merely contain numerals (一体化, 三省一市, 十五五, 一带一路, 两个关键词) are left alone.
 */

const DIGIT: Readonly<Record<string, number>> = {
  〇: 0,
  零: 0,
  一: 1,
  二: 2,
  三: 3,
  四: 4,
  五: 5,
  六: 6,
  七: 7,
  八: 8,
  九: 9,
};

/** Counters after 第 that make a numbered item; 第一时间 or a bare 第一 are idioms and stay. */
const ORDINAL_COUNTERS = "届|次|个|条|项|批|期|轮|季|年|天|位|名|章|节|段|阶段|部分|场|站|回|号|版|届次";

const SMALL = "[一二三四五六七八九十]{1,3}";
// A numeral already preceded by a numeral or 第 belongs to a longer number or to an ordinal.
const NOT_AFTER_NUMERAL = "(?<![〇零一二三四五六七八九十百千万两第])";

const FULL_WIDTH = /[\uFF10-\uFF19\uFF21-\uFF3A\uFF41-\uFF5A\u3000]/g;
const SHORT_YEAR = /(?<![\d.])([1-4]\d)年(?![来多以间前后内底初中左代之])/g;
const YEAR = /(?<![〇零一二三四五六七八九十])([〇零一二三四五六七八九]{4})年/g;
const MONTH_DAY = new RegExp(`${NOT_AFTER_NUMERAL}(${SMALL})月(?:(${SMALL})([日号]))?`, "g");
const ORDINAL = new RegExp(`第(${SMALL})(?=${ORDINAL_COUNTERS})`, "g");

/**
 * Value of a Chinese numeral from 1 to 99 (九, 十一, 二十, 三十一), or undefined when it is not one
 * (十十, 一二, an empty string).
 */
export function smallChineseNumber(numeral: string): number | undefined {
  const match = /^([一二三四五六七八九])?(十)?([一二三四五六七八九])?$/u.exec(numeral);
  if (!match || numeral === "") return undefined;
  const [, tens, ten, units] = match;
  if (!ten) return tens && !units ? DIGIT[tens] : undefined;
  return (tens ? (DIGIT[tens] ?? 0) : 1) * 10 + (units ? (DIGIT[units] ?? 0) : 0);
}

/**
 * Writes the numbers a question's meaning depends on in ASCII digits:
 * - full-width digits, Latin letters and the ideographic space become ASCII (only those: NFKC would also turn
 *   the Chinese comma ， and other full-width punctuation into ASCII, which the rest of the pipeline splits on);
 * - 二〇二四年 / 二零二五年 → 2024年 / 2025年;
 * - 十一月三十日 → 11月30日, 六月五号 → 6月5号, 十二月 → 12月 (month 1–12, day 1–31);
 * - 第七届 → 第7届, 第十一届 → 第11届, 第三次 → 第3次 (only before a counter such as 届, 次, 个, 批).
 */
export function normaliseNumerals(text: string): string {
  return (
    text
      .replace(FULL_WIDTH, (char) => (char === "\u3000" ? " " : String.fromCharCode(char.charCodeAt(0) - 0xfee0)))
      .replace(YEAR, (_, digits: string) => `${Array.from(digits, (d) => DIGIT[d]).join("")}年`)
      // "25年论坛", "21年无锡会上": a year written short ("10年来", "5年多" are durations).
      .replace(SHORT_YEAR, (_, digits: string) => `20${digits}年`)
      .replace(
        MONTH_DAY,
        (whole, monthNumeral: string, dayNumeral: string | undefined, dayMark: string | undefined) => {
          const month = smallChineseNumber(monthNumeral);
          if (month === undefined || month > 12) return whole;
          if (dayNumeral === undefined) return `${month}月`;
          const day = smallChineseNumber(dayNumeral);
          return day === undefined || day > 31 ? `${month}月${dayNumeral}${dayMark}` : `${month}月${day}${dayMark}`;
        },
      )
      .replace(ORDINAL, (whole, numeral: string) => {
        const value = smallChineseNumber(numeral);
        return value === undefined ? whole : `第${value}`;
      })
      // "首届论坛" is the first edition.
      .replace(/首届/gu, "第1届")
  );
}
