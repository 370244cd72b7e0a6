// Groups, checkpoints and parked messages live in the log: after a server restart on the same data
// directory the groups exist and delivery resumes strictly after the last checkpoint, with no gap.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  BACKWARDS,
  END,
  EventStoreDBClient,
  PARK,
  START,
  persistentSubscriptionToAllSettingsFromDefaults,
  persistentSubscriptionToStreamSettingsFromDefaults,
  streamNameFilter,
} from '@eventstore/db-client';
import { startEventStore, type RunningEventStore } from '../src/index.js';
import { collect, waitFor } from './support.js';
import { consume, numbered, numbers, waitForCount } from './persistent-support.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function open(dataDir: string): Promise<{ server: RunningEventStore; client: EventStoreDBClient }> {
  const server = await startEventStore({ port: 0, dataDir });
  return { server, client: EventStoreDBClient.connectionString(server.connectionString) };
}

async function shut(node: { server: RunningEventStore; client: EventStoreDBClient }): Promise<void> {
  await node.client.dispose();
  await node.server.close();
}

describe('persistent subscriptions across a restart', () => {
  it('keep their groups and resume strictly after the last checkpoint', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'es-persistent-'));
    dirs.push(dataDir);
    const s = 'orders-1';
    const prefix = 'acct-';
    const streamSettings = persistentSubscriptionToStreamSettingsFromDefaults({
      startFrom: START,
      checkPointLowerBound: 1,
      checkPointUpperBound: 1,
      maxRetryCount: 4,
    });
    const allSettings = persistentSubscriptionToAllSettingsFromDefaults({
      startFrom: START,
      checkPointLowerBound: 1,
      checkPointUpperBound: 1,
    });

    // ---- first run: consume and ack 0..29, hold 30 unacknowledged, park one event of the $all group
    let node = await open(dataDir);
    await node.client.appendToStream(
      s,
      Array.from({ length: 50 }, (_, i) => numbered(i)),
    );
    await node.client.appendToStream(`${prefix}1`, [numbered(100), numbered(101)]);
    await node.client.createPersistentSubscriptionToStream(s, 'g', streamSettings);
    await node.client.createPersistentSubscriptionToAll('ga', allSettings, { filter: streamNameFilter({ prefixes: [prefix] }) });

    const first = consume(node.client.subscribeToPersistentSubscriptionToStream(s, 'g', { bufferSize: 1 }), async (e, sub) => {
      if ((e.event!.data as { n: number }).n < 30) await sub.ack(e);
    });
    await waitForCount(first, 31);
    await waitFor(
      async () => (await node.client.getPersistentSubscriptionToStreamInfo(s, 'g')).stats.lastCheckpointedEventRevision === 29n,
      'checkpoint at 29',
    );
    const allFirst = consume(node.client.subscribeToPersistentSubscriptionToAll('ga'), async (e, sub) => {
      if ((e.event!.data as { n: number }).n === 100) await sub.nack(PARK, 'poison', e);
      else await sub.ack(e);
    });
    await waitForCount(allFirst, 2);
    await waitFor(async () => {
      const info = await node.client.getPersistentSubscriptionToAllInfo('ga');
      return info.stats.parkedMessageCount === 1n && info.stats.totalInFlightMessages === 0;
    }, 'parked and acked');
    await waitFor(
      async () => (await node.client.getPersistentSubscriptionToAllInfo('ga')).stats.lastCheckpointedEventPosition !== undefined,
      '$all checkpoint',
    );
    // An idle `$all` group must not feed on its own checkpoint records (they are hidden from it).
    const checkpoints = await collect(
      node.client.readStream('$persistentsubscription-$all::ga-checkpoint', { direction: BACKWARDS, fromRevision: END, maxCount: 1 }),
    );
    expect(checkpoints[0].event!.revision).toBeLessThan(5n);
    await shut(node);

    // ---- second run on the same directory
    node = await open(dataDir);
    const info = await node.client.getPersistentSubscriptionToStreamInfo(s, 'g');
    expect(info.settings).toEqual(streamSettings);
    expect(info.stats.lastCheckpointedEventRevision).toBe(29n);
    const allInfo = await node.client.getPersistentSubscriptionToAllInfo('ga');
    expect(allInfo.settings).toEqual(allSettings);
    expect(allInfo.stats.parkedMessageCount).toBe(1n);

    const second = consume(node.client.subscribeToPersistentSubscriptionToStream(s, 'g'));
    await waitForCount(second, 20);
    // strictly after the checkpoint: 30 (never acked) first, nothing acked before it, no gap
    expect(numbers(second.received)).toEqual(Array.from({ length: 20 }, (_, i) => 30 + i));
    const seen = new Set([...numbers(first.received).filter((n) => n < 30), ...numbers(second.received)]);
    expect(seen.size).toBe(50);

    const allSecond = consume(node.client.subscribeToPersistentSubscriptionToAll('ga'));
    await allSecond.confirmed;
    await node.client.replayParkedMessagesToAll('ga');
    await node.client.appendToStream(`${prefix}2`, numbered(102));
    await waitFor(() => numbers(allSecond.received).includes(100) && numbers(allSecond.received).includes(102), 'replayed and new');
    // 101 was acked and checkpointed before the restart
    expect(numbers(allSecond.received)).not.toContain(101);
    await second.sub.unsubscribe();
    await allSecond.sub.unsubscribe();
    await shut(node);
  });

  it('a group created at the end keeps that start across a restart before its first checkpoint', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'es-persistent-'));
    dirs.push(dataDir);
    const s = 'ledger-1';
    let node = await open(dataDir);
    await node.client.appendToStream(s, numbered(0));
    await node.client.createPersistentSubscriptionToStream(s, 'g', persistentSubscriptionToStreamSettingsFromDefaults());
    await node.client.appendToStream(s, [numbered(1), numbered(2)]);
    await shut(node);

    node = await open(dataDir);
    await node.client.appendToStream(s, numbered(3));
    const c = consume(node.client.subscribeToPersistentSubscriptionToStream(s, 'g'));
    await waitForCount(c, 3);
    // 1 and 2 were written after the group was created at the end: not lost by the restart
    expect(numbers(c.received)).toEqual([1, 2, 3]);
    await c.sub.unsubscribe();
    await shut(node);
  });
});
