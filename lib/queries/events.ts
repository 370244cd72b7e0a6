import 'server-only';
import { and, eq, sql, type SQL } from 'drizzle-orm';
import { getDb, type Db } from '@/lib/db/client';
import { accountHistory, eventIndex } from '@/lib/db/schema';
import type { EventCursor, EventFilter } from '@/lib/http/event-log-params';

/**
 * The global event log's searches, over readmodel.event_index (one row per event of an account
 * stream; the payloads stay in the store). Every page is a keyset page by $all position, newest
 * first, so its cost depends on the page size and the filters, never on how deep it is.
 *
 * How each filter stays fast at a million events (plans checked with EXPLAIN ANALYZE, see
 * bench/README.md):
 * - account: two ordered index scans, the account's own stream (account_number, position) and
 *   the payments it received (counterparty, position), merged;
 * - several types: one ordered scan of (type, position) per type, merged, so a rare type is
 *   not found by walking past every common one;
 * - dates: turned into a span of positions first (the first event at or after `from`, the last
 *   one before `until`, each one probe of (created, position)), because $all is written in order
 *   and so `created` rises with position; the timestamps are still checked on every row;
 * - amount, text and ids: conditions the planner serves from their own indexes (amount btree,
 *   search_text trigram GIN, the id btrees) when they are selective, or checks along the ordered
 *   scan when they are not.
 */

export type IndexedEvent = {
  position: bigint;
  eventId: string;
  stream: string;
  revision: bigint;
  type: string;
  accountNumber: string;
  counterparty: string | null;
  amountCents: bigint | null;
  searchText: string | null;
  commandId: string | null;
  correlationId: string | null;
  causationId: string | null;
  created: Date;
};

export type IndexedEventPage = {
  /** Newest first. */
  events: IndexedEvent[];
  /** Cursor for the next older page (`before=`), or null when no older event matches. */
  older: bigint | null;
  /** Cursor for the next newer page (`after=`), or null when no newer event matches. */
  newer: bigint | null;
};

export const EVENT_PAGE_SIZE = 20;
const MAX_BIGINT = 2n ** 63n - 1n;

type Direction = 'older' | 'newer';

const COLUMNS = sql.raw(
  [
    // Text, not bigint, for exactness through the driver; named apart from the columns, since
    // an ORDER BY name means the output column first (and text orders differently).
    'position',
    'position::text as position_text',
    'event_id',
    'stream',
    'revision::text as revision_text',
    'type',
    'account_number',
    'counterparty',
    'amount::text as amount_text',
    'search_text',
    'command_id',
    'correlation_id',
    'causation_id',
    'created',
  ].join(', '),
);

type Row = {
  position_text: string;
  event_id: string;
  stream: string;
  revision_text: string;
  type: string;
  account_number: string;
  counterparty: string | null;
  amount_text: string | null;
  search_text: string | null;
  command_id: string | null;
  correlation_id: string | null;
  causation_id: string | null;
  created: Date | string;
};

function toIndexedEvent(row: Row): IndexedEvent {
  return {
    position: BigInt(row.position_text),
    eventId: row.event_id,
    stream: row.stream,
    revision: BigInt(row.revision_text),
    type: row.type,
    accountNumber: row.account_number,
    counterparty: row.counterparty,
    amountCents: row.amount_text === null ? null : BigInt(row.amount_text),
    searchText: row.search_text,
    commandId: row.command_id,
    correlationId: row.correlation_id,
    causationId: row.causation_id,
    created: row.created instanceof Date ? row.created : new Date(row.created),
  };
}

