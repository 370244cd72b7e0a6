import { describe, expect, it } from 'vitest';
import type { AccountEvent } from '@/lib/domain';
import { credit, evolve, freshness, inconsistency, touchesOf, type AccountRow, type ProjectedEvent } from './accounts';

const A = '1000000008';
const B = '2000000006';
const t = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s));

function projected(event: AccountEvent, revision: bigint, position: bigint, second = Number(position)): ProjectedEvent {
  const owner = event.type === 'PaymentMade' ? event.data.payerAccountNumber : event.data.accountNumber;
  return {
    id: `00000000-0000-4000-8000-${String(position).padStart(12, '0')}`,
    streamId: `account-${owner}`,
    revision,
    position,
    created: t(second),
    event,
    rawData: event.data,
    rawMetadata: null,
  };
}

const openedA = projected({ type: 'AccountOpened', data: { accountNumber: A, holderName: 'Ada', openingBalanceCents: 1000 } }, 0n, 10n);
const depositA = projected({ type: 'MoneyDeposited', data: { accountNumber: A, amountCents: 500 } }, 1n, 20n);
const renameA = projected(
  { type: 'HolderNameChanged', data: { accountNumber: A, holderName: 'Ada L.', previousHolderName: 'Ada' } },
  2n,
  30n,
);
const payAB = projected(
  { type: 'PaymentMade', data: { payerAccountNumber: A, payeeAccountNumber: B, amountCents: 300 } },
  3n,
  40n,
) as ProjectedEvent & { event: Extract<AccountEvent, { type: 'PaymentMade' }> };

describe('evolve (owner row)', () => {
  it('given nothing, AccountOpened creates the row at revision 0', () => {
    expect(evolve(null, openedA)).toEqual({
      number: A,
      holderName: 'Ada',
      balance: 1000n,
      revision: 0n,
      openedAt: t(10),
      updatedAt: t(10),
    });
  });

  it('applies deposits, renames and outgoing payments in stream order', () => {
    const row = [depositA, renameA, payAB].reduce<AccountRow>((r, e) => evolve(r, e), evolve(null, openedA));
    expect(row).toMatchObject({ holderName: 'Ada L.', balance: 1200n, revision: 3n, updatedAt: t(40) });
  });
});

describe('credit (payee row)', () => {
  it('adds the amount without moving the payee revision, and never moves updatedAt backwards', () => {
    const payee: AccountRow = { number: B, holderName: 'Bob', balance: 0n, revision: 7n, openedAt: t(1), updatedAt: t(99) };
    expect(credit(payee, payAB)).toEqual({ ...payee, balance: 300n });
  });
});

describe('freshness', () => {
  const rowAt = (revision: bigint): AccountRow => ({ ...evolve(null, openedA), revision });
  it('applies the next revision only', () => {
    expect(freshness(rowAt(0n), depositA)).toBe('apply');
    expect(freshness(rowAt(1n), depositA)).toBe('duplicate');
    expect(freshness(rowAt(5n), depositA)).toBe('duplicate');
    expect(freshness(rowAt(0n), renameA)).toBe('ahead');
    expect(freshness(null, depositA)).toBe('ahead');
  });
  it('treats a second AccountOpened as a duplicate', () => {
    expect(freshness(null, openedA)).toBe('apply');
    expect(freshness(rowAt(3n), openedA)).toBe('duplicate');
  });
});

describe('touchesOf', () => {
  it('a payment touches the payer (debit) and the payee (credit)', () => {
    expect(touchesOf(payAB)).toEqual([
      { accountNumber: A, role: 'owner', kind: 'PaymentMade', amount: -300n, counterparty: B },
      { accountNumber: B, role: 'payee', kind: 'PaymentReceived', amount: 300n, counterparty: A },
    ]);
  });
  it('a rename touches only its account, with no amount', () => {
    expect(touchesOf(renameA)).toEqual([{ accountNumber: A, role: 'owner', kind: 'HolderNameChanged', amount: 0n, counterparty: null }]);
  });
});

describe('inconsistency', () => {
  it('accepts events whose payload matches their stream', () => {
    expect(inconsistency(payAB)).toBeNull();
  });
  it('flags an event stored on another account stream', () => {
    expect(inconsistency({ ...depositA, streamId: `account-${B}` })).toMatch(/names account/);
  });
  it('flags an AccountOpened that is not the first event', () => {
    expect(inconsistency({ ...openedA, revision: 4n })).toMatch(/revision 4/);
  });
});
