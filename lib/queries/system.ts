import { asc, count, sql } from 'drizzle-orm';
import { getDb, withDbDeadline, type Db } from '@/lib/db/client';
import { eventIndex, projectionHolds } from '@/lib/db/schema';
import { getProjectionStatus, type ProjectionStatus, type StreamHold } from './accounts';

/** What the operations page (/system) reads from the read model. Each read is bounded by the 1 s deadline. */

export type MinuteCount = { minute: Date; events: number };

/**
 * Events per minute (by the store's creation time of each indexed event) for the last `minutes`
 * whole minutes up to the current one, every minute present (0 when quiet). Uses the index on
 * event_index.created, so it reads only that hour's rows.
 */
export async function getEventsPerMinute(options: { minutes?: number } = {}, db: Db = getDb()): Promise<MinuteCount[]> {
  const minutes = Math.min(Math.max(Math.trunc(options.minutes ?? 60), 1), 24 * 60);
  const rows = await withDbDeadline(
    db.execute<{ minute: string | Date; events: number }>(sql`
      with bounds as (select date_trunc('minute', now()) as last, date_trunc('minute', now()) - make_interval(mins => ${minutes - 1}::int) as first)
      select m.minute, coalesce(c.events, 0)::int as events
      from bounds, generate_series(bounds.first, bounds.last, interval '1 minute') as m(minute)
      left join (
        select date_trunc('minute', created) as minute, count(*) as events
        from ${eventIndex}, bounds where created >= bounds.first
        group by 1
      ) c on c.minute = m.minute
      order by m.minute`),
  );
  return rows.map((row) => ({ minute: new Date(row.minute), events: row.events }));
}

export type HeldStream = StreamHold & { accountNumber: string };

/** Held streams, oldest hold first, at most `limit`, with how many there are. */
export async function listHeldStreams(options: { limit?: number } = {}, db: Db = getDb()): Promise<{ holds: HeldStream[]; total: number }> {
  const limit = Math.min(Math.max(Math.trunc(options.limit ?? 100), 1), 1000);
  const [holds, [{ total }]] = await withDbDeadline(
    Promise.all([
      db.select().from(projectionHolds).orderBy(asc(projectionHolds.heldAt), asc(projectionHolds.stream)).limit(limit),
      db.select({ total: count() }).from(projectionHolds),
    ]),
  );
  return { holds, total };
}

/** The worker's checkpoint (readmodel.projection_checkpoint), bounded by the deadline. */
export async function getCheckpoint(db: Db = getDb()): Promise<ProjectionStatus> {
  return withDbDeadline(getProjectionStatus(db));
}
