import { BACKWARDS, END, type EventStoreDBClient, type Position } from '@eventstore/db-client';
import { sql } from 'drizzle-orm';
import type { Db } from '@/lib/db/client';
import { accounts, eventIndex, projectionHolds } from '@/lib/db/schema';
import type { MessageLogger } from '@/lib/log';
import { RebuildRunningError, runRebuild } from './rebuild';

/**
 * An empty read model over a store with history: a new PostgreSQL beside an existing store, or
 * one whose data was lost while the store was kept. Through the consumer group that history
 * would come event by event, each written with every index kept up to date row by row, and a
 * group that already exists would not deliver it at all: it resumes after its checkpoint. So
 * the worker fills the read model with a rebuild first (the bulk path: pages of $all, indexes
 * built once at the end; worker/rebuild.ts) and returns the position the rebuild reached, where
 * a new group can start. Null when there was nothing to fill, or another rebuild is running
 * (its swap fills the read model; the group meanwhile projects as usual).
 */
export async function fillEmptyReadModel(client: EventStoreDBClient, db: Db, logger: MessageLogger): Promise<Position | null> {
  if (!(await isEmpty(db)) || !(await hasHistory(client))) return null;
  logger.info('the read model is empty and the store has history: rebuilding it from the store before subscribing');
  try {
    const result = await runRebuild({ client, db });
    logger.info(
      `read model filled: ${result.events} events in ${result.seconds.toFixed(1)} s (${result.carefulPages} pages the careful way)`,
    );
    return result.last;
  } catch (error) {
    if (!(error instanceof RebuildRunningError)) {
      // Tried again, from the start, when the worker next tries to subscribe (with backoff).
      logger.warn('filling the empty read model failed; the live tables are untouched', { err: error });
      throw error;
    }
    logger.info(`${error.message} It fills the read model; subscribing meanwhile.`);
    return null;
  }
}

async function isEmpty(db: Db): Promise<boolean> {
  const [row] = await db.execute<{ empty: boolean }>(sql`
    select not exists (select 1 from ${accounts})
      and not exists (select 1 from ${eventIndex})
      and not exists (select 1 from ${projectionHolds}) as empty`);
  return row?.empty === true;
}

/**
 * Anything but the store's own records, newest first. The newest can be thousands of a consumer
 * group's checkpoints (written after the history it acked), so it pages back until it finds
 * one. A store holding only command records is rebuilt too: that applies nothing, quickly.
 */
async function hasHistory(client: EventStoreDBClient): Promise<boolean> {
  const PAGE = 1_000;
  let from: Position | typeof END = END;
  for (;;) {
    let found = false;
    let read = 0;
    let oldest: Position | undefined;
    // Each page read to its end: leaving a read early leaks its stream.
    for await (const resolved of client.readAll({ direction: BACKWARDS, fromPosition: from, maxCount: PAGE })) {
      read += 1;
      if (resolved.event?.position) oldest = resolved.event.position;
      if (resolved.event && !resolved.event.streamId.startsWith('$')) found = true;
    }
    if (found) return true;
    if (read < PAGE || oldest === undefined) return false;
    from = oldest;
  }
}
