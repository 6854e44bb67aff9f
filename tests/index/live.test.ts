/**
 * Switching index builds under running requests (src/index/live.ts), with a fake clock, a fake
 * pointer and builds that open when the test says so: requests in flight keep their build, new
 * ones get the new build once it is open, the old one is released only after its last request,
 * and a build that cannot be opened leaves the old one serving.
 */
import { describe, expect, it } from "vitest";

import { createLiveIndex } from "../../src/index/live.js";
import { silentLogger } from "../../src/logger.js";

/** A switcher over builds named by a pointer the test moves, each opening when `finish(build)` is called. */
function setup(checkEveryMs = 1000) {
  let pointer = "build-a";
  let now = 0;
  const opening = new Map<string, { resolve: (v: string) => void; reject: (e: Error) => void }>();
  const released: string[] = [];
  let notify: (() => void) | undefined;
  const live = createLiveIndex<string>({
    first: { build: "build-a", value: "answers from a" },
    readPointer: () => pointer,
    open: (build) => new Promise<string>((resolve, reject) => opening.set(build, { resolve, reject })),
    now: () => new Date(now),
    checkEveryMs,
    watch: (changed) => {
      notify = changed;
      return () => (notify = undefined);
    },
    onRelease: (build) => released.push(build),
    logger: silentLogger,
  });
  return {
    live,
    released,
    opening,
    publish(build: string) {
      pointer = build;
    },
    advance(ms: number) {
      now += ms;
    },
    watchFires() {
      notify?.();
    },
    get watching() {
      return notify !== undefined;
    },
  };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe("the live index", () => {
  it("keeps requests in flight on their build, serves new ones from the new build, and releases the old one after its last request", async () => {
    const t = setup();
    const inFlight = [t.live.acquire(), t.live.acquire()];
    t.publish("build-b");
    t.watchFires();
    expect(t.opening.has("build-b")).toBe(true);
    // Still opening: requests meanwhile are served at once, from a.
    const whileOpening = t.live.acquire();
    expect(whileOpening.value).toBe("answers from a");
    t.opening.get("build-b")!.resolve("answers from b");
    await tick();
    const after = t.live.acquire();
    expect(after.value).toBe("answers from b");
    expect(inFlight.map((l) => l.value)).toEqual(["answers from a", "answers from a"]);
    inFlight[0]!.release();
    inFlight[0]!.release(); // a second release of the same lease counts once
    inFlight[1]!.release();
    expect(t.released).toEqual([]);
    expect(t.live.held()).toEqual([
      { build: "build-a", leases: 1 },
      { build: "build-b", leases: 1 },
    ]);
    whileOpening.release();
    expect(t.released).toEqual(["build-a"]);
    after.release();
    expect(t.live.held()).toEqual([{ build: "build-b", leases: 0 }]);
  });

  it("releases the old build at once when no request holds it, and only once", async () => {
    const t = setup();
    t.live.acquire().release();
    t.publish("build-b");
    const switched = t.live.refresh();
    t.opening.get("build-b")!.resolve("answers from b");
    await switched;
    expect(t.live.build).toBe("build-b");
    expect(t.released).toEqual(["build-a"]);
    expect(t.live.held()).toEqual([{ build: "build-b", leases: 0 }]);
  });

  it("without a watch event, notices the new build before a request, at most once per interval", async () => {
    const t = setup(1000);
    t.publish("build-b");
    t.live.acquire().release();
    expect(t.opening.has("build-b")).toBe(false); // checked less than 1000 ms ago (at start)
    t.advance(1000);
    t.live.acquire().release();
    expect(t.opening.has("build-b")).toBe(true);
    t.opening.get("build-b")!.resolve("answers from b");
    await tick();
    expect(t.live.acquire().value).toBe("answers from b");
  });

  it("opens one build at a time and takes the newest published meanwhile", async () => {
    const t = setup();
    t.publish("build-b");
    const first = t.live.refresh();
    t.publish("build-c");
    t.watchFires(); // while b is opening: not a second open
    expect([...t.opening.keys()]).toEqual(["build-b"]);
    t.opening.get("build-b")!.resolve("answers from b");
    await tick();
    expect(t.opening.has("build-c")).toBe(true);
    t.opening.get("build-c")!.resolve("answers from c");
    await first;
    expect(t.live.acquire().value).toBe("answers from c");
    expect(t.released).toEqual(["build-a", "build-b"]);
  });

  it("keeps serving the old build when the new one cannot be opened, and does not retry it", async () => {
    const t = setup();
    t.publish("build-b");
    const attempt = t.live.refresh();
    t.opening.get("build-b")!.reject(new Error("vectors.hnsw is missing"));
    await attempt;
    expect(t.live.acquire().value).toBe("answers from a");
    t.opening.clear();
    await t.live.refresh();
    expect(t.opening.size).toBe(0);
    t.live.close();
    expect(t.watching).toBe(false);
  });
});
