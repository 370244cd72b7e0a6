// Read-side throughput: $all reads, catch-up subscriptions and persistent subscriptions with acks,
// each bounded by an event count and a deadline.
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import * as grpc from '@grpc/grpc-js';
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

const require = createRequire(import.meta.url);
const streamsPb =
  require('@eventstore/db-client/generated/streams_pb.js') as typeof import('@eventstore/db-client/generated/streams_pb.js');
const sharedPb = require('@eventstore/db-client/generated/shared_pb.js') as typeof import('@eventstore/db-client/generated/shared_pb.js');

/**
 * The server's own `$all` read capability: the same forwards read as `readAllForwards`, through a
 * bare grpc-js client whose deserializer passes the ReadResp bytes through and only counts event
 * messages (field 1, tag 0x0a). No protobuf decoding, no event conversion: the client costs a few
 * µs per event, so the rate is what the server can serve (on 2 cores, with the client on the other).
 */
export async function readAllForwardsRawGrpc(connectionString: string, bound: Bound): Promise<number> {
  const url = new URL(connectionString.replace(/^esdb(\+discover)?:/, 'http:'));
  const client = new grpc.Client(`${url.hostname}:${url.port}`, grpc.credentials.createInsecure());
  const options = new streamsPb.ReadReq.Options();
  const all = new streamsPb.ReadReq.Options.AllOptions();
  all.setStart(new sharedPb.Empty());
  options.setAll(all);
  options.setReadDirection(streamsPb.ReadReq.Options.ReadDirection.FORWARDS);
  options.setResolveLinks(false);
  options.setCount(String(bound.maxEvents));
  options.setNoFilter(new sharedPb.Empty());
  const uuid = new streamsPb.ReadReq.Options.UUIDOption();
  uuid.setString(new sharedPb.Empty());
  options.setUuidOption(uuid);
  const req = new streamsPb.ReadReq();
  req.setOptions(options);

  const deadline = performance.now() + bound.durationMs;
  let count = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      const call = client.makeServerStreamRequest(
        '/event_store.client.streams.Streams/Read',
        (r: InstanceType<typeof streamsPb.ReadReq>) => Buffer.from(r.serializeBinary()),
        (bytes: Buffer) => bytes,
        req,
      );
      call.on('data', (bytes: Buffer) => {
        if (bytes[0] !== 0x0a) return;
        count++;
        if ((count & 1023) === 0 && performance.now() > deadline) call.cancel();
      });
      call.on('error', (err: grpc.ServiceError) => (err.code === grpc.status.CANCELLED ? resolve() : reject(err)));
      call.on('end', () => resolve());
    });
  } finally {
    client.close();
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
