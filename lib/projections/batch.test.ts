import { describe, expect, it } from 'vitest';
import type { AccountEvent } from '@/lib/domain';
import type { AccountRow, ProjectedEvent } from './accounts';
import { planBatch, type BatchEvent, type LastEntry } from './batch';

const A = '1000000001';
const B = '1000000002';
const at = new Date('2026-12-01T10:00:00Z');
const metadata = { commandId: 'c-1', correlationId: 'r-1', causationId: 'c-1' };

let nextPosition = 100n;
function event(account: string, revision: bigint, body: AccountEvent, position = (nextPosition += 10n)): BatchEvent {
  const projected: ProjectedEvent = {
    id: `${account}-${revision}-${position}`,
    streamId: `account-${account}`,
    revision,
    position,
    created: at,
    event: body,
    rawData: body.data,
    rawMetadata: metadata,
  };
  return { kind: 'account', projected };
}

const opened = (account: string, cents = 0) =>
  event(account, 0n, {
    type: 'AccountOpened',
    data: { accountNumber: account, holderName: `Holder ${account}`, openingBalanceCents: cents },
  });
const deposited = (account: string, revision: bigint, cents: number, position?: bigint) =>
  event(account, revision, { type: 'MoneyDeposited', data: { accountNumber: account, amountCents: cents } }, position);
const paid = (payer: string, revision: bigint, payee: string, cents: number) =>
  event(payer, revision, {
    type: 'PaymentMade',
    data: { payerAccountNumber: payer, payeeAccountNumber: payee, amountCents: cents, reference: 'rent' },
  });

const row = (number: string, balance: bigint, revision: bigint): AccountRow => ({
  number,
  holderName: `Holder ${number}`,
  balance,
  revision,
  openedAt: at,
  updatedAt: at,
});
const idOf = (e: BatchEvent) => (e.kind === 'account' ? e.projected.id : e.id);

describe('planBatch', () => {
  it('applies a stream in order, seeing what earlier events of the batch did', () => {
    const events = [opened(A, 500), deposited(A, 1n, 100), opened(B), paid(A, 2n, B, 250)];
    const plan = planBatch({
      events,
      rows: new Map([
        [A, null],
        [B, null],
      ]),
      last: new Map(),
    });
    expect([...plan.outcomes.values()]).toEqual(['apply', 'apply', 'apply', 'apply']);
    expect(plan.inserts.map((r) => [r.number, r.balance, r.revision])).toEqual([
      [A, 350n, 2n],
      [B, 250n, 0n],
    ]);
    expect(plan.updates).toEqual([]);
    expect(plan.history.map((h) => [h.accountNumber, h.kind, h.balanceAfter])).toEqual([
      [A, 'AccountOpened', 500n],
      [A, 'MoneyDeposited', 600n],
      [B, 'AccountOpened', 0n],
      [A, 'PaymentMade', 350n],
      [B, 'PaymentReceived', 250n],
    ]);
    expect(plan.revisions).toEqual(
      new Map([
        [A, 2n],
        [B, 0n],
      ]),
    );
    expect(plan.applied).toBe(4);
    expect(plan.index.find((e) => e.type === 'PaymentMade')).toMatchObject({
      accountNumber: A,
      counterparty: B,
      amount: 250n,
      searchText: 'rent',
      commandId: 'c-1',
    });
  });

  it('sorts by position, skips duplicates (also within the batch) and leaves events ahead of a gap alone', () => {
    const dup = deposited(A, 3n, 5);
    const ahead = deposited(A, 5n, 7);
    const stale = deposited(A, 2n, 1);
    const events = [ahead, dup, stale, dup];
    const plan = planBatch({ events, rows: new Map([[A, row(A, 10n, 2n)]]), last: new Map([[A, { position: 1n, balanceAfter: 10n }]]) });
    expect(plan.outcomes.get(idOf(stale))).toBe('duplicate');
    expect(plan.outcomes.get(idOf(dup))).toBe('apply');
    expect(plan.outcomes.get(idOf(ahead))).toBe('ahead');
    expect(plan.updates).toEqual([
      { row: expect.objectContaining({ balance: 15n, revision: 3n }), loadedRevision: 2n, loadedBalance: 10n },
    ]);
    expect(plan.history).toHaveLength(1);
  });

  it('holds back a payment to a payee without a row, and changes nothing for it', () => {
    const payment = paid(A, 1n, B, 5);
    const plan = planBatch({
      events: [payment],
      rows: new Map([
        [A, row(A, 10n, 0n)],
        [B, null],
      ]),
      last: new Map(),
    });
    expect(plan.outcomes.get(idOf(payment))).toBe('payee-missing');
    expect(plan.applied).toBe(0);
    expect(plan.updates).toEqual([]);
  });

  it('advances the revision for an unknown type, without a timeline entry', () => {
    const unknown: BatchEvent = {
      kind: 'unknown',
      id: 'u',
      streamId: `account-${A}`,
      revision: 1n,
      position: 500n,
      created: at,
      type: 'LoyaltyPointsAwarded',
      rawMetadata: null,
    };
    const plan = planBatch({ events: [unknown], rows: new Map([[A, row(A, 10n, 0n)]]), last: new Map() });
    expect(plan.outcomes.get('u')).toBe('apply');
    expect(plan.updates[0]?.row.revision).toBe(1n);
    expect(plan.history).toEqual([]);
    expect(plan.index[0]).toMatchObject({ type: 'LoyaltyPointsAwarded', accountNumber: A, amount: null, commandId: null });
  });

  it('leaves a timeline entry older than the newest one to be slotted in by position', () => {
    const late = deposited(A, 1n, 40, 50n);
    const last = new Map<string, LastEntry>([[A, { position: 90n, balanceAfter: 70n }]]);
    const plan = planBatch({ events: [late], rows: new Map([[A, row(A, 70n, 0n)]]), last });
    expect(plan.history).toEqual([]);
    expect(plan.late).toEqual([expect.objectContaining({ accountNumber: A, amount: 40n, position: 50n })]);
    expect(plan.updates[0]?.row.balance).toBe(110n);
  });

  it('makes text storable in rows and index (no U+0000)', () => {
    const event0 = event(A, 0n, { type: 'AccountOpened', data: { accountNumber: A, holderName: 'Ada\u0000', openingBalanceCents: 0 } });
    const plan = planBatch({ events: [event0], rows: new Map([[A, null]]), last: new Map() });
    expect(plan.inserts[0]?.holderName).toBe('Ada\ufffd');
    expect(plan.index[0]?.searchText).toBe('Ada\ufffd');
  });

  it('cuts a long command id to 200 characters without leaving half a surrogate pair', () => {
    const long = `${'x'.repeat(199)}😀`; // the emoji's two halves are characters 200 and 201
    const opening = event(A, 0n, { type: 'AccountOpened', data: { accountNumber: A, holderName: 'Ada', openingBalanceCents: 0 } });
    if (opening.kind === 'account') opening.projected.rawMetadata = { commandId: long, correlationId: long, causationId: 'c' };
    const plan = planBatch({ events: [opening], rows: new Map([[A, null]]), last: new Map() });
    expect(plan.index[0]?.commandId).toBe(`${'x'.repeat(199)}\ufffd`);
  });
});
