/** Checks a question before any work is done, with a message a user can act on. */

/** The result of checking a question. */
export type QuestionCheck =
  | { ok: true; question: string }
  | { ok: false; reason: "empty" | "too-long"; message: string };

/** The question as answered: runs of white space collapsed, ends trimmed (the CLI and the bot agree on length). */
export function normaliseQuestion(raw: string): string {
  return raw.replace(/\s+/g, " ").trim();
}

/**
 * Trims the question and refuses empty or overlong ones.
 * @param maxChars the longest question accepted (characters, not bytes)
 */
export function checkQuestion(raw: string, maxChars: number): QuestionCheck {
  const question = normaliseQuestion(raw);
  if (!question)
    return {
      ok: false,
      reason: "empty",
      message: "问题是空的：请输入一个关于长三角主要领导座谈会的问题。(The question is empty: ask about the meetings.)",
    };
  const length = [...question].length;
  if (length > maxChars) {
    return {
      ok: false,
      reason: "too-long",
      message: `问题太长（${length} 字），请缩短到 ${maxChars} 字以内。(The question has ${length} characters; keep it under ${maxChars}.)`,
    };
  }
  return { ok: true, question };
}
