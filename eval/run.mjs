#!/usr/bin/env node
// The project's own evaluation (`npm run eval`): the tuning half and the held-out half of the questions
// written blind from the reports, and their conversations, scored with the rules of ../shared/eval/score.mjs
// (facts in the answer, evidence in a citation, refusals), per class.
//   npm run eval [-- --half tune|heldout] [--verbose] [--cmd "COMMAND"]
// COMMAND gets a file of questions (one per line; with --conversation, blank lines separate chats) and prints
// one JSON object per line, the contract of `npm run ask -- --json --batch FILE`.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const opt = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const verbose = args.includes("--verbose");
const cmd = opt("--cmd", "npm run --silent ask -- --json --batch");
const halves = opt("--half", undefined) ? [opt("--half")] : ["tune", "heldout"];

const norm = (s) =>
  String(s ?? "")
    .normalize("NFKC")
    .toLowerCase()
    .replace(/[\s\p{P}\p{S}]/gu, "");
const contains = (text, needles) => needles.some((n) => norm(text).includes(norm(n)));
const readJsonl = (file) =>
  readFileSync(join(here, file), "utf8")
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l));

function run(lines, extra = "") {
  const dir = mkdtempSync(join(tmpdir(), "eval-"));
  const file = join(dir, "questions.txt");
  writeFileSync(file, lines.join("\n") + "\n");
  const res = spawnSync("sh", ["-c", `${cmd} "$0"${extra}`, file], { encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  if (res.status !== 0) {
    console.error(`command failed (exit ${res.status}): ${cmd}${extra}\n${res.stderr.slice(-2000)}`);
    process.exit(2);
  }
  return res.stdout
    .split("\n")
    .filter((l) => l.trim().startsWith("{"))
    .map((l) => JSON.parse(l));
}

/** Scores one question against one output, as score.mjs does. */
function judge(q, o) {
  if (!q.answerable) return { answerable: false, ok: o.answered === false };
  const retrieved = (o.retrieved ?? []).map((r) => r.text ?? "");
  const rank = retrieved.slice(0, 10).findIndex((t) => contains(t, q.evidence));
  const facts = o.answered !== false && q.facts.every((g) => contains(o.answer ?? "", g));
  const cite = o.answered !== false && (o.citations ?? []).some((c) => contains(c.text ?? "", q.evidence));
  return { answerable: true, rank, facts, cite, refused: o.answered === false, ok: facts && cite };
}

function summarise(results) {
  const a = results.filter((r) => r.answerable);
  const u = results.filter((r) => !r.answerable);
  const share = (xs, f) => (xs.length ? Math.round((xs.filter(f).length / xs.length) * 1000) / 1000 : null);
  return {
    n: results.length,
    answers: share(a, (r) => r.facts),
    citations: share(a, (r) => r.cite),
    hit1: share(a, (r) => r.rank === 0),
    hit5: share(a, (r) => r.rank >= 0 && r.rank < 5),
    falseRefusals: share(a, (r) => r.refused),
    refusals: share(u, (r) => r.ok),
  };
}

const line = (label, s) =>
  `${label.padEnd(14)} n=${String(s.n).padStart(3)}  answers ${s.answers ?? "-"}  citations ${s.citations ?? "-"}  hit@1 ${s.hit1 ?? "-"}  hit@5 ${s.hit5 ?? "-"}  false-refusals ${s.falseRefusals ?? "-"}  refusals ${s.refusals ?? "-"}`;

const report = {};
for (const half of halves) {
  const questions = readJsonl(`${half === "tune" ? "tune" : "heldout"}.jsonl`);
  const outputs = run(questions.map((q) => q.q.replace(/\s+/g, " ")));
  if (outputs.length !== questions.length)
    throw new Error(`expected ${questions.length} answers, got ${outputs.length}`);
  const judged = questions.map((q, i) => ({ ...judge(q, outputs[i]), q, o: outputs[i] }));
  const conversations = readJsonl(`${half === "tune" ? "tune" : "heldout"}-conversations.jsonl`);
  const turnLines = conversations.flatMap((c, i) => [
    ...(i ? [""] : []),
    ...c.turns.map((t) => t.q.replace(/\s+/g, " ")),
  ]);
  const turnOutputs = run(turnLines, " --conversation");
  const turns = conversations.flatMap((c) => c.turns.map((t) => ({ ...t, chat: c.id })));
  if (turnOutputs.length !== turns.length) throw new Error(`expected ${turns.length} turns, got ${turnOutputs.length}`);
  const judgedTurns = turns.map((t, i) => ({ ...judge(t, turnOutputs[i]), q: t, o: turnOutputs[i] }));
  const chatsRight = conversations.filter((c) =>
    judgedTurns.filter((t) => t.q.chat === c.id).every((t) => t.ok),
  ).length;

  console.log(`\n== ${half === "tune" ? "tuning half" : "held-out half"} ==`);
  const all = summarise(judged);
  console.log(line("all", all));
  const classes = [...new Set(questions.map((q) => q.class))].sort();
  for (const c of classes) console.log(line(c, summarise(judged.filter((r) => r.q.class === c))));
  const conv = summarise(judgedTurns);
  console.log(line("conv. turns", conv));
  console.log(`conversations wholly right: ${chatsRight}/${conversations.length}`);
  if (verbose) {
    for (const r of [...judged, ...judgedTurns].filter((r) => !r.ok)) {
      const why = r.answerable
        ? `rank=${r.rank < 0 ? "-" : r.rank + 1} facts=${r.facts ? "ok" : "MISS"} cite=${r.cite ? "ok" : "MISS"}`
        : "should refuse";
      console.log(
        `  ${r.q.id ?? r.q.chat} [${r.q.class ?? "turn"}] ${why}: ${r.q.q}\n      -> ${String(r.o.answer).replace(/\s+/g, " ").slice(0, 200)}`,
      );
    }
  }
  report[half] = { ...all, conversationTurns: conv, conversationsRight: `${chatsRight}/${conversations.length}` };
}
console.log(`\n${JSON.stringify(report)}`);
