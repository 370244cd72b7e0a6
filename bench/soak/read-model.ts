// The query model's rows for the soak's accounts, exactly as the worker left them.
import { asc, inArray } from 'drizzle-orm';
import type { Db } from '@/lib/db/client';
import { accountHistory, accounts, projectionHolds } from '@/lib/db/schema';

export type ReadModel = {
  accounts: Map<string, { holderName: string; balance: bigint; revision: bigint }>;
  history: Map<string, (typeof accountHistory.$inferSelect)[]>;
  holds: Map<string, { account: string; revision: bigint; eventId: string; reason: string }>;
};

export async function readModelOf(db: Db, numbers: readonly string[]): Promise<ReadModel> {
  const rows = await db
    .select()
    .from(accounts)
    .where(inArray(accounts.number, [...numbers]));
  const entries = await db
    .select()
    .from(accountHistory)
    .where(inArray(accountHistory.accountNumber, [...numbers]))
    .orderBy(asc(accountHistory.accountNumber), asc(accountHistory.position));
  const holdRows = await db
    .select()
    .from(projectionHolds)
    .where(inArray(projectionHolds.accountNumber, [...numbers]));
  const history = new Map<string, (typeof accountHistory.$inferSelect)[]>();
  for (const entry of entries) {
    const list = history.get(entry.accountNumber) ?? [];
    list.push(entry);
    history.set(entry.accountNumber, list);
  }
  return {
    accounts: new Map(rows.map((r) => [r.number, { holderName: r.holderName, balance: r.balance, revision: r.revision }])),
    history,
    holds: new Map(
      holdRows.map((h) => [h.stream, { account: h.accountNumber, revision: h.revision, eventId: h.eventId, reason: h.reason }]),
    ),
  };
}

/** Applied revision per account (-1 without a row) and the held streams: what "caught up" is judged on. */
export async function progressOf(db: Db, numbers: readonly string[]) {
  const rows = await db
    .select({ number: accounts.number, revision: accounts.revision })
    .from(accounts)
    .where(inArray(accounts.number, [...numbers]));
  const holdRows = await db
    .select({ stream: projectionHolds.stream, revision: projectionHolds.revision, eventId: projectionHolds.eventId })
    .from(projectionHolds)
    .where(inArray(projectionHolds.accountNumber, [...numbers]));
  return { revisions: new Map(rows.map((r) => [r.number, r.revision])), holds: new Map(holdRows.map((h) => [h.stream, h])) };
}
