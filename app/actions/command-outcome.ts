// Server-side glue shared by the server actions (not an action module itself): run a command
// handler, turn its result into an ActionState, and wait for the projection (read your writes).

import { redirect } from 'next/navigation';
import type { CommandResult } from '@/lib/commands/result';
import { getEventStore } from '@/lib/eventstore/client';
import { storeHeadPosition } from '@/lib/eventstore/command-event';
import { confirmationHref } from '@/lib/forms/form-ids';
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
export function failureState(
  result: Failure,
  values: Record<string, string>,
  commandId?: string,
  freshFormHref?: string,
): ActionState {
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
        'Nothing was done: this form was already submitted with different values. To keep that attempt safe to retry, resubmit it unchanged; to make a new change, start a new form.',
      values,
      commandId,
      freshFormHref,
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

/**
 * Reads the store's newest position before a command runs (see storeHeadPosition), or null when
 * that takes longer than a moment: the command then runs at once and only the "already sent"
 * wording is lost, never the command.
 */
export async function positionBeforeCommand(): Promise<bigint | null> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), HEAD_READ_LIMIT_MS);
  });
  try {
    return await Promise.race([storeHeadPosition(getEventStore()).catch(() => null), late]);
  } finally {
    clearTimeout(timer);
  }
}

const HEAD_READ_LIMIT_MS = 1_000;

/**
 * After a success: wait (bounded) for the projection so the page shows the change, then send the
 * browser to the account page with a fresh nonce and the confirmation (see confirmationHref).
 * Redirecting is what makes the next submit a new command, with or without JavaScript, and Back
 * then returns to the page whose forms carry the ids just used.
 */
export async function redirectToConfirmation(result: Success, commandId: string, positionBefore: bigint | null): Promise<never> {
  await projectionCaughtUp(result);
  // Its event was in the store before this submit ran: an earlier submit of the same form wrote it.
  const again = positionBefore !== null && result.position > 0n && result.position <= positionBefore;
  redirect(confirmationHref(result.accountNumber, { commandId, revision: result.streamRevision, again }));
}
