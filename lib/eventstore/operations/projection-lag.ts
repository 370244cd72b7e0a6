import 'server-only';
import { BACKWARDS, END, FORWARDS, START, type EventStoreDBClient, type ResolvedEvent } from '@eventstore/db-client';
import { STORE_DEADLINE_MS } from './consumer-group';
import { ACCOUNT_STREAM_PREFIX } from '../serialization/streams';

/**
 * How far the projection is behind the store: the newest position in $all against the worker's
 * checkpoint (readmodel.projection_checkpoint), in events and in seconds. Only account-stream
 * events count: they are what the worker applies (command records and system events are not
 * projected and never move the checkpoint). Two bounded reads, each consumed to its end.
 */
export type ProjectionLag = {
  /** Commit position of the newest event in $all; null for an empty store. */
  storePosition: bigint | null;
  storeCreated: Date | null;
  /** Account events after the checkpoint, counted up to MAX_COUNTED. */
  eventsBehind: number;
  /** More than MAX_COUNTED events were read: `eventsBehind` is a lower bound. */
  atLeast: boolean;
  /** Age of the oldest account event after the checkpoint; 0 when caught up. */
  secondsBehind: number;
};

export const MAX_COUNTED = 1_000;

export async function readProjectionLag(
  client: EventStoreDBClient,
  checkpoint: bigint | null,
  now: Date = new Date(),
): Promise<ProjectionLag> {
  const newest = await readAll(client, { direction: BACKWARDS, fromPosition: END, maxCount: 1 });
  const storePosition = newest[0]?.event?.position?.commit ?? null;
  const after = await readAll(client, {
    direction: FORWARDS,
    fromPosition: checkpoint === null ? START : { commit: checkpoint, prepare: checkpoint },
    maxCount: MAX_COUNTED,
  });
  const behind = after.filter(({ event }) => {
    const commit = event?.position?.commit;
    return (
      event !== undefined &&
      commit !== undefined &&
      (checkpoint === null || commit > checkpoint) &&
      event.streamId.startsWith(ACCOUNT_STREAM_PREFIX) &&
      !event.type.startsWith('$')
    );
  });
  const oldest = behind[0]?.event?.created;
  return {
    storePosition,
    storeCreated: newest[0]?.event?.created ?? null,
    eventsBehind: behind.length,
    atLeast: after.length === MAX_COUNTED && behind.length > 0,
    secondsBehind: oldest ? Math.max(0, (now.getTime() - oldest.getTime()) / 1000) : 0,
  };
}

async function readAll(client: EventStoreDBClient, options: Parameters<EventStoreDBClient['readAll']>[0]): Promise<ResolvedEvent[]> {
  const events: ResolvedEvent[] = [];
  for await (const resolved of client.readAll({ ...options, deadline: STORE_DEADLINE_MS })) events.push(resolved);
  return events;
}
