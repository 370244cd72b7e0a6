import { evolve, initialAccountState, type AccountEvent, type AccountState } from '@/lib/domain';
import type { SnapshotValues } from './fields';

/**
 * What the time-travel views show of an account at one point of its history: the aggregate's
 * state (holder name, balance) and how many of each kind of event it had seen by then. Pure.
 *
 * The account's own stream holds what it did (opening, deposits, renames, payments made);
 * money it received lives on the payers' streams, so received payments are added one by one,
 * in $all order, between its own events.
 */
export type AccountSnapshot = {
  state: AccountState;
  deposits: number;
  paymentsMade: number;
  paymentsReceived: number;
  renames: number;
};

export const EMPTY_SNAPSHOT: AccountSnapshot = {
  state: initialAccountState,
  deposits: 0,
  paymentsMade: 0,
  paymentsReceived: 0,
  renames: 0,
};

/** One event of the account's own stream. */
export function applyOwnEvent(snapshot: AccountSnapshot, event: AccountEvent): AccountSnapshot {
  const state = evolve(snapshot.state, event);
  // An event before the opening changes nothing, as in the aggregate: count only what applied.
  if (state.status !== 'open') return snapshot;
  return {
    state,
    deposits: snapshot.deposits + (event.type === 'MoneyDeposited' ? 1 : 0),
    paymentsMade: snapshot.paymentsMade + (event.type === 'PaymentMade' ? 1 : 0),
    paymentsReceived: snapshot.paymentsReceived,
    renames: snapshot.renames + (event.type === 'HolderNameChanged' ? 1 : 0),
  };
}

/** A payment to the account, recorded on another account's stream. */
export function applyPaymentReceived(snapshot: AccountSnapshot, amountCents: bigint): AccountSnapshot {
  const { state } = snapshot;
  if (state.status !== 'open') return snapshot;
  return {
    ...snapshot,
    state: { ...state, balanceCents: state.balanceCents + amountCents },
    paymentsReceived: snapshot.paymentsReceived + 1,
  };
}

export function snapshotValues(snapshot: AccountSnapshot): SnapshotValues {
  const { state } = snapshot;
  if (state.status !== 'open') {
    return { holderName: null, balanceCents: null, deposits: null, paymentsMade: null, paymentsReceived: null, renames: null };
  }
  return {
    holderName: state.holderName,
    balanceCents: state.balanceCents.toString(),
    deposits: String(snapshot.deposits),
    paymentsMade: String(snapshot.paymentsMade),
    paymentsReceived: String(snapshot.paymentsReceived),
    renames: String(snapshot.renames),
  };
}
