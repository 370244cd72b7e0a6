import { describe, expect, it } from 'vitest';
import { ALREADY_DONE, confirmationFor } from './confirmation';

describe('confirmations', () => {
  it('say what was done, for the form that did it', () => {
    expect(
      confirmationFor(
        { type: 'AccountOpened', data: { accountNumber: '1000000008', holderName: 'Ada', openingBalanceCents: 1000 } },
        false,
      ),
    ).toEqual({ form: 'open-account', message: 'Account 1000000008 opened for Ada with $10.00.' });
    expect(confirmationFor({ type: 'MoneyDeposited', data: { accountNumber: '1000000008', amountCents: 123456 } }, false)).toEqual({
      form: 'deposit',
      message: 'Deposited $1,234.56.',
    });
    expect(
      confirmationFor(
        { type: 'PaymentMade', data: { payerAccountNumber: '1000000008', payeeAccountNumber: '2000000006', amountCents: 5 } },
        false,
      ),
    ).toEqual({ form: 'payment', message: 'Sent $0.05 to 2000000006.' });
    expect(
      confirmationFor(
        { type: 'HolderNameChanged', data: { accountNumber: '1000000008', holderName: 'Bea', previousHolderName: 'Ada' } },
        false,
      ),
    ).toEqual({ form: 'rename', message: 'Holder name changed to Bea.' });
  });

  it('say so when the form had been sent before and nothing was done again', () => {
    const { message } = confirmationFor({ type: 'MoneyDeposited', data: { accountNumber: '1000000008', amountCents: 500 } }, true);
    expect(message).toBe(`Deposited $5.00. ${ALREADY_DONE}`);
  });
});
