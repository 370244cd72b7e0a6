import type { EventStoreDBClient } from '@eventstore/db-client';
import { eq, sql } from 'drizzle-orm';
import type { Db } from '@/lib/db/client';
import { accounts, eventIndex, rebuildRuns, reconciliationRuns } from '@/lib/db/schema';
import { RECONCILE_CHANNEL, RECONCILE_REQUESTED, runReconciliation } from '@/lib/reconciliation/run';
import { REBUILD_CHANNEL, REBUILD_REQUESTED } from '@/lib/rebuild-requests';
import { RebuildRunningError, runRebuild } from './rebuild';
import type { Logger } from './subscription';

/**
 * The worker's side of the operations the app can ask for (lib/rebuild-requests.ts,
 * lib/reconciliation/requests.ts): it runs requested rebuilds and reconciliations, and at start
 * it rebuilds a read model that predates the event index (accounts projected, no event
 * indexed: the index arrived with an upgrade, and only a replay can fill it). One operation at
 * a time; a rebuild's own lock keeps it from racing an `npm run rebuild`.
 */
export type OperationsRunner = { stop: () => Promise<void>; idle: () => Promise<void> };

export function startOperationsRunner(options: { client: EventStoreDBClient; db: Db; logger: Logger }): OperationsRunner {
  const { client, db, logger } = options;
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = false;

  const check = () => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = work()
      .catch((error: unknown) => logger.error('operation failed', { err: error }))
      .finally(() => {
        running = null;
        if (again) {
          again = false;
          check();
        }
      });
  };

  async function work() {
    const [rebuild] = await db.select({ id: rebuildRuns.id }).from(rebuildRuns).where(eq(rebuildRuns.status, 'requested')).limit(1);
    if (rebuild || (await predatesEventIndex(db))) {
      logger.info(
        rebuild
          ? 'rebuild requested: rebuilding the read model from the store'
          : 'the read model predates the event index: rebuilding it from the store',
      );
      try {
        const result = await runRebuild({ client, db });
        logger.info(
          `rebuild done: ${result.events} events replayed in ${result.seconds.toFixed(1)} s (${result.carefulPages} pages the careful way)`,
        );
      } catch (error) {
        if (error instanceof RebuildRunningError) logger.info(`${error.message}`);
        else logger.error('rebuild failed; the live read model is untouched', { err: error });
      }
    }
    const [reconciliation] = await db
      .select({ id: reconciliationRuns.id })
      .from(reconciliationRuns)
      .where(eq(reconciliationRuns.status, 'requested'))
      .limit(1);
    if (reconciliation) {
      logger.info('reconciliation requested');
      const report = await runReconciliation({ client, db, runId: reconciliation.id });
      logger.info(`reconciliation done: ${report.accounts} accounts, ${report.differences.length} differences`);
    }
  }

  const listen = (channel: string, requested: string) =>
    db.$client
      .listen(channel, (payload) => payload === requested && check(), check)
      .catch((error: unknown) => {
        logger.warn(`cannot listen on ${channel}`, { err: error, channel });
        return null;
      });
  const listeners = [listen(REBUILD_CHANNEL, REBUILD_REQUESTED), listen(RECONCILE_CHANNEL, RECONCILE_REQUESTED)];

  return {
    // An operation in hand is not waited for: stopping the process leaves the live tables as
    // they were (a rebuild's half-filled copy is dropped by the next one).
    stop: async () => {
      stopped = true;
      for (const listener of listeners) await (await listener)?.unlisten().catch(() => {});
    },
    idle: async () => {
      while (running) await running;
    },
  };
}

async function predatesEventIndex(db: Db): Promise<boolean> {
  const [row] = await db.execute<{ outdated: boolean }>(
    sql`select exists (select 1 from ${accounts}) and not exists (select 1 from ${eventIndex}) as outdated`,
  );
  return row?.outdated === true;
}
