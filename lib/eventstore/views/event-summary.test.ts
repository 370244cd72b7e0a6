import { describe, expect, it } from 'vitest';
import { summarizeEvent } from './event-summary';

describe('summarizeEvent', () => {
  it('describes each account event in one line', () => {
    expect(summarizeEvent('AccountOpened', { accountNumber: '1000000008', holderName: 'Ada', openingBalanceCents: 150000 })).toBe(
      'Opened for Ada with $1,500.00',
    );
    expect(summarizeEvent('MoneyDeposited', { accountNumber: '1000000008', amountCents: 5 })).toBe('Deposited $0.05');
    expect(summarizeEvent('HolderNameChanged', { accountNumber: '1000000008', holderName: 'Bea', previousHolderName: 'Ada' })).toBe(
      'Holder name Ada → Bea',
    );
    expect(summarizeEvent('PaymentMade', { payerAccountNumber: '1000000008', payeeAccountNumber: '2000000006', amountCents: 1234 })).toBe(
      'Paid $12.34 from 1000000008 to 2000000006',
    );
    expect(
      summarizeEvent('PaymentMade', {
        payerAccountNumber: '1000000008',
        payeeAccountNumber: '2000000006',
        amountCents: 100,
        reference: 'rent',
      }),
    ).toBe('Paid $1.00 from 1000000008 to 2000000006 “rent”');
  });

  it('names what is wrong with an invalid account event instead of throwing', () => {
    expect(summarizeEvent('MoneyDeposited', { accountNumber: '1000000008', amountCents: -1 })).toMatch(
      /^Invalid MoneyDeposited payload: amountCents/,
    );
    expect(summarizeEvent('AccountOpened', null)).toMatch(/^Invalid AccountOpened payload/);
  });

  it('describes events of other applications by their shape', () => {
    expect(summarizeEvent('SomethingElse', { a: 1, b: 2 })).toBe('Fields: a, b');
    expect(summarizeEvent('SomethingElse', { a: 1, b: 2, c: 3, d: 4, e: 5, f: 6 })).toBe('Fields: a, b, c, d, e, …');
    expect(summarizeEvent('SomethingElse', {})).toBe('Empty payload');
    expect(summarizeEvent('SomethingElse', null)).toBe('No payload');
    expect(summarizeEvent('SomethingElse', [1, 2])).toBe('Payload: [1,2]');
    expect(summarizeEvent('SomethingElse', 'x'.repeat(100))).toHaveLength('Payload: '.length + 60);
    expect(summarizeEvent('Blob', new Uint8Array([1, 2, 3]))).toBe('Binary payload, 3 bytes');
  });
});
