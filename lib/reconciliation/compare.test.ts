import { describe, expect, it } from 'vitest';
import { compareAccounts, firstDivergence, type ReadModelAccount } from './compare';
import type { ReplayAccount, ReplayHistory } from './replay';

const replayed = (number: string, balance: bigint, historyLength = 1): ReplayAccount => ({
  number,
  holderName: 'Ada',
  balance,
  revision: 0n,
  history: [],
  historyLength,
});
const row = (number: string, balance: bigint, historyLength = 1): ReadModelAccount => ({
  number,
  holderName: 'Ada',
  balance,
  revision: 0n,
  historyLength,
});
const entry = (position: bigint, balanceAfter: bigint, kind = 'MoneyDeposited'): ReplayHistory => ({
  eventId: `e${position}`,
  kind,
  amount: 0n,
  balanceAfter,
  counterparty: null,
  stream: 'account-1',
  revision: 0n,
  position,
  eventType: kind,
});

describe('compareAccounts', () => {
  it('finds nothing when every field agrees', () => {
    expect(compareAccounts(new Map([['1', replayed('1', 5n)]]), new Map([['1', row('1', 5n)]]))).toEqual([]);
  });

  it('names each differing field, missing and unexpected rows', () => {
    const differences = compareAccounts(
      new Map([
        ['1', replayed('1', 5n)],
        ['2', replayed('2', 7n)],
      ]),
      new Map([
        ['1', { ...row('1', 6n, 2), holderName: 'Eve' }],
        ['3', row('3', 1n)],
      ]),
    );
    expect(differences.map((d) => [d.accountNumber, d.field, d.expected, d.actual])).toEqual([
      ['1', 'holderName', 'Ada', 'Eve'],
      ['1', 'balance', '5', '6'],
      ['1', 'historyLength', '1', '2'],
      ['2', 'missing', 'Ada, 7 cents', null],
      ['3', 'unexpected', null, 'Ada, 1 cents'],
    ]);
  });
});

describe('firstDivergence', () => {
  it('is null when the timelines agree', () => {
    expect(firstDivergence([entry(1n, 5n)], [{ eventId: 'e1', position: 1n, kind: 'MoneyDeposited', balanceAfter: 5n }])).toBeNull();
  });

  it('is the first entry whose running balance differs', () => {
    const stored = [
      { eventId: 'e1', position: 1n, kind: 'MoneyDeposited', balanceAfter: 5n },
      { eventId: 'e2', position: 2n, kind: 'MoneyDeposited', balanceAfter: 99n },
    ];
    expect(firstDivergence([entry(1n, 5n), entry(2n, 8n), entry(3n, 9n)], stored)).toEqual({
      eventId: 'e2',
      position: '2',
      type: 'MoneyDeposited',
    });
  });

  it('is an entry one side lacks, whichever side', () => {
    expect(
      firstDivergence([entry(1n, 5n), entry(2n, 8n)], [{ eventId: 'e1', position: 1n, kind: 'MoneyDeposited', balanceAfter: 5n }])?.eventId,
    ).toBe('e2');
    expect(
      firstDivergence(
        [entry(2n, 8n)],
        [
          { eventId: 'x', position: 1n, kind: 'MoneyDeposited', balanceAfter: 3n },
          { eventId: 'e2', position: 2n, kind: 'MoneyDeposited', balanceAfter: 8n },
        ],
      )?.eventId,
    ).toBe('x');
  });
});
