import { FORWARDS, START, StreamNotFoundError, type EventStoreDBClient } from '@eventstore/db-client';
import { fold, type AccountState } from '@/lib/domain';
import { fromRecorded, type StoredAccountEvent } from './serialization';
import { accountStream } from './streams';

export class CorruptStreamError extends Error {
  constructor(stream: string, revision: bigint, reason: string) {
    super(`Stream ${stream} holds an unreadable event at revision ${revision}: ${reason}`);
    this.name = 'CorruptStreamError';
  }
}

export type LoadedAccount = {
  state: AccountState;
  events: StoredAccountEvent[];
  /** Revision of the stream's last event (any type), or 'no_stream' when it does not exist. */
  revision: bigint | 'no_stream';
};

/** Reads and folds an account's own stream: the write model for every command but payments. */
export async function loadAccount(client: EventStoreDBClient, accountNumber: string): Promise<LoadedAccount> {
  const stream = accountStream(accountNumber);
  const events: StoredAccountEvent[] = [];
  let revision: bigint | 'no_stream' = 'no_stream';
  try {
    for await (const resolved of client.readStream(stream, { direction: FORWARDS, fromRevision: START })) {
      if (!resolved.event) continue;
      revision = resolved.event.revision;
      const decoded = fromRecorded(resolved.event);
      if (decoded.kind === 'account') events.push(decoded.value);
      else if (decoded.kind === 'invalid') throw new CorruptStreamError(stream, resolved.event.revision, decoded.reason);
      // Unknown event types belong to someone else; the account ignores them.
    }
  } catch (error) {
    if (error instanceof StreamNotFoundError) return { state: fold([]), events: [], revision: 'no_stream' };
    throw error;
  }
  return { state: fold(events.map((e) => e.event)), events, revision };
}
