#!/usr/bin/env node
// Splits the written question sets once, by a fixed seed, into a tuning half and a held-out half.
// Run once when new questions are written; the halves are committed and never re-drawn.
//   node eval/split.mjs   (reads eval/written/*-questions.jsonl and *-conversations.jsonl)
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

const read = (suffix) =>
  readdirSync(join(here, "written"))
    .filter((f) => f.endsWith(suffix))
    .sort()
    .flatMap((f) => readFileSync(join(here, "written", f), "utf8").split("\n").filter((l) => l.trim()).map((l) => JSON.parse(l)));

const rand = random(SEED);
/** Splits each class in two halves at random, so both halves cover every class. */
function split(items, classOf) {
  const groups = new Map();
  for (const item of items) {
    const key = classOf(item);
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(item);
  }
  const tune = [];
  const heldOut = [];
  for (const key of [...groups.keys()].sort()) {
    const group = groups.get(key).map((item) => ({ item, r: rand() })).sort((a, b) => a.r - b.r).map((x) => x.item);
    group.forEach((item, i) => (i % 2 === 0 ? tune : heldOut).push(item));
  }
  return { tune, heldOut };
}

const write = (file, items) => writeFileSync(join(here, file), items.map((x) => JSON.stringify(x)).join("\n") + "\n");
const questions = split(read("-questions.jsonl"), (q) => q.class);
const conversations = split(read("-conversations.jsonl"), (c) => c.id.replace(/\d+$/, ""));
write("tune.jsonl", questions.tune);
write("heldout.jsonl", questions.heldOut);
write("tune-conversations.jsonl", conversations.tune);
write("heldout-conversations.jsonl", conversations.heldOut);
console.log(
  `questions: ${questions.tune.length} tuning, ${questions.heldOut.length} held out; ` +
    `conversations: ${conversations.tune.length} tuning, ${conversations.heldOut.length} held out`,
);
