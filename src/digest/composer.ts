/**
 * Composing a subscriber's digest from the store's rotation state: shared by the
 * in-process scheduler and the queue planner, so both send the same digest.
 */
import type { Chunk } from "../index/chunk.js";
import type { Store } from "../store/store.js";
import { composeDigest, matchParagraphs, type Digest, type ScoredParagraph } from "./compose.js";
import { paragraphsOf, type Theme } from "./themes.js";

/** Options of {@link createDigestComposer}. */
export interface DigestComposerOptions {
  store: Store;
  chunks: readonly Chunk[];
  /** Points per digest (defaults of {@link composeDigest}). */
  maxPoints?: number | undefined;
  minPoints?: number | undefined;
}

/** Composes digests; see {@link createDigestComposer}. */
export type DigestComposer = (subscriberId: number, theme: Theme, since: string, localDate: string) => Promise<Digest>;

/**
 * Creates the composer. Records the corpus's paragraph keys right away, so paragraphs
 * from later ingests can be told apart as 新增; theme matches are computed once per theme.
 */
export function createDigestComposer(options: DigestComposerOptions): DigestComposer {
  const { store, chunks } = options;
  const matchCache = new Map<string, ScoredParagraph[]>();
  const recorded = store.recordParagraphs(paragraphsOf(chunks).map((p) => p.key));
  // Subscriptions made together share a start, so a broadcast asks the same question many
  // times. Only another replica's ingest adds paragraphs, and those are not in `chunks`.
  const freshSince = new Map<string, Promise<Set<string>>>();
  const freshAfter = (since: string) => {
    let fresh = freshSince.get(since);
    if (!fresh) {
      if (freshSince.size >= 1000) freshSince.clear();
      freshSince.set(since, (fresh = store.paragraphsSeenAfter(since)));
      fresh.catch(() => freshSince.delete(since));
    }
    return fresh;
  };
  const matchesFor = (theme: Theme) => {
    let matches = matchCache.get(theme.id);
    if (!matches) matchCache.set(theme.id, (matches = matchParagraphs(theme, chunks)));
    return matches;
  };
  return async (subscriberId, theme, since, localDate) => {
    await recorded;
    const lastSentAt = await store.sentParagraphs(subscriberId, theme.id);
    const fresh = await freshAfter(since);
    return composeDigest({
      theme,
      chunks,
      matches: matchesFor(theme),
      sent: new Set(lastSentAt.keys()),
      lastSentAt,
      fresh,
      localDate,
      maxPoints: options.maxPoints,
      minPoints: options.minPoints,
    });
  };
}
