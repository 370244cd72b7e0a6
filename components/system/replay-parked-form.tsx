'use client';

import { useActionState } from 'react';
import { replayParkedAction } from '@/app/actions/replay-parked';
import { idleState } from '@/app/actions/action-state';
import { FormStatus } from '../forms/form-status';
import { SubmitButton } from '../forms/submit-button';

/** Sends the parked events back to the worker; a plain form post, so it works without JavaScript. */
export function ReplayParkedForm() {
  const [state, formAction, pending] = useActionState(replayParkedAction, idleState);
  return (
    <form action={formAction} aria-label="Replay parked events" className="space-y-3">
      <FormStatus id="replay-status" state={state} />
      <SubmitButton pending={pending} pendingText="Replaying…">
        Replay parked events
      </SubmitButton>
    </form>
  );
}
