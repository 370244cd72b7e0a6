import { describe, expect, it } from 'vitest';
import type { AccountEvent } from '@/lib/domain';
import { diffSnapshots } from './diff';
import { mergeByPosition, PointWalker, type HistoryPoint, type OwnPoint, type PointSelector, type ReceivedPoint } from './points';
import { snapshotValues } from './snapshot';

const A = '1000000008';
const B = '2000000006';
const at = (minute: number) => new Date(Date.UTC(2026, 11, 6, 10, minute));

let nextRevision = 0n;
const own = (position: number, event: AccountEvent | null, minute = position, problem: OwnPoint['problem'] = null): OwnPoint => ({
  kind: 'own',
  position: BigInt(position),
  revision: nextRevision++,
  created: at(minute),
  eventId: `own-${position}`,
  type: event?.type ?? 'Unreadable',
  event,
  problem,
});
const received = (position: number, amountCents: number, minute = position, payerHeld = false): ReceivedPoint => ({
  kind: 'received',
  position: BigInt(position),
  created: at(minute),
  eventId: `in-${position}`,
  payer: B,
  payerStream: `account-${B}`,
  payerRevision: 3n,
  amountCents: BigInt(amountCents),
  reference: null,
  payerHeld,
});

/** Ada: opened with $10 (@0), payment received $5, deposit $1 (@1), rename (@2), payment made $3 (@3), payment received $2. */
function history(): HistoryPoint[] {
  nextRevision = 0n;
  return [
    own(10, { type: 'AccountOpened', data: { accountNumber: A, holderName: 'Ada', openingBalanceCents: 1000 } }),
    received(20, 500),
    own(30, { type: 'MoneyDeposited', data: { accountNumber: A, amountCents: 100 } }),
    own(40, { type: 'HolderNameChanged', data: { accountNumber: A, holderName: 'Ada L', previousHolderName: 'Ada' } }),
    own(50, { type: 'PaymentMade', data: { payerAccountNumber: A, payeeAccountNumber: B, amountCents: 300 } }),
    received(60, 200),
  ];
}

function walk(selector: PointSelector, points = history()) {
  const walker = new PointWalker(selector);
  for (const point of points) walker.add(point);
  return walker.result();
}

describe('PointWalker', () => {
  it('folds own events and payments received in order, with counts', () => {
    const result = walk({ by: 'latest' });
    expect(result.total).toBe(6);
    expect(result.lastRevision).toBe(3n);
    expect(snapshotValues(result.today)).toEqual({
      holderName: 'Ada L',
      balanceCents: String(1000 + 500 + 100 - 300 + 200),
      deposits: '1',
      paymentsMade: '1',
      paymentsReceived: '2',
      renames: '1',
    });
    expect(result.target?.number).toBe(6);
    expect(result.target?.previous?.number).toBe(5);
    expect(result.next).toBeNull();
  });

  it('stops at an own revision: the state right after it, its neighbours, and today', () => {
    const result = walk({ by: 'revision', revision: 1n });
    const target = result.target!;
    expect(target.number).toBe(3);
    expect(target.ownRevision).toBe(1n);
    expect(snapshotValues(target.after)).toMatchObject({ holderName: 'Ada', balanceCents: '1600', deposits: '1', paymentsReceived: '1' });
    expect(target.previous?.point).toMatchObject({ kind: 'received', position: 20n });
    expect(result.next?.point).toMatchObject({ kind: 'own', revision: 2n });
    expect(result.next?.number).toBe(4);
    expect(diffSnapshots(target.before, target.after)).toEqual([
      { field: 'balanceCents', from: '1500', to: '1600' },
      { field: 'deposits', from: '0', to: '1' },
    ]);
    expect(diffSnapshots(target.after, result.today)).toEqual([
      { field: 'holderName', from: 'Ada', to: 'Ada L' },
      { field: 'balanceCents', from: '1600', to: '1500' },
      { field: 'paymentsMade', from: '0', to: '1' },
      { field: 'paymentsReceived', from: '1', to: '2' },
      { field: 'renames', from: '0', to: '1' },
    ]);
  });

  it('stops right after a payment received, addressed by position or by number', () => {
    for (const selector of [
      { by: 'position', position: 20n },
      { by: 'number', number: 2 },
    ] as const) {
      const target = walk(selector).target!;
      expect(target.point).toMatchObject({ kind: 'received', position: 20n });
      // The own stream was at revision 0 then.
      expect(target.ownRevision).toBe(0n);
      expect(snapshotValues(target.after)).toMatchObject({ balanceCents: '1500', paymentsReceived: '1' });
      expect(diffSnapshots(target.before, target.after)).toEqual([
        { field: 'balanceCents', from: '1000', to: '1500' },
        { field: 'paymentsReceived', from: '0', to: '1' },
      ]);
    }
  });

  it('diffs the opening against no account at all', () => {
    const target = walk({ by: 'number', number: 1 }).target!;
    expect(target.previous).toBeNull();
    expect(diffSnapshots(target.before, target.after)).toEqual([
      { field: 'holderName', from: null, to: 'Ada' },
      { field: 'balanceCents', from: null, to: '1000' },
      { field: 'deposits', from: null, to: '0' },
      { field: 'paymentsMade', from: null, to: '0' },
      { field: 'paymentsReceived', from: null, to: '0' },
      { field: 'renames', from: null, to: '0' },
    ]);
  });

  it('finds nothing for a revision, position or number that is not there', () => {
    for (const selector of [
      { by: 'revision', revision: 4n },
      { by: 'position', position: 25n },
      { by: 'number', number: 7 },
    ] as const) {
      const result = walk(selector);
      expect(result.target).toBeNull();
      expect(result.total).toBe(6);
    }
  });

  it('ignores payments indexed before the account was opened', () => {
    const points = history();
    const result = walk({ by: 'latest' }, [received(5, 999), ...points]);
    expect(result.total).toBe(6);
    expect(result.first?.point).toMatchObject({ kind: 'own', revision: 0n });
    expect(snapshotValues(result.today).balanceCents).toBe('1500');
  });

  it('skips unknown and unreadable own events as points that change nothing, and counts what is held', () => {
    nextRevision = 0n;
    const points: HistoryPoint[] = [
      own(10, { type: 'AccountOpened', data: { accountNumber: A, holderName: 'Ada', openingBalanceCents: 1000 } }),
      own(20, null, 20, { kind: 'unknown', reason: 'SomethingElse is not an account event' }),
      received(30, 5, 30, true),
      own(40, null, 40, { kind: 'unreadable', reason: 'Invalid MoneyDeposited payload' }),
    ];
    const result = walk({ by: 'latest' }, points);
    expect(result.total).toBe(4);
    expect(result.lastRevision).toBe(2n);
    expect(result.firstUnreadable?.revision).toBe(2n);
    expect(result.target).toMatchObject({ heldPayments: 1, unreadable: 1, ownRevision: 2n });
    expect(diffSnapshots(result.target!.before, result.target!.after)).toEqual([]);
    expect(snapshotValues(result.today).balanceCents).toBe('1005');
  });
});

