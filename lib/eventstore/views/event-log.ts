import type { RecordedEvent } from '@eventstore/db-client';
import { summarizeEvent } from './event-summary';
import { accountNumberFromStream } from '../serialization/streams';

/**
 * A raw event as the store holds it, ready to show: the event log (found through the query
 * model's index, read back from the store), the stream view and past states all show these.
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
