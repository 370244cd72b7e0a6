// Server-side glue shared by the server actions (not an action module itself): run a command
// handler, turn its result into an ActionState, and wait for the projection (read your writes).

import type { CommandResult } from '@/lib/commands/result';
import { waitForAccountRevision } from '@/lib/queries';
import { invalidInput, type ActionState } from './action-state';

/** How long an action waits for the worker to apply its event before handing over to UpdatingNotice. */
export const READ_YOUR_WRITES_WAIT_MS = 3_000;

type Failure = Extract<CommandResult, { ok: false }>;
type Success = Extract<CommandResult, { ok: true }>;

/** Handlers report failures as results; anything thrown is an unknown outcome, never a crash of the page. */
export async function runCommand(run: () => Promise<CommandResult>): Promise<CommandResult> {
  try {
    return await run();
  } catch (error) {
    console.error('[eventbank] command failed unexpectedly', error);
    // A handler that throws may have appended before it did: the outcome cannot be known.
    return { ok: false, code: 'unknown', message: 'The outcome of this change is unknown.' };
  }
}

/**
 * Handler field errors are already keyed by form field name (see lib/commands/schemas.ts). When the
 * reason is shown beside a field, the status line points there instead of repeating it, as it does
 * for invalid input.
 */
export function failureState(result: Failure, values: Record<string, string>, commandId?: string): ActionState {
  if (result.code === 'unknown') {
    return {
      status: 'unknown',
      message:
        'The outcome is unknown: the connection to the event store dropped while saving. Check the latest events below; if the change is not there, Try again — it is safe, this form cannot apply it twice.',
      values,
      commandId,
    };
  }
  if (result.code === 'command_reused') {
    return {
      status: 'error',
      message:
        'Nothing was done: this form was already submitted with different values. To keep that attempt safe to retry, resubmit it unchanged, or reload the page to make a new change.',
      values,
      commandId,
    };
  }
  const shownBesideAField = Object.values(result.fieldErrors ?? {}).some((errors) => errors.includes(result.message));
  const message = shownBesideAField ? invalidInput({}, values).message : result.message;
  return { status: 'error', message, fieldErrors: result.fieldErrors, values };
}

/** True when the read model shows the appended event within the wait. */
export async function projectionCaughtUp(result: Success): Promise<boolean> {
  try {
    return await waitForAccountRevision(result.accountNumber, result.streamRevision, {
      timeoutMs: READ_YOUR_WRITES_WAIT_MS,
    });
  } catch (error) {
    console.error('[eventbank] waiting for the projection failed', error);
    return false;
  }
}

/** Success state; when the worker lags, carries the revision the page must reach (see UpdatingNotice). */
export async function successState(result: Success, message: string): Promise<ActionState> {
  const caughtUp = await projectionCaughtUp(result);
  return caughtUp
    ? { status: 'success', message }
    : {
        status: 'success',
        message,
        awaiting: { accountNumber: result.accountNumber, revision: result.streamRevision.toString() },
      };
}
