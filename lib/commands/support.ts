import { WrongExpectedVersionError, type AppendExpectedRevision, type EventStoreDBClient } from '@eventstore/db-client';
import type { z } from 'zod';
import type { AccountEvent, DomainError, EventMetadata } from '@/lib/domain';
import { CorruptStreamError } from '@/lib/eventstore/account-stream';
import { eventIdFor } from '@/lib/eventstore/ids';
import { toEventData } from '@/lib/eventstore/serialization';
import { failure, type CommandFailure, type CommandSuccess } from './result';
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
