import 'server-only';
import { AccessDeniedError, BACKWARDS, END, FORWARDS, type EventStoreDBClient, type GetStreamMetadataResult } from '@eventstore/db-client';
import { toEventLogEntry, type EventLogEntry } from './event-log';
import { readStreamEvents } from '../connection/read-stream';

/** `before`: revisions below it; `after`: revisions above it. At most one. */
export type StreamCursor = { before?: bigint; after?: bigint };

export type StreamPage = {
  /** Newest first. */
  entries: EventLogEntry[];
  /** Cursor for the next older page (`?before=`), or null. */
  older: bigint | null;
  /** Cursor for the next newer page (`?after=`), or null. */
  newer: bigint | null;
  /** The stream's last revision, or null when it holds no events. */
  lastRevision: bigint | null;
};

export const STREAM_PAGE_SIZE = 20;

/**
 * One page of any stream's raw events, newest first, by revision: every read is bounded
 * (pageSize + 1, or 1 for the probes) and consumed to its end.
 */
export async function readStreamPage(
  client: EventStoreDBClient,
  stream: string,
  cursor: StreamCursor = {},
  pageSize = STREAM_PAGE_SIZE,
): Promise<StreamPage> {
  const [last] = await readStreamEvents(client, stream, { direction: BACKWARDS, fromRevision: END, maxCount: 1 });
  if (!last) return { entries: [], older: null, newer: null, lastRevision: null };
  const lastRevision = last.revision;
  const want = BigInt(pageSize + 1);

  let events;
  if (cursor.after !== undefined) {
    events =
      cursor.after >= lastRevision
        ? []
        : (await readStreamEvents(client, stream, { direction: FORWARDS, fromRevision: cursor.after + 1n, maxCount: want })).reverse();
  } else if (cursor.before !== undefined) {
    events =
      cursor.before === 0n
        ? []
        : await readStreamEvents(client, stream, {
            direction: BACKWARDS,
            fromRevision: cursor.before - 1n > lastRevision ? lastRevision : cursor.before - 1n,
            maxCount: want,
          });
  } else {
    events = await readStreamEvents(client, stream, { direction: BACKWARDS, fromRevision: lastRevision, maxCount: want });
  }
  // The extra event read says whether the page's far side goes on; it is not shown.
  const more = events.length > pageSize;
  const shown = cursor.after !== undefined ? events.slice(events.length > pageSize ? 1 : 0) : events.slice(0, pageSize);
  const entries = shown.map(toEventLogEntry);
  const newest = entries[0]?.revision;
  const oldest = entries.at(-1)?.revision;
  if (newest === undefined || oldest === undefined) return { entries: [], older: null, newer: null, lastRevision };

  let olderExists: boolean;
  if (cursor.after !== undefined) {
    // Anything at or below the cursor (a truncated stream may have nothing there).
    olderExists = (await readStreamEvents(client, stream, { direction: BACKWARDS, fromRevision: cursor.after, maxCount: 1 })).length > 0;
  } else {
    olderExists = more;
  }
  const newerExists = cursor.after !== undefined ? more : newest < lastRevision;
  return { entries, older: olderExists ? oldest : null, newer: newerExists ? newest : null, lastRevision };
}

export type StreamMetadataView = {
  /** The metadata as set (max age, max count, truncate before, ACL, custom keys), or null when none is. */
  metadata: Record<string, unknown> | null;
  /**
   * The $all commit position of the metadata event. (@eventstore/db-client 6 reports this as
   * `metastreamRevision`, but fills it with the event's commit position: named for what it is.)
   */
  setAtPosition: bigint | null;
};

/** The stream's metadata (getStreamMetadata), in plain values for display. */
export async function readStreamMetadata(client: EventStoreDBClient, stream: string): Promise<StreamMetadataView> {
  let result: GetStreamMetadataResult;
  try {
    result = await client.getStreamMetadata(stream);
  } catch (error) {
    // A server with access control may keep a system stream's metadata from us: show none.
    if (error instanceof AccessDeniedError) return { metadata: null, setAtPosition: null };
    throw error;
  }
  const metadata = result.metadata ? (JSON.parse(JSON.stringify(result.metadata, bigintReplacer)) as Record<string, unknown>) : null;
  return { metadata: metadata && Object.keys(metadata).length > 0 ? metadata : null, setAtPosition: result.metastreamRevision ?? null };
}

const bigintReplacer = (_key: string, value: unknown) => (typeof value === 'bigint' ? value.toString() : value);
