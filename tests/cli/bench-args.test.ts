/**
 * `npm run bench` arguments, in process: every flag may be left out or given in any order. The bug this
 * guards against: `--time-scale 4` without `--questions` made the bench read "--time-scale" as the
 * questions file and crash.
 */
import { describe, expect, it } from "vitest";
import { parseBenchArgs } from "../../src/bench/args.js";
import { UsageError } from "../../src/wiring.js";

describe("npm run bench arguments", () => {
  it("takes --time-scale alone, without --questions, and keeps the defaults for the rest", () => {
    const args = parseBenchArgs(["--time-scale", "4"]);
    expect(args.timeScale).toBe(4);
    expect(args.questions).toBeUndefined();
    expect(args.rounds).toBe(3);
    expect(args.scale).toBeUndefined();
    expect(args.only).toBeUndefined();
  });

  it("reads every flag wherever it stands", () => {
    const args = parseBenchArgs([
      "--json",
      "--rounds",
      "5",
      "--scale",
      "1000",
      "--questions",
      "q.txt",
      "--corpus",
      "c",
      "--index",
      "i",
    ]);
    expect(args).toMatchObject({
      json: true,
      rounds: 5,
      scale: 1000,
      questions: "q.txt",
      corpus: "c",
      index: "i",
      timeScale: 1,
    });
  });

  it("with no arguments runs everything at real time", () => {
    expect(parseBenchArgs([])).toMatchObject({
      timeScale: 1,
      rounds: 3,
      json: false,
      scale: undefined,
      questions: undefined,
    });
  });

  it.each([
    [["--time-scale"], /--time-scale needs a value/],
    [["--questions", "--time-scale", "4"], /--questions needs a value/],
    [["--scale", "0"], /--scale must be a positive number, not "0"/],
    [["--rounds", "many"], /--rounds must be a positive number, not "many"/],
    [["--time-scale", "-2"], /--time-scale must be a positive number/],
  ])("refuses %j with one line naming the flag", (argv, message) => {
    expect(() => parseBenchArgs(argv)).toThrow(UsageError);
    expect(() => parseBenchArgs(argv)).toThrow(message);
  });
});
