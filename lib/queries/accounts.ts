import 'server-only';
import { asc, count, desc, eq } from 'drizzle-orm';
import { getDb, type Db } from '@/lib/db/client';
import { waitForProjection } from '@/lib/db/projection-waiter';
import { accountHistory, accounts, projectionCheckpoint, projectionHolds } from '@/lib/db/schema';

/** Accounts, their timelines, holds and the projection's progress. */

export const ACCOUNTS_PROJECTION = 'accounts';

export type AccountSummary = {
  number: string;
  holderName: string;
  balanceCents: bigint;
  /** Last applied revision of the account's stream. */
  revision: bigint;
  openedAt: Date;
  updatedAt: Date;
};

export type HistoryEntry = {
  accountNumber: string;
  /** AccountOpened | MoneyDeposited | HolderNameChanged | PaymentMade (outgoing) | PaymentReceived (incoming). */
  kind: string;
  /** Signed cents: negative for outgoing payments, 0 for renames. */
  amountCents: bigint;
  balanceAfterCents: bigint;
  counterparty: string | null;
  eventId: string;
  /** The stored event type (PaymentMade for both sides of a payment). */
  eventType: string;
  stream: string;
  revision: bigint;
  position: bigint;
  occurredAt: Date;
  /** The raw event payload and metadata as stored, for the expandable timeline entry. */
  data: unknown;
  metadata: unknown;
};

export type AccountHistoryPage = {
  entries: HistoryEntry[];
  total: number;
  page: number;
  pageSize: number;
  pageCount: number;
};

export type ProjectionStatus = {
  /** Highest $all commit position applied, or null if nothing has been projected yet. */
  lastPosition: bigint | null;
  eventsApplied: number;
  updatedAt: Date | null;
};

const summaryColumns = {
  number: accounts.number,
  holderName: accounts.holderName,
  balanceCents: accounts.balance,
  revision: accounts.revision,
  openedAt: accounts.openedAt,
  updatedAt: accounts.updatedAt,
};

export async function listAccounts(db: Db = getDb()): Promise<AccountSummary[]> {
  return db.select(summaryColumns).from(accounts).orderBy(asc(accounts.openedAt), asc(accounts.number));
}

export type AccountListPage = { accounts: AccountSummary[]; total: number; page: number; pageSize: number; pageCount: number };

/** One page of the accounts, the newest opened first (index accounts_opened_number_idx, read backwards), 1-based. */
export async function listAccountsPage(options: { page?: number; pageSize?: number } = {}, db: Db = getDb()): Promise<AccountListPage> {
  const pageSize = clampInt(options.pageSize ?? 50, 1, 200);
  const page = clampInt(options.page ?? 1, 1, Number.MAX_SAFE_INTEGER);
  const [[counted], rows] = await Promise.all([
    db.select({ total: count() }).from(accounts),
    db
      .select(summaryColumns)
      .from(accounts)
      .orderBy(desc(accounts.openedAt), desc(accounts.number))
      .limit(pageSize)
      .offset((page - 1) * pageSize),
  ]);
  // count() without grouping answers one row; the default only satisfies the type
  const total = counted?.total ?? 0;
  return { accounts: rows, total, page, pageSize, pageCount: Math.max(1, Math.ceil(total / pageSize)) };
}

export async function getAccount(number: string, db: Db = getDb()): Promise<AccountSummary | null> {
  const rows = await db.select(summaryColumns).from(accounts).where(eq(accounts.number, number)).limit(1);
  return rows[0] ?? null;
}

/** Newest first (by $all position), 1-based page. */
export async function getAccountHistory(
  number: string,
  options: { page?: number; pageSize?: number } = {},
  db: Db = getDb(),
): Promise<AccountHistoryPage> {
  const pageSize = clampInt(options.pageSize ?? 20, 1, 200);
  const page = clampInt(options.page ?? 1, 1, Number.MAX_SAFE_INTEGER);
  const [counted] = await db.select({ total: count() }).from(accountHistory).where(eq(accountHistory.accountNumber, number));
  const total = counted?.total ?? 0;
  const rows = await db
    .select()
    .from(accountHistory)
    .where(eq(accountHistory.accountNumber, number))
    .orderBy(desc(accountHistory.position))
    .limit(pageSize)
    .offset((page - 1) * pageSize);
  return {
    entries: rows.map((row) => ({
      accountNumber: row.accountNumber,
      kind: row.kind,
      amountCents: row.amount,
      balanceAfterCents: row.balanceAfter,
      counterparty: row.counterparty,
      eventId: row.eventId,
      eventType: row.eventType,
      stream: row.stream,
      revision: row.revision,
      position: row.position,
      occurredAt: row.occurredAt,
      data: row.data,
      metadata: row.metadata,
    })),
    total,
    page,
    pageSize,
    pageCount: Math.max(1, Math.ceil(total / pageSize)),
  };
}

export async function getProjectionStatus(db: Db = getDb()): Promise<ProjectionStatus> {
  const rows = await db.select().from(projectionCheckpoint).where(eq(projectionCheckpoint.projection, ACCOUNTS_PROJECTION)).limit(1);
  const row = rows[0];
  return row
    ? { lastPosition: row.position, eventsApplied: row.eventsApplied, updatedAt: row.updatedAt }
    : { lastPosition: null, eventsApplied: 0, updatedAt: null };
}

/**
 * Read-your-writes: resolves true once the projection has applied the account's stream up to
 * `revision` (a payment's payee credit commits in the same transaction as the payer's debit,
 * so waiting on the payer covers both), false when timeoutMs passes first or the stream is held.
 * Woken by the worker's notification (lib/db/projection-waiter.ts), never by polling.
 */
export async function waitForAccountRevision(
  number: string,
  revision: bigint,
  options: { timeoutMs?: number } = {},
  db: Db = getDb(),
): Promise<boolean> {
  return (await waitForProjection(db, number, revision, options.timeoutMs ?? 3000)) === 'reached';
}

function clampInt(value: number, min: number, max: number): number {
  if (!Number.isFinite(value)) return min;
  return Math.min(max, Math.max(min, Math.trunc(value)));
}

// ---- Projection holds -----------------------------------------------------------------------------

export type StreamHold = { stream: string; revision: bigint; eventId: string; reason: string; heldAt: Date };

/** The hold on an account's stream (history held back at `revision`, because `reason`), or null. */
export async function getStreamHold(accountNumber: string, db: Db = getDb()): Promise<StreamHold | null> {
  const [row] = await db
    .select({
      stream: projectionHolds.stream,
      revision: projectionHolds.revision,
      eventId: projectionHolds.eventId,
      reason: projectionHolds.reason,
      heldAt: projectionHolds.heldAt,
    })
    .from(projectionHolds)
    .where(eq(projectionHolds.accountNumber, accountNumber))
    .limit(1);
  return row ?? null;
}

/** Every held stream, oldest hold first. */
export async function listStreamHolds(db: Db = getDb()): Promise<(StreamHold & { accountNumber: string })[]> {
  return db.select().from(projectionHolds).orderBy(projectionHolds.heldAt);
}
