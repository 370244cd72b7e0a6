'use client';

import { useActionState } from 'react';
import { AMOUNT_HINT } from '@/lib/domain/money';
import { makePaymentAction } from '@/app/actions/make-payment';
import { idleState } from '@/app/actions/action-state';
import { UpdatingNotice } from '@/components/updating-notice';
import type { AccountFormProps } from './account-form-props';
import { Field } from './field';
import { FormStatus } from './form-status';
import { SubmitButton } from './submit-button';

export function TransferForm({ accountNumber, version, commandId, latestEvents }: AccountFormProps) {
  const [state, formAction, pending] = useActionState(makePaymentAction, idleState);
  const errors = state.fieldErrors ?? {};
  return (
    <form action={formAction} aria-labelledby="transfer-heading" noValidate className="space-y-4">
      <h3 id="transfer-heading" className="text-base font-semibold">
        Transfer
      </h3>
      <input type="hidden" name="commandId" value={state.commandId ?? commandId} />
      <input type="hidden" name="accountNumber" value={accountNumber} />
      <Field
        idPrefix="transfer"
        name="payeeAccountNumber"
        label="Payee account number"
        autoComplete="off"
        spellCheck={false}
        required
        defaultValue={state.values?.payeeAccountNumber}
        errors={errors.payeeAccountNumber}
      />
      <Field
        idPrefix="transfer"
        name="amount"
        label="Amount"
        hint={AMOUNT_HINT}
        inputMode="decimal"
        required
        defaultValue={state.values?.amount}
        errors={errors.amount}
      />
      <Field
        idPrefix="transfer"
        name="reference"
        label="Reference (optional)"
        maxLength={140}
        defaultValue={state.values?.reference}
        errors={errors.reference}
      />
      <FormStatus id="transfer-status" state={state} />
      {state.status === 'unknown' && latestEvents}
      {state.awaiting && <UpdatingNotice accountNumber={state.awaiting.accountNumber} current={version} expected={state.awaiting.revision} />}
      <SubmitButton pending={pending} pendingText="Sending…">
        {state.status === 'unknown' ? 'Try again' : 'Send transfer'}
      </SubmitButton>
    </form>
  );
}
