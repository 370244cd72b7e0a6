// Server-side glue behind commandAction (not an action module itself): every way a command can
// end, turned into the one ActionState the forms read, and the read-your-writes wait.

import type { CommandFailure, CommandResult, CommandSuccess } from '@/lib/commands/result';
import { getEventStore } from '@/lib/eventstore/connection/client';
import { storeHeadPosition } from '@/lib/eventstore/views/command-event';
import { waitForAccountRevision } from '@/lib/queries';
import { invalidInput, type ActionState } from './action-state';

/** How long an action waits for the worker to apply its event before handing over to UpdatingNotice. */
export const READ_YOUR_WRITES_WAIT_MS = 3_000;

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

export const UNKNOWN_OUTCOME_MESSAGE =
  'The outcome is unknown: the connection to the event store dropped while saving. Check the latest events below; if the change is not there, Try again — it is safe, this form cannot apply it twice.';

export const COMMAND_REUSED_MESSAGE =
  'Nothing was done: this form was already submitted with different values. To keep that attempt safe to retry, resubmit it unchanged; to make a new change, start a new form.';

/**
 * A failed command as the form shows it. Only an unknown outcome and a reused id hand the command
 * id back (a retry is safe only with the same id); every other failure wrote nothing, so the
 * form's own id stays. Handler field errors are already keyed by form field name (see
 * lib/commands/schemas.ts); when the reason is shown beside a field, the status line points
 * there instead of repeating it, as it does for invalid input.
 */
export function failureState(
  result: CommandFailure,
  values: Record<string, string>,
  commandId?: string,
  freshFormHref?: string,
): ActionState {
  switch (result.code) {
    // The store may or may not have written the event: the same id makes the retry safe.
    case 'unknown':
      return { status: 'unknown', message: UNKNOWN_OUTCOME_MESSAGE, values, commandId };
    // The id is taken by other content: keep it (the first attempt stays retryable) and offer a fresh form.
    case 'command_reused':
      return { status: 'error', message: COMMAND_REUSED_MESSAGE, values, commandId, freshFormHref };
    // Refused, nothing written: a handler's own validation, the domain's rules, a revision
    // conflict that outlasted the retries, a held account, the store or PostgreSQL out of reach.
    case 'validation':
    case 'not_found':
    case 'insufficient_funds':
    case 'same_account':
    case 'conflict':
    case 'unavailable': {
      const shownBesideAField = Object.values(result.fieldErrors ?? {}).some((errors) => errors.includes(result.message));
      const message = shownBesideAField ? invalidInput({}, values).message : result.message;
      return { status: 'error', message, fieldErrors: result.fieldErrors, values };
    }
    default: {
      const unreachable: never = result.code;
      return unreachable;
    }
  }
}

/** True when the read model shows the appended event within the wait. */
export async function projectionCaughtUp(result: CommandSuccess): Promise<boolean> {
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

/** Its event was in the store before this submit ran: an earlier submit of the same form wrote it. */
export function doneBefore(result: CommandSuccess, positionBefore: bigint | null): boolean {
  return positionBefore !== null && result.position > 0n && result.position <= positionBefore;
}
