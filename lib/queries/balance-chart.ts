import 'server-only';
import { sql } from 'drizzle-orm';
import { getDb, type Db } from '@/lib/db/client';
import { accountHistory } from '@/lib/db/schema';

/** Balance over an account's whole history, for its chart. */

export type BalancePoint = {
  /** Time of the last event the point covers. */
  at: Date;
  /** Balance after the point's last event. */
  closingCents: bigint;
};

export const MAX_BALANCE_POINTS = 200;

type Row = { at: string | Date; closing: string };

/**
 * At most `maxPoints` points, oldest first. A history that short is returned entry by entry.
 * A longer one is cut into `maxPoints` equal ranges of $all position (so, roughly, of time) and
 * each non-empty range gives the balance after its last entry: one primary-key lookup per
 * range, so the cost grows with the number of points, not with the history (a 100,000-entry
 * history: under 10 ms, where numbering or aggregating every entry took 170-400 ms; see
 * bench/live-ops.ts). Nothing but the points leaves PostgreSQL.
 */
export async function getBalanceSeries(
  accountNumber: string,
  options: { maxPoints?: number } = {},
  db: Db = getDb(),
): Promise<BalancePoint[]> {
  const maxPoints = Math.min(Math.max(Math.trunc(options.maxPoints ?? MAX_BALANCE_POINTS), 2), 10_000);
  // The first maxPoints + 1 entries tell whether the history is short, without counting a long one.
  const head = await db.execute<Row>(sql`
    select occurred_at as at, balance_after::text as closing from ${accountHistory}
    where account_number = ${accountNumber} order by position limit ${maxPoints + 1}`);
  const rows =
    head.length <= maxPoints
      ? head
      : await db.execute<Row>(sql`
          with bounds as (
            select min(position) as lo, max(position) as hi from ${accountHistory} where account_number = ${accountNumber}
          ),
          ranges as (
            select g, (lo + (hi - lo + 1)::numeric * g / ${maxPoints}::int)::bigint as start,
              (lo + (hi - lo + 1)::numeric * (g + 1) / ${maxPoints}::int)::bigint as stop
            from bounds, generate_series(0, ${maxPoints}::int - 1) g
          )
          select last.at, last.closing
          from ranges r
          cross join lateral (
            select occurred_at as at, balance_after::text as closing from ${accountHistory} h
            where h.account_number = ${accountNumber} and h.position >= r.start and h.position < r.stop
            order by h.position desc limit 1
          ) last
          order by r.g`);
  return rows.map((row) => ({ at: new Date(row.at), closingCents: BigInt(row.closing) }));
}
