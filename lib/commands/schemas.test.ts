import { describe, expect, it } from 'vitest';
import { depositFormSchema, fieldErrorsFrom, makePaymentFormSchema, openAccountFormSchema } from './schemas';

const commandId = '3f1b2c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d';

describe('form schemas', () => {
  it('turn typed amounts into cents', () => {
    expect(depositFormSchema.parse({ commandId, accountNumber: '1000000008', amount: '12.34' })).toEqual({
      commandId,
      accountNumber: '1000000008',
      amountCents: 1234,
    });
    expect(openAccountFormSchema.parse({ commandId, holderName: ' Ada ', openingBalance: '' })).toEqual({
      commandId,
      holderName: 'Ada',
      openingBalanceCents: 0,
    });
  });

  it('map the payer to the page account and drop an empty reference', () => {
    expect(
      makePaymentFormSchema.parse({ commandId, accountNumber: '1000000008', payeeAccountNumber: '2000000006', amount: '1', reference: '' }),
    ).toEqual({ commandId, payerAccountNumber: '1000000008', payeeAccountNumber: '2000000006', amountCents: 100 });
  });

  it('key field errors by form field', () => {
    const result = depositFormSchema.safeParse({ commandId: 'nope', accountNumber: '1', amount: '-3' });
    expect(result.success).toBe(false);
    if (!result.success) {
      expect(Object.keys(fieldErrorsFrom(result.error)).sort()).toEqual(['accountNumber', 'amount', 'commandId']);
    }
  });
});
