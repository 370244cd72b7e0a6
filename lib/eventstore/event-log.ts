import { BACKWARDS, END, FORWARDS, type EventStoreDBClient, type Position, type RecordedEvent } from '@eventstore/db-client';
import { COMMAND_ACCEPTED } from './command-registry';
import type { EventLogCursor } from './event-log-cursor';
import { summarizeEvent } from './event-summary';
import { accountNumberFromStream } from './streams';

/**
 * The global event log: raw events read straight from $all (not from the query model), so it
 * shows exactly what the store holds, including events the projection skipped or parked.
 * System events (types starting with `$`) and the command-id records (CommandAccepted on
 * `command-<id>` streams, bookkeeping for idempotency, not bank history) are hidden.
 */
export type EventLogEntry = {
  id: string;
  /** Commit position in $all: the log's order and its paging cursor. */
  position: bigint;
  /** Prepare position in $all (equal to the commit position for events written one append at a time). */
  preparePosition: bigint;
  created: Date;
  streamId: string;
  /** The account the stream belongs to, or null for any other stream. */
  accountNumber: string | null;
  revision: bigint;
  type: string;
  summary: string;
  /** Payload and metadata as stored; binary ones are described, not dumped. */
  data: unknown;
  metadata: unknown;
};

export type EventLogPage = {
  /** Newest first. */
  entries: EventLogEntry[];
  /** Cursor for the next older page (`?before=`), or null when nothing older is stored. */
  older: bigint | null;
  /** Cursor for the next newer page (`?after=`), or null when this page holds the newest event. */
  newer: bigint | null;
};

export const EVENT_LOG_PAGE_SIZE = 20;
const READ_BATCH = 200;

/** Events the bank's log leaves out: the store's own, and the command-id records. */
export const isHiddenFromLog = (event: RecordedEvent) => event.type.startsWith('$') || event.type === COMMAND_ACCEPTED;

export async function readEventLog(
  client: EventStoreDBClient,
  cursor: EventLogCursor = {},
  pageSize = EVENT_LOG_PAGE_SIZE,
  readBatch = READ_BATCH,
): Promise<EventLogPage> {
  let events: RecordedEvent[];
  if (cursor.after !== undefined) {
    events = (await collect(client, 'forwards', cursor.after, pageSize, readBatch)).reverse();
  } else {
    events = await collect(client, 'backwards', cursor.before ?? 'end', pageSize, readBatch);
  }
  const entries = events.map(toEventLogEntry);
  if (entries.length === 0) return { entries, older: null, newer: null };

  // One-event probes past each edge of the page decide whether "Older" / "Newer" lead anywhere.
  const oldest = entries[entries.length - 1].position;
  const newest = entries[0].position;
  const [older, newer] = await Promise.all([
    collect(client, 'backwards', oldest, 1, readBatch),
    collect(client, 'forwards', newest, 1, readBatch),
  ]);
  return { entries, older: older.length ? oldest : null, newer: newer.length ? newest : null };
}

/**
 * Up to `want` non-system events strictly older (backwards) or strictly newer (forwards) than
 * `from`. Backwards reads from P return positions < P; forwards reads return positions >= P,
 * so the event at P itself is skipped. Batches continue until enough user events are found,
 * since system events may fill a whole batch.
 */
async function collect(
  client: EventStoreDBClient,
  direction: 'forwards' | 'backwards',
  from: bigint | 'end',
  want: number,
  batch: number,
): Promise<RecordedEvent[]> {
  const found: RecordedEvent[] = [];
  let position: bigint | 'end' = from;
  for (;;) {
    let read = 0;
    let last: bigint | undefined;
    const fromPosition: Position | typeof END = position === 'end' ? END : { commit: position, prepare: position };
    for await (const resolved of client.readAll({
      direction: direction === 'forwards' ? FORWARDS : BACKWARDS,
      fromPosition,
      maxCount: batch,
    })) {
      read += 1;
      const event = resolved.event;
      const commit = event?.position?.commit;
      if (!event || commit === undefined) continue;
      last = commit;
      if (direction === 'forwards' && commit === position) continue;
      // Consume the rest of the batch rather than break out: an abandoned read can keep its
      // server-side call open.
      if (isHiddenFromLog(event) || found.length >= want) continue;
      found.push(event);
    }
    if (found.length >= want || read < batch || last === undefined) return found;
    position = last;
  }
}

export function toEventLogEntry(event: RecordedEvent): EventLogEntry {
  const data = readable(event.data);
  return {
    id: event.id,
    position: event.position?.commit ?? 0n,
    preparePosition: event.position?.prepare ?? event.position?.commit ?? 0n,
    created: event.created,
    streamId: event.streamId,
    accountNumber: accountNumberFromStream(event.streamId),
    revision: event.revision,
    type: event.type,
    summary: summarizeEvent(event.type, event.isJson ? data : event.data),
    data,
    metadata: readable(event.metadata),
  };
}

/** Bytes become JSON when they are JSON, else a short description; JSON passes through. */
function readable(value: unknown): unknown {
  if (!(value instanceof Uint8Array)) return value ?? null;
  if (value.byteLength === 0) return null;
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(value));
  } catch {
    return `<binary, ${value.byteLength} bytes>`;
  }
}
