/**
 * Planner election on PostgreSQL: a session-level `pg_try_advisory_lock` on a connection
 * of its own, held for as long as the process plans. The lock goes with the session, so a
 * planner that dies or loses its connection frees it at once and another replica wins the
 * next try; nothing to expire or clean up.
 */
import pg from "pg";
import type { LeaderLock } from "../digest/planner.js";

/** The lock's name; hashed to the advisory lock key. */
const PLANNER_LOCK = "csj-bot:digest-planner";

/**
 * A {@link LeaderLock} on DATABASE_URL. `acquire` never waits: it returns whether this
 * process holds the lock now (reconnecting first if the connection was lost).
 * @example const leader = createPgLeaderLock(config.DATABASE_URL)
 */
export function createPgLeaderLock(url: string, name = PLANNER_LOCK): LeaderLock {
  let client: pg.Client | undefined;
  let held = false;
  const drop = () => {
    held = false;
    client = undefined;
  };
  return {
    async acquire() {
      if (held && client) return true;
      if (!client) {
        const fresh = new pg.Client({ connectionString: url });
        // A dropped session has dropped the lock with it; the next acquire reconnects and tries again.
        fresh.on("error", drop);
        fresh.on("end", drop);
        await fresh.connect();
        client = fresh;
      }
      const { rows } = await client.query<{ locked: boolean }>("SELECT pg_try_advisory_lock(hashtext($1)) AS locked", [
        name,
      ]);
      held = rows[0]?.locked === true;
      return held;
    },
    async release() {
      const current = client;
      drop();
      await current?.end().catch(() => undefined);
    },
  };
}
