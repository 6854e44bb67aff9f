/** Splits report prose into clauses, never inside quotes, book titles or brackets, so a window of clauses is readable. */

/** A clause with the sentence it belongs to. */
export interface Clause {
  text: string;
  sentence: number;
  /** The clause ends its sentence. */
  last: boolean;
}

const OPEN = "“‘《（(「『【";
const CLOSE = "”’》）)」』】";
const CLAUSE_END = "，；：,;";
const SENTENCE_END = "。！？!?";

/** Splits text into clauses (at ，；：) grouped into sentences (at 。！？), respecting nesting. */
export function splitClauses(text: string): Clause[] {
  const clauses: Clause[] = [];
  let depth = 0;
  let current = "";
  let sentence = 0;
  const push = (last: boolean) => {
    const t = current.trim();
    if (t) clauses.push({ text: t, sentence, last });
    current = "";
    if (last) sentence++;
  };
  const chars = [...text];
  chars.forEach((ch, i) => {
    // Headline lines are joined by spaces: each part stands alone.
    if (
      ch === " " &&
      depth === 0 &&
      /\p{Script=Han}/u.test(chars[i - 1] ?? "") &&
      /\p{Script=Han}/u.test(chars[i + 1] ?? "")
    ) {
      push(false);
      return;
    }
    current += ch;
    if (OPEN.includes(ch)) depth++;
    else if (CLOSE.includes(ch)) depth = Math.max(0, depth - 1);
    else if (depth === 0 && SENTENCE_END.includes(ch)) push(true);
    else if (depth === 0 && CLAUSE_END.includes(ch)) push(false);
  });
  if (current.trim()) push(true);
  else if (clauses.length) clauses[clauses.length - 1]!.last = true;
  return clauses;
}
