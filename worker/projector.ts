import { and, asc, desc, eq, gt, inArray, lt, sql } from 'drizzle-orm';
import type { Db } from '@/lib/db/client';
import { accountHistory, accounts, projectionCheckpoint, projectionHolds } from '@/lib/db/schema';
import { PROJECTION_CHANNEL, formatProjectionNotice } from '@/lib/db/projection-channel';
import { storableJson, storableText } from '@/lib/projections/storable';
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
 *                  yet; nothing changed.
 *  - 'payee-missing': a payment whose payee has no row (its AccountOpened is held or not
 *                  applied); nothing changed, the caller decides (it holds the payer).
 */
export type ApplyOutcome = 'applied' | 'duplicate' | 'ahead' | 'payee-missing';

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
    const evolved = evolve(ownerRow, projected);
    next.set(owner, { ...evolved, holderName: storableText(evolved.holderName) });
    if (projected.event.type === 'PaymentMade') {
      const payee = projected.event.data.payeeAccountNumber;
      const payeeRow = rows.get(payee);
      if (!payeeRow) return 'payee-missing';
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
    await notify(tx, formatProjectionNotice({ accountNumber: owner, version: projected.revision }));
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
    data: storableJson(projected.rawData ?? projected.event.data),
    metadata: storableJson(projected.rawMetadata ?? null),
  });
}

async function notify(tx: Tx | Db, payload: string): Promise<void> {
  await tx.execute(sql`select pg_notify(${PROJECTION_CHANNEL}, ${payload})`);
}

/**
 * An event the projection does not know (or chooses to skip) still moves its account stream's
 * applied revision, version-checked like any event, so later events of the stream are not 'ahead'.
 */
export async function advanceVersion(db: Db, accountNumber: string, revision: bigint): Promise<'applied' | 'duplicate' | 'ahead'> {
  return db.transaction(async (tx) => {
    const [row] = await tx.select().from(accounts).where(eq(accounts.number, accountNumber)).for('update');
    if (!row) return 'ahead';
    if (revision <= row.version) return 'duplicate';
    if (revision !== row.version + 1n) return 'ahead';
    await tx.update(accounts).set({ version: revision }).where(eq(accounts.number, accountNumber));
    await notify(tx, formatProjectionNotice({ accountNumber, version: revision }));
    return 'applied';
  });
}

/** Applied revision of an account's stream; -1 when it has no row yet. */
export async function appliedRevision(db: Db, accountNumber: string): Promise<bigint> {
  const [row] = await db.select({ version: accounts.version }).from(accounts).where(eq(accounts.number, accountNumber));
  return row ? row.version : -1n;
}

export type Hold = { stream: string; accountNumber: string; revision: bigint; eventId: string; reason: string };

/** Records (or moves) the hold of a stream and tells waiters, in one transaction. */
/** The reason as projection_holds keeps it. */
export function storedHoldReason(reason: string): string {
  return storableText(reason).slice(0, 2000);
}

export async function recordHold(db: Db, hold: Hold): Promise<void> {
  const values = { ...hold, reason: storedHoldReason(hold.reason) };
  await db.transaction(async (tx) => {
    await tx
      .insert(projectionHolds)
      .values(values)
      .onConflictDoUpdate({
        target: projectionHolds.stream,
        set: { revision: values.revision, eventId: values.eventId, reason: values.reason, heldAt: sql`now()` },
      });
    await notify(tx, formatProjectionNotice({ accountNumber: hold.accountNumber, held: true }));
  });
}

/** Every held stream, oldest hold first. */
export async function listHolds(db: Db) {
  return db.select({ stream: projectionHolds.stream }).from(projectionHolds).orderBy(asc(projectionHolds.heldAt));
}

export async function findHold(db: Db, stream: string) {
  const [row] = await db.select().from(projectionHolds).where(eq(projectionHolds.stream, stream));
  return row ?? null;
}

export async function deleteHold(db: Db, stream: string): Promise<void> {
  await db.delete(projectionHolds).where(eq(projectionHolds.stream, stream));
}
