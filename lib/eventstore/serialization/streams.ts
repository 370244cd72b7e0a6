/** The one place stream names are built and parsed. */
export const ACCOUNT_STREAM_PREFIX = 'account-';

export function accountStream(accountNumber: string): string {
  return `${ACCOUNT_STREAM_PREFIX}${accountNumber}`;
}

/** "account-1234567897" -> "1234567897"; null for any other stream. */
export function accountNumberFromStream(streamId: string): string | null {
  return streamId.startsWith(ACCOUNT_STREAM_PREFIX) ? streamId.slice(ACCOUNT_STREAM_PREFIX.length) : null;
}

/**
 * The idempotency record of one command id (see lib/eventstore/write-model/command-registry.ts). Not an
 * account stream: the projection worker ignores it.
 */
export const COMMAND_STREAM_PREFIX = 'command-';

export function commandStream(commandId: string): string {
  return `${COMMAND_STREAM_PREFIX}${commandId}`;
}
