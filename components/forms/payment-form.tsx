'use client';

import { PAYMENT_REFERENCE_MAX_LENGTH } from '@/lib/domain/holder-name';
import { AMOUNT_HINT } from '@/lib/domain/money';
import { makePaymentAction } from '@/app/actions/make-payment';
import type { AccountFormProps } from './account-form-props';
import { CommandForm } from './command-form';
import { Field } from './field';

export function PaymentForm({ accountNumber, ...form }: AccountFormProps) {
  return (
    <CommandForm
      action={makePaymentAction}
      name="payment"
      heading="Payment"
      hidden={{ accountNumber }}
      submitText="Send payment"
      pendingText="Sending…"
      {...form}
    >
      {({ field }) => (
        <>
          <Field
            {...field('payeeAccountNumber')}
            label="Payee account number"
            hint="10 digits."
            inputMode="numeric"
            autoComplete="off"
            spellCheck={false}
            required
          />
          <Field {...field('amount')} label="Amount" hint={AMOUNT_HINT} inputMode="decimal" required />
          <Field {...field('reference')} label="Reference (optional)" hint={`Up to ${PAYMENT_REFERENCE_MAX_LENGTH} characters.`} />
        </>
      )}
    </CommandForm>
  );
}
