/**
 * New reports without downtime: a running process notices that `CURRENT` names another build
 * (`npm run ingest` published one), loads it beside the one it serves, and switches between
 * requests. A request holds a lease on the build it started with, so it finishes on that build;
 * the replaced build is released when its last lease is returned. Every replica reads the same
 * `CURRENT`, so all of them end up on the same build.
 *
 * The switch logic is given its clock, its pointer reader and its watcher, so it is tested without
 * a file system; {@link watchIndexPointer} is the file-system watcher the composition root injects.
 */
import { watch } from "node:fs";

import type { Logger } from "../logger.js";

/** One request's hold on a build: read `value` until `release()` (which is idempotent). */
export interface Lease<T> {
  readonly value: T;
  readonly build: string;
  release(): void;
}

/** Options of {@link createLiveIndex}. */
export interface LiveIndexOptions<T> {
  /** The build already open at start, and what it serves. */
  first: { build: string; value: T };
  /** The build `CURRENT` names now (undefined when there is none); called often, so it must be cheap. */
  readPointer: () => string | undefined;
  /** Opens a build; slow, and never on a request's path. */
  open: (build: string) => Promise<T>;
  now: () => Date;
  /** Before a request, the pointer is read at most this often (default 1000 ms): the fallback when watching misses a change. */
  checkEveryMs?: number;
  /** Calls `changed` when the pointer may have changed; returns the unsubscribe. */
  watch?: (changed: () => void) => () => void;
  /** Called once a replaced build has no lease left. */
  onRelease?: (build: string, value: T) => void;
  logger: Logger;
}

/** A build that switches under running requests. */
export interface LiveIndex<T> {
  /** The build new requests get; checks the pointer first when the last check is older than `checkEveryMs`. */
  acquire(): Lease<T>;
  /** The build new requests get now. */
  readonly build: string;
  /** Reads the pointer now and, when it moved, opens that build and switches to it; settles when done. */
  refresh(): Promise<void>;
  /** Builds opened and not yet released (the serving one included), with their leases. */
  held(): Array<{ build: string; leases: number }>;
  /** Stops watching. */
  close(): void;
}

interface Generation<T> {
  build: string;
  value: T;
  leases: number;
}

/**
 * Creates the switcher.
 *
 * @example
 * const live = createLiveIndex({ first: { build, value: core }, readPointer: () => readIndexPointer(dir),
 *   open: (b) => openCoreBuild(b), now: () => new Date(), watch: (changed) => watchIndexPointer(dir, changed, logger), logger });
 * const lease = live.acquire(); try { await answer(lease.value) } finally { lease.release() }
 */
export function createLiveIndex<T>(options: LiveIndexOptions<T>): LiveIndex<T> {
  const { logger, now } = options;
  const checkEveryMs = options.checkEveryMs ?? 1000;
  let current: Generation<T> = { ...options.first, leases: 0 };
  const held = new Set<Generation<T>>([current]);
  let lastCheck = now().getTime();
  let loading: Promise<void> | undefined;
  // A build that failed to open is not retried until CURRENT names another one (it cannot heal in place).
  let failed: string | undefined;

  const release = (generation: Generation<T>) => {
    held.delete(generation);
    logger.info("released the previous index build", { build: generation.build });
    options.onRelease?.(generation.build, generation.value);
  };

  const load = async (build: string): Promise<void> => {
    const started = now().getTime();
    try {
      const value = await options.open(build);
      const previous = current;
      current = { build, value, leases: 0 };
      held.add(current);
      logger.info("switched to a new index build", {
        build,
        previous: previous.build,
        ms: now().getTime() - started,
        in_flight: previous.leases,
      });
      if (previous.leases === 0) release(previous);
    } catch (error) {
      failed = build;
      logger.warn("could not open the new index build; answering from the previous one", {
        build,
        serving: current.build,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  };

  const refresh = async (): Promise<void> => {
    if (loading) return loading;
    let pointer: string | undefined;
    try {
      pointer = options.readPointer();
    } catch (error) {
      // Mid-publish or a damaged pointer: keep serving, look again at the next check.
      logger.debug("index pointer unreadable", { error: error instanceof Error ? error.message : String(error) });
      return;
    }
    if (pointer === undefined || pointer === current.build || pointer === failed) return;
    loading = load(pointer).finally(() => (loading = undefined));
    await loading;
    // A build published while this one loaded is taken now, not at the next change.
    return refresh();
  };

  const unwatch = options.watch?.(() => void refresh());

  return {
    get build() {
      return current.build;
    },
    acquire() {
      const at = now().getTime();
      if (at - lastCheck >= checkEveryMs) {
        lastCheck = at;
        void refresh();
      }
      const generation = current;
      generation.leases++;
      let returned = false;
      return {
        value: generation.value,
        build: generation.build,
        release() {
          if (returned) return;
          returned = true;
          generation.leases--;
          if (generation.leases === 0 && generation !== current && held.has(generation)) release(generation);
        },
      };
    },
    refresh,
    held: () => [...held].map((g) => ({ build: g.build, leases: g.leases })),
    close() {
      unwatch?.();
    },
  };
}

/**
 * Watches an index folder for a replaced `CURRENT` (fs.watch: inotify on Linux). Watching can
 * miss changes on some file systems (NFS, some container volumes), which is why the switcher also
 * reads the pointer before requests. Returns the unsubscribe.
 */
export function watchIndexPointer(dir: string, changed: () => void, logger: Logger): () => void {
  try {
    const watcher = watch(dir, { persistent: false }, (_event, file) => {
      if (file === null || file === "CURRENT") changed();
    });
    watcher.on("error", (error) =>
      logger.warn("stopped watching the index folder; new builds are noticed before requests", {
        dir,
        error: error.message,
      }),
    );
    return () => watcher.close();
  } catch (error) {
    logger.warn("cannot watch the index folder; new builds are noticed before requests", {
      dir,
      error: error instanceof Error ? error.message : String(error),
    });
    return () => undefined;
  }
}
