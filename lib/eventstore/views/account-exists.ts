import 'server-only';
import { FORWARDS, START, StreamNotFoundError, type EventStoreDBClient } from '@eventstore/db-client';
import { accountStream } from '../serialization/streams';

/**
 * True when the account's stream starts with AccountOpened: the account exists in the store even
 * if the worker has not projected it yet. Reads one event only.
 */
export async function accountOpenedInStore(client: EventStoreDBClient, accountNumber: string): Promise<boolean> {
  let opened = false;
  try {
    for await (const resolved of client.readStream(accountStream(accountNumber), {
      direction: FORWARDS,
      fromRevision: START,
      maxCount: 1,
    })) {
      if (resolved.event?.type === 'AccountOpened') opened = true;
    }
  } catch (error) {
    if (error instanceof StreamNotFoundError) return false;
    throw error;
  }
  return opened;
}
