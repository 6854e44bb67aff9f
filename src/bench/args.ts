/**
 * The arguments of `npm run bench`, read in one place so every flag is checked the same way: a flag
 * that is absent takes its default, a flag without a value or with a value that is not a positive
 * number is a usage error. (Reading `args[indexOf(flag) + 1]` for an absent flag took `args[0]`.)
 */
import { UsageError } from "../wiring.js";

/** What `npm run bench` was asked to do. */
export interface BenchArgs {
  /** --questions FILE: the latency questions; undefined for the default file. */
  questions?: string | undefined;
  /** --only PART: run one part and print its JSON. */
  only?: string | undefined;
  /** --time-scale N: the broadcast runs N× faster than real time. */
  timeScale: number;
  /** --rounds N: restarts and query rounds of the scale run (a whole number). */
  rounds: number;
  /** --scale N: only the scale run, on a synthetic corpus N× the size. */
  scale?: number | undefined;
  /** --json: with --scale, print one JSON object. */
  json: boolean;
  /** --queue-subscribers N and --workers N: the queue broadcast's size (whole numbers). */
  queueSubscribers: number;
  workers: number;
  /** --corpus DIR and --index DIR (the parts' child processes get them). */
  corpus?: string | undefined;
  index?: string | undefined;
}

/**
 * Parses the bench's command line.
 * @throws UsageError naming the flag and what it needs
 * @example parseBenchArgs(["--scale", "100", "--json"]) // { scale: 100, json: true, timeScale: 1, rounds: 3 }
 */
export function parseBenchArgs(args: readonly string[]): BenchArgs {
  const scale = flag(args, "--scale") === undefined ? undefined : positive(args, "--scale", 100);
  return {
    questions: flag(args, "--questions"),
    only: flag(args, "--only"),
    timeScale: positive(args, "--time-scale", 1),
    rounds: Math.round(positive(args, "--rounds", 3)),
    scale,
    json: args.includes("--json"),
    queueSubscribers: Math.round(positive(args, "--queue-subscribers", 1000)),
    workers: Math.round(positive(args, "--workers", 2)),
    corpus: flag(args, "--corpus"),
    index: flag(args, "--index"),
  };
}

/** A flag's value, or undefined when the flag is absent (a flag with no value is a usage error). */
function flag(args: readonly string[], name: string): string | undefined {
  const at = args.indexOf(name);
  if (at < 0) return undefined;
  const value = args[at + 1];
  if (value === undefined || value.startsWith("--"))
    throw new UsageError(`${name} needs a value, e.g. npm run bench -- ${name} 4`);
  return value;
}

function positive(args: readonly string[], name: string, fallback: number): number {
  const raw = flag(args, name);
  const value = raw === undefined ? fallback : Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new UsageError(`${name} must be a positive number, not "${raw}".`);
  return value;
}
