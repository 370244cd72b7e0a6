import 'server-only';
import { FORWARDS, type EventStoreDBClient, type RecordedEvent } from '@eventstore/db-client';
import { toEventLogEntry, type EventLogEntry } from './event-log';
import { readStreamEvents } from '../connection/read-stream';

/** Where an indexed event sits: enough to read it back from the store. */
export type EventRef = { eventId: string; position: bigint; stream: string; revision: bigint };

/**
 * Events at most this many bytes of $all apart are read together, in one bounded read from the
 * first of them: a page of the unfiltered log is 20 bank events among their command records,
 * one read instead of 20 calls. Every record a read passes is paid for (about 0.07 ms of page
 * time each on the seeded bank, at about 180 bytes a record), another read costs about 0.7 ms:
 * a gap is worth reading through up to some ten records. At 16 KB a filtered page (type + text +
 * dates, every ~30th event) read ~600 records to show 20 and spent most of its time there.
 */
const CLUSTER_GAP_BYTES = 2_048n;
/** Fewer bytes than any record takes, so span / this over-counts the records a read must cover. */
const MIN_RECORD_BYTES = 128n;
const MAX_CLUSTER_READ = 400;

/**
 * The stored events behind index rows, read with bounded reads of $all at their positions (each
 * consumed to its end), all at once: events close together in one read, the others one each.
 * An event must carry the expected id; one that is not where its position says (a store whose
 * prepare positions differ from the commit positions the index keeps) is read from its stream at
 * its revision instead. Events the store no longer has (scavenged, truncated) are missing from the map.
 */
export async function readEventsAt(client: EventStoreDBClient, refs: readonly EventRef[]): Promise<Map<string, EventLogEntry>> {
  const entries = new Map<string, EventLogEntry>();
  const wanted = new Set(refs.map((ref) => ref.eventId));
  const reads = await Promise.all(clusters(refs).map((cluster) => readCluster(client, cluster)));
  for (const event of reads.flat()) if (wanted.has(event.id)) entries.set(event.id, toEventLogEntry(event));
  const missing = refs.filter((ref) => !entries.has(ref.eventId));
  for (const event of await Promise.all(missing.map((ref) => readFromStream(client, ref)))) {
    if (event) entries.set(event.id, event);
  }
  return entries;
}

/** Refs in position order, split where the gap to the next is wide. */
function clusters(refs: readonly EventRef[]): Cluster[] {
  const sorted = [...refs].sort((a, b) => (a.position < b.position ? -1 : a.position > b.position ? 1 : 0));
  const result: Cluster[] = [];
  for (const ref of sorted) {
    const current = result.at(-1);
    const last = current?.at(-1);
    if (current && last && ref.position - last.position <= CLUSTER_GAP_BYTES) current.push(ref);
    else result.push([ref]);
  }
  return result;
}

/** Never empty: a cluster starts with the ref that opened it. */
type Cluster = [EventRef, ...EventRef[]];

async function readCluster(client: EventStoreDBClient, cluster: Cluster): Promise<RecordedEvent[]> {
  const first = cluster[0].position;
  const span = (cluster.at(-1) ?? cluster[0]).position - first;
  const estimate = Number(span / MIN_RECORD_BYTES) + 1;
  const maxCount = BigInt(Math.min(MAX_CLUSTER_READ, Math.max(cluster.length, estimate)));
  const events: RecordedEvent[] = [];
  for await (const resolved of client.readAll({ direction: FORWARDS, fromPosition: { commit: first, prepare: first }, maxCount })) {
    if (resolved.event) events.push(resolved.event);
  }
  return events;
}

async function readFromStream(client: EventStoreDBClient, ref: EventRef): Promise<EventLogEntry | null> {
  const [inStream] = await readStreamEvents(client, ref.stream, { direction: FORWARDS, fromRevision: ref.revision, maxCount: 1 });
  return inStream?.id === ref.eventId ? toEventLogEntry(inStream) : null;
}

/** One indexed event, read back from the store (null when it no longer holds it). */
export async function readEventAt(client: EventStoreDBClient, ref: EventRef): Promise<EventLogEntry | null> {
  return (await readEventsAt(client, [ref])).get(ref.eventId) ?? null;
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
