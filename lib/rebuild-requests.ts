import 'server-only';
import { randomUUID } from 'node:crypto';
import { desc, inArray, sql } from 'drizzle-orm';
import type { Db } from '@/lib/db/client';
import { rebuildRuns, type RebuildRunRecord } from '@/lib/db/schema';

/**
 * The web app never rebuilds the read model itself: it asks the worker, which owns every write
 * to the read model, by adding a `requested` row to rebuild_runs and ringing REBUILD_CHANNEL.
 * At most one rebuild is requested or running at a time (a unique index says so).
 */
export const REBUILD_CHANNEL = 'eventbank_rebuild';
export const REBUILD_REQUESTED = 'requested';

export type RebuildRequest = { accepted: true; run: RebuildRunRecord } | { accepted: false; active: RebuildRunRecord };

export async function requestRebuild(db: Db): Promise<RebuildRequest> {
  const [created] = await db
    .insert(rebuildRuns)
    .values({ id: randomUUID(), status: 'requested', message: 'waiting for the worker' })
    .onConflictDoNothing()
    .returning();
  if (created) {
    await db.execute(sql`select pg_notify(${REBUILD_CHANNEL}, ${REBUILD_REQUESTED})`);
    return { accepted: true, run: created };
  }
  const [active] = await db
    .select()
    .from(rebuildRuns)
    .where(inArray(rebuildRuns.status, ['requested', 'running']))
    .limit(1);
  // It finished between the two statements: ask again.
  return active ? { accepted: false, active } : requestRebuild(db);
}

/** The newest rebuild, running or not, for /system. */
export async function latestRebuild(db: Db): Promise<RebuildRunRecord | null> {
  const [run] = await db.select().from(rebuildRuns).orderBy(desc(rebuildRuns.startedAt)).limit(1);
  return run ?? null;
}
