// Consuming persistent subscriptions: acks, nack actions, retry counts, parking and replay,
// message timeouts, consumer loss, in-flight limits, strategies and subscriber limits (§14.8–§14.9).
import { describe, expect, it } from 'vitest';
import { lib } from './client.js';
import { collect, streamName, useEventStore, waitFor } from './support.js';
import { consume, numbered, numbers, waitForCount, type Received, type TestConsumer } from './persistent-support.js';

const {
  binaryEvent,
  DISPATCH_TO_SINGLE,
  eventTypeFilter,
  PARK,
  PINNED,
  PersistentSubscriptionMaximumSubscribersReachedError,
  RETRY,
  ROUND_ROBIN,
  SKIP,
  START,
  persistentSubscriptionToAllSettingsFromDefaults,
  persistentSubscriptionToStreamSettingsFromDefaults,
  streamNameFilter,
} = lib;

const es = useEventStore();
const group = () => `g-${Math.random().toString(36).slice(2, 10)}`;
const fromStart = (changes: Parameters<typeof persistentSubscriptionToStreamSettingsFromDefaults>[0] = {}) =>
  persistentSubscriptionToStreamSettingsFromDefaults({ startFrom: START, ...changes });

const streamInfo = (s: string, g: string) => es.client.getPersistentSubscriptionToStreamInfo(s, g);

async function stop(...consumers: TestConsumer[]): Promise<void> {
  for (const c of consumers) await c.sub.unsubscribe();
}

