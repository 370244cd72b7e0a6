// Persistent subscription groups: create, getInfo/list round trips, update, delete, restartSubsystem
// and their errors (protocol §13, §14.2–§14.7), through the official client only.
import { describe, expect, it } from 'vitest';
import { lib } from './client.js';
import { streamName, useEventStore, waitFor } from './support.js';
import { consume, numbered, numbers, waitForCount } from './persistent-support.js';

const {
  DISPATCH_TO_SINGLE,
  END,
  PINNED,
  PersistentSubscriptionDoesNotExistError,
  PersistentSubscriptionDroppedError,
  PersistentSubscriptionExistsError,
  PersistentSubscriptionFailedError,
  START,
  UNBOUNDED,
  persistentSubscriptionToAllSettingsFromDefaults,
  persistentSubscriptionToStreamSettingsFromDefaults,
  streamNameFilter,
} = lib;

const es = useEventStore();
const group = (prefix = 'g') => `${prefix}-${Math.random().toString(36).slice(2, 10)}`;

async function rejection(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => {
      throw new Error('expected a rejection');
    },
    (err: unknown) => err,
  );
}

describe('create and getInfo', () => {
  it('round-trips every stream-group setting exactly', async () => {
    const s = streamName();
    const g = group();
    const settings = persistentSubscriptionToStreamSettingsFromDefaults({
      startFrom: 5n,
      resolveLinkTos: true,
      extraStatistics: true,
      messageTimeout: 12_345,
      maxRetryCount: 7,
      checkPointAfter: 3_000,
      checkPointLowerBound: 3,
      checkPointUpperBound: 33,
      maxSubscriberCount: 4,
      liveBufferSize: 111,
      readBatchSize: 22,
      historyBufferSize: 222,
      consumerStrategyName: PINNED,
    });
    await es.client.createPersistentSubscriptionToStream(s, g, settings);
    const info = await es.client.getPersistentSubscriptionToStreamInfo(s, g);
    expect(info.eventSource).toBe(s);
    expect(info.groupName).toBe(g);
    expect(info.settings).toEqual(settings);
    expect(info.stats.lastCheckpointedEventRevision).toBeUndefined();
    expect(info.connections).toEqual([]);

    for (const startFrom of [START, END] as const) {
      const other = group();
      const st = persistentSubscriptionToStreamSettingsFromDefaults({ startFrom });
      await es.client.createPersistentSubscriptionToStream(s, other, st);
      expect((await es.client.getPersistentSubscriptionToStreamInfo(s, other)).settings).toEqual(st);
    }
  });

  it('round-trips $all groups from start, end and a position, with a filter', async () => {
    const cases = [START, END, { commit: 7n, prepare: 7n }] as const;
    for (const startFrom of cases) {
      const g = group('all');
      const settings = persistentSubscriptionToAllSettingsFromDefaults({
        startFrom,
        maxSubscriberCount: UNBOUNDED,
        consumerStrategyName: DISPATCH_TO_SINGLE,
        messageTimeout: 0,
      });
      await es.client.createPersistentSubscriptionToAll(g, settings, { filter: streamNameFilter({ prefixes: ['x-'] }) });
      const info = await es.client.getPersistentSubscriptionToAllInfo(g);
      expect(info.eventSource).toBe('$all');
      expect(info.settings).toEqual(settings);
    }
  });

  it('refuses a duplicate group, bad settings and an empty stream name', async () => {
    const s = streamName();
    const g = group();
    const defaults = persistentSubscriptionToStreamSettingsFromDefaults();
    await es.client.createPersistentSubscriptionToStream(s, g, defaults);
    expect(await rejection(es.client.createPersistentSubscriptionToStream(s, g, defaults))).toBeInstanceOf(
      PersistentSubscriptionExistsError,
    );

    const bad = await rejection(
      es.client.createPersistentSubscriptionToStream(s, group(), { ...defaults, readBatchSize: 500, historyBufferSize: 500 }),
    );
    expect(bad).toBeInstanceOf(PersistentSubscriptionFailedError);
    expect((bad as Error).message).toContain('ReadBatchSize may not be greater than or equal to BufferSize');

    expect(await rejection(es.client.createPersistentSubscriptionToStream('', group(), defaults))).toBeInstanceOf(
      PersistentSubscriptionFailedError,
    );
    // nothing was created by the failed calls
    expect((await es.client.listPersistentSubscriptionsToStream(s)).map((i) => i.groupName)).toEqual([g]);
  });

  it('refuses negative settings, a negative stopAt and a zero buffer size without side effects', async () => {
    const s = streamName();
    const g = group();
    const defaults = persistentSubscriptionToStreamSettingsFromDefaults({ startFrom: START });
    for (const bad of [{ maxRetryCount: -1 }, { messageTimeout: -5 }, { liveBufferSize: -1 }, { checkPointUpperBound: -1 }]) {
      expect(await rejection(es.client.createPersistentSubscriptionToStream(s, g, { ...defaults, ...bad }))).toBeInstanceOf(
        PersistentSubscriptionFailedError,
      );
    }
    expect(await rejection(es.client.getPersistentSubscriptionToStreamInfo(s, g))).toBeInstanceOf(PersistentSubscriptionDoesNotExistError);

    await es.client.createPersistentSubscriptionToStream(s, g, defaults);
    const negative = await rejection(es.client.replayParkedMessagesToStream(s, g, { stopAt: -1 }));
    expect(negative).toBeInstanceOf(PersistentSubscriptionFailedError);
    expect((negative as Error).message).toContain('Cannot stop replaying parked message at a negative version.');

    const zero = consume(es.client.subscribeToPersistentSubscriptionToStream(s, g, { bufferSize: 0 }));
    expect(await zero.failed).toBeInstanceOf(Error);
    expect((await es.client.getPersistentSubscriptionToStreamInfo(s, g)).connections).toEqual([]);
  });

  it('reports unknown groups as does-not-exist', async () => {
    const s = streamName();
    expect(await rejection(es.client.getPersistentSubscriptionToStreamInfo(s, 'nope'))).toBeInstanceOf(
      PersistentSubscriptionDoesNotExistError,
    );
    expect(await rejection(es.client.getPersistentSubscriptionToAllInfo('nope'))).toBeInstanceOf(PersistentSubscriptionDoesNotExistError);
    expect(await rejection(es.client.listPersistentSubscriptionsToStream(s))).toBeInstanceOf(PersistentSubscriptionDoesNotExistError);
    expect(await rejection(es.client.deletePersistentSubscriptionToStream(s, 'nope'))).toBeInstanceOf(
      PersistentSubscriptionDoesNotExistError,
    );
    expect(
      await rejection(es.client.updatePersistentSubscriptionToStream(s, 'nope', persistentSubscriptionToStreamSettingsFromDefaults())),
    ).toBeInstanceOf(PersistentSubscriptionDoesNotExistError);
    expect(await rejection(es.client.replayParkedMessagesToStream(s, 'nope'))).toBeInstanceOf(PersistentSubscriptionDoesNotExistError);

    const c = consume(es.client.subscribeToPersistentSubscriptionToStream(s, 'nope'));
    expect(await c.failed).toBeInstanceOf(PersistentSubscriptionDoesNotExistError);
  });
});

