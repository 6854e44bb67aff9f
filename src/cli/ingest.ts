/**
 * `npm run ingest`: parses corpus/ and rebuilds index/, with a progress line per
 * file and per embedding batch. Articles dropped from a page are listed with the reason.
 */
import { loadConfig } from "../config.js";
import { openCore, runCli } from "../wiring.js";

await runCli(async () => {
  const config = loadConfig(process.env);
  const started = performance.now();
  const say = (line: string) => process.stderr.write(`${line}\n`);
  const { engine } = await openCore(config, {
    build: "force",
    onFile: (f) => say(`parsed ${f.file} → ${f.meetingId}: ${f.articles} article(s), ${f.paragraphs} paragraphs`),
    onDropped: (d) => say(`  dropped from ${d.file}: “${d.title}” (${d.paragraphs} paragraphs) — ${d.reason}`),
    onEmbedProgress: (done, total) => say(`embedded ${done}/${total} chunks`),
  });
  const ms = Math.round(performance.now() - started);
  say(
    `index ready in ${config.INDEX_DIR}/: ${engine.index.chunks.length} chunks from ${engine.corpus.meetings.length} meetings, ` +
      `embedder ${engine.index.manifest.embedder.name}${engine.index.manifest.embedder.model ? `:${engine.index.manifest.embedder.model}` : ""} (${engine.index.manifest.embedder.dimensions} dims), ${ms} ms`,
  );
});
