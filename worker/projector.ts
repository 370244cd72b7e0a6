import { and, asc, desc, eq, gt, inArray, lt, sql } from 'drizzle-orm';
import type { Db } from '@/lib/db/client';
import { accountHistory, accounts, projectionCheckpoint } from '@/lib/db/schema';
import {
  credit,
  evolve,
  freshness,
  ownerOf,
  touchesOf,
  type AccountRow,
  type ProjectedEvent,
  type Touch,
} from '@/lib/projections/accounts';
import { ACCOUNTS_PROJECTION } from '@/lib/queries';

/**
 * The one I/O layer of the accounts projection. For one event it locks the rows involved,
 * asks the pure projection what to do, and writes the new rows, the history entries and the
 * checkpoint in a single transaction, so an event is either fully applied (and recorded as
 * applied through the account's version) or not at all.
 *
 *  - 'applied'   : effect committed.
 *  - 'duplicate' : already applied earlier; nothing changed.
 *  - 'ahead'     : an earlier event of the same stream (or the payee's opening) is not applied
 *                  yet; nothing changed, deliver again later.
 */
export type ApplyOutcome = 'applied' | 'duplicate' | 'ahead';

export async function applyEvent(db: Db, projected: ProjectedEvent): Promise<ApplyOutcome> {
  const touches = touchesOf(projected);
  const owner = ownerOf(projected);

  return db.transaction(async (tx) => {
    // Lock in a fixed order so two payments in opposite directions cannot deadlock.
    const numbers = [...new Set(touches.map((t) => t.accountNumber))].sort();
    const locked = await tx
      .select()
      .from(accounts)
      .where(inArray(accounts.number, numbers))
      .orderBy(asc(accounts.number))
      .for('update');
    const rows = new Map<string, AccountRow>(locked.map((r) => [r.number, r]));

    const ownerRow = rows.get(owner) ?? null;
    const verdict = freshness(ownerRow, projected);
    if (verdict !== 'apply') return verdict;

    const next = new Map<string, AccountRow>();
    next.set(owner, evolve(ownerRow, projected));
    if (projected.event.type === 'PaymentMade') {
      const payee = projected.event.data.payeeAccountNumber;
      const payeeRow = rows.get(payee);
      if (!payeeRow) return 'ahead'; // the payee's AccountOpened has not been applied yet
      next.set(payee, credit(payeeRow, projected as ProjectedEvent & { event: typeof projected.event }));
    }

    if (projected.event.type === 'AccountOpened') {
      // ON CONFLICT guards against a concurrent consumer applying the same opening.
      const inserted = await tx
        .insert(accounts)
        .values(next.get(owner)!)
        .onConflictDoNothing()
        .returning({ number: accounts.number });
      if (inserted.length === 0) return 'duplicate';
    } else {
      for (const row of next.values()) {
        await tx
          .update(accounts)
          .set({ holderName: row.holderName, balance: row.balance, version: row.version, updatedAt: row.updatedAt })
          .where(eq(accounts.number, row.number));
      }
    }

    for (const t of touches) await recordHistory(tx, projected, t);

    await tx
      .insert(projectionCheckpoint)
      .values({ projection: ACCOUNTS_PROJECTION, position: projected.position, eventsApplied: 1 })
      .onConflictDoUpdate({
        target: projectionCheckpoint.projection,
        set: {
          position: sql`greatest(${projectionCheckpoint.position}, excluded.position)`,
          eventsApplied: sql`${projectionCheckpoint.eventsApplied} + 1`,
          updatedAt: sql`now()`,
        },
      });
    return 'applied';
  });
}

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

/**
 * Inserts the timeline entry for one touched account. balance_after is the running balance in
 * $all order, not in arrival order: an incoming payment delivered after a later event of the
 * payee is slotted in at its position and the later entries shift by its amount, so any
 * delivery order ends in the same history.
 */
async function recordHistory(tx: Tx, projected: ProjectedEvent, t: Touch): Promise<void> {
  const before = await tx
    .select({ balanceAfter: accountHistory.balanceAfter })
    .from(accountHistory)
    .where(and(eq(accountHistory.accountNumber, t.accountNumber), lt(accountHistory.position, projected.position)))
    .orderBy(desc(accountHistory.position))
    .limit(1);
  const balanceAfter = (before[0]?.balanceAfter ?? 0n) + t.amount;

  if (t.amount !== 0n) {
    await tx
      .update(accountHistory)
      .set({ balanceAfter: sql`${accountHistory.balanceAfter} + ${t.amount}` })
      .where(and(eq(accountHistory.accountNumber, t.accountNumber), gt(accountHistory.position, projected.position)));
  }

  await tx.insert(accountHistory).values({
    accountNumber: t.accountNumber,
    kind: t.kind,
    amount: t.amount,
    balanceAfter,
    counterparty: t.counterparty,
    eventId: projected.id,
    eventType: projected.event.type,
    stream: projected.streamId,
    revision: projected.revision,
    position: projected.position,
    occurredAt: projected.created,
    data: projected.rawData ?? projected.event.data,
    metadata: projected.rawMetadata ?? null,
  });
}
