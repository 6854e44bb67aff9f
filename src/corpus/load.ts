/**
 * Reads corpus/: the manifest and every report file, parses each into meetings
 * with numbered paragraphs. This is the only corpus module that touches the disk.
 */
import { createHash } from "node:crypto";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { articleKind, articleTitle, rehomeHeadlines, relevance, splitArticles } from "./articles.js";
import { CorpusError } from "./errors.js";
import { UnknownFormatError, parseSource } from "./formats.js";
import { ManifestSchema, type Manifest, type ManifestEntry } from "./manifest.js";
import { inferMetadata, type InferredMetadata } from "./metadata.js";
import { rebuildParagraphs } from "./paragraphs.js";
import type { Article, Corpus, DroppedArticle, Meeting } from "./types.js";

/** Bump when parsing changes, so indexes built by an older parser count as stale. */
export const PARSER_VERSION = 2;

export const MANIFEST_FILE = "manifest.json";
const NOT_REPORTS = new Set([MANIFEST_FILE, "README.md"]);

/** Progress and drop notices while loading. */
export interface LoadEvents {
  onFile?: (event: { file: string; meetingId: string; articles: number; paragraphs: number }) => void;
  onDropped?: (dropped: DroppedArticle) => void;
}

/**
 * Loads every report in `dir`, validated against `dir/manifest.json`.
 * @throws CorpusError with a message that names the file and says how to fix it.
 */
export function loadCorpus(dir: string, events: LoadEvents = {}): Corpus {
  const manifestRaw = readManifestText(dir);
  const manifest = parseManifest(manifestRaw);
  const files = listReportFiles(dir);
  if (files.length === 0) {
    throw new CorpusError(
      `The corpus folder ${dir} has no report files. Put the reports there and list them in ${MANIFEST_FILE}.`,
    );
  }
  const entries = new Map(manifest.reports.map((e) => [e.file, e]));
  const hash = corpusHasher(manifestRaw);
  const meetings: Meeting[] = [];
  const dropped: DroppedArticle[] = [];
  for (const file of files) {
    const entry = entries.get(file);
    if (!entry) throw missingEntry(file);
    const bytes = readFileSync(join(dir, file));
    hash.add(file, bytes);
    const { meeting, dropped: fileDropped } = parseReport(file, decodeUtf8(file, bytes), entry, manifest.topicTerms);
    for (const d of fileDropped) events.onDropped?.(d);
    dropped.push(...fileDropped);
    const paragraphs = meeting.articles.reduce((n, a) => n + a.paragraphs.length, 0);
    events.onFile?.({ file, meetingId: meeting.id, articles: meeting.articles.length, paragraphs });
    meetings.push(meeting);
  }
  const unlisted = manifest.reports.filter((e) => !files.includes(e.file));
  if (unlisted.length) {
    throw new CorpusError(
      `${MANIFEST_FILE} lists ${unlisted.map((e) => e.file).join(", ")}, which is not in ${dir}. Add the file or remove its entry.`,
      unlisted[0]?.file,
    );
  }
  const ids = new Set<string>();
  for (const m of meetings) {
    if (ids.has(m.id))
      throw new CorpusError(
        `Two reports use the meeting id "${m.id}" in ${MANIFEST_FILE}; give each its own id.`,
        m.source.file,
      );
    ids.add(m.id);
  }
  meetings.sort((a, b) => a.startDate.localeCompare(b.startDate));
  return { meetings, dropped, hash: hash.digest() };
}

/**
 * The corpus' hash as `loadCorpus` computes it (parser version, manifest, every report's bytes),
 * without parsing anything: a start compares it with the index's to decide whether to rebuild.
 * @throws CorpusError when the folder or its manifest is missing.
 */
export function hashCorpus(dir: string): string {
  const hash = corpusHasher(readManifestText(dir));
  for (const file of listReportFiles(dir)) hash.add(file, readFileSync(join(dir, file)));
  return hash.digest();
}

/** One rule for the corpus hash, shared by `loadCorpus` and `hashCorpus`. */
function corpusHasher(manifestRaw: string) {
  const hash = createHash("sha256").update(`parser:${PARSER_VERSION}\n`).update(manifestRaw);
  return {
    add: (file: string, bytes: Buffer) => hash.update(`\n${file}\n`).update(bytes),
    digest: () => hash.digest("hex"),
  };
}

/**
 * Parses one report file's text into a meeting. Pure: the caller reads the file.
 * @throws CorpusError when the form is unknown, nothing is about the meetings, or metadata is missing.
 */
