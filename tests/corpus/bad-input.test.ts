/**
 * A corpus a person got wrong: each mistake gives a CorpusError that names the
 * file (or the manifest) and says what to do, instead of a crash or a silent skip.
 */
import { copyFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { CorpusError } from "../../src/corpus/errors.js";
import { loadCorpus, parseReport } from "../../src/corpus/load.js";
import { CORPUS, FILES, cleanupTempDirs, rawReport, tempDir, thrown, writeManifest } from "../fixtures/helpers.js";

afterAll(cleanupTempDirs);

/** A temp corpus holding the 2024 report under `name`, with a manifest listing the given entries. */
function corpusWith(entries: object[], name: string = FILES["2024-wenzhou"]): string {
  const dir = tempDir("csj-bad-");
  copyFileSync(join(CORPUS, FILES["2024-wenzhou"]), join(dir, name));
  writeManifest(dir, { reports: entries });
  return dir;
}

function corpusError(fn: () => unknown): CorpusError {
  const err = thrown(fn);
  expect(err).toBeInstanceOf(CorpusError);
  // A message for a person: no stack frames, no "undefined".
  expect(err.message).not.toMatch(/\n\s+at |undefined/);
  return err as CorpusError;
}

describe("missing or unreadable reports", () => {
  it("an empty corpus folder says there are no report files", () => {
    const dir = tempDir();
    writeManifest(dir, { reports: [] });
    const err = corpusError(() => loadCorpus(dir));
    expect(err.message).toMatch(/no report files/);
    expect(err.message).toContain(dir);
  });

  it("a corpus folder that does not exist says so", () => {
    const dir = join(tempDir(), "nope");
    const err = corpusError(() => loadCorpus(dir));
    expect(err.message).toContain(dir);
    expect(err.message).toMatch(/does not exist|CORPUS_DIR/);
  });

  it("a folder without manifest.json says to create it", () => {
    const dir = tempDir();
    copyFileSync(join(CORPUS, FILES["2024-wenzhou"]), join(dir, "report.txt"));
    const err = corpusError(() => loadCorpus(dir));
    expect(err.message).toMatch(/manifest\.json is missing/);
  });

  it("a binary / non-UTF-8 file is refused by name", () => {
    const dir = corpusWith([{ file: "photo.txt", id: "2024-wenzhou" }], "photo.txt");
    writeFileSync(
      join(dir, "photo.txt"),
      Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0xc3, 0x28, 0xa0, 0xa1]),
    );
    const err = corpusError(() => loadCorpus(dir));
    expect(err.message).toContain("photo.txt");
    expect(err.message).toMatch(/UTF-8/);
    expect(err.file).toBe("photo.txt");
  });

  it("valid UTF-8 with NUL bytes (a binary file) is refused by name", () => {
    const dir = corpusWith([{ file: "blob.txt", id: "2024-wenzhou" }], "blob.txt");
    writeFileSync(join(dir, "blob.txt"), `长三角地区主要领导座谈会在温州举行。\u0000\u0000\u0001长三角`);
    const err = corpusError(() => loadCorpus(dir));
    expect(err.message).toContain("blob.txt");
  });

  it("a file with no Chinese prose (an unknown form) is refused by name", () => {
    const dir = corpusWith([{ file: "data.csv", id: "2024-wenzhou" }], "data.csv");
    writeFileSync(join(dir, "data.csv"), "year,city,theme\n2024,Wenzhou,innovation\n2025,Nanjing,innovation\n");
    const err = corpusError(() => loadCorpus(dir));
    expect(err.message).toContain("data.csv");
    expect(err.message).toMatch(/Chinese|HTML|Markdown/);
  });

  it("a Chinese page about something else is refused: nothing on it is about the meetings", () => {
    const dir = corpusWith([{ file: "other.txt", id: "2025-gaokao", startDate: "2025-06-07" }], "other.txt");
    // The unrelated 高考 story from the 2025 page, on its own.
    const raw = rawReport(FILES["2025-nanjing"]);
    writeFileSync(
      join(dir, "other.txt"),
      raw.slice(raw.indexOf("本报记者高考首日观察"), raw.indexOf("民盟中央调研组")),
    );
    const err = corpusError(() => loadCorpus(dir));
    expect(err.message).toContain("other.txt");
    expect(err.message).toMatch(/about the meetings/);
  });
});

