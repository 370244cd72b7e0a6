import {
  AccessDeniedError,
  InvalidArgumentError,
  MaxAppendSizeExceededError,
  NotLeaderError,
  StreamDeletedError,
  UnavailableError,
  WrongExpectedVersionError,
} from '@eventstore/db-client';

/**
 * After an append failed: did the store prove that nothing was written? Only a refusal the
 * server sends after looking at the request (wrong expected version, deleted stream, access,
 * size, bad argument, not the leader) or a connection that never got established proves it.
 * A deadline, a cancelled call, a channel dropped mid-call or anything unrecognised can
 * happen after the server committed: the outcome is unknown.
 */
export type AppendFailure = 'not_written' | 'unknown';

const REFUSALS = [
  WrongExpectedVersionError,
  StreamDeletedError,
  AccessDeniedError,
  MaxAppendSizeExceededError,
  InvalidArgumentError,
  NotLeaderError,
];

/** grpc-js/Node wording for "could not connect at all" (the request was never sent). */
const NEVER_CONNECTED = /ECONNREFUSED|No connection established|ENOTFOUND|EHOSTUNREACH|ENETUNREACH|failed to connect/i;

export function classifyAppendFailure(error: unknown): AppendFailure {
  if (REFUSALS.some((refusal) => error instanceof refusal)) return 'not_written';
  if (error instanceof UnavailableError && NEVER_CONNECTED.test(`${error.message} ${errorDetails(error)}`)) {
    return 'not_written';
  }
  return 'unknown';
}

function errorDetails(error: Error): string {
  const details = (error as { details?: unknown }).details;
  const cause = (error as { cause?: unknown }).cause;
  return [details, cause instanceof Error ? cause.message : cause].filter(Boolean).map(String).join(' ');
}

/** Thrown by the append helpers when the outcome of an append cannot be known. */
export class AppendOutcomeUnknownError extends Error {
  constructor(
    readonly stream: string,
    cause: unknown,
  ) {
    super(`The append to ${stream} may or may not have been written`, { cause });
    this.name = 'AppendOutcomeUnknownError';
  }
}
