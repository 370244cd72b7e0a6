// A persistent consumer that goes away (unsubscribes, its connection drops, or it had stopped
// reading) hands its in-flight events to the other consumers at once (§14.9 consumer loss),
// with retry_count + 1. The groups here have no message timeout, so nothing but the
// disconnect can cause the redelivery.
import { EventStoreDBClient, DISPATCH_TO_SINGLE, START, persistentSubscriptionToStreamSettingsFromDefaults } from '@eventstore/db-client';
import { describe, expect, it } from 'vitest';
import { streamName } from './support.js';
import { consume, numbered, numbers, waitForCount } from './persistent-support.js';
import { eventually, useBoundedStore } from './grpc-bounds-support.js';

const es = useBoundedStore({});
const settings = () =>
  persistentSubscriptionToStreamSettingsFromDefaults({ startFrom: START, messageTimeout: 0, consumerStrategyName: DISPATCH_TO_SINGLE });

async function setUp(count: number) {
  const s = streamName('redeliver');
  const g = `g-${Math.random().toString(36).slice(2, 10)}`;
  await es.client.appendToStream(
    s,
    Array.from({ length: count }, (_, i) => numbered(i)),
  );
  await es.client.createPersistentSubscriptionToStream(s, g, settings());
  const info = () => es.client.getPersistentSubscriptionToStreamInfo(s, g);
  return { s, g, info };
}

describe('a persistent consumer that goes away with events in flight', () => {
  it('unsubscribing: the other consumer gets them at once, retry count 1', async () => {
    const { s, g, info } = await setUp(6);
    // DispatchToSingle fills the first consumer; it holds everything and never acks
    const silent = consume(es.client.subscribeToPersistentSubscriptionToStream(s, g, { bufferSize: 10 }), () => {});
    await waitForCount(silent, 6);
    const other = consume(es.client.subscribeToPersistentSubscriptionToStream(s, g, { bufferSize: 10 }));
    await other.confirmed;
    expect(other.received).toHaveLength(0);

    await silent.sub.unsubscribe();
    await waitForCount(other, 6);
    expect(numbers(other.received)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(other.received.map((e) => e.retryCount)).toEqual([1, 1, 1, 1, 1, 1]);
    await eventually(async () => (await info()).stats.totalInFlightMessages === 0, 'all acked');
    await other.sub.unsubscribe();
  });

  it('its connection dropping (client disposed without unsubscribing): the same', async () => {
    const { s, g } = await setUp(4);
    const lost = EventStoreDBClient.connectionString(es.server.connectionString);
    try {
      const silent = consume(lost.subscribeToPersistentSubscriptionToStream(s, g, { bufferSize: 10 }), () => {});
      await waitForCount(silent, 4);
      const other = consume(es.client.subscribeToPersistentSubscriptionToStream(s, g, { bufferSize: 10 }));
      await other.confirmed;
      expect(other.received).toHaveLength(0);
      await lost.dispose();
      await waitForCount(other, 4);
      expect(numbers(other.received)).toEqual([0, 1, 2, 3]);
      expect(other.received.every((e) => e.retryCount === 1)).toBe(true);
      await other.sub.unsubscribe();
    } finally {
      await lost.dispose();
    }
  });

  it('a consumer that first stopped reading: what was queued for it goes to the next one, and the queue is freed', async () => {
    const { s, g } = await setUp(5);
    const silent = consume(es.client.subscribeToPersistentSubscriptionToStream(s, g, { bufferSize: 10 }), () => {});
    await waitForCount(silent, 5);
    silent.sub.pause();
    await es.client.appendToStream(s, [numbered(5), numbered(6)]);
    const next = consume(es.client.subscribeToPersistentSubscriptionToStream(s, g, { bufferSize: 10 }));
    await next.confirmed;
    await silent.sub.unsubscribe();
    await waitForCount(next, 7);
    expect([...numbers(next.received)].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    await eventually(() => es.server.bufferedBytes().subscribers === 0, 'no bytes left queued for the gone consumer');
    await next.sub.unsubscribe();
  });
});
