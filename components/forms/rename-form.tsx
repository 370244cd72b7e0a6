'use client';

import { useActionState } from 'react';
import { HOLDER_NAME_MAX_LENGTH } from '@/lib/domain/holder-name';
import { changeHolderNameAction } from '@/app/actions/change-holder-name';
import { idleState } from '@/app/actions/action-state';
import type { AccountFormProps } from './account-form-props';
import { Field } from './field';
import { FormStatus } from './form-status';
import { SubmitButton } from './submit-button';
import { useSubmitOnce } from './use-submit-once';

export function RenameForm({
  accountNumber,
  commandId,
  holderName,
  latestEvents,
  confirmation,
}: AccountFormProps & { holderName: string }) {
  const [state, formAction, pending] = useActionState(changeHolderNameAction, idleState);
  const onSubmit = useSubmitOnce(pending, state);
  const errors = state.fieldErrors ?? {};
  return (
    <form action={formAction} onSubmit={onSubmit} aria-labelledby="rename-heading" noValidate className="space-y-4">
      <h3 id="rename-heading" className="text-base font-semibold">
        Change holder name
      </h3>
      <input type="hidden" name="commandId" value={state.commandId ?? commandId} />
      <input type="hidden" name="accountNumber" value={accountNumber} />
      <Field
        idPrefix="rename"
        name="holderName"
        label="New holder name"
        hint={`Up to ${HOLDER_NAME_MAX_LENGTH} characters.`}
        autoComplete="name"
        required
        defaultValue={state.values?.holderName ?? holderName}
        errors={errors.holderName}
      />
      <FormStatus id="rename-status" state={state} confirmation={confirmation} />
      {state.status === 'unknown' && latestEvents}
      <SubmitButton pending={pending} pendingText="Saving…">
        {state.status === 'unknown' ? 'Try again' : 'Change name'}
      </SubmitButton>
    </form>
  );
}
