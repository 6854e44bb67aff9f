#!/usr/bin/env node
// Splits the written question sets once, by a fixed seed, into a tuning half and a held-out half.
// Each batch of written sets (A and B first, C later, …) is split on its own, with its own seed, so a
// new batch never re-draws the halves of an earlier one. The halves are committed and never re-drawn.
//   node eval/split.mjs   (reads eval/written/<letter>-questions.jsonl and <letter>-conversations.jsonl)
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const SEED = 20261202;

/** mulberry32: a small seeded generator, so the split is the same on every machine. */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Batches in the order they were written (D: 118 questions, 14 chats, written blind in session 18; E: 110 questions, 14 chats, session 19; F: 110 questions, 14 chats, session 21; G: 70 questions, 30 chats, session 21, weighted to English, paraphrases and conversations; H: 80 questions, 20 chats, session 21, weighted to paraphrases, English, speeches and chains; I: 60 questions, 24 chats, session 21, weighted to near-miss unanswerables and conversations; J: 80 questions, 16 chats, session 22, weighted to paraphrases, chains and near-miss unanswerables; K: 70 questions, 20 chats, session 22, weighted to English, roles and English conversations; L: 90 questions, 16 chats, session 22, a balanced mix by several kinds of user; M: 40 questions, 30 chats, session 22, weighted to conversations; N: 70 questions, 16 chats, session 22, a balanced mix scored fresh at the end; O: 70 questions, 20 chats, session 23, a balanced mix scored fresh after one commit of that session; P: 40 questions, 30 chats, session 23, weighted to conversations, scored fresh with O; Q: 50 questions, 30 chats, session 23, by several kinds of user, scored fresh mid-session; R: 60 questions, 24 chats, session 23, some with a sentence of context before the question, scored fresh later in the session; S: 60 questions, 24 chats, session 23, scored fresh late in the session; T: 50 questions, 20 chats, session 23, weighted to near-miss unanswerables, scored fresh at the end; U: 50 questions, 20 chats, session 24, a balanced mix scored fresh at the session's start; V: 50 questions, 20 chats, session 24, weighted to English and follow-ups, scored fresh with U; X: 50 questions, 20 chats, session 24, weighted to English and near-miss unanswerables, scored fresh mid-session; W: 50 questions, 20 chats, session 24, weighted to colloquial Chinese and chats, written before X but delivered after it, scored fresh later in the session); a new batch is appended, never merged into an earlier one. */
const BATCHES = [
  ["A", "B"],
  ["C"],
  ["D"],
  ["E"],
  ["F"],
  ["G"],
  ["H"],
  ["I"],
  ["J"],
  ["K"],
  ["L"],
  ["M"],
  ["N"],
  ["O"],
  ["P"],
  ["Q"],
  ["R"],
  ["S"],
  ["T"],
  ["U"],
  ["V"],
  ["X"],
  ["W"],
];

const read = (batch, suffix) =>
  readdirSync(join(here, "written"))
    .filter((f) => f.endsWith(suffix) && batch.includes(f.slice(0, f.indexOf("-"))))
    .sort()
    .flatMap((f) =>
      readFileSync(join(here, "written", f), "utf8")
        .split("\n")
        .filter((l) => l.trim())
        .map((l) => JSON.parse(l)),
    );

/** Splits each class in two halves at random, so both halves cover every class. */
function split(items, classOf, rand) {
  const groups = new Map();
  for (const item of items) {
    const key = classOf(item);
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(item);
  }
  const tune = [];
  const heldOut = [];
  for (const key of [...groups.keys()].sort()) {
    const group = groups
      .get(key)
      .map((item) => ({ item, r: rand() }))
      .sort((a, b) => a.r - b.r)
      .map((x) => x.item);
    group.forEach((item, i) => (i % 2 === 0 ? tune : heldOut).push(item));
  }
  return { tune, heldOut };
}

const write = (file, items) => writeFileSync(join(here, file), items.map((x) => JSON.stringify(x)).join("\n") + "\n");
const questions = { tune: [], heldOut: [] };
const conversations = { tune: [], heldOut: [] };
BATCHES.forEach((batch, i) => {
  // The first batch keeps the seed it was split with.
  const rand = random(SEED + i);
  const q = split(read(batch, "-questions.jsonl"), (item) => item.class, rand);
  const c = split(read(batch, "-conversations.jsonl"), (item) => item.id.replace(/\d+$/, ""), rand);
  for (const [all, part] of [
    [questions, q],
    [conversations, c],
  ]) {
    all.tune.push(...part.tune);
    all.heldOut.push(...part.heldOut);
  }
});
write("tune.jsonl", questions.tune);
write("heldout.jsonl", questions.heldOut);
write("tune-conversations.jsonl", conversations.tune);
write("heldout-conversations.jsonl", conversations.heldOut);
console.log(
  `questions: ${questions.tune.length} tuning, ${questions.heldOut.length} held out; ` +
    `conversations: ${conversations.tune.length} tuning, ${conversations.heldOut.length} held out`,
);
