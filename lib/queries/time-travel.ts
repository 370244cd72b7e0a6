import 'server-only';
import { and, asc, eq, gt, ne, sql } from 'drizzle-orm';
import { getDb, type Db } from '@/lib/db/client';
import { eventIndex, projectionHolds } from '@/lib/db/schema';
import type { ReceivedPoint } from '@/lib/time-travel/points';

/** Payments received per query: a payee of thousands is read in keyset pages, never whole. */
export const RECEIVED_PAGE = 1000;

/**
 * Payments an account received, from the projection's event index (one row per event of an
 * account stream: PaymentMade rows name the payee as counterparty and carry the amount), in $all
 * order, after `afterPosition`. Served by the (counterparty, position) index, so a page costs
 * its size, not the account's age. Includes payments on payer streams the projection holds
 * (they are indexed, and in the store), flagged as such.
 */
export async function receivedPaymentsPage(
  accountNumber: string,
  afterPosition: bigint,
  limit = RECEIVED_PAGE,
  db: Db = getDb(),
): Promise<ReceivedPoint[]> {
  const rows = await db
    .select({
      position: eventIndex.position,
      created: eventIndex.created,
      eventId: eventIndex.eventId,
      payer: eventIndex.accountNumber,
      payerStream: eventIndex.stream,
      payerRevision: eventIndex.revision,
      amount: eventIndex.amount,
      reference: eventIndex.searchText,
      // Qualified by hand: drizzle leaves columns in a select list unqualified, which would bind to the subquery's table.
      payerHeld: sql<boolean>`exists (select 1 from ${projectionHolds} as held where held.stream = ${eventIndex}.stream and held.revision <= ${eventIndex}.revision)`,
    })
    .from(eventIndex)
    .where(
      and(
        eq(eventIndex.counterparty, accountNumber),
        eq(eventIndex.type, 'PaymentMade'),
        ne(eventIndex.accountNumber, accountNumber),
        gt(eventIndex.position, afterPosition),
      ),
    )
    .orderBy(asc(eventIndex.position))
    .limit(limit);
  return rows.map((row) => ({
    kind: 'received',
    position: row.position,
    created: row.created,
    eventId: row.eventId,
    payer: row.payer,
    payerStream: row.payerStream,
    payerRevision: row.payerRevision,
    amountCents: row.amount ?? 0n,
    reference: row.reference,
    payerHeld: Boolean(row.payerHeld),
  }));
}

/** Every payment the account received, page after page, in $all order. */
export async function* receivedPayments(accountNumber: string, pageSize = RECEIVED_PAGE, db: Db = getDb()): AsyncGenerator<ReceivedPoint> {
  let after = -1n;
  for (;;) {
    const page = await receivedPaymentsPage(accountNumber, after, pageSize, db);
    yield* page;
    const last = page.at(-1);
    if (!last || page.length < pageSize) return;
    after = last.position;
  }
}
