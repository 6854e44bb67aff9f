/** Shapes shared by the CLI and the bench: the JSON contract of `npm run ask -- --json`. */
import type { Answer } from "../answer/types.js";

/** The `--json` contract (see ../shared/eval/score.mjs): one object per question. */
export function answerToJson(answer: Answer, totalMs: number) {
  return {
    question: answer.question,
    answered: answer.answered,
    answer: answer.answer,
    citations: answer.citations.map((c) => ({
      n: c.n,
      meetingId: c.meetingId,
      meeting: c.meeting,
      article: c.article,
      paragraph: c.paragraph,
      text: c.text,
      source: c.source.url ? `${c.source.name} ${c.source.url}` : c.source.name,
    })),
    retrieved: answer.retrieved.slice(0, 10).map((r) => ({
      meetingId: r.chunk.meetingId,
      paragraph: r.chunk.paragraph,
      score: Math.round(r.score * 10000) / 10000,
      text: r.chunk.text,
    })),
    path: answer.path,
    timings: { totalMs: Math.round(totalMs * 100) / 100 },
  };
}

/** The readable form: the answer, then one line per citation. */
export function answerToText(answer: Answer): string {
  const lines = [answer.answer];
  for (const c of answer.citations) {
    const kind = c.articleKind === "forum" ? "论坛报道" : "会议报道";
    lines.push(
      `  [${c.n}] ${c.meeting}（${c.city}，${c.date}）· ${kind} 第${c.paragraph}段 — ${c.source.name}${c.source.url ? ` ${c.source.url}` : ""}`,
    );
    lines.push(`      ${c.text.length > 160 ? `${c.text.slice(0, 160)}…` : c.text}`);
  }
  return lines.join("\n");
}