describe('delivery with acks', () => {
  it('delivers a stream in order from the start, then live events, and checkpoints', async () => {
    const s = streamName();
    const g = group();
    await es.client.appendToStream(
      s,
      Array.from({ length: 30 }, (_, i) => numbered(i)),
    );
    await es.client.createPersistentSubscriptionToStream(s, g, fromStart({ checkPointLowerBound: 1, checkPointUpperBound: 5 }));
    const c = consume(es.client.subscribeToPersistentSubscriptionToStream(s, g));
    await waitForCount(c, 30);
    await es.client.appendToStream(s, [numbered(30), numbered(31)]);
    await waitForCount(c, 32);
    expect(numbers(c.received)).toEqual(Array.from({ length: 32 }, (_, i) => i));
    expect(c.received.map((e) => e.event!.revision)).toEqual(Array.from({ length: 32 }, (_, i) => BigInt(i)));
    expect(c.received.every((e) => e.retryCount === 0)).toBe(true);
    // persistent events carry their own $all position
    expect(c.received[0].event!.position!.commit).toBeGreaterThan(0n);

    await waitFor(async () => (await streamInfo(s, g)).stats.totalInFlightMessages === 0, 'all acked');
    const info = await streamInfo(s, g);
    expect(info.stats.lastKnownEventRevision).toBe(31n);
    expect(info.stats.totalItems).toBe(32n);
    expect(info.connections).toHaveLength(1);
    expect(info.connections[0].username).toBe('system');
    expect(info.stats.lastCheckpointedEventRevision).toBeGreaterThanOrEqual(29n);
    await stop(c);
  });

  it('starts from a given revision, inclusive', async () => {
    const s = streamName();
    const g = group();
    await es.client.appendToStream(
      s,
      Array.from({ length: 5 }, (_, i) => numbered(i)),
    );
    await es.client.createPersistentSubscriptionToStream(s, g, persistentSubscriptionToStreamSettingsFromDefaults({ startFrom: 3n }));
    const c = consume(es.client.subscribeToPersistentSubscriptionToStream(s, g));
    await waitForCount(c, 2);
    expect(numbers(c.received)).toEqual([3, 4]);
    await stop(c);
  });

  it('delivers only matching $all events to a filtered group', async () => {
    const prefix = `flt${Math.random().toString(36).slice(2, 8)}-`;
    const g = group();
    await es.client.appendToStream(`${prefix}a`, numbered(1));
    await es.client.appendToStream(streamName('other'), numbered(2));
    await es.client.createPersistentSubscriptionToAll(g, persistentSubscriptionToAllSettingsFromDefaults({ startFrom: START }), {
      filter: streamNameFilter({ prefixes: [prefix] }),
    });
    const c = consume(es.client.subscribeToPersistentSubscriptionToAll(g));
    await waitForCount(c, 1);
    await es.client.appendToStream(streamName('other'), numbered(3));
    await es.client.appendToStream(`${prefix}b`, numbered(4));
    await waitForCount(c, 2);
    expect(numbers(c.received)).toEqual([1, 4]);
    expect(c.received.map((e) => e.event!.streamId)).toEqual([`${prefix}a`, `${prefix}b`]);
    await waitFor(async () => (await es.client.getPersistentSubscriptionToAllInfo(g)).stats.totalInFlightMessages === 0, 'acked');
    await stop(c);
  });

  it('filters $all on event type with a regex', async () => {
    const tag = Math.random().toString(36).slice(2, 8);
    const g = group();
    await es.client.createPersistentSubscriptionToAll(g, persistentSubscriptionToAllSettingsFromDefaults({ startFrom: START }), {
      filter: eventTypeFilter({ regex: `^Wanted${tag}` }),
    });
    const c = consume(es.client.subscribeToPersistentSubscriptionToAll(g));
    await c.confirmed;
    await es.client.appendToStream(streamName(), [numbered(1, `Other${tag}`), numbered(2, `Wanted${tag}A`), numbered(3, `xWanted${tag}`)]);
    await es.client.appendToStream(streamName(), numbered(4, `Wanted${tag}B`));
    await waitForCount(c, 2);
    expect(numbers(c.received)).toEqual([2, 4]);
    await stop(c);
  });

  it('a $all group from a position starts at that event, inclusive', async () => {
    const prefix = `pos${Math.random().toString(36).slice(2, 8)}-`;
    const g = group();
    await es.client.appendToStream(`${prefix}a`, numbered(0));
    const { position } = await es.client.appendToStream(`${prefix}a`, [numbered(1), numbered(2)]);
    const [second] = await collect(es.client.readStream(`${prefix}a`, { fromRevision: 1n, maxCount: 1 }));
    await es.client.createPersistentSubscriptionToAll(
      g,
      persistentSubscriptionToAllSettingsFromDefaults({ startFrom: second.event!.position! }),
      { filter: streamNameFilter({ prefixes: [prefix] }) },
    );
    const c = consume(es.client.subscribeToPersistentSubscriptionToAll(g));
    await waitForCount(c, 2);
    expect(numbers(c.received)).toEqual([1, 2]);
    expect(c.received[1].event!.position).toEqual(position);
    await stop(c);
  });

  it('a $all group from the end sees only new events', async () => {
    const prefix = `end${Math.random().toString(36).slice(2, 8)}-`;
    const g = group();
    await es.client.appendToStream(`${prefix}old`, numbered(0));
    await es.client.createPersistentSubscriptionToAll(g, persistentSubscriptionToAllSettingsFromDefaults());
    const c = consume(es.client.subscribeToPersistentSubscriptionToAll(g), async (e, sub) => {
      await sub.ack(e);
    });
    await c.confirmed;
    await es.client.appendToStream(`${prefix}new`, numbered(1));
    await waitFor(() => c.received.some((e) => e.event?.streamId === `${prefix}new`), 'the new event');
    expect(c.received.some((e) => e.event?.streamId === `${prefix}old`)).toBe(false);
    await stop(c);
  });
});

