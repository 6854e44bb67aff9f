/**
 * The naive baseline as a process, for the cold `ask` comparison: `node dist/bench/naive-ask.js DIR "问题"`
 * reads the report files as plain text, splits paragraphs at blank lines, segments them with jieba,
 * builds BM25 and prints the best paragraph. No index, no parser, no answer logic.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createSegmenter } from "../index/segmenter.js";
import { naiveIndex } from "./naive.js";

const [dir = "corpus", question = "2024年的座谈会在哪里举行？"] = process.argv.slice(2);
const paragraphs = readdirSync(dir)
  .filter((f) => f.endsWith(".txt") || f.endsWith(".md"))
  .flatMap((f) => readFileSync(join(dir, f), "utf8").split(/\n\s*\n/))
  .map((p) => p.replace(/\s+/g, ""))
  .filter(Boolean);
const search = naiveIndex(paragraphs, createSegmenter());
process.stdout.write(`${paragraphs[search(question)[0] ?? 0] ?? ""}\n`);
