/**
 * Builds the index of the real corpus once per `npm test`; tests that need a whole engine copy it
 * (sharedIndexCopy in tests/fixtures/helpers.ts) instead of each building their own. Also decides once
 * whether tests start entry points as child processes from the compiled dist/ (what `npm start` runs)
 * or from the sources through tsx (entryArgs in tests/fixtures/helpers.ts).
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";

import type { TestProject } from "vitest/node";

import { openEngine } from "../src/engine.js";
import { CORPUS, ROOT } from "./fixtures/helpers.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** An index of the real corpus built with the default embedder; copy it, never write to it. */
    sharedIndexDir: string;
    /** dist/ (and the emulator package's dist/) hold an up-to-date build of every source file. */
    distIsFresh: boolean;
  }
}

export default async function setup(project: TestProject): Promise<() => void> {
  const dir = mkdtempSync(join(tmpdir(), "csj-shared-index-"));
  const indexDir = join(dir, "index");
  await openEngine({ corpusDir: CORPUS, indexDir });
  project.provide("sharedIndexDir", indexDir);
  const fresh = distIsFresh();
  if (!fresh)
    console.info(
      "dist/ is older than the sources: child processes run them through tsx (slower; `npm run build` fixes that).",
    );
  project.provide("distIsFresh", fresh);
  return () => rmSync(dir, { recursive: true, force: true });
}

/**
 * True when every .ts file under src/ and packages/bot-api-emulator/src/ has a compiled file in the
 * matching dist/ that is newer than it and than the build configs (the check scripts/run.mjs makes
 * before `npm start`; a stat per file). `npm ci` builds both; an edit since makes this false.
 */
function distIsFresh(): boolean {
  const trees = [ROOT, join(ROOT, "packages", "bot-api-emulator")];
  const config = Math.max(
    ...trees.flatMap((root) => ["tsconfig.json", "tsconfig.build.json"].map((f) => mtime(join(root, f)))),
  );
  return trees.every((root) => {
    const src = join(root, "src");
    const dist = join(root, "dist");
    const fresh = (folder: string): boolean =>
      readdirSync(folder, { withFileTypes: true }).every((entry) => {
        const path = join(folder, entry.name);
        if (entry.isDirectory()) return fresh(path);
        if (!entry.name.endsWith(".ts") || entry.name.endsWith(".d.ts")) return true;
        const built = mtime(join(dist, relative(src, path).replace(/\.ts$/, ".js")));
        return built >= mtime(path) && built >= config;
      });
    return fresh(src);
  });
}

function mtime(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return -1;
  }
}
