import { WrongExpectedVersionError, type AppendExpectedRevision, type EventStoreDBClient } from '@eventstore/db-client';
import type { z } from 'zod';
import type { AccountEvent, AccountState, Decision, DomainError, EventMetadata } from '@/lib/domain';
import { CorruptStreamError, loadAccount } from '@/lib/eventstore/account-stream';
import { eventIdFor } from '@/lib/eventstore/ids';
import { toEventData } from '@/lib/eventstore/serialization';
import { accountStream } from '@/lib/eventstore/streams';
import { failure, type CommandFailure, type CommandResult, type CommandSuccess } from './result';
import { fieldErrorsFrom, formFieldFor } from './schemas';

/** Form submissions start their own conversation, so correlation and causation are the command itself. */
export function metadataFor(commandId: string): EventMetadata {
  return { commandId, correlationId: commandId, causationId: commandId };
}

export async function appendForCommand(
  client: EventStoreDBClient,
  stream: string,
  commandId: string,
  events: AccountEvent[],
  expectedRevision: AppendExpectedRevision,
): Promise<{ streamRevision: bigint; position: bigint }> {
  const metadata = metadataFor(commandId);
  const result = await client.appendToStream(
    stream,
    events.map((event, index) => toEventData(event, metadata, eventIdFor(commandId, index))),
    { expectedRevision },
  );
  return { streamRevision: result.nextExpectedRevision, position: result.position?.commit ?? 0n };
}

export function success(accountNumber: string, streamRevision: bigint, position: bigint | undefined): CommandSuccess {
  return { ok: true, accountNumber, streamRevision, position: position ?? 0n };
}

export function validationFailure(error: z.ZodError): CommandFailure {
  const fieldErrors = fieldErrorsFrom(error);
  const first = Object.values(fieldErrors)[0]?.[0];
  return failure('validation', first ? `Please fix the form: ${first}` : 'Invalid input', fieldErrors);
}

export function domainFailure(error: DomainError): CommandFailure {
  const code = error.code === 'already_exists' ? 'conflict' : error.code;
  return failure(code, error.message, error.field ? { [formFieldFor(error.field)]: [error.message] } : undefined);
}

export function isWrongExpectedVersion(error: unknown): error is WrongExpectedVersionError {
  return error instanceof WrongExpectedVersionError;
}

/** Anything unexpected (store or database down, corrupt stream) becomes one clear failure, never a crash. */
export function unavailable(error: unknown, what: string): CommandFailure {
  if (error instanceof CorruptStreamError) {
    console.error(`[commands] ${what}:`, error.message);
    return failure('unavailable', `This account's history contains an unreadable event; ${what} was not done.`);
  }
  console.error(`[commands] ${what} failed:`, error);
  return failure('unavailable', `The bank is temporarily unavailable; ${what} was not done. Please try again.`);
}

const MAX_ATTEMPTS = 5;

/**
 * The command loop shared by commands on one account's own stream: load, return the earlier
 * result if this command was already applied, decide, append at the loaded revision, and on a
 * concurrent append reload and decide again.
 */
export async function runAccountCommand(
  client: EventStoreDBClient,
  accountNumber: string,
  commandId: string,
  decide: (state: AccountState) => Decision<AccountEvent>,
  what: string,
): Promise<CommandResult> {
  const ownEventId = eventIdFor(commandId);
  try {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const loaded = await loadAccount(client, accountNumber);
      // Already done by an earlier submit of this command: same answer, nothing appended.
      const done = loaded.events.find((e) => e.id === ownEventId);
      if (done) return success(accountNumber, done.revision, done.position);

      const decision = decide(loaded.state);
      if (!decision.ok) return domainFailure(decision.error);
      try {
        const appended = await appendForCommand(client, accountStream(accountNumber), commandId, decision.events, loaded.revision);
        return success(accountNumber, appended.streamRevision, appended.position);
      } catch (error) {
        if (!isWrongExpectedVersion(error)) throw error;
        // Someone appended meanwhile: reload and decide again.
      }
    }
    return failure('conflict', `The account kept changing during ${what}; please try again.`);
  } catch (error) {
    return unavailable(error, what);
  }
}
