import { describe, expect, it } from 'vitest';
import { formatField, pointSentence } from '@/components/time-travel/point-text';
import { describeChanges } from '@/components/time-travel/snapshot-views';
import type { PointSummary } from '@/lib/time-travel/view';

const point = (over: Partial<PointSummary>): PointSummary => ({
  number: 1,
  kind: 'own',
  type: 'MoneyDeposited',
  position: '10',
  revision: '1',
  stream: 'account-1000000008',
  created: '2026-12-06T10:00:00.000Z',
  amountCents: null,
  counterparty: null,
  detail: null,
  problem: null,
  payerHeld: false,
  href: '/accounts/1000000008/at/1',
  ...over,
});

describe('time-travel wording', () => {
  it('says what happened at a point in one line', () => {
    expect(pointSentence(point({ type: 'AccountOpened', amountCents: '1000', detail: 'for Ada' }))).toBe('Account opened $10.00 for Ada');
    expect(pointSentence(point({ amountCents: '500' }))).toBe('Deposit +$5.00');
    expect(pointSentence(point({ type: 'HolderNameChanged', detail: 'Ada → Bea' }))).toBe('Holder name changed Ada → Bea');
    expect(pointSentence(point({ type: 'PaymentMade', amountCents: '-300', counterparty: '2000000006', detail: 'Rent' }))).toBe(
      'Payment made -$3.00 to 2000000006 “Rent”',
    );
    expect(pointSentence(point({ kind: 'received', type: 'PaymentReceived', amountCents: '2000', counterparty: '2000000006' }))).toBe(
      'Payment received +$20.00 from 2000000006',
    );
    expect(pointSentence(point({ problem: 'unreadable', detail: 'Invalid MoneyDeposited payload' }))).toBe(
      'Unreadable MoneyDeposited (Invalid MoneyDeposited payload)',
    );
    expect(pointSentence(point({ type: 'LoyaltyPointsAwarded', problem: 'unknown', detail: 'not an account event' }))).toBe(
      'LoyaltyPointsAwarded (not an account event)',
    );
  });

  it('formats fields and announces changes', () => {
    expect(formatField('balanceCents', '123456')).toBe('$1,234.56');
    expect(formatField('holderName', null)).toBe('—');
    expect(describeChanges([])).toBe('nothing changed');
    expect(
      describeChanges([
        { field: 'balanceCents', from: '1000', to: '1500' },
        { field: 'deposits', from: '0', to: '1' },
      ]),
    ).toBe('Balance $10.00 → $15.00; Deposits 0 → 1');
  });
});