describe('reading', () => {
  it('checkpoints on the timer when fewer than checkPointUpperBound were acked', async () => {
    const s = streamName();
    const g = group();
    await es.client.appendToStream(s, [numbered(0), numbered(1), numbered(2)]);
    await es.client.createPersistentSubscriptionToStream(
      s,
      g,
      fromStart({ checkPointAfter: 100, checkPointLowerBound: 1, checkPointUpperBound: 1000 }),
    );
    const c = consume(es.client.subscribeToPersistentSubscriptionToStream(s, g));
    await waitForCount(c, 3);
    await waitFor(async () => (await streamInfo(s, g)).stats.lastCheckpointedEventRevision === 2n, 'timed checkpoint');
    await stop(c);
  });

  it('reports ack latency statistics with extraStatistics', async () => {
    const s = streamName();
    const g = group();
    await es.client.appendToStream(s, [numbered(0), numbered(1)]);
    await es.client.createPersistentSubscriptionToStream(s, g, fromStart({ extraStatistics: true }));
    const c = consume(es.client.subscribeToPersistentSubscriptionToStream(s, g));
    await waitForCount(c, 2);
    await waitFor(async () => (await streamInfo(s, g)).stats.totalInFlightMessages === 0, 'acked');
    const stats = (await streamInfo(s, g)).connections[0].extraStatistics!;
    expect([...stats.keys()]).toEqual(expect.arrayContaining(['mean', 'median', 'fastest', 'quintile 1', '99.9%', 'highest']));
    expect(stats.get('highest')!).toBeGreaterThanOrEqual(stats.get('fastest')!);
    await stop(c);
  });

  it('falls back to reading the log when live events overflow the live buffer', async () => {
    const s = streamName();
    const g = group();
    await es.client.createPersistentSubscriptionToStream(s, g, fromStart({ liveBufferSize: 3, historyBufferSize: 10, readBatchSize: 2 }));
    const c = consume(es.client.subscribeToPersistentSubscriptionToStream(s, g, { bufferSize: 4 }));
    await c.confirmed;
    for (let i = 0; i < 10; i++)
      await es.client.appendToStream(
        s,
        Array.from({ length: 20 }, (_, j) => numbered(i * 20 + j)),
      );
    await waitForCount(c, 200);
    expect(numbers(c.received)).toEqual(Array.from({ length: 200 }, (_, i) => i));
    await stop(c);
  });

  it('resolves links when asked, and acks by the link id', async () => {
    const target = streamName('target');
    const links = streamName('links');
    const g = group();
    await es.client.appendToStream(target, [numbered(0), numbered(1)]);
    const link = (n: number) => binaryEvent({ type: '$>', data: Buffer.from(`${n}@${target}`) });
    await es.client.appendToStream(links, [link(1), link(0)]);
    await es.client.createPersistentSubscriptionToStream(links, g, fromStart({ resolveLinkTos: true }));
    const c = consume(es.client.subscribeToPersistentSubscriptionToStream(links, g));
    await waitForCount(c, 2);
    expect(numbers(c.received)).toEqual([1, 0]);
    expect(c.received.map((e) => e.event!.streamId)).toEqual([target, target]);
    expect(c.received.map((e) => e.link!.streamId)).toEqual([links, links]);
    expect(c.received.map((e) => e.link!.revision)).toEqual([0n, 1n]);
    // both records carry the link's position
    expect(c.received[0].event!.position).toEqual(c.received[0].link!.position);
    await waitFor(async () => (await streamInfo(links, g)).stats.totalInFlightMessages === 0, 'acked by link id');
    await stop(c);
  });
});

