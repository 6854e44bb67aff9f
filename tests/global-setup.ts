/**
 * Builds the index of the real corpus once per `npm test`; tests that need a whole engine copy it
 * (sharedIndexCopy in tests/fixtures/helpers.ts) instead of each building their own.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import type { TestProject } from "vitest/node";

import { openEngine } from "../src/engine.js";
import { CORPUS } from "./fixtures/helpers.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** An index of the real corpus built with the default embedder; copy it, never write to it. */
    sharedIndexDir: string;
  }
}

export default async function setup(project: TestProject): Promise<() => void> {
  const dir = mkdtempSync(join(tmpdir(), "csj-shared-index-"));
  const indexDir = join(dir, "index");
  await openEngine({ corpusDir: CORPUS, indexDir });
  project.provide("sharedIndexDir", indexDir);
  return () => rmSync(dir, { recursive: true, force: true });
}
