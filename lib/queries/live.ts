import 'server-only';
import { sql } from 'drizzle-orm';
import { getDb, withDbDeadline, type Db } from '@/lib/db/client';
import { eventIndex } from '@/lib/db/schema';

/** What live views learn of a new event: enough to tell whether it concerns them. */
export type LiveEvent = {
  position: bigint;
  type: string;
  stream: string;
  accountNumber: string;
  /** The payee of a payment: it concerns that account too. */
  counterparty: string | null;
};

type Row = { position: string; type: string; stream: string; account_number: string; counterparty: string | null };

const toLiveEvent = (row: Row): LiveEvent => ({
  position: BigInt(row.position),
  type: row.type,
  stream: row.stream,
  accountNumber: row.account_number,
  counterparty: row.counterparty,
});

/** Highest position in the event index, or null while it is empty (one step down the primary key). */
export async function eventIndexHead(db: Db = getDb()): Promise<bigint | null> {
  const [row] = await db.execute<{ head: string | null }>(sql`select max(position)::text as head from ${eventIndex}`);
  return row?.head == null ? null : BigInt(row.head);
}

/**
 * Where a page's live stream starts: the index head read before the page's own reads, so an
 * event indexed while it renders is sent to it. null when the read model cannot say quickly
 * (the page still renders; the stream then starts at the head it finds).
 */
export async function liveCursor(db?: Db): Promise<string | null> {
  try {
    return (await withDbDeadline(eventIndexHead(db ?? getDb()), 300))?.toString() ?? null;
  } catch {
    return null;
  }
}

/**
 * Index entries after `after`, oldest first, at most `limit`; with `account`, only those of its
 * stream or paying it (the two indexed columns, each an index range, combined by the planner).
 */
export async function indexEntriesAfter(
  after: bigint,
  options: { account?: string; limit: number },
  db: Db = getDb(),
): Promise<LiveEvent[]> {
  const account = options.account;
  const rows = await db.execute<Row>(sql`
    select position::text as position, type, stream, account_number, counterparty from ${eventIndex}
    where position > ${after.toString()}::bigint
      ${account === undefined ? sql`` : sql`and (account_number = ${account} or counterparty = ${account})`}
    order by position limit ${options.limit}`);
  return rows.map(toLiveEvent);
}

/** The index entry at a position, or null. */
export async function indexEntryAt(position: bigint, db: Db = getDb()): Promise<LiveEvent | null> {
  const [row] = await db.execute<Row>(sql`
    select position::text as position, type, stream, account_number, counterparty from ${eventIndex}
    where position = ${position.toString()}::bigint`);
  return row ? toLiveEvent(row) : null;
}
