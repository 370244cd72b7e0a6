import 'server-only';
import type { EventStoreDBClient } from '@eventstore/db-client';
import { fold, type AccountState } from '@/lib/domain';
import { readStreamEvents } from '../connection/read-stream';
import { fromRecorded, type StoredAccountEvent } from '../serialization/events';
import { accountStream } from '../serialization/streams';

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
  for (const recorded of await readStreamEvents(client, stream)) {
    revision = recorded.revision;
    const decoded = fromRecorded(recorded);
    if (decoded.kind === 'account') events.push(decoded.value);
    else if (decoded.kind === 'invalid') throw new CorruptStreamError(stream, recorded.revision, decoded.reason);
    // Unknown event types belong to someone else; the account ignores them.
  }
  return { state: fold(events.map((e) => e.event)), events, revision };
}
