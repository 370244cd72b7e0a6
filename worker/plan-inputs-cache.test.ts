import { describe, expect, it } from 'vitest';
import { accountStream } from '@/lib/eventstore/serialization/streams';
import type { AccountRow } from '@/lib/projections/accounts';
import type { BatchPlan } from '@/lib/projections/batch';
import { PlanInputsCache } from './plan-inputs-cache';

const row = (number: string, balance: bigint, revision: bigint): AccountRow => ({
  number,
  holderName: `Holder ${number}`,
  balance,
  revision,
  openedAt: new Date('2026-01-01T00:00:00Z'),
  updatedAt: new Date('2026-01-01T00:00:00Z'),
});

const plan = (part: Partial<BatchPlan>): BatchPlan => ({
  outcomes: new Map(),
  inserts: [],
  updates: [],
  history: [],
  late: [],
  index: [],
  revisions: new Map(),
  position: null,
  applied: 0,
  ...part,
});

describe('PlanInputsCache', () => {
  it('answers only when it remembers every account asked for', () => {
    const cache = new PlanInputsCache();
    cache.learn({
      rows: new Map([
        ['1', row('1', 10n, 0n)],
        ['2', null],
      ]),
      last: new Map([['1', { position: 7n, balanceAfter: 10n }]]),
      held: new Set(),
    });
    expect(cache.lookup(['1'])).toEqual({
      rows: new Map([['1', row('1', 10n, 0n)]]),
      last: new Map([['1', { position: 7n, balanceAfter: 10n }]]),
      held: new Set(),
    });
    // No row yet (not opened, or not projected): read until it has one.
    expect(cache.lookup(['1', '2'])).toBeNull();
  });

  it('does not remember an account whose stream is held', () => {
    const cache = new PlanInputsCache();
    cache.learn({ rows: new Map([['1', row('1', 10n, 0n)]]), last: new Map(), held: new Set([accountStream('1')]) });
    expect(cache.lookup(['1'])).toBeNull();
  });

  it('keeps what a written plan left: rows inserted and updated, the newest timeline entry', () => {
    const cache = new PlanInputsCache();
    cache.wrote(
      plan({
        inserts: [row('1', 50n, 0n)],
        updates: [{ row: row('2', 5n, 3n), loadedRevision: 2n, loadedBalance: 8n }],
        history: [
          { accountNumber: '1', position: 20n, balanceAfter: 50n } as BatchPlan['history'][number],
          { accountNumber: '2', position: 21n, balanceAfter: 5n } as BatchPlan['history'][number],
          { accountNumber: '1', position: 22n, balanceAfter: 45n } as BatchPlan['history'][number],
        ],
      }),
    );
    const found = cache.lookup(['1', '2'])!;
    expect(found.rows.get('2')).toEqual(row('2', 5n, 3n));
    expect(found.last).toEqual(
      new Map([
        ['1', { position: 22n, balanceAfter: 45n }],
        ['2', { position: 21n, balanceAfter: 5n }],
      ]),
    );
    cache.forget(['2']);
    expect(cache.lookup(['2'])).toBeNull();
  });

  it('forgets the least recently used past its size', () => {
    const cache = new PlanInputsCache(2);
    const learn = (n: string) => cache.learn({ rows: new Map([[n, row(n, 1n, 0n)]]), last: new Map(), held: new Set() });
    learn('1');
    learn('2');
    expect(cache.lookup(['1'])).not.toBeNull(); // 1 is now the most recently used
    learn('3');
    expect(cache.lookup(['2'])).toBeNull();
    expect(cache.lookup(['1', '3'])).not.toBeNull();
    expect(cache.size).toBe(2);
  });
});
