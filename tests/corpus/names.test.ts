/** Person names found by the reports' post-then-name pattern, and what they do to segmentation. */
import { describe, expect, it } from "vitest";
import { loadCorpus } from "../../src/corpus/load.js";
import { personNames } from "../../src/corpus/names.js";
import { createSegmenter } from "../../src/index/segmenter.js";

const corpus = loadCorpus("corpus");

describe("personNames", () => {
  const names = personNames(corpus);

  it("finds the officials named after their posts, and no words that merely follow a post", () => {
    const text = corpus.meetings.flatMap((m) => m.articles.flatMap((a) => a.paragraphs.map((p) => p.text))).join("\n");
    for (const name of names) {
      expect(name).toMatch(/^\p{Script=Han}{2,3}$/u);
      expect(text).toMatch(
        new RegExp(`(书记|省长|市长|主任|总理|主席|部长|秘书长|校长|局长|厅长|会长|董事长)${name}`, "u"),
      );
    }
    for (const notAName of ["嘱托", "重要", "座谈会", "念兹"]) expect(names).not.toContain(notAName);
    expect(names.length).toBeGreaterThanOrEqual(15);
  });

  it("keeps a name whole next to the word that follows it once learned", () => {
    const segmenter = createSegmenter();
    const name = names.find((n) => n.length === 2 && segmenter.preciseWords(`${n}在会上说`)[0] !== n);
    if (name === undefined) return; // every name already segments well with the stock dictionary
    segmenter.learn(names);
    expect(segmenter.preciseWords(`${name}在会上说`)[0]).toBe(name);
  });
});
