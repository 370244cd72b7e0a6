'use client';

import { useActionState } from 'react';
import { AMOUNT_HINT } from '@/lib/domain/money';
import { depositAction } from '@/app/actions/deposit';
import { idleState } from '@/app/actions/action-state';
import { UpdatingNotice } from '@/components/updating-notice';
import type { AccountFormProps } from './account-form-props';
import { Field } from './field';
import { FormStatus } from './form-status';
import { SubmitButton } from './submit-button';

export function DepositForm({ accountNumber, version, commandId, latestEvents }: AccountFormProps) {
  const [state, formAction, pending] = useActionState(depositAction, idleState);
  const errors = state.fieldErrors ?? {};
  return (
    <form action={formAction} aria-labelledby="deposit-heading" noValidate className="space-y-4">
      <h3 id="deposit-heading" className="text-base font-semibold">
        Deposit
      </h3>
      <input type="hidden" name="commandId" value={state.commandId ?? commandId} />
      <input type="hidden" name="accountNumber" value={accountNumber} />
      <Field
        idPrefix="deposit"
        name="amount"
        label="Amount"
        hint={AMOUNT_HINT}
        inputMode="decimal"
        required
        defaultValue={state.values?.amount}
        errors={errors.amount}
      />
      <FormStatus id="deposit-status" state={state} />
      {state.status === 'unknown' && latestEvents}
      {state.awaiting && <UpdatingNotice accountNumber={state.awaiting.accountNumber} current={version} expected={state.awaiting.revision} />}
      <SubmitButton pending={pending} pendingText="Depositing…">
        {state.status === 'unknown' ? 'Try again' : 'Deposit'}
      </SubmitButton>
    </form>
  );
}
