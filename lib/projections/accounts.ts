import type { AccountEvent, PaymentMade } from '@/lib/domain';
import { accountNumberFromStream } from '@/lib/eventstore/serialization/streams';

/**
 * The accounts projection, pure: how one event changes an account row of the query model.
 * The I/O layer (worker/projector.ts) loads rows, asks these functions, and writes the result
 * together with the applied-event record in one statement.
 */

export type AccountRow = {
  number: string;
  holderName: string;
  balance: bigint;
  /** Last applied revision of this account's own stream. */
  revision: bigint;
  openedAt: Date;
  updatedAt: Date;
};

/** An event as the projection sees it: the validated domain event plus where it sits in the store. */
export type ProjectedEvent = {
  id: string;
  streamId: string;
  revision: bigint;
  /** Commit position in $all. */
  position: bigint;
  created: Date;
  event: AccountEvent;
  rawData: unknown;
  rawMetadata: unknown;
};

export type HistoryKind = AccountEvent['type'] | 'PaymentReceived';

/** How an event shows on one account's timeline. */
export type Touch = {
  accountNumber: string;
  role: 'owner' | 'payee';
  kind: HistoryKind;
  /** Signed effect on the balance, in cents. */
  amount: bigint;
  counterparty: string | null;
};

/** Every account an event touches: its own stream's account, plus the payee of a payment. */
export function touchesOf(projected: ProjectedEvent): Touch[] {
  const { event } = projected;
  const owner = ownerOf(projected);
  switch (event.type) {
    case 'AccountOpened':
      return [touch(owner, 'owner', event.type, BigInt(event.data.openingBalanceCents), null)];
    case 'MoneyDeposited':
      return [touch(owner, 'owner', event.type, BigInt(event.data.amountCents), null)];
    case 'HolderNameChanged':
      return [touch(owner, 'owner', event.type, 0n, null)];
    case 'PaymentMade': {
      const amount = BigInt(event.data.amountCents);
      return [
        touch(owner, 'owner', 'PaymentMade', -amount, event.data.payeeAccountNumber),
        touch(event.data.payeeAccountNumber, 'payee', 'PaymentReceived', amount, owner),
      ];
    }
    default: {
      const unreachable: never = event;
      return unreachable;
    }
  }
}

const touch = (accountNumber: string, role: Touch['role'], kind: HistoryKind, amount: bigint, counterparty: string | null): Touch => ({
  accountNumber,
  role,
  kind,
  amount,
  counterparty,
});

export function ownerOf(projected: ProjectedEvent): string {
  const owner = accountNumberFromStream(projected.streamId);
  if (owner === null) throw new Error(`${projected.streamId} is not an account stream`);
  return owner;
}

/**
 * An event whose payload disagrees with its stream cannot be projected meaningfully; the
 * worker parks it with this reason. Null means consistent.
 */
export function inconsistency(projected: ProjectedEvent): string | null {
  const owner = accountNumberFromStream(projected.streamId);
  if (owner === null) return `${projected.event.type} on non-account stream ${projected.streamId}`;
  const { event } = projected;
  const named = event.type === 'PaymentMade' ? event.data.payerAccountNumber : event.data.accountNumber;
  if (named !== owner) return `${event.type} names account ${named} but is stored on ${projected.streamId}`;
  if (event.type === 'PaymentMade' && event.data.payeeAccountNumber === owner) {
    return 'PaymentMade to the paying account itself';
  }
  if (event.type === 'AccountOpened' && projected.revision !== 0n) {
    return `AccountOpened at revision ${projected.revision} instead of 0`;
  }
  return null;
}

export type Freshness = 'apply' | 'duplicate' | 'ahead';

/**
 * Revision check for the owner row: at-least-once delivery may repeat an event (duplicate)
 * or hand it over before its predecessor on the same stream (ahead, retry later).
 */
export function freshness(row: AccountRow | null, projected: ProjectedEvent): Freshness {
  if (projected.event.type === 'AccountOpened') return row ? 'duplicate' : 'apply';
  if (!row) return 'ahead';
  if (projected.revision <= row.revision) return 'duplicate';
  return projected.revision === row.revision + 1n ? 'apply' : 'ahead';
}

/** The owner's row after one of its own stream's events (call only when freshness is 'apply'). */
export function evolve(row: AccountRow | null, projected: ProjectedEvent): AccountRow {
  const { event, revision, created } = projected;
  if (event.type === 'AccountOpened') {
    return {
      number: event.data.accountNumber,
      holderName: event.data.holderName,
      balance: BigInt(event.data.openingBalanceCents),
      revision,
      openedAt: created,
      updatedAt: created,
    };
  }
  if (!row) throw new Error(`${event.type} at ${projected.streamId}@${revision} applied before AccountOpened`);
  const next = { ...row, revision, updatedAt: later(row.updatedAt, created) };
  switch (event.type) {
    case 'MoneyDeposited':
      return { ...next, balance: row.balance + BigInt(event.data.amountCents) };
    case 'HolderNameChanged':
      return { ...next, holderName: event.data.holderName };
    case 'PaymentMade':
      return { ...next, balance: row.balance - BigInt(event.data.amountCents) };
    default: {
      const unreachable: never = event;
      return unreachable;
    }
  }
}

/** The payee's row after an incoming payment. Its revision is untouched: the event is not on its stream. */
export function credit(row: AccountRow, projected: ProjectedEvent & { event: PaymentMade }): AccountRow {
  return {
    ...row,
    balance: row.balance + BigInt(projected.event.data.amountCents),
    updatedAt: later(row.updatedAt, projected.created),
  };
}

// Out-of-order delivery must not move updatedAt backwards, so the result is order-independent.
const later = (a: Date, b: Date) => (b.getTime() > a.getTime() ? b : a);
