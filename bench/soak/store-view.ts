// What the event store holds for the soak's accounts and commands, read in full ($all, and every
// account stream on its own so the two can be compared).
import { BACKWARDS, END, FORWARDS, START, StreamNotFoundError, type EventStoreDBClient, type RecordedEvent } from '@eventstore/db-client';
import { accountNumberFromStream, COMMAND_STREAM_PREFIX } from '@/lib/eventstore/serialization/streams';

export type StoreView = {
  /** Events of the soak's account streams, in $all order. */
  accountEvents: RecordedEvent[];
  /** command-<id> streams: their events, by command id. */
  commandRecords: Map<string, RecordedEvent[]>;
  /** Every account stream read on its own (forwards). */
  streams: Map<string, RecordedEvent[]>;
};

export async function readStoreView(client: EventStoreDBClient, accounts: ReadonlySet<string>): Promise<StoreView> {
  const accountEvents: RecordedEvent[] = [];
  const commandRecords = new Map<string, RecordedEvent[]>();
  for await (const resolved of client.readAll({ direction: FORWARDS, fromPosition: START, resolveLinkTos: false })) {
    const event = resolved.event;
    if (!event || event.streamId.startsWith('$') || event.type.startsWith('$')) continue;
    const account = accountNumberFromStream(event.streamId);
    if (account !== null) {
      if (accounts.has(account)) accountEvents.push(event);
    } else if (event.streamId.startsWith(COMMAND_STREAM_PREFIX)) {
      const id = event.streamId.slice(COMMAND_STREAM_PREFIX.length);
      const list = commandRecords.get(id) ?? [];
      list.push(event);
      commandRecords.set(id, list);
    }
  }
  const streams = new Map<string, RecordedEvent[]>();
  for (const account of accounts) {
    const stream = `account-${account}`;
    const events: RecordedEvent[] = [];
    try {
      for await (const resolved of client.readStream(stream, { direction: FORWARDS, fromRevision: START })) {
        if (resolved.event) events.push(resolved.event);
      }
    } catch (error) {
      if (!(error instanceof StreamNotFoundError)) throw error;
    }
    streams.set(stream, events);
  }
  return { accountEvents, commandRecords, streams };
}

/** The last revision of a stream, or -1n when it has none. */
export async function lastRevision(client: EventStoreDBClient, stream: string): Promise<bigint> {
  try {
    for await (const resolved of client.readStream(stream, { direction: BACKWARDS, fromRevision: END, maxCount: 1 })) {
      if (resolved.event) return resolved.event.revision;
    }
  } catch (error) {
    if (!(error instanceof StreamNotFoundError)) throw error;
  }
  return -1n;
}
