/**
 * Chinese word segmentation (jieba, with its bundled dictionary: nothing is
 * downloaded) and the token streams that BM25 and the local embedder share.
 */
import { Jieba } from "@node-rs/jieba";
import { dict } from "@node-rs/jieba/dict.js";

/** Splits text into search tokens. */
export interface Segmenter {
  /** Words for search: jieba's search mode, so 长三角一体化 also yields 长三角 and 一体化. Lower-cased, punctuation dropped. */
  words(text: string): string[];
  /** Words in precise mode (no overlapping sub-words), for query analysis. */
  preciseWords(text: string): string[];
  /** jieba's part-of-speech tag of a word taken whole ("n", "v", "nz", "eng"…), for judging words the corpus lacks. */
  partOfSpeech(word: string): string;
  /** Adds words the dictionary lacks (the corpus' person names), so they are never cut or glued to a neighbour. */
  learn(words: readonly string[]): void;
}

const TOKEN = /[\p{Script=Han}A-Za-z0-9]/u;

/** Loads jieba's dictionary (about 100 ms) and returns a segmenter. Create one per process and share it. */
export function createSegmenter(extraWords: readonly string[] = []): Segmenter {
  const jieba = Jieba.withDict(dict);
  // Place names and terms that the stock dictionary cuts in two.
  const learn = (words: readonly string[]) => {
    // A high frequency makes jieba keep the word whole even next to a common word (龚正|在, not 龚|正在).
    if (words.length) jieba.loadDict(Buffer.from(words.map((w) => `${w} 100000 n`).join("\n")));
  };
  learn([...DOMAIN_WORDS, ...extraWords]);
  const clean = (tokens: string[]) => tokens.map((t) => t.toLowerCase()).filter((t) => TOKEN.test(t));
  return {
    words: (text) => clean(jieba.cutForSearch(text, true)),
    preciseWords: (text) => clean(jieba.cut(text, true)),
    partOfSpeech: (word) => {
      const tags = jieba.tag(word, true);
      return tags.length === 1 ? tags[0]!.tag : "x";
    },
    learn,
  };
}

/** Character bigrams of each run of Han characters or alphanumerics: robust to segmentation misses. */
export function charBigrams(text: string): string[] {
  const grams: string[] = [];
  for (const run of text.toLowerCase().match(/[\p{Script=Han}]+|[a-z0-9]+/gu) ?? []) {
    if (!/\p{Script=Han}/u.test(run)) {
      grams.push(run);
      continue;
    }
    if (run.length === 1) grams.push(run);
    for (let i = 0; i + 1 < run.length; i++) grams.push(run.slice(i, i + 2));
  }
  return grams;
}

/**
 * Terms of this domain that jieba's general dictionary splits: the province
 * names as used in the reports and recurring programme names. General, not
 * tied to any one report.
 */
const DOMAIN_WORDS = [
  "长三角",
  "三省一市",
  "一体化",
  "示范区",
  "科创",
  "新质生产力",
  "都市圈",
  "同城化",
  "高层论坛",
  "座谈会",
  "主要领导",
];
