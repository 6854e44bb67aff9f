/**
 * One digest worker as a child process of the queue broadcast (src/bench/queue.ts): the
 * real store adapter, digest sender and queue worker, against the harness's Telegram
 * stand-in. argv[2] is a JSON {@link QueueWorkerProcessConfig}. Prints "ready" once it
 * takes jobs; SIGTERM closes it cleanly (SIGKILL is what the kill test sends).
 */
import { createDigestSender } from "../bot/digest-sender.js";
import { silentLogger } from "../logger.js";
import { startQueueWorker } from "../queue/index.js";
import { openStore } from "../store/index.js";
import { STUB_TOKEN } from "./queue.js";

/** What the harness passes to a worker process. */
export interface QueueWorkerProcessConfig {
  databaseUrl?: string;
  databasePath: string;
  redisUrl: string;
  prefix: string;
  apiRoot: string;
  timeScale: number;
  lockDurationMs?: number;
}

const config = JSON.parse(process.argv[2] ?? "{}") as QueueWorkerProcessConfig;
const store = await openStore({ databaseUrl: config.databaseUrl, databasePath: config.databasePath });
const send = createDigestSender({ token: STUB_TOKEN, apiRoot: config.apiRoot }, { logger: silentLogger });
const worker = startQueueWorker({
  redisUrl: config.redisUrl,
  prefix: config.prefix,
  timeScale: config.timeScale,
  lockDurationMs: config.lockDurationMs,
  store,
  send,
  logger: silentLogger,
});
process.once("SIGTERM", () => {
  void (async () => {
    await worker.close();
    await store.close();
    process.exit(0);
  })();
});
process.stdout.write("ready\n");
