#!/usr/bin/env node
/**
 * Runs a compiled entry point: `node scripts/run.mjs cli/ask --json "…"` imports dist/cli/ask.js in this
 * process (no tsx, no second process). When a source file is newer than its compiled file (a pull, an edit,
 * a fresh checkout without `npm ci`), it compiles first, so `npm start` and `npm run ask` never run stale code.
 * The check is a stat per file, about a millisecond. Compiling is `npm run build`'s two steps: tsc, then
 * scripts/bundle.mjs (the bundled entry points are written last, so they are newer than every source).
 */
import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const src = join(root, "src");
const dist = join(root, "dist");
const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  process.stderr.write("usage: node scripts/run.mjs <entry under src/, e.g. cli/ask> [args…]\n");
  process.exit(2);
}

if (stale()) {
  process.stderr.write("Compiling src/ to dist/ (sources changed since the last build)…\n");
  const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
  // tsc reports on stdout; keep stdout for the program's own output (the scorer reads JSON lines there).
  const stdio = ["ignore", 2, 2];
  let run = spawnSync(process.execPath, [tsc, "-p", join(root, "tsconfig.build.json")], { stdio });
  // Then the bundles of the cold-start entry points, as `npm run build` does.
  if (run.status === 0) run = spawnSync(process.execPath, [join(root, "scripts", "bundle.mjs")], { stdio });
  if (run.status !== 0) {
    process.stderr.write(
      "The build failed (see above). Fix the type errors, or run `npm run dev` to run the sources with tsx.\n",
    );
    process.exit(1);
  }
}

const target = join(dist, `${entry.replace(/\.(ts|js)$/, "")}.js`);
// The entry sees the arguments as if it had been started directly (a bench re-spawns process.argv[1]).
process.argv = [process.argv[0], target, ...args];
await import(pathToFileURL(target).href);

/** True when dist/ lacks a compiled file for some source, or it is older than its source or the build configuration. */
function stale() {
  const config = Math.max(
    ...["tsconfig.json", "tsconfig.build.json", "scripts/bundle.mjs"].map((file) => mtime(join(root, file))),
  );
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (walk(path)) return true;
      } else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) {
        const out = join(dist, relative(src, path).replace(/\.ts$/, ".js"));
        const built = mtime(out);
        if (built < mtime(path) || built < config) return true;
      }
    }
    return false;
  };
  return walk(src);
}

function mtime(path) {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return -1;
  }
}
