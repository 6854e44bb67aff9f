/**
 * The bot's core that follows `npm run ingest`: one index build's answerer, meetings and trends,
 * replaced by the next build while the bot runs (src/index/live.ts has the switching rules). Used
 * by src/main.ts; a new build is opened exactly as published, never rebuilt here.
 */
import type { CoreView } from "./bot/index.js";
import type { Config } from "./config.js";
import { personNames } from "./corpus/names.js";
import { openIndexBuild, type Engine } from "./engine.js";
import { createLiveIndex, watchIndexPointer, type LiveIndex } from "./index/live.js";
import type { Segmenter } from "./index/segmenter.js";
import { readIndexPointer } from "./index/store.js";
import type { Logger } from "./logger.js";
import { createTrendService, type TrendService } from "./trend/index.js";
import { answererFor, embedderFor } from "./wiring.js";

/** The trend service of one opened core. */
export function trendServiceFor(engine: Engine): TrendService {
  return createTrendService({
    chunks: engine.index.chunks,
    segmenter: engine.segmenter,
    artefact: engine.themeWeights,
    people: personNames(engine.corpus),
  });
}

/** What the bot serves from one opened core. */
export async function coreViewOf(
  config: Config,
  engine: Engine,
  logger: Logger,
  trend = trendServiceFor(engine),
): Promise<CoreView> {
  return { answerer: await answererFor(config, engine, logger), meetings: engine.corpus.meetings, trend };
}

/**
 * Serves `first` (the core opened at start) and switches to each build published later in
 * INDEX_DIR: noticed by watching the folder, and, should a change be missed, by reading `CURRENT`
 * at most once a second before an update.
 */
export function createLiveCore(options: {
  config: Config;
  first: CoreView;
  /**
   * The serving engine's segmenter, reused by every later build: a new jieba dictionary costs 150–270 ms of
   * blocked event loop, the rest of opening a build about 20–40 ms. It learns each build's person names;
   * names of a report later removed stay known, which only keeps such a name whole in a question.
   */
  segmenter: Segmenter;
  logger: Logger;
  now?: () => Date;
  checkEveryMs?: number;
}): LiveIndex<CoreView> {
  const { config, logger } = options;
  const dir = config.INDEX_DIR;
  const build = readIndexPointer(dir);
  if (build === undefined) throw new Error(`no index build in ${dir} after opening the core`);
  return createLiveIndex<CoreView>({
    first: { build, value: options.first },
    readPointer: () => readIndexPointer(dir),
    open: async (next) => {
      const engine = openIndexBuild(
        { indexDir: dir, embedder: await embedderFor(config), logger, segmenter: options.segmenter },
        next,
      );
      return coreViewOf(config, engine, logger);
    },
    now: options.now ?? (() => new Date()),
    ...(options.checkEveryMs === undefined ? {} : { checkEveryMs: options.checkEveryMs }),
    watch: (changed) => watchIndexPointer(dir, changed, logger),
    logger,
  });
}
