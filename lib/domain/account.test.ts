import { describe, expect, it } from 'vitest';
import {
  decideChangeHolderName,
  decideDeposit,
  decideMakePayment,
  decideOpenAccount,
  fold,
  type AccountEvent,
  type AccountState,
  type Decision,
} from '@/lib/domain';

// Given/when/then: given past events, when a command is decided, then these events or this error.
const A = '1000000008';
const B = '2000000006';
const opened = (holderName = 'Ada', openingBalanceCents = 0): AccountEvent => ({
  type: 'AccountOpened',
  data: { accountNumber: A, holderName, openingBalanceCents },
});

function given(...events: AccountEvent[]): AccountState {
  return fold(events);
}

function thenError<E>(decision: Decision<E>, code: string) {
  expect(decision.ok).toBe(false);
  if (!decision.ok) expect(decision.error.code).toBe(code);
}

describe('fold', () => {
  it('sums deposits and payments into the balance and keeps the latest name', () => {
    const state = given(
      opened('Ada', 1000),
      { type: 'MoneyDeposited', data: { accountNumber: A, amountCents: 250 } },
      { type: 'PaymentMade', data: { payerAccountNumber: A, payeeAccountNumber: B, amountCents: 300 } },
      { type: 'HolderNameChanged', data: { accountNumber: A, holderName: 'Ada L.', previousHolderName: 'Ada' } },
    );
    expect(state).toEqual({ status: 'open', accountNumber: A, holderName: 'Ada L.', balanceCents: 950n });
  });

  it('keeps precision beyond 2^53 cents', () => {
    const deposits = Array.from({ length: 3_000_000 / 1000 }, (): AccountEvent => ({
      type: 'MoneyDeposited',
      data: { accountNumber: A, amountCents: 4_294_967_295 },
    }));
    const state = given(opened('Ada', 4_294_967_295), ...deposits);
    expect(state.status === 'open' && state.balanceCents).toBe(4_294_967_295n * 3001n);
  });
});

describe('OpenAccount', () => {
  it('given no account, opens it', () => {
    const decision = decideOpenAccount(given(), { accountNumber: A, holderName: 'Ada', openingBalanceCents: 500 });
    expect(decision).toEqual({ ok: true, events: [opened('Ada', 500)] });
  });

  it('given an open account, rejects a second opening', () => {
    thenError(decideOpenAccount(given(opened()), { accountNumber: A, holderName: 'Bob', openingBalanceCents: 0 }), 'already_exists');
  });
});

describe('Deposit', () => {
  it('given an open account, records the deposit', () => {
    expect(decideDeposit(given(opened()), { accountNumber: A, amountCents: 1234 })).toEqual({
      ok: true,
      events: [{ type: 'MoneyDeposited', data: { accountNumber: A, amountCents: 1234 } }],
    });
  });

  it('given no account, rejects with not_found', () => {
    thenError(decideDeposit(given(), { accountNumber: A, amountCents: 1 }), 'not_found');
  });
});

describe('ChangeHolderName', () => {
  it('records the new and the previous name', () => {
    expect(decideChangeHolderName(given(opened('Ada')), { accountNumber: A, holderName: 'Grace' })).toEqual({
      ok: true,
      events: [{ type: 'HolderNameChanged', data: { accountNumber: A, holderName: 'Grace', previousHolderName: 'Ada' } }],
    });
  });

  it('rejects renaming to the current name', () => {
    thenError(decideChangeHolderName(given(opened('Ada')), { accountNumber: A, holderName: 'Ada' }), 'validation');
  });

  it('given no account, rejects with not_found', () => {
    thenError(decideChangeHolderName(given(), { accountNumber: A, holderName: 'Grace' }), 'not_found');
  });
});

describe('MakePayment', () => {
  const payer = { accountNumber: A, balanceCents: 1000n };
  const pay = (amountCents: number, reference?: string) => ({
    payerAccountNumber: A,
    payeeAccountNumber: B,
    amountCents,
    ...(reference ? { reference } : {}),
  });

  it('given enough balance, records one PaymentMade for the payer stream', () => {
    expect(decideMakePayment({ payer, payeeExists: true }, pay(1000, 'rent'))).toEqual({
      ok: true,
      events: [{ type: 'PaymentMade', data: { payerAccountNumber: A, payeeAccountNumber: B, amountCents: 1000, reference: 'rent' } }],
    });
  });

  it('rejects an amount above the balance', () => {
    thenError(decideMakePayment({ payer, payeeExists: true }, pay(1001)), 'insufficient_funds');
  });

  it('rejects paying the same account', () => {
    thenError(
      decideMakePayment({ payer, payeeExists: true }, { payerAccountNumber: A, payeeAccountNumber: A, amountCents: 1 }),
      'same_account',
    );
  });

  it('rejects an unknown payer or payee', () => {
    thenError(decideMakePayment({ payer: null, payeeExists: true }, pay(1)), 'not_found');
    const decision = decideMakePayment({ payer, payeeExists: false }, pay(1));
    thenError(decision, 'not_found');
    if (!decision.ok) expect(decision.error.field).toBe('payeeAccountNumber');
  });
});