export function parseReport(
  file: string,
  raw: string,
  entry: ManifestEntry,
  topicTerms: readonly string[] = ["长三角"],
): { meeting: Meeting; dropped: DroppedArticle[] } {
  let parsed: ReturnType<typeof parseSource>;
  try {
    parsed = parseSource(raw);
  } catch (err) {
    if (err instanceof UnknownFormatError) {
      throw new CorpusError(
        `${file}: ${err.message}. Convert it to HTML, Markdown or plain text, or remove it from the corpus.`,
        file,
      );
    }
    throw err;
  }
  const { blocks } = rebuildParagraphs(parsed.lines);
  const raws = rehomeHeadlines(splitArticles(blocks));
  const dropped: DroppedArticle[] = [];
  const articles: Article[] = [];
  for (const candidate of raws) {
    const title = articleTitle(candidate);
    if (candidate.paragraphs.length === 0) continue;
    const verdict = relevance(candidate, topicTerms);
    if (!verdict.keep) {
      dropped.push({ file, title, paragraphs: candidate.paragraphs.length, reason: verdict.reason });
      continue;
    }
    articles.push({
      index: articles.length + 1,
      kind: articleKind(candidate),
      title,
      paragraphs: [
        ...(candidate.headlines.length ? [{ n: 0, text: candidate.headlines.join(" ") }] : []),
        ...candidate.paragraphs.map((text, i) =>
          i === 0 && candidate.dateline ? { n: 1, text, dateline: candidate.dateline } : { n: i + 1, text },
        ),
      ],
    });
  }
  if (articles.length === 0) {
    throw new CorpusError(
      `${file}: no article on this page is about the meetings (each must mention ${topicTerms.join("/")} and a meeting or forum). Check the file, or remove it.`,
      file,
    );
  }
  const inferred = inferMetadata(
    articles.map((a) => ({ kind: a.kind, paragraphs: a.paragraphs.filter((p) => p.n > 0).map((p) => p.text) })),
    parsed.frontMatter,
  );
  return { meeting: completeMeeting(file, entry, inferred, articles, parsed.format), dropped };
}

function completeMeeting(
  file: string,
  entry: ManifestEntry,
  inferred: InferredMetadata,
  articles: Article[],
  format: Meeting["format"],
): Meeting {
  const startDate = entry.startDate ?? inferred.startDate;
  const year = startDate ? Number(startDate.slice(0, 4)) : inferred.year;
  // A date inferred without the year (the text only said 6月5日) is re-read with the manifest's year.
  const fields = {
    title: entry.title ?? inferred.title,
    kind: entry.kind ?? inferred.kind,
    year,
    startDate,
    endDate: entry.endDate ?? inferred.endDate ?? startDate,
    city: entry.city ?? inferred.city,
    province: entry.province ?? inferred.province,
  };
  const missing = Object.entries(fields)
    .filter(([, v]) => v === undefined || v === "")
    .map(([k]) => k);
  if (missing.length) {
    throw new CorpusError(
      `${file}: the text does not say the meeting's ${missing.join(", ")}. Add ${missing
        .map((k) => `"${k}"`)
        .join(", ")} to its entry in corpus/${MANIFEST_FILE} (dates as YYYY-MM-DD, kind "annual" or "symposium").`,
      file,
    );
  }
  return {
    id: entry.id,
    kind: fields.kind!,
    title: fields.title!,
    year: fields.year!,
    startDate: fields.startDate!,
    endDate: fields.endDate!,
    city: fields.city!,
    province: fields.province!,
    theme: entry.theme ?? inferred.theme,
    forum: inferred.forum,
    source: { name: entry.source?.name ?? inferred.sourceName ?? "未注明来源", url: entry.source?.url, file },
    format,
    articles,
  };
}

function readManifestText(dir: string): string {
  try {
    return readFileSync(join(dir, MANIFEST_FILE), "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") {
      if (!safeIsDir(dir))
        throw new CorpusError(`The corpus folder ${dir} does not exist. Create it, or set CORPUS_DIR.`);
      throw new CorpusError(
        `${join(dir, MANIFEST_FILE)} is missing. Create it with {"reports": [{"file": "…", "id": "…"}]}; see the README.`,
      );
    }
    throw err;
  }
}

function parseManifest(raw: string): Manifest {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (err) {
    throw new CorpusError(
      `corpus/${MANIFEST_FILE} is not valid JSON (${(err as Error).message}). Fix the syntax.`,
      MANIFEST_FILE,
    );
  }
  const result = ManifestSchema.safeParse(json);
  if (!result.success) {
    const issues = result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new CorpusError(`corpus/${MANIFEST_FILE} is invalid — ${issues}.`, MANIFEST_FILE);
  }
  return result.data;
}

function listReportFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => !f.startsWith(".") && !NOT_REPORTS.has(f) && statSync(join(dir, f)).isFile())
    .sort();
}

function decodeUtf8(file: string, bytes: Buffer): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes).replace(/^\uFEFF/, "");
  } catch {
    throw new CorpusError(
      `${file} is not UTF-8 text (corrupt or binary). Re-save it as UTF-8, or remove it from the corpus.`,
      file,
    );
  }
}

function missingEntry(file: string): CorpusError {
  const template = JSON.stringify({ file, id: "2026-city", kind: "annual", startDate: "YYYY-MM-DD" });
  return new CorpusError(
    `${file} has no entry in corpus/${MANIFEST_FILE}. Add one to "reports", e.g. ${template}.`,
    file,
  );
}

function safeIsDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
