import type { EventStoreDBClient } from '@eventstore/db-client';
import { eq, sql } from 'drizzle-orm';
import type { Db } from '@/lib/db/client';
import { rebuildRuns } from '@/lib/db/schema';
import { REBUILD_CHANNEL, REBUILD_REQUESTED } from '@/lib/rebuild-requests';
import { RebuildRunningError, runRebuild } from './rebuild';
import type { Logger } from './subscription';

/**
 * The worker's side of rebuilds: it runs the ones requested from /system (lib/rebuild-requests.ts),
 * and at start it rebuilds a read model that predates the event index (accounts projected, no
 * event indexed: the index arrived with an upgrade, and only a replay can fill it). One at a
 * time; the rebuild's own lock keeps it from racing an `npm run rebuild`.
 */
export function startRebuildRunner(options: { client: EventStoreDBClient; db: Db; logger: Logger }): { stop: () => Promise<void>; idle: () => Promise<void> } {
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
      .catch((error: unknown) => logger.error('[worker] rebuild failed; the live read model is untouched:', error))
      .finally(() => {
        running = null;
        if (again) {
          again = false;
          check();
        }
      });
  };

  async function work() {
    const [requested] = await db.select({ id: rebuildRuns.id }).from(rebuildRuns).where(eq(rebuildRuns.status, 'requested')).limit(1);
    const outdated = !requested && (await predatesEventIndex(db));
    if (!requested && !outdated) return;
    logger.info(requested ? '[worker] rebuild requested: rebuilding the read model from the store' : '[worker] the read model predates the event index: rebuilding it from the store');
    try {
      const result = await runRebuild({ client, db });
      logger.info(`[worker] rebuild done: ${result.events} events replayed in ${result.seconds.toFixed(1)} s`);
    } catch (error) {
      if (error instanceof RebuildRunningError) logger.info(`[worker] ${error.message}`);
      else throw error;
    }
  }

  const listening = db.$client
    .listen(REBUILD_CHANNEL, (payload) => payload === REBUILD_REQUESTED && check(), check)
    .catch((error: unknown) => {
      logger.warn('[worker] cannot listen for rebuild requests:', error);
      return null;
    });

  return {
    // A rebuild in hand is not waited for: stopping the process leaves the live tables as they
    // were, and the next rebuild drops the half-filled copy.
    stop: async () => {
      stopped = true;
      await (await listening)?.unlisten().catch(() => {});
    },
    /** Resolves when no rebuild is running (tests). */
    idle: async () => {
      while (running) await running;
    },
  };
}

async function predatesEventIndex(db: Db): Promise<boolean> {
  const [row] = await db.execute<{ outdated: boolean }>(
    sql`select exists (select 1 from readmodel.accounts) and not exists (select 1 from readmodel.event_index) as outdated`,
  );
  return row?.outdated === true;
}