describe('nack', () => {
  it('retry redelivers with an increasing retryCount, then parks after maxRetryCount; replay redelivers', async () => {
    const s = streamName();
    const g = group();
    await es.client.appendToStream(s, numbered(0));
    await es.client.createPersistentSubscriptionToStream(s, g, fromStart({ maxRetryCount: 2 }));
    let replayed = false;
    const c = consume(es.client.subscribeToPersistentSubscriptionToStream(s, g), async (e, sub) => {
      if (replayed) await sub.ack(e);
      else await sub.nack(RETRY, 'not yet', e);
    });
    await waitForCount(c, 3);
    expect(c.received.map((e) => e.retryCount)).toEqual([0, 1, 2]);
    await waitFor(async () => (await streamInfo(s, g)).stats.parkedMessageCount === 1n, 'parked after the third failure');
    expect(c.received).toHaveLength(3);

    replayed = true;
    await es.client.replayParkedMessagesToStream(s, g);
    await waitForCount(c, 4);
    const again = c.received[3];
    expect(numbers([again])).toEqual([0]);
    expect(again.retryCount).toBe(0);
    // the replayed message comes with the parked link, which is what gets acked
    expect(again.link?.streamId).toBe(`$persistentsubscription-${s}::${g}-parked`);
    await waitFor(async () => {
      const info = await streamInfo(s, g);
      return info.stats.parkedMessageCount === 0n && info.stats.totalInFlightMessages === 0;
    }, 'replayed message acked');
    await stop(c);
  });

  it('park and replay with stopAt replays exactly that many', async () => {
    const s = streamName();
    const g = group();
    await es.client.appendToStream(s, [numbered(0), numbered(1), numbered(2)]);
    await es.client.createPersistentSubscriptionToStream(s, g, fromStart());
    let parking = true;
    const c = consume(es.client.subscribeToPersistentSubscriptionToStream(s, g), async (e, sub) => {
      if (parking) await sub.nack(PARK, 'bad', e);
      else await sub.ack(e);
    });
    await waitForCount(c, 3);
    await waitFor(async () => (await streamInfo(s, g)).stats.parkedMessageCount === 3n, 'three parked');
    parking = false;
    await es.client.replayParkedMessagesToStream(s, g, { stopAt: 2 });
    await waitForCount(c, 5);
    expect(numbers(c.received.slice(3))).toEqual([0, 1]);
    await waitFor(async () => (await streamInfo(s, g)).stats.parkedMessageCount === 1n, 'one left parked');
    await es.client.replayParkedMessagesToStream(s, g);
    await waitForCount(c, 6);
    expect(numbers(c.received.slice(5))).toEqual([2]);
    await stop(c);
  });

  it('skip drops a message; retries go before new events', async () => {
    const s = streamName();
    const g = group();
    await es.client.appendToStream(s, [numbered(0), numbered(1)]);
    await es.client.createPersistentSubscriptionToStream(s, g, fromStart());
    const c = consume(es.client.subscribeToPersistentSubscriptionToStream(s, g, { bufferSize: 1 }), async (e, sub) => {
      const n = (e.event!.data as { n: number }).n;
      if (n === 0 && e.retryCount === 0) await sub.nack(RETRY, 'again', e);
      else if (n === 1) await sub.nack(SKIP, 'skip', e);
      else await sub.ack(e);
    });
    await waitForCount(c, 3);
    expect(c.received.map((e) => [(e.event!.data as { n: number }).n, e.retryCount])).toEqual([
      [0, 0],
      [0, 1],
      [1, 0],
    ]);
    await waitFor(async () => (await streamInfo(s, g)).stats.totalInFlightMessages === 0, 'settled');
    expect((await streamInfo(s, g)).stats.parkedMessageCount).toBe(0n);
    await stop(c);
  });
});

