import { sql } from 'drizzle-orm';
import { getDb, type Db } from '@/lib/db/client';
import { accountHistory } from '@/lib/db/schema';

/** Balance over an account's whole history, for its chart. */

export type BalancePoint = {
  /** First and last event time the point covers (the same for a point of one event). */
  from: Date;
  to: Date;
  events: number;
  /** Balance after the point's last event. */
  closingCents: bigint;
  lowCents: bigint;
  highCents: bigint;
};

export const MAX_BALANCE_POINTS = 200;

/**
 * At most `maxPoints` points, oldest first, each covering an equal share of the account's
 * timeline entries in $all order (ntile): its closing, lowest and highest balance. Done in SQL,
 * so a long history is never loaded: PostgreSQL walks the account's primary-key range once and
 * returns only the points.
 */
export async function getBalanceSeries(
  accountNumber: string,
  options: { maxPoints?: number } = {},
  db: Db = getDb(),
): Promise<BalancePoint[]> {
  const maxPoints = Math.min(Math.max(Math.trunc(options.maxPoints ?? MAX_BALANCE_POINTS), 1), 10_000);
  const rows = await db.execute<{ events: number; from: string | Date; to: string | Date; low: string; high: string; closing: string }>(sql`
    with numbered as (
      select position, balance_after, occurred_at, ntile(${maxPoints}::int) over (order by position) as bucket
      from ${accountHistory} where account_number = ${accountNumber}
    )
    select count(*)::int as events, min(occurred_at) as "from", max(occurred_at) as "to",
      min(balance_after)::text as low, max(balance_after)::text as high,
      (array_agg(balance_after order by position desc))[1]::text as closing
    from numbered group by bucket order by bucket`);
  return rows.map((row) => ({
    from: new Date(row.from),
    to: new Date(row.to),
    events: row.events,
    closingCents: BigInt(row.closing),
    lowCents: BigInt(row.low),
    highCents: BigInt(row.high),
  }));
}
