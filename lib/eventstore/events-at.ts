import { FORWARDS, type EventStoreDBClient, type RecordedEvent } from '@eventstore/db-client';
import { toEventLogEntry, type EventLogEntry } from './event-log';
import { readStreamEvents } from './read-stream';

/** Where an indexed event sits: enough to read it back from the store. */
export type EventRef = { eventId: string; position: bigint; stream: string; revision: bigint };

/**
 * The stored events behind index rows, each read on its own with one bounded read of $all at
 * its position (maxCount 1, read to its end), all at once. The event found there must carry the
 * expected id; if not (a store whose prepare positions differ from the commit positions the
 * index keeps), the event is read from its stream at its revision instead. Events the store no
 * longer has (scavenged, truncated) are simply missing from the map.
 */
export async function readEventsAt(client: EventStoreDBClient, refs: readonly EventRef[]): Promise<Map<string, EventLogEntry>> {
  const found = await Promise.all(refs.map((ref) => readEventAt(client, ref)));
  const entries = new Map<string, EventLogEntry>();
  for (const event of found) if (event) entries.set(event.id, event);
  return entries;
}

export async function readEventAt(client: EventStoreDBClient, ref: EventRef): Promise<EventLogEntry | null> {
  let atPosition: RecordedEvent | undefined;
  for await (const resolved of client.readAll({
    direction: FORWARDS,
    fromPosition: { commit: ref.position, prepare: ref.position },
    maxCount: 1,
  })) {
    atPosition ??= resolved.event;
  }
  if (atPosition?.id === ref.eventId) return toEventLogEntry(atPosition);
  const [inStream] = await readStreamEvents(client, ref.stream, { direction: FORWARDS, fromRevision: ref.revision, maxCount: 1 });
  return inStream?.id === ref.eventId ? toEventLogEntry(inStream) : null;
}

/** An indexed event the store could not give back (scavenged, truncated): what the index knows, said plainly. */
export function entryFromIndexOnly(row: {
  eventId: string;
  position: bigint;
  stream: string;
  revision: bigint;
  type: string;
  accountNumber: string;
  created: Date;
  commandId: string | null;
  correlationId: string | null;
  causationId: string | null;
}): EventLogEntry {
  return {
    id: row.eventId,
    position: row.position,
    preparePosition: row.position,
    created: row.created,
    streamId: row.stream,
    accountNumber: row.accountNumber,
    revision: row.revision,
    type: row.type,
    summary: 'The store no longer holds this event’s payload.',
    data: null,
    metadata: { commandId: row.commandId, correlationId: row.correlationId, causationId: row.causationId },
  };
}
