/**
 * The queue broadcast's Telegram stand-in as a process of its own (see
 * spawnRecordingTelegram in queue.ts): argv[2] is JSON `{ tooManyRequestsOnce: number[] }`;
 * prints "listening <url>" and runs until SIGTERM.
 */
import { startRecordingTelegram } from "./queue.js";

const config = JSON.parse(process.argv[2] ?? "{}") as { tooManyRequestsOnce?: number[] };
const telegram = await startRecordingTelegram({ tooManyRequestsOnce: config.tooManyRequestsOnce ?? [] });
process.once("SIGTERM", () => {
  void telegram.stop().then(() => process.exit(0));
});
process.stdout.write(`listening ${telegram.url}\n`);
