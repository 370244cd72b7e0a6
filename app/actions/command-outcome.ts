// Server-side glue shared by the server actions (not an action module itself): run a command
// handler, turn its result into an ActionState, and wait for the projection (read your writes).

import type { CommandResult } from '@/lib/commands/result';
import { waitForAccountRevision } from '@/lib/queries';
import { invalidInput, type ActionState } from './action-state';

/** How long an action waits for the worker to apply its event before handing over to UpdatingNotice. */
export const READ_YOUR_WRITES_WAIT_MS = 3_000;

type Failure = Extract<CommandResult, { ok: false }>;
type Success = Extract<CommandResult, { ok: true }>;

/** Handlers report failures as results; anything thrown is an outage, never a crash of the page. */
export async function runCommand(run: () => Promise<CommandResult>): Promise<CommandResult> {
  try {
    return await run();
  } catch (error) {
    console.error('[eventbank] command failed unexpectedly', error);
    return {
      ok: false,
      code: 'unavailable',
      message: 'The bank is unavailable right now. Please try again; retrying this form is safe.',
    };
  }
}

/**
 * Handler field errors are already keyed by form field name (see lib/commands/schemas.ts). When the
 * reason is shown beside a field, the status line points there instead of repeating it, as it does
 * for invalid input.
 */
export function failureState(result: Failure, values: Record<string, string>): ActionState {
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
