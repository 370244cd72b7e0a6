'use client';

import { useActionState } from 'react';
import { idleState, type ActionState } from '@/app/actions/action-state';
import { FormStatus } from '../forms/form-status';
import { SubmitButton } from '../forms/submit-button';

/** A field-less form that asks the worker for an operation; a plain post, so it works without JavaScript. */
export function OperationForm({
  id,
  label,
  pendingLabel,
  action,
}: {
  id: string;
  label: string;
  pendingLabel: string;
  action: (previous: ActionState, formData: FormData) => Promise<ActionState>;
}) {
  const [state, formAction, pending] = useActionState(action, idleState);
  return (
    <form action={formAction} aria-label={label} className="space-y-3">
      <FormStatus id={`${id}-status`} state={state} />
      <SubmitButton pending={pending} pendingText={pendingLabel}>
        {label}
      </SubmitButton>
    </form>
  );
}
