import 'server-only';
import { FORWARDS, type EventStoreDBClient, type RecordedEvent } from '@eventstore/db-client';
import type { OwnPoint } from '@/lib/time-travel/points';

/** A point with the stored event it was read from, kept so a past-state page can show it without reading it again. */
export type StoredOwnPoint = OwnPoint & { recorded: RecordedEvent };
import { readStreamEvents } from '../connection/read-stream';
import { fromRecorded } from '../serialization/events';
import { accountStream } from '../serialization/streams';

/** Events per read: a long stream is folded as it streams, one bounded page in memory at a time. */
export const OWN_STREAM_PAGE = 500;

/**
 * The account's own stream, from the store, as time-travel points in revision (= $all) order.
 * Each page is read to its end before its events are yielded (an abandoned read would keep its
 * gRPC call open), so the consumer may stop between points at no cost.
 */
export async function* ownStreamPoints(
  client: EventStoreDBClient,
  accountNumber: string,
  pageSize = OWN_STREAM_PAGE,
): AsyncGenerator<StoredOwnPoint> {
  const stream = accountStream(accountNumber);
  let from = 0n;
  for (;;) {
    const page = await readStreamEvents(client, stream, { direction: FORWARDS, fromRevision: from, maxCount: pageSize });
    for (const recorded of page) yield toOwnPoint(recorded);
    const last = page.at(-1);
    if (!last || page.length < pageSize) return;
    from = last.revision + 1n;
  }
}

export function toOwnPoint(recorded: RecordedEvent): StoredOwnPoint {
  const base = {
    recorded,
    kind: 'own' as const,
    position: recorded.position?.commit ?? 0n,
    revision: recorded.revision,
    created: recorded.created,
    eventId: recorded.id,
    type: recorded.type,
  };
  const decoded = fromRecorded(recorded);
  if (decoded.kind === 'account') return { ...base, event: decoded.value.event, problem: null };
  if (decoded.kind === 'unknown') {
    return {
      ...base,
      event: null,
      problem: { kind: 'unknown', reason: `${recorded.type} is not an account event; it changes nothing here` },
    };
  }
  return { ...base, event: null, problem: { kind: 'unreadable', reason: decoded.reason } };
}

/** One stored event, by stream and revision (the raw event a past-state page shows); null if gone. */
export async function readEventAt(client: EventStoreDBClient, stream: string, revision: bigint): Promise<RecordedEvent | null> {
  const [event] = await readStreamEvents(client, stream, { direction: FORWARDS, fromRevision: revision, maxCount: 1 });
  return event && event.revision === revision ? event : null;
}