/** One page of the events that match `filter`, newest first, before or after the cursor. */
export async function findEvents(
  filter: EventFilter,
  cursor: EventCursor = {},
  options: { pageSize?: number } = {},
  db: Db = getDb(),
): Promise<IndexedEventPage> {
  const pageSize = Math.min(Math.max(Math.trunc(options.pageSize ?? EVENT_PAGE_SIZE), 1), 200);
  const span = await positionSpan(filter, db);
  if (span === 'empty') return { events: [], older: null, newer: null };

  const direction: Direction = cursor.after !== undefined ? 'newer' : 'older';
  // Positions are uint64 in the store, bigint (int64) here: a cursor past 2^63 - 1 means "past every event".
  const cursorPosition = cursor.after ?? cursor.before;
  const bound = cursorPosition === undefined ? undefined : cursorPosition > MAX_BIGINT ? MAX_BIGINT : cursorPosition;
  // The probe past the cursor runs alongside the page: nothing between the page's edge and the
  // cursor matches (else it would be on the page), so "anything beyond the cursor?" is the same
  // question as "anything beyond the page's edge?".
  const [rows, beyondCursor] = await Promise.all([
    selectPage(filter, span, direction, bound === undefined ? null : { position: bound, inclusive: false }, pageSize + 1, db),
    bound === undefined
      ? Promise.resolve([])
      : selectPage(filter, span, direction === 'older' ? 'newer' : 'older', { position: bound, inclusive: true }, 1, db),
  ]);
  const more = rows.length > pageSize;
  const page = rows.slice(0, pageSize).map(toIndexedEvent);
  if (direction === 'newer') page.reverse();
  const newest = page[0]?.position;
  const oldest = page.at(-1)?.position;
  if (newest === undefined || oldest === undefined) return { events: [], older: null, newer: null };
  const olderExists = direction === 'older' ? more : beyondCursor.length > 0;
  const newerExists = direction === 'newer' ? more : beyondCursor.length > 0;
  return { events: page, older: olderExists ? oldest : null, newer: newerExists ? newest : null };
}

type Span = { from?: bigint; to?: bigint };

/** The positions a date range covers (see the note at the top), 'empty' when none. */
async function positionSpan(filter: EventFilter, db: Db): Promise<Span | 'empty'> {
  const span: Span = {};
  const [first, last] = await Promise.all([
    filter.from
      ? db.execute<{ position_text: string }>(
          sql`select position::text as position_text from ${eventIndex} where created >= ${filter.from.toISOString()}::timestamptz order by created, position limit 1`,
        )
      : null,
    filter.until
      ? db.execute<{ position_text: string }>(
          sql`select position::text as position_text from ${eventIndex} where created < ${filter.until.toISOString()}::timestamptz order by created desc, position desc limit 1`,
        )
      : null,
  ]);
  if (first) {
    const [row] = first;
    if (!row) return 'empty';
    span.from = BigInt(row.position_text);
  }
  if (last) {
    const [row] = last;
    if (!row) return 'empty';
    span.to = BigInt(row.position_text);
  }
  if (span.from !== undefined && span.to !== undefined && span.from > span.to) return 'empty';
  return span;
}

async function selectPage(
  filter: EventFilter,
  span: Span,
  direction: Direction,
  bound: { position: bigint; inclusive: boolean } | null,
  limit: number,
  db: Db,
): Promise<Row[]> {
  const common = commonConditions(filter, span);
  if (bound) {
    const op = direction === 'older' ? (bound.inclusive ? '<=' : '<') : bound.inclusive ? '>=' : '>';
    common.push(sql`position ${sql.raw(op)} ${bound.position.toString()}::bigint`);
  }
  const order = sql.raw(direction === 'older' ? 'position desc' : 'position asc');
  const branches = branchConditions(filter).map(
    (branch) =>
      sql`(select ${COLUMNS} from ${eventIndex} where ${and(...branch, ...common) ?? sql`true`} order by ${order} limit ${limit})`,
  );
  const [only, ...others] = branches;
  const query =
    only && others.length === 0
      ? only
      : sql`select * from (${sql.join(branches, sql` union all `)}) as matches order by ${order} limit ${limit}`;
  return [...(await db.execute<Row>(query))];
}

