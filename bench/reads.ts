// Read-side throughput: $all reads, catch-up subscriptions and persistent subscriptions with acks,
// each bounded by an event count and a deadline.
import { randomUUID } from 'node:crypto';
import {
  START,
  excludeSystemEvents,
  persistentSubscriptionToAllSettingsFromDefaults,
  type EventStoreDBClient,
} from '@eventstore/db-client';

export interface Bound {
  maxEvents: number;
  durationMs: number;
}

/** Events read by one forwards readAll from the start. */
export async function readAllForwards(client: EventStoreDBClient, bound: Bound): Promise<number> {
  const deadline = performance.now() + bound.durationMs;
  let count = 0;
  for await (const _ of client.readAll({ fromPosition: START, direction: 'forwards', maxCount: bound.maxEvents })) {
    count++;
    // Checking the clock every event costs more than the events themselves.
    if ((count & 1023) === 0 && performance.now() > deadline) break;
  }
  return count;
}

/** Ends a subscription that stops delivering, so a stalled server cannot hang the bench. */
function watchdog(sub: { unsubscribe(): Promise<void> }, ms: number): () => void {
  const timer = setTimeout(() => void sub.unsubscribe().catch(() => undefined), ms);
  return () => clearTimeout(timer);
}

/** Grace past the deadline for a subscription that delivers nothing at all. */
const STALL_GRACE_MS = 10_000;

/** Events a catch-up subscription from the start delivers until `maxEvents` seen (or time is up). */
export async function catchUpSubscription(client: EventStoreDBClient, bound: Bound): Promise<number> {
  const deadline = performance.now() + bound.durationMs;
  const sub = client.subscribeToAll({ fromPosition: START });
  const disarm = watchdog(sub, bound.durationMs + STALL_GRACE_MS);
  let count = 0;
  try {
    for await (const _ of sub) {
      count++;
      if (count >= bound.maxEvents) break;
      if ((count & 1023) === 0 && performance.now() > deadline) break;
    }
  } finally {
    disarm();
    await sub.unsubscribe().catch(() => undefined);
  }
  return count;
}

/** The app worker's consumer settings (worker/subscription.ts): from the start, system events filtered, buffer 16. */
export const PERSISTENT_BUFFER_SIZE = 16;

/**
 * Events a persistent subscription to $all delivers, each acked before the next is taken, from a
 * fresh group created at the start. The group is deleted afterwards.
 */
export async function persistentSubscription(client: EventStoreDBClient, bound: Bound): Promise<number> {
  const group = `bench-${randomUUID().slice(0, 8)}`;
  await client.createPersistentSubscriptionToAll(group, persistentSubscriptionToAllSettingsFromDefaults({ startFrom: START }), {
    filter: excludeSystemEvents(),
  });
  const deadline = performance.now() + bound.durationMs;
  const sub = client.subscribeToPersistentSubscriptionToAll(group, { bufferSize: PERSISTENT_BUFFER_SIZE });
  const disarm = watchdog(sub, bound.durationMs + STALL_GRACE_MS);
  let count = 0;
  try {
    for await (const event of sub) {
      await sub.ack(event);
      count++;
      if (count >= bound.maxEvents) break;
      if ((count & 255) === 0 && performance.now() > deadline) break;
    }
  } finally {
    disarm();
    await sub.unsubscribe().catch(() => undefined);
    await client.deletePersistentSubscriptionToAll(group).catch(() => undefined);
  }
  return count;
}
