import { describe, expect, it } from 'vitest';
import type { AccountEvent } from '@/lib/domain';
import { accountStateAsOf } from './account-as-of';

const A = '1000000008';
const B = '2000000006';
const C = '3000000004';

const opened = (accountNumber: string, holderName: string, openingBalanceCents: number): AccountEvent => ({
  type: 'AccountOpened',
  data: { accountNumber, holderName, openingBalanceCents },
});
const paid = (payer: string, payee: string, amountCents: number): AccountEvent => ({
  type: 'PaymentMade',
  data: { payerAccountNumber: payer, payeeAccountNumber: payee, amountCents },
});

describe('accountStateAsOf', () => {
  it('folds the own stream and adds payments received from other streams', () => {
    const own: AccountEvent[] = [
      opened(A, 'Ada', 1000),
      { type: 'HolderNameChanged', data: { accountNumber: A, holderName: 'Ada L', previousHolderName: 'Ada' } },
      paid(A, B, 300),
    ];
    const others = [opened(B, 'Bea', 0), paid(B, A, 50), paid(C, A, 7), paid(C, B, 999)];
    expect(accountStateAsOf(A, own, others)).toEqual({
      status: 'open',
      accountNumber: A,
      holderName: 'Ada L',
      balanceCents: 1000n - 300n + 50n + 7n,
    });
  });

  it('is the plain fold when nothing was received', () => {
    expect(accountStateAsOf(A, [opened(A, 'Ada', 5)], [])).toEqual({
      status: 'open',
      accountNumber: A,
      holderName: 'Ada',
      balanceCents: 5n,
    });
  });

  it('stays unopened without an AccountOpened, whatever others sent', () => {
    expect(accountStateAsOf(A, [], [paid(B, A, 50)])).toEqual({ status: 'none' });
  });
});
