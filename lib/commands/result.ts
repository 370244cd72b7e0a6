/**
 * The one result type every command handler returns, shaped for the server actions'
 * useActionState: a success carries where the event landed (so the page can wait for the
 * worker to apply it), a failure carries a code, a message for people and optional field errors.
 */
export type CommandErrorCode =
  | 'validation'
  | 'not_found'
  | 'insufficient_funds'
  | 'same_account'
  | 'conflict'
  | 'unavailable'
  /** The store may or may not have written the event: retrying with the same command id is safe. */
  | 'unknown'
  /** The command id was already used for another command or other content; nothing was done. */
  | 'command_reused';

export type CommandSuccess = {
  ok: true;
  /** The account the command acted on (the payer's for a payment, the new one for OpenAccount). */
  accountNumber: string;
  /** Revision of that account's stream after the append: wait for the projection to reach it. */
  streamRevision: bigint;
  /** Commit position of the appended event in $all. */
  position: bigint;
};

export type CommandFailure = {
  ok: false;
  code: CommandErrorCode;
  message: string;
  /** Keyed by form field name (see lib/commands/schemas.ts), e.g. { amount: ['Amount must be at least 0.01'] }. */
  fieldErrors?: Record<string, string[]>;
};

export type CommandResult = CommandSuccess | CommandFailure;

export function failure(code: CommandErrorCode, message: string, fieldErrors?: Record<string, string[]>): CommandFailure {
  return fieldErrors && Object.keys(fieldErrors).length > 0 ? { ok: false, code, message, fieldErrors } : { ok: false, code, message };
}
