import { BACKWARDS, END, EventStoreDBClient, type Position, type RecordedEvent } from '@eventstore/db-client';

/** The e2e stack's event store, on the port playwright.config.ts chose. */
export function storeClient(): EventStoreDBClient {
  return EventStoreDBClient.connectionString(`esdb://localhost:${process.env.E2E_EVENTSTORE_PORT}?tls=false`);
}

/**
 * Commit position of the newest event anyone appended (system streams and `$` types, such as
 * persistent-subscription checkpoints, skipped): any command that writes moves it, its own
 * command-<id> record included. '' for an empty store.
 */
export async function newestAppendedPosition(client: EventStoreDBClient): Promise<string> {
  // Pages read to their end: leaving a read early keeps its call open and dispose() then hangs.
  let from: Position | typeof END = END;
  for (;;) {
    const page: RecordedEvent[] = [];
    for await (const resolved of client.readAll({ direction: BACKWARDS, fromPosition: from, maxCount: 100 })) {
      if (resolved.event) page.push(resolved.event);
    }
    const newest = page.find((event) => !event.streamId.startsWith('$') && !event.type.startsWith('$'));
    if (newest) return `${newest.position?.commit ?? ''}:${newest.streamId}@${newest.revision}`;
    const oldest: Position | undefined = page.at(-1)?.position;
    if (page.length < 100 || !oldest) return '';
    from = oldest;
  }
}

/** The types of the events on an account's stream, oldest first. */
export async function accountEventTypes(client: EventStoreDBClient, accountNumber: string): Promise<string[]> {
  const types: string[] = [];
  for await (const resolved of client.readStream(`account-${accountNumber}`)) {
    if (resolved.event) types.push(resolved.event.type);
  }
  return types;
}
