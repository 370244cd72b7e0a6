import { fold, type AccountState, type PaymentMade } from '@/lib/domain';
import type { AccountEvent } from '@/lib/domain';

/**
 * An account's state as of one point of $all. The aggregate's own stream only holds what the
 * account did (opened, deposits, renames, outgoing payments); money it received lives on the
 * payers' streams. So the past balance is the fold of its own events up to the point plus the
 * payments to it recorded elsewhere up to the same point. Pure: the caller reads both lists.
 */
export function accountStateAsOf(
  accountNumber: string,
  ownEvents: AccountEvent[],
  otherStreamsEvents: AccountEvent[],
): AccountState {
  const state = fold(ownEvents);
  if (state.status !== 'open') return state;
  const received = otherStreamsEvents
    .filter((e): e is PaymentMade => e.type === 'PaymentMade' && e.data.payeeAccountNumber === accountNumber)
    .reduce((sum, e) => sum + BigInt(e.data.amountCents), 0n);
  return { ...state, balanceCents: state.balanceCents + received };
}
