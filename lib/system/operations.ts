import 'server-only';
import { getDb, type Db } from '@/lib/db/client';
import type { Difference } from '@/lib/reconciliation/compare';
import { latestReconciliation } from '@/lib/reconciliation/requests';
import { rebuildProgress } from '@/lib/rebuild-progress';
import { latestRebuild } from '@/lib/rebuild-requests';

/**
 * The newest rebuild and reconciliation as /system shows them: plain strings and numbers, ready
 * for the views (components render what pages give them).
 */
export async function rebuildForDisplay(db: Db = getDb(), now = Date.now()) {
  const run = await latestRebuild(db);
  if (!run) return null;
  const end = run.finishedAt?.getTime() ?? now;
  const progress = rebuildProgress({
    runId: run.id,
    phase: run.status === 'done' ? 'done' : 'replaying',
    events: Number(run.events),
    position: run.position,
    target: run.target,
    elapsedMs: Math.max(0, end - run.startedAt.getTime()),
  });
  return {
    status: run.status,
    message: run.message,
    startedAt: run.startedAt.toISOString(),
    finishedAt: run.finishedAt?.toISOString() ?? null,
    events: run.events.toString(),
    fraction: progress.fraction,
    eventsPerSecond: progress.eventsPerSecond,
    secondsLeft: progress.secondsLeft,
  };
}

export async function reconciliationForDisplay(db: Db = getDb()) {
  const run = await latestReconciliation(db);
  if (!run) return null;
  return {
    status: run.status,
    message: run.message,
    startedAt: run.startedAt.toISOString(),
    finishedAt: run.finishedAt?.toISOString() ?? null,
    accounts: run.accounts,
    events: run.events.toString(),
    position: run.position?.toString() ?? null,
    skipped: run.skipped,
    differences: run.differences as Difference[],
  };
}