describe('redelivery', () => {
  it('after messageTimeout', async () => {
    const s = streamName();
    const g = group();
    await es.client.appendToStream(s, numbered(0));
    await es.client.createPersistentSubscriptionToStream(s, g, fromStart({ messageTimeout: 200 }));
    const c = consume(es.client.subscribeToPersistentSubscriptionToStream(s, g), async (e, sub) => {
      if (e.retryCount > 0) await sub.ack(e); // ignore the first delivery
    });
    await waitForCount(c, 2);
    expect(c.received.map((e) => e.retryCount)).toEqual([0, 1]);
    expect(numbers(c.received)).toEqual([0, 0]);
    await stop(c);
  });

  it('when a consumer disconnects, to the next one', async () => {
    const s = streamName();
    const g = group();
    await es.client.appendToStream(
      s,
      Array.from({ length: 8 }, (_, i) => numbered(i)),
    );
    await es.client.createPersistentSubscriptionToStream(s, g, fromStart({ consumerStrategyName: DISPATCH_TO_SINGLE }));
    const silent = consume(es.client.subscribeToPersistentSubscriptionToStream(s, g, { bufferSize: 5 }), () => {});
    await waitForCount(silent, 5);
    await silent.sub.unsubscribe();
    await waitFor(async () => (await streamInfo(s, g)).connections.length === 0, 'consumer gone');

    const next = consume(es.client.subscribeToPersistentSubscriptionToStream(s, g));
    await waitForCount(next, 8);
    expect(numbers(next.received)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(next.received.map((e) => e.retryCount)).toEqual([1, 1, 1, 1, 1, 0, 0, 0]);
    await stop(next);
  });
});

describe('consumers', () => {
  it('never has more than bufferSize unacknowledged messages in flight', async () => {
    const s = streamName();
    const g = group();
    await es.client.appendToStream(
      s,
      Array.from({ length: 10 }, (_, i) => numbered(i)),
    );
    await es.client.createPersistentSubscriptionToStream(s, g, fromStart());
    const held: Received[] = [];
    const c = consume(es.client.subscribeToPersistentSubscriptionToStream(s, g, { bufferSize: 3 }), (e) => {
      held.push(e);
    });
    // The server has sent exactly three and, with no acks, can send no more.
    await waitFor(async () => {
      const info = await streamInfo(s, g);
      return c.received.length >= 3 && info.connections[0]?.inFlightMessages === 3 && info.connections[0]?.availableSlots === 0;
    }, 'three in flight');
    expect(c.received).toHaveLength(3);
    await c.sub.ack(held[0]);
    await waitFor(async () => c.received.length >= 4 && (await streamInfo(s, g)).connections[0]?.inFlightMessages === 3, 'three again');
    expect(c.received).toHaveLength(4);
    expect(numbers(c.received)).toEqual([0, 1, 2, 3]);
    await stop(c);
  });

  it('RoundRobin spreads events over consumers; DispatchToSingle fills the first', async () => {
    for (const [strategy, expectSpread] of [
      [ROUND_ROBIN, true],
      [DISPATCH_TO_SINGLE, false],
    ] as const) {
      const s = streamName();
      const g = group();
      await es.client.createPersistentSubscriptionToStream(s, g, fromStart({ consumerStrategyName: strategy }));
      const a = consume(es.client.subscribeToPersistentSubscriptionToStream(s, g, { bufferSize: 50 }));
      await a.confirmed;
      const b = consume(es.client.subscribeToPersistentSubscriptionToStream(s, g, { bufferSize: 50 }));
      await b.confirmed;
      await es.client.appendToStream(
        s,
        Array.from({ length: 20 }, (_, i) => numbered(i)),
      );
      await waitFor(() => a.received.length + b.received.length === 20, `20 events via ${strategy}`);
      const all = [...numbers(a.received), ...numbers(b.received)].sort((x, y) => x - y);
      expect(all).toEqual(Array.from({ length: 20 }, (_, i) => i));
      if (expectSpread) {
        expect(a.received).toHaveLength(10);
        expect(b.received).toHaveLength(10);
      } else {
        expect(a.received).toHaveLength(20);
        expect(b.received).toHaveLength(0);
      }
      await stop(a, b);
    }
  });

  it('Pinned keeps each source stream on one consumer', async () => {
    const prefix = `pin${Math.random().toString(36).slice(2, 8)}-`;
    const g = group();
    await es.client.createPersistentSubscriptionToAll(
      g,
      persistentSubscriptionToAllSettingsFromDefaults({ startFrom: START, consumerStrategyName: PINNED }),
      { filter: streamNameFilter({ prefixes: [prefix] }) },
    );
    const a = consume(es.client.subscribeToPersistentSubscriptionToAll(g, { bufferSize: 100 }));
    await a.confirmed;
    const b = consume(es.client.subscribeToPersistentSubscriptionToAll(g, { bufferSize: 100 }));
    await b.confirmed;
    const streams = Array.from({ length: 12 }, (_, i) => `${prefix}${i}`);
    for (let round = 0; round < 3; round++) {
      for (const s of streams) await es.client.appendToStream(s, numbered(round));
    }
    await waitFor(() => a.received.length + b.received.length === 36, '36 pinned events');
    const owner = new Map<string, Set<string>>();
    for (const [name, c] of [
      ['a', a],
      ['b', b],
    ] as const) {
      for (const e of c.received) {
        const set = owner.get(e.event!.streamId) ?? new Set<string>();
        set.add(name);
        owner.set(e.event!.streamId, set);
      }
    }
    expect(owner.size).toBe(12);
    for (const consumers of owner.values()) expect(consumers.size).toBe(1);
    await stop(a, b);
  });

  it('refuses consumers beyond maxSubscriberCount', async () => {
    const s = streamName();
    const g = group();
    await es.client.createPersistentSubscriptionToStream(s, g, fromStart({ maxSubscriberCount: 1 }));
    const first = consume(es.client.subscribeToPersistentSubscriptionToStream(s, g));
    await first.confirmed;
    const second = consume(es.client.subscribeToPersistentSubscriptionToStream(s, g));
    expect(await second.failed).toBeInstanceOf(PersistentSubscriptionMaximumSubscribersReachedError);
    await stop(first);
    await waitFor(async () => (await streamInfo(s, g)).connections.length === 0, 'first gone');
    const third = consume(es.client.subscribeToPersistentSubscriptionToStream(s, g));
    await third.confirmed;
    await stop(third);
  });
});

describe('at least once under churn', () => {
  it('every event is acked while appends, retries and a consumer leaving interleave', async () => {
    const prefix = `churn${Math.random().toString(36).slice(2, 8)}-`;
    const g = group();
    await es.client.createPersistentSubscriptionToAll(
      g,
      persistentSubscriptionToAllSettingsFromDefaults({ startFrom: START, liveBufferSize: 20, historyBufferSize: 40, readBatchSize: 10 }),
      { filter: streamNameFilter({ prefixes: [prefix] }) },
    );
    const acked = new Set<number>();
    let k = 0;
    const handler = async (e: Received, sub: Parameters<typeof consume>[0]) => {
      // deterministic "random" retries: every 7th delivery
      if (++k % 7 === 0) await sub.nack(RETRY, 'flaky', e);
      else {
        acked.add((e.event!.data as { n: number }).n);
        await sub.ack(e);
      }
    };
    const a = consume(es.client.subscribeToPersistentSubscriptionToAll(g, { bufferSize: 5 }), handler);
    const b = consume(es.client.subscribeToPersistentSubscriptionToAll(g, { bufferSize: 5 }), handler);
    await Promise.all([a.confirmed, b.confirmed]);
    const total = 600;
    const writers = Array.from({ length: 4 }, async (_, w) => {
      for (let i = w; i < total; i += 40) {
        const batch = Array.from({ length: 10 }, (_, j) => i + j * 4).filter((n) => n < total);
        await es.client.appendToStream(
          `${prefix}${w}`,
          batch.map((n) => numbered(n)),
        );
        if (w === 0 && i === 80) await a.sub.unsubscribe(); // a consumer leaves mid-stream
      }
    });
    await Promise.all(writers);
    await waitFor(() => acked.size === total, `all ${total} acked (have ${acked.size})`, 20_000);
    expect([...acked].sort((x, y) => x - y)).toEqual(Array.from({ length: total }, (_, i) => i));
    await stop(b);
  });
});
