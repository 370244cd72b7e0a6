'use client';

import { AMOUNT_HINT } from '@/lib/domain/money';
import { depositAction } from '@/app/actions/deposit';
import type { AccountFormProps } from './account-form-props';
import { CommandForm } from './command-form';
import { Field } from './field';

export function DepositForm({ accountNumber, ...form }: AccountFormProps) {
  return (
    <CommandForm
      action={depositAction}
      name="deposit"
      heading="Deposit"
      hidden={{ accountNumber }}
      submitText="Deposit"
      pendingText="Depositing…"
      {...form}
    >
      {({ field }) => <Field {...field('amount')} label="Amount" hint={AMOUNT_HINT} inputMode="decimal" required />}
    </CommandForm>
  );
}