describe('asOf selection', () => {
  it('picks the last point at or before the moment', () => {
    // Points are at minutes 10, 20, …, 60.
    expect(walk({ by: 'asOf', at: at(20) }).target?.point.position).toBe(20n);
    expect(walk({ by: 'asOf', at: at(29) }).target?.point.position).toBe(20n);
    expect(walk({ by: 'asOf', at: new Date(at(30).getTime() - 1) }).target?.point.position).toBe(20n);
    expect(walk({ by: 'asOf', at: at(59) }).target?.point.position).toBe(50n);
    const later = walk({ by: 'asOf', at: at(99) });
    expect(later.target?.point.position).toBe(60n);
    expect(later.next).toBeNull();
  });

  it('has no point before the opening', () => {
    expect(walk({ by: 'asOf', at: at(9) }).target).toBeNull();
  });

  it('takes the last in $all order when clocks stepped back, and its next neighbour', () => {
    nextRevision = 0n;
    const points: HistoryPoint[] = [
      own(10, { type: 'AccountOpened', data: { accountNumber: A, holderName: 'Ada', openingBalanceCents: 0 } }, 10),
      received(20, 1, 30),
      received(30, 2, 25),
      received(40, 4, 40),
    ];
    const result = walk({ by: 'asOf', at: at(26) }, points);
    expect(result.target?.point.position).toBe(30n);
    expect(result.next?.point.position).toBe(40n);
    expect(snapshotValues(result.target!.after).balanceCents).toBe('3');
  });
});

describe('mergeByPosition', () => {
  async function* from<T>(items: T[]) {
    yield* items;
  }
  const p = (position: number, tag: string) => ({ position: BigInt(position), tag });

  it('interleaves two ordered sequences by position', async () => {
    const merged: string[] = [];
    for await (const item of mergeByPosition(from([p(1, 'a'), p(4, 'a'), p(5, 'a')]), from([p(2, 'b'), p(3, 'b'), p(9, 'b')]))) {
      merged.push(`${item.tag}${item.position}`);
    }
    expect(merged).toEqual(['a1', 'b2', 'b3', 'a4', 'a5', 'b9']);
  });

  it('copes with either side empty', async () => {
    const collect = async (a: ReturnType<typeof p>[], b: ReturnType<typeof p>[]) => {
      const out: bigint[] = [];
      for await (const item of mergeByPosition(from(a), from(b))) out.push(item.position);
      return out;
    };
    expect(await collect([], [p(1, 'b')])).toEqual([1n]);
    expect(await collect([p(1, 'a')], [])).toEqual([1n]);
    expect(await collect([], [])).toEqual([]);
  });
});
