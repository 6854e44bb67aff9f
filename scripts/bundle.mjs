#!/usr/bin/env node
/**
 * Bundles the entry points a user starts cold (`ask`, the bot) with esbuild, over tsc's output in dist/:
 * dist/cli/ask.js and dist/main.js become single files plus shared chunks in dist/chunks/. Node 20 has no
 * compile cache, and resolving and loading some 60 separate ES modules was about a tenth of a cold `ask`
 * (0.43 s, bundled 0.39 s); a bundle loads a handful of files. tsc still type-checks and emits every module
 * (the bench and `ingest` run those, the tests run the sources); this step runs after it (`npm run build`,
 * and scripts/run.mjs when src/ changed).
 *
 * Packages stay external (loaded from node_modules at run time, as before) except the few pure ES-module
 * libraries listed in INLINE: native modules cannot be bundled, and the heavy optional libraries (LLM, chart,
 * PostgreSQL, Redis) are loaded only when used. Dynamic `import()`s become chunks of their own (splitting),
 * so what was lazy stays lazy.
 */
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

/** Pure ES-module packages on the start-up path, bundled in: each is many small files otherwise. */
const INLINE = new Set(["zod", "lru-cache"]);

const readJson = (path) => JSON.parse(readFileSync(path, "utf8"));
// Our workspace packages stay external too: `npm ci` may build them (their own `prepare`) after this one.
const workspaces = readdirSync(join(root, "packages")).map(
  (dir) => readJson(join(root, "packages", dir, "package.json")).name,
);
const external = [...Object.keys(readJson(join(root, "package.json")).dependencies ?? {}), ...workspaces]
  .filter((name) => !INLINE.has(name))
  .flatMap((name) => [name, `${name}/*`]);

rmSync(join(root, "dist", "chunks"), { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: { "cli/ask": "src/cli/ask.ts", main: "src/main.ts" },
  outdir: "dist",
  chunkNames: "chunks/[name]-[hash]",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  external,
  logLevel: "warning",
});
