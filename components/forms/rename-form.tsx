'use client';

import { useActionState } from 'react';
import { changeHolderNameAction } from '@/app/actions/change-holder-name';
import { idleState } from '@/app/actions/action-state';
import { UpdatingNotice } from '@/components/updating-notice';
import type { AccountFormProps } from './account-form-props';
import { Field } from './field';
import { FormStatus } from './form-status';
import { SubmitButton } from './submit-button';

export function RenameForm({ accountNumber, version, commandId, holderName, latestEvents }: AccountFormProps & { holderName: string }) {
  const [state, formAction, pending] = useActionState(changeHolderNameAction, idleState);
  const errors = state.fieldErrors ?? {};
  return (
    <form action={formAction} aria-labelledby="rename-heading" noValidate className="space-y-4">
      <h3 id="rename-heading" className="text-base font-semibold">
        Change holder name
      </h3>
      <input type="hidden" name="commandId" value={state.commandId ?? commandId} />
      <input type="hidden" name="accountNumber" value={accountNumber} />
      <Field
        idPrefix="rename"
        name="holderName"
        label="New holder name"
        autoComplete="name"
        required
        maxLength={100}
        defaultValue={state.values?.holderName ?? holderName}
        errors={errors.holderName}
      />
      <FormStatus id="rename-status" state={state} />
      {state.status === 'unknown' && latestEvents}
      {state.awaiting && <UpdatingNotice accountNumber={state.awaiting.accountNumber} current={version} expected={state.awaiting.revision} />}
      <SubmitButton pending={pending} pendingText="Saving…">
        {state.status === 'unknown' ? 'Try again' : 'Change name'}
      </SubmitButton>
    </form>
  );
}