/**
 * Each branch is one ordered index scan; the page merges them. An account is two (its own
 * stream, and payments it received, never the same event: nobody pays themselves); several
 * types without an account are one per type; anything else is one scan.
 */
function branchConditions(filter: EventFilter): SQL[][] {
  const types = filter.types && filter.types.length > 0 ? filter.types : null;
  const typeIn = types
    ? sql`type in (${sql.join(
        types.map((t) => sql`${t}`),
        sql`, `,
      )})`
    : null;
  if (filter.account) {
    const own = [sql`account_number = ${filter.account}`];
    const received = [sql`counterparty = ${filter.account}`, sql`account_number <> ${filter.account}`];
    return typeIn
      ? [
          [...own, typeIn],
          [...received, typeIn],
        ]
      : [own, received];
  }
  if (types) return types.map((type) => [sql`type = ${type}`]);
  return [[]];
}

function commonConditions(filter: EventFilter, span: Span): SQL[] {
  const conditions: SQL[] = [];
  if (span.from !== undefined) conditions.push(sql`position >= ${span.from.toString()}::bigint`);
  if (span.to !== undefined) conditions.push(sql`position <= ${span.to.toString()}::bigint`);
  if (filter.from) conditions.push(sql`created >= ${filter.from.toISOString()}::timestamptz`);
  if (filter.until) conditions.push(sql`created < ${filter.until.toISOString()}::timestamptz`);
  if (filter.minCents !== undefined) conditions.push(sql`amount >= ${filter.minCents.toString()}::bigint`);
  if (filter.maxCents !== undefined) conditions.push(sql`amount <= ${filter.maxCents.toString()}::bigint`);
  if (filter.text !== undefined) conditions.push(sql`search_text ilike ${`%${escapeLike(filter.text)}%`}`);
  if (filter.command !== undefined) conditions.push(sql`command_id = ${filter.command}`);
  if (filter.correlation !== undefined) conditions.push(sql`correlation_id = ${filter.correlation}`);
  if (filter.causation !== undefined) conditions.push(sql`causation_id = ${filter.causation}`);
  return conditions;
}

/** ILIKE's wildcards and its escape character, taken literally. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** The index row of one event, by its id; null when no account stream holds it (or it is not projected yet). */
export async function getIndexedEvent(eventId: string, db: Db = getDb()): Promise<IndexedEvent | null> {
  const rows = await db.execute<Row>(sql`select ${COLUMNS} from ${eventIndex} where event_id = ${eventId}::uuid limit 1`);
  return rows[0] ? toIndexedEvent(rows[0]) : null;
}

/** One account's side of a payment: what it had before and after. */
export type PaymentSide = {
  accountNumber: string;
  /** Signed cents: negative for the payer. */
  amountCents: bigint;
  balanceBeforeCents: bigint;
  balanceAfterCents: bigint;
  /** The account's timeline entry kind: PaymentMade (payer) or PaymentReceived (payee). */
  kind: string;
};

/** Both timeline rows of a payment (payer's debit, payee's credit), from account_history. */
export async function getPaymentSides(
  eventId: string,
  db: Db = getDb(),
): Promise<{ payer: PaymentSide | null; payee: PaymentSide | null }> {
  const rows = await db
    .select({
      accountNumber: accountHistory.accountNumber,
      kind: accountHistory.kind,
      amount: accountHistory.amount,
      balanceAfter: accountHistory.balanceAfter,
    })
    .from(accountHistory)
    .where(and(eq(accountHistory.eventId, eventId), eq(accountHistory.eventType, 'PaymentMade')));
  const side = (kind: string): PaymentSide | null => {
    const row = rows.find((r) => r.kind === kind);
    return row
      ? {
          accountNumber: row.accountNumber,
          kind: row.kind,
          amountCents: row.amount,
          balanceAfterCents: row.balanceAfter,
          balanceBeforeCents: row.balanceAfter - row.amount,
        }
      : null;
  };
  return { payer: side('PaymentMade'), payee: side('PaymentReceived') };
}
