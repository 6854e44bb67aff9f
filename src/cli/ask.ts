/**
 * `npm run ask -- "问题"`: answers one question from the reports, with citations.
 *   --json          print the JSON contract instead of text
 *   --batch FILE    answer one question per line of FILE, one JSON line each, in order
 *   --trend THEME   the theme across the meetings (a question like "生态环境在历年会议中的分量有什么变化？" does the same)
 *   --compare A B   two meetings side by side (years, host cities or "symposium")
 *   --out FILE      with a trend or comparison: save the chart as PNG there
 */
import { readFileSync } from "node:fs";
import { checkQuestion } from "../answer/question.js";
import type { Answerer } from "../answer/types.js";
import { loadConfig } from "../config.js";
import { answerToJson, answerToText } from "./output.js";
import { openCore, runCli, UsageError } from "../wiring.js";
import { runTrendCli, trendCliRequest } from "./trend.js";

await runCli(async () => {
  const args = process.argv.slice(2);
  const json = args.includes("--json");
  const batchAt = args.indexOf("--batch");
  const batchFile = batchAt >= 0 ? args[batchAt + 1] : undefined;
  // The values of --trend/--compare/--out are read by trendCliRequest, not part of the question.
  const valueAt = new Set(["--out", "--trend", "--compare"].flatMap((flag) => (args.indexOf(flag) >= 0 ? [args.indexOf(flag) + 1] : [])));
  if (batchAt >= 0 && !batchFile) throw new UsageError("--batch needs a file: npm run ask -- --json --batch questions.txt");
  const question = args.filter((a, i) => !a.startsWith("--") && (batchAt < 0 || i !== batchAt + 1) && !valueAt.has(i)).join(" ");

  const config = loadConfig(process.env);
  const trend = trendCliRequest(args, question);
  if (trend !== undefined) {
    await runTrendCli(trend, (await openCore(config)).engine, { json });
    return;
  }
  const questions = batchFile ? readQuestions(batchFile) : [question];
  if (!batchFile) {
    const check = checkQuestion(question, config.MAX_QUESTION_CHARS);
    if (!check.ok) throw new UsageError(`${check.message} Usage: npm run ask -- "2024年的座谈会在哪里举行？"`);
  }
  const { answerer, engine } = await openCore(config);
  // A batch measures steady-state latency, as in the long-running bot: compile the
  // answer path once (offline only; a model answerer is not called for this).
  if (batchFile) await engine.extractive.ask("长三角地区主要领导座谈会在哪里举行？");
  for (const q of questions) {
    const started = performance.now();
    const check = checkQuestion(q, config.MAX_QUESTION_CHARS);
    const answer = check.ok ? await answerer.ask(check.question) : invalid(q, check.message);
    const ms = performance.now() - started;
    process.stdout.write(json || batchFile ? `${JSON.stringify(answerToJson(answer, ms))}\n` : `${answerToText(answer)}\n`);
  }
});

function readQuestions(file: string): string[] {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    throw new UsageError(`Cannot read ${file}. Give a text file with one question per line.`);
  }
  return text.split(/\r?\n/).filter((line) => line.trim());
}

function invalid(question: string, message: string): Awaited<ReturnType<Answerer["ask"]>> {
  return { question, answered: false, answer: message, citations: [], retrieved: [], path: "extractive", language: "zh" };
}