describe('list', () => {
  it('lists per stream, per $all and everything', async () => {
    const s = streamName();
    const [g1, g2, ga] = [group(), group(), group('all')];
    await es.client.createPersistentSubscriptionToStream(s, g1, persistentSubscriptionToStreamSettingsFromDefaults());
    await es.client.createPersistentSubscriptionToStream(s, g2, persistentSubscriptionToStreamSettingsFromDefaults({ startFrom: START }));
    await es.client.createPersistentSubscriptionToAll(ga, persistentSubscriptionToAllSettingsFromDefaults());

    const forStream = await es.client.listPersistentSubscriptionsToStream(s);
    expect(forStream.map((i) => i.groupName).sort()).toEqual([g1, g2].sort());
    const toAll = await es.client.listPersistentSubscriptionsToAll();
    expect(toAll.map((i) => i.groupName)).toContain(ga);
    const everything = await es.client.listAllPersistentSubscriptions();
    const names = everything.map((i) => `${i.eventSource}::${i.groupName}`);
    expect(names).toEqual(expect.arrayContaining([`${s}::${g1}`, `${s}::${g2}`, `$all::${ga}`]));
  });
});

describe('update, delete and restart', () => {
  it('update drops consumers, replaces settings and resumes after the checkpoint', async () => {
    const s = streamName();
    const g = group();
    await es.client.appendToStream(
      s,
      Array.from({ length: 10 }, (_, i) => numbered(i)),
    );
    const settings = persistentSubscriptionToStreamSettingsFromDefaults({
      startFrom: START,
      checkPointLowerBound: 1,
      checkPointUpperBound: 1,
    });
    await es.client.createPersistentSubscriptionToStream(s, g, settings);
    // ack only the first five
    const first = consume(es.client.subscribeToPersistentSubscriptionToStream(s, g, { bufferSize: 1 }), async (e, sub) => {
      if ((e.event!.data as { n: number }).n < 5) await sub.ack(e);
    });
    await waitForCount(first, 6);
    await waitFor(
      async () => (await es.client.getPersistentSubscriptionToStreamInfo(s, g)).stats.lastCheckpointedEventRevision === 4n,
      'checkpoint at 4',
    );

    const updated = { ...settings, maxRetryCount: 3, messageTimeout: 9_000 };
    await es.client.updatePersistentSubscriptionToStream(s, g, updated);
    expect(await first.failed).toBeInstanceOf(PersistentSubscriptionDroppedError);
    const info = await es.client.getPersistentSubscriptionToStreamInfo(s, g);
    expect(info.settings).toEqual(updated);
    expect(info.stats.lastCheckpointedEventRevision).toBe(4n);

    const second = consume(es.client.subscribeToPersistentSubscriptionToStream(s, g));
    await waitForCount(second, 5);
    expect(numbers(second.received)).toEqual([5, 6, 7, 8, 9]);
    await second.sub.unsubscribe();
  });

  it('updating a $all group keeps its filter and its start', async () => {
    const prefix = `upd${Math.random().toString(36).slice(2, 8)}-`;
    const g = group('all');
    await es.client.createPersistentSubscriptionToAll(g, persistentSubscriptionToAllSettingsFromDefaults(), {
      filter: streamNameFilter({ prefixes: [prefix] }),
    });
    // written after creation, before any checkpoint: the update must not skip it
    await es.client.appendToStream(`${prefix}x`, numbered(0));
    const updated = persistentSubscriptionToAllSettingsFromDefaults({ maxRetryCount: 1 });
    await es.client.updatePersistentSubscriptionToAll(g, updated);
    expect((await es.client.getPersistentSubscriptionToAllInfo(g)).settings).toEqual(updated);
    const c = consume(es.client.subscribeToPersistentSubscriptionToAll(g));
    await c.confirmed;
    await es.client.appendToStream(streamName('unrelated'), numbered(1));
    await es.client.appendToStream(`${prefix}x`, numbered(2));
    await waitForCount(c, 2);
    expect(numbers(c.received)).toEqual([0, 2]);
    await c.sub.unsubscribe();
  });

  it('delete drops consumers; a re-created group starts fresh', async () => {
    const s = streamName();
    const g = group();
    await es.client.appendToStream(s, [numbered(0), numbered(1)]);
    const settings = persistentSubscriptionToStreamSettingsFromDefaults({
      startFrom: START,
      checkPointLowerBound: 1,
      checkPointUpperBound: 1,
    });
    await es.client.createPersistentSubscriptionToStream(s, g, settings);
    const c = consume(es.client.subscribeToPersistentSubscriptionToStream(s, g));
    await waitForCount(c, 2);
    await waitFor(
      async () => (await es.client.getPersistentSubscriptionToStreamInfo(s, g)).stats.lastCheckpointedEventRevision === 1n,
      'checkpoint',
    );

    await es.client.deletePersistentSubscriptionToStream(s, g);
    expect(await c.failed).toBeInstanceOf(PersistentSubscriptionDroppedError);
    expect(await rejection(es.client.getPersistentSubscriptionToStreamInfo(s, g))).toBeInstanceOf(PersistentSubscriptionDoesNotExistError);
    expect(await es.client.listPersistentSubscriptionsToStream(s)).toEqual([]);

    await es.client.createPersistentSubscriptionToStream(s, g, settings);
    expect((await es.client.getPersistentSubscriptionToStreamInfo(s, g)).stats.lastCheckpointedEventRevision).toBeUndefined();
    const again = consume(es.client.subscribeToPersistentSubscriptionToStream(s, g));
    await waitForCount(again, 2);
    expect(numbers(again.received)).toEqual([0, 1]);
    await again.sub.unsubscribe();
  });

  it('restartSubsystem drops consumers and keeps every group', async () => {
    const s = streamName();
    const g = group();
    const settings = persistentSubscriptionToStreamSettingsFromDefaults({ startFrom: START, maxRetryCount: 2 });
    await es.client.createPersistentSubscriptionToStream(s, g, settings);
    const c = consume(es.client.subscribeToPersistentSubscriptionToStream(s, g));
    await c.confirmed;
    await es.client.restartPersistentSubscriptionSubsystem();
    expect(await c.failed).toBeInstanceOf(PersistentSubscriptionDroppedError);
    expect((await es.client.getPersistentSubscriptionToStreamInfo(s, g)).settings).toEqual(settings);

    const after = consume(es.client.subscribeToPersistentSubscriptionToStream(s, g));
    await es.client.appendToStream(s, numbered(42));
    await waitForCount(after, 1);
    expect(numbers(after.received)).toEqual([42]);
    await after.sub.unsubscribe();
  });
});
