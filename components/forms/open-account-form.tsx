'use client';

import { useActionState } from 'react';
import { HOLDER_NAME_MAX_LENGTH } from '@/lib/domain/holder-name';
import { AMOUNT_HINT } from '@/lib/domain/money';
import { openAccountAction } from '@/app/actions/open-account';
import { idleState } from '@/app/actions/action-state';
import { Field } from './field';
import { FormStatus } from './form-status';
import { SubmitButton } from './submit-button';
import { useSubmitOnce } from './use-submit-once';

export function OpenAccountForm({ commandId }: { commandId: string }) {
  const [state, formAction, pending] = useActionState(openAccountAction, idleState);
  const onSubmit = useSubmitOnce(pending, state);
  const errors = state.fieldErrors ?? {};
  return (
    <form action={formAction} onSubmit={onSubmit} aria-describedby="open-status" noValidate className="space-y-5">
      <input type="hidden" name="commandId" value={state.commandId ?? commandId} />
      <Field
        idPrefix="open"
        name="holderName"
        label="Holder name"
        hint={`Up to ${HOLDER_NAME_MAX_LENGTH} characters.`}
        autoComplete="name"
        required
        defaultValue={state.values?.holderName}
        errors={errors.holderName}
      />
      <Field
        idPrefix="open"
        name="openingBalance"
        label="Opening balance"
        hint={`${AMOUNT_HINT}; 0 is fine.`}
        inputMode="decimal"
        required
        defaultValue={state.values?.openingBalance}
        errors={errors.openingBalance}
      />
      {errors.commandId && <p className="text-sm text-red-700">{errors.commandId[0]}</p>}
      <FormStatus id="open-status" state={state} />
      <SubmitButton pending={pending} pendingText="Opening…">
        {state.status === 'unknown' ? 'Try again' : 'Open account'}
      </SubmitButton>
    </form>
  );
}
