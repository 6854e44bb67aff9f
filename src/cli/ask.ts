/**
 * `npm run ask -- "问题"`: answers one question from the reports, with citations.
 *   --json          print the JSON contract instead of text
 *   --batch FILE    answer one question per line of FILE, one JSON line each, in order
 *   --conversation  with --batch: the lines of FILE are turns of one chat (a blank line starts a new chat);
 *                   each turn is answered with the earlier turns of its chat as history
 *   --trend THEME   the theme across the meetings (a question like "生态环境在历年会议中的分量有什么变化？" does the same)
 *   --compare A B   two meetings side by side (years, host cities or "symposium")
 *   --out FILE      with a trend or comparison: save the chart as PNG there
 */
import { readFileSync, realpathSync } from "node:fs";
import { pathToFileURL } from "node:url";

import { checkQuestion } from "../answer/question.js";
import type { Answerer, Turn } from "../answer/types.js";
import { loadConfig } from "../config.js";
import { answerToJson, answerToText } from "./output.js";
import { type CliOutput, openCore, runCli, UsageError } from "../wiring.js";
import { runTrendCli, trendCliRequest } from "./trend.js";

/**
 * The ask command, callable in process (tests) as well as from the command line.
 * @throws UsageError and the core's user-facing errors; the caller prints them.
 */
export async function ask(
  args: readonly string[],
  env: Record<string, string | undefined>,
  io: { stdout: CliOutput; stderr: CliOutput },
): Promise<void> {
  const json = args.includes("--json");
  const conversation = args.includes("--conversation");
  const batchAt = args.indexOf("--batch");
  const batchFile = batchAt >= 0 ? args[batchAt + 1] : undefined;
  // The values of --trend/--compare/--out are read by trendCliRequest, not part of the question.
  const valueAt = new Set(
    ["--out", "--trend", "--compare"].flatMap((flag) => (args.indexOf(flag) >= 0 ? [args.indexOf(flag) + 1] : [])),
  );
  if (batchAt >= 0 && !batchFile)
    throw new UsageError("--batch needs a file: npm run ask -- --json --batch questions.txt");
  const question = args
    .filter((a, i) => !a.startsWith("--") && (batchAt < 0 || i !== batchAt + 1) && !valueAt.has(i))
    .join(" ");

  const config = loadConfig(env);
  const trend = trendCliRequest(args, question);
  if (trend !== undefined) {
    await runTrendCli(trend, (await openCore(config)).engine, { json });
    return;
  }
  if (conversation && !batchFile)
    throw new UsageError("--conversation needs --batch FILE: one turn per line, a blank line between chats");
  const questions = batchFile ? readQuestions(batchFile, conversation) : [question];
  if (!batchFile) {
    const check = checkQuestion(question, config.MAX_QUESTION_CHARS);
    if (!check.ok) throw new UsageError(`${check.message} Usage: npm run ask -- "2024年的座谈会在哪里举行？"`);
  }
  const { answerer, engine } = await openCore(config, {}, io.stderr);
  // A batch measures steady-state latency, as in the long-running bot: compile the
  // answer path once (offline only; a model answerer is not called for this).
  if (batchFile) {
    await engine.extractive.ask("长三角地区主要领导座谈会在哪里举行？");
    // A list and a speech take paths of their own (clauses, speakers) that compile on first use too.
    await engine.extractive.ask("会议期间领导们考察了哪些地方？");
    await engine.extractive.ask("会上谁讲话了，说了什么？");
    // English questions load their own vocabulary on first use.
    await engine.extractive.ask("Where was the leaders' meeting held?");
  }
  let history: Turn[] = [];
  for (const q of questions) {
    // A blank line (kept only in conversation mode) ends one chat.
    if (!q.trim()) {
      history = [];
      continue;
    }
    const started = performance.now();
    const check = checkQuestion(q, config.MAX_QUESTION_CHARS);
    const answer = check.ok
      ? await answerer.ask(check.question, conversation ? { history } : {})
      : invalid(q, check.message);
    const ms = performance.now() - started;
    // As in the bot, only answered turns give context to the next one.
    if (conversation && answer.answered)
      history = [...history, { question: answer.question, answer: answer.answer }].slice(-6);
    io.stdout.write(json || batchFile ? `${JSON.stringify(answerToJson(answer, ms))}\n` : `${answerToText(answer)}\n`);
  }
}

const entry = process.argv[1];
if (entry !== undefined && import.meta.url === pathToFileURL(realpathSync(entry)).href) {
  await runCli(() => ask(process.argv.slice(2), process.env, process));
}

function readQuestions(file: string, keepBlank: boolean): string[] {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    throw new UsageError(`Cannot read ${file}. Give a text file with one question per line.`);
  }
  const lines = text.split(/\r?\n/);
  return keepBlank ? lines : lines.filter((line) => line.trim());
}

function invalid(question: string, message: string): Awaited<ReturnType<Answerer["ask"]>> {
  return {
    question,
    answered: false,
    answer: message,
    citations: [],
    retrieved: [],
    path: "extractive",
    language: "zh",
  };
}
