import 'server-only';
import { randomUUID } from 'node:crypto';
import { desc, inArray, sql } from 'drizzle-orm';
import type { Db } from '@/lib/db/client';
import { reconciliationRuns, type ReconciliationRunRecord } from '@/lib/db/schema';
import { RECONCILE_CHANNEL, RECONCILE_REQUESTED } from './run';

/** As with rebuilds (lib/rebuild-requests.ts): the app asks, the worker runs it, one at a time. */
export type ReconciliationRequest = { accepted: true; run: ReconciliationRunRecord } | { accepted: false; active: ReconciliationRunRecord };

export async function requestReconciliation(db: Db): Promise<ReconciliationRequest> {
  const [created] = await db
    .insert(reconciliationRuns)
    .values({ id: randomUUID(), status: 'requested', message: 'waiting for the worker' })
    .onConflictDoNothing()
    .returning();
  if (created) {
    await db.execute(sql`select pg_notify(${RECONCILE_CHANNEL}, ${RECONCILE_REQUESTED})`);
    return { accepted: true, run: created };
  }
  const [active] = await db
    .select()
    .from(reconciliationRuns)
    .where(inArray(reconciliationRuns.status, ['requested', 'running']))
    .limit(1);
  return active ? { accepted: false, active } : requestReconciliation(db);
}

/** The newest reconciliation, running or not. */
export async function latestReconciliation(db: Db): Promise<ReconciliationRunRecord | null> {
  const [run] = await db.select().from(reconciliationRuns).orderBy(desc(reconciliationRuns.startedAt)).limit(1);
  return run ?? null;
}
