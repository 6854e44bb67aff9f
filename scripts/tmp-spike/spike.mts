import { join } from "node:path";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { benchQueueBroadcast } from "../../src/bench/queue.ts";
import { createStore, createPostgresStore } from "../../src/store/index.ts";
const dir = mkdtempSync(join(tmpdir(), "spike-"));
const path = join(dir, "b.sqlite");
const n = Number(process.argv[2] ?? 2000), scale = Number(process.argv[3] ?? 10);
const pgUrl = process.argv[4];
if (pgUrl) { const pg = (await import("pg")).default; const c = new pg.Client({connectionString: pgUrl}); await c.connect(); await c.query("DROP SCHEMA public CASCADE; CREATE SCHEMA public"); await c.end(); }
const t0 = performance.now();
const r = await benchQueueBroadcast({
  redisUrl: "redis://127.0.0.1:63801", subscribers: n, workers: 2, timeScale: scale,
  database: { url: pgUrl, path },
  openStore: async (now) => pgUrl ? createPostgresStore(pgUrl, { now }) : createStore(path, { now }),
});
const { perChat, ...rest } = r;
console.log(JSON.stringify(rest), Math.round(performance.now() - t0));
process.exit(0);