describe("manifest mistakes", () => {
  it("a report without a manifest entry: names the file and shows a template entry", () => {
    const dir = corpusWith([{ file: FILES["2024-wenzhou"], id: "2024-wenzhou" }]);
    copyFileSync(join(CORPUS, FILES["2025-nanjing"]), join(dir, "new-report.txt"));
    const err = corpusError(() => loadCorpus(dir));
    expect(err.message).toContain("new-report.txt");
    expect(err.message).toContain("manifest.json");
    // The template is valid JSON a person can paste into "reports".
    const template = /\{.*\}/.exec(err.message)?.[0];
    expect(template).toBeDefined();
    expect(JSON.parse(template!)).toMatchObject({ file: "new-report.txt", id: expect.any(String) });
  });

  it("invalid JSON: says the manifest is not valid JSON", () => {
    const dir = corpusWith([]);
    writeFileSync(join(dir, "manifest.json"), '{ "reports": [ { "file": "a.txt", } ');
    const err = corpusError(() => loadCorpus(dir));
    expect(err.message).toMatch(/manifest\.json is not valid JSON/);
  });

  it("a bad id: names the field and the expected form", () => {
    const dir = corpusWith([{ file: FILES["2024-wenzhou"], id: "2024 Wenzhou!" }]);
    const err = corpusError(() => loadCorpus(dir));
    expect(err.message).toMatch(/manifest\.json is invalid/);
    expect(err.message).toContain("reports.0.id");
    expect(err.message).toMatch(/lower-case/);
  });

  it("a bad date and an unknown field are both reported", () => {
    const dir = corpusWith([{ file: FILES["2024-wenzhou"], id: "2024-wenzhou", startDate: "6/5/2024", colour: "red" }]);
    const err = corpusError(() => loadCorpus(dir));
    expect(err.message).toContain("startDate");
    expect(err.message).toMatch(/YYYY-MM-DD/);
    expect(err.message).toMatch(/colour/);
  });

  it("an entry for a file that is not there: names the missing file", () => {
    const dir = corpusWith([
      { file: FILES["2024-wenzhou"], id: "2024-wenzhou" },
      { file: "missing-2026.txt", id: "2026-shanghai" },
    ]);
    const err = corpusError(() => loadCorpus(dir));
    expect(err.message).toContain("missing-2026.txt");
    expect(err.message).toMatch(/not in/);
  });

  it("two reports with one id: says which id", () => {
    const dir = corpusWith([
      { file: FILES["2024-wenzhou"], id: "same-id" },
      { file: "copy.txt", id: "same-id" },
    ]);
    copyFileSync(join(CORPUS, FILES["2025-nanjing"]), join(dir, "copy.txt"));
    const err = corpusError(() => loadCorpus(dir));
    expect(err.message).toContain('"same-id"');
  });
});

describe("metadata the text lacks", () => {
  it("the 2023 PDF text without a manifest startDate: names the file and the missing year and dates", () => {
    const file = FILES["2023-shanghai"];
    const err = corpusError(() => parseReport(file, rawReport(file), { file, id: "2023-shanghai", kind: "symposium" }));
    expect(err.message).toContain(file);
    expect(err.message).toMatch(/year/);
    expect(err.message).toMatch(/startDate/);
    expect(err.message).toMatch(/manifest\.json/);
  });

  it("the same file loads once startDate is given", () => {
    const file = FILES["2023-shanghai"];
    const { meeting } = parseReport(file, rawReport(file), {
      file,
      id: "2023-shanghai",
      kind: "symposium",
      startDate: "2023-11-30",
    });
    expect(meeting).toMatchObject({ year: 2023, startDate: "2023-11-30", city: "上海" });
  });

  it("loadCorpus reports it the same way", () => {
    const dir = tempDir();
    copyFileSync(join(CORPUS, FILES["2023-shanghai"]), join(dir, FILES["2023-shanghai"]));
    writeManifest(dir, { reports: [{ file: FILES["2023-shanghai"], id: "2023-shanghai" }] });
    const err = corpusError(() => loadCorpus(dir));
    expect(err.file).toBe(FILES["2023-shanghai"]);
    expect(err.message).toMatch(/year/);
  });
});

describe("the form is detected from the content, never the file name", () => {
  for (const [id, file] of Object.entries(FILES)) {
    it(`${id}: the same content under other names parses the same`, () => {
      const entry = {
        file,
        id,
        ...(id === "2023-shanghai" ? { startDate: "2023-11-30", kind: "symposium" as const } : {}),
      };
      const reference = parseReport(file, rawReport(file), entry).meeting;
      for (const name of ["report.html", "page.md", "scan.pdf.txt", "noextension"]) {
        const dir = tempDir();
        copyFileSync(join(CORPUS, file), join(dir, name));
        writeManifest(dir, { reports: [{ ...entry, file: name }] });
        const loaded = loadCorpus(dir).meetings[0]!;
        expect(loaded.format, name).toBe(reference.format);
        expect(loaded.articles, name).toEqual(reference.articles);
        expect({ ...loaded, source: null }).toEqual({ ...reference, source: null });
      }
    });
  }
});
