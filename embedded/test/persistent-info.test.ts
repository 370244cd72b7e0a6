// What an operations page reads about a `$all` consumer group, through the official client:
// getPersistentSubscriptionToAllInfo, listPersistentSubscriptionsToAll, listAllPersistentSubscriptions,
// replayParkedMessagesToAll and the group's parked stream, answered as EventStoreDB answers them
// (protocol §14.1, §14.5, §14.6).
import { describe, expect, it } from 'vitest';
import { connect, lib } from './client.js';
import { streamName, useEventStore, waitFor } from './support.js';
import { ackId, consume, numbered, type Received } from './persistent-support.js';

const { PARK, RETRY, START, persistentSubscriptionToAllSettingsFromDefaults, streamNameFilter } = lib;

const es = useEventStore();

const CONNECTION_NAME = 'operations-page-test';
const BUFFER = 4;

/** A filtered `$all` group over its own streams, consumed by one named connection that acks only when told. */
async function setUp(events: number, settings: Parameters<typeof persistentSubscriptionToAllSettingsFromDefaults>[0] = {}) {
  const prefix = streamName('ops');
  const group = `ops-${Math.random().toString(36).slice(2, 10)}`;
  const stream = `${prefix}-a`;
  const appended = await es.client.appendToStream(
    stream,
    Array.from({ length: events }, (_, n) => numbered(n)),
  );
  await es.client.createPersistentSubscriptionToAll(
    group,
    persistentSubscriptionToAllSettingsFromDefaults({
      startFrom: START,
      extraStatistics: true,
      checkPointUpperBound: 2,
      checkPointLowerBound: 1,
      ...settings,
    }),
    { filter: streamNameFilter({ prefixes: [prefix] }) },
  );
  const client = connect(`${es.server.connectionString}&connectionName=${CONNECTION_NAME}`);
  const sub = client.subscribeToPersistentSubscriptionToAll(group, { bufferSize: BUFFER });
  const held: Received[] = [];
  const consumer = consume(sub, (e) => void held.push(e));
  await consumer.confirmed;
  const info = () => es.client.getPersistentSubscriptionToAllInfo(group);
  const close = async () => {
    await sub.unsubscribe();
    await client.dispose();
  };
  return { group, stream, last: appended.position!, sub, consumer, held, info, close };
}

describe('getPersistentSubscriptionToAllInfo', () => {
  it('reports status, the connection with its in-flight and free slots, counts, positions and stats', async () => {
    const t = await setUp(10);
    try {
      // the consumer holds BUFFER events unacknowledged: its slots are full
      await waitFor(() => t.held.length === BUFFER, 'the first events');
      await waitFor(async () => (await t.info()).stats.lastKnownEventPosition?.commit === t.last.commit, 'the group to read everything');
      let info = await t.info();
      expect(info.eventSource).toBe('$all');
      expect(info.groupName).toBe(t.group);
      expect(info.status).toBe('Live');
      expect(info.connections).toHaveLength(1);
      const [conn] = info.connections;
      expect(conn.connectionName).toBe(CONNECTION_NAME);
      expect(conn.username).toBe('system');
      expect(conn.from).toBe('');
      expect(conn.inFlightMessages).toBe(BUFFER);
      expect(conn.availableSlots).toBe(0);
      expect(conn.totalItems).toBe(BigInt(BUFFER));
      expect(info.stats.totalInFlightMessages).toBe(BUFFER);
      expect(info.stats.outstandingMessagesCount).toBe(BUFFER);
      expect(info.stats.totalItems).toBe(BigInt(BUFFER));
      expect(info.stats.readBufferCount + Number(info.stats.liveBufferCount)).toBe(10 - BUFFER);
      expect(info.stats.retryBufferCount).toBe(0);
      expect(info.stats.parkedMessageCount).toBe(0n);
      expect(info.stats.lastKnownEventPosition).toEqual(t.last);
      // nothing acknowledged yet, so nothing checkpointed
      expect(info.stats.lastCheckpointedEventPosition).toBeUndefined();

      // one acknowledged: a slot frees, and the checkpoint may not pass the oldest unacknowledged event
      const first = t.held.shift()!;
      await t.sub.ack(first);
      await waitFor(() => t.held.length === BUFFER, 'the next event in the freed slot');
      info = await t.info();
      expect(info.connections[0].inFlightMessages).toBe(BUFFER);
      expect(info.connections[0].totalItems).toBe(BigInt(BUFFER + 1));

      // everything acknowledged: nothing in flight, every slot free, checkpointed at the last event
      const ackAll = async () => {
        while (t.held.length > 0) await t.sub.ack(t.held.shift()!);
      };
      await waitFor(async () => {
        await ackAll();
        return t.consumer.received.length === 10;
      }, 'all ten events');
      await ackAll();
      // (records the filter skips count too, so the checkpoint may pass the group's last event: §14.10)
      await waitFor(
        async () => ((await t.info()).stats.lastCheckpointedEventPosition?.commit ?? 0n) >= t.last.commit,
        'the checkpoint to reach the last event',
      );
      info = await t.info();
      expect(info.connections[0].inFlightMessages).toBe(0);
      expect(info.connections[0].availableSlots).toBe(BUFFER);
      expect(info.stats.totalInFlightMessages).toBe(0);
      expect(info.stats.outstandingMessagesCount).toBe(0);
      expect(info.stats.totalItems).toBe(10n);
      // extra statistics: ack latencies under ESDB's keys (lower-cased by the client)
      const latency = info.connections[0].extraStatistics;
      expect(latency).toBeInstanceOf(Map);
      expect([...latency!.keys()]).toEqual(expect.arrayContaining(['mean', 'median', 'fastest', 'highest', '99%', 'quintile 1']));
    } finally {
      await t.close();
    }
  });

  it('counts retries and parked messages, and reports a consumer-less group', async () => {
    const t = await setUp(3, { maxRetryCount: 1 });
    try {
      await waitFor(() => t.held.length === 3, 'three events');
      const [a, b, c] = t.held.splice(0);
      await t.sub.nack(PARK, 'bad payload', a);
      await t.sub.ack(b);
      // retried once, then parked by the retry limit
      await t.sub.nack(RETRY, 'try again', c);
      await waitFor(() => t.held.length === 1, 'the retry');
      expect(t.held[0].retryCount).toBe(1);
      await t.sub.nack(RETRY, 'still failing', t.held.shift()!);
      await waitFor(async () => (await t.info()).stats.parkedMessageCount === 2n, 'two parked messages');
      await t.close();
      await waitFor(async () => (await t.info()).connections.length === 0, 'the consumer to leave');
      const info = await t.info();
      expect(info.stats.totalInFlightMessages).toBe(0);
      expect(info.stats.parkedMessageCount).toBe(2n);
      expect(info.status).toBe('Live');
      // each parked with the reason ESDB writes
      const reasons: string[] = [];
      for await (const e of es.client.readStream(`$persistentsubscription-$all::${t.group}-parked`)) {
        reasons.push((e.event!.metadata as { reason: string }).reason);
      }
      expect(reasons).toEqual(["Client explicitly NAK'ed message.\nbad payload", 'Reached retry count of 1']);
    } finally {
      await t.close().catch(() => undefined);
    }
  });
});

describe('the parked stream and replayParkedMessagesToAll', () => {
  it('stores each parked message as a link to the original with its reason, and replays it to the consumer', async () => {
    const t = await setUp(2);
    try {
      await waitFor(() => t.held.length === 2, 'two events');
      const [a, b] = t.held.splice(0);
      await t.sub.nack(PARK, 'account 42 is held', a);
      await t.sub.ack(b);
      await waitFor(async () => (await t.info()).stats.parkedMessageCount === 1n, 'the parked message');

      // as ESDB stores it: `$persistentsubscription-$all::<group>-parked`, one `$>` link per message,
      // its metadata JSON {added, reason, subscriptionEventNumber}
      const parkedStream = `$persistentsubscription-$all::${t.group}-parked`;
      const parked = [];
      for await (const e of es.client.readStream(parkedStream, { resolveLinkTos: true })) parked.push(e);
      expect(parked).toHaveLength(1);
      const [p] = parked;
      expect(p.event!.id).toBe(a.event!.id);
      expect(p.event!.streamId).toBe(t.stream);
      expect(p.link!.type).toBe('$>');
      const metadata = p.link!.metadata as { added: string; reason: string; subscriptionEventNumber: number };
      expect(metadata.reason).toBe("Client explicitly NAK'ed message.\naccount 42 is held");
      expect(metadata.subscriptionEventNumber).toBe(Number(a.event!.revision));
      expect(Number.isNaN(Date.parse(metadata.added))).toBe(false);
      // read raw, the link's data names the original event
      const raw = [];
      for await (const e of es.client.readStream(parkedStream)) raw.push(e);
      expect(Buffer.from(raw[0].event!.data as Uint8Array).toString('utf8')).toBe(`${a.event!.revision}@${t.stream}`);

      // replayed: delivered again with retry count 0 and the parked link, which is what gets acked
      await es.client.replayParkedMessagesToAll(t.group);
      await waitFor(() => t.held.length === 1, 'the replayed message');
      const replayed = t.held.shift()!;
      expect(replayed.event!.id).toBe(a.event!.id);
      expect(replayed.link!.id).toBe(p.link!.id);
      expect(ackId(replayed)).toBe(p.link!.id);
      expect(replayed.retryCount).toBe(0);
      await t.sub.ack(replayed);
      await waitFor(async () => (await t.info()).stats.parkedMessageCount === 0n, 'the parked count to drop');
      await waitFor(async () => (await t.info()).connections[0]?.inFlightMessages === 0, 'the ack');
    } finally {
      await t.close();
    }
  });
});

describe('listing', () => {
  it('lists the group, with the same answer as getInfo, for $all and among all groups', async () => {
    const t = await setUp(2);
    try {
      await waitFor(() => t.held.length === 2, 'two events');
      const [single] = [await t.info()];
      const toAll = await es.client.listPersistentSubscriptionsToAll();
      const mine = toAll.find((g) => g.groupName === t.group);
      expect(mine).toBeDefined();
      expect(toAll.every((g) => g.eventSource === '$all')).toBe(true);
      const everything = await es.client.listAllPersistentSubscriptions();
      const again = everything.find((g) => g.groupName === t.group && g.eventSource === '$all');
      for (const listed of [mine!, again! as typeof mine & object]) {
        expect(listed.status).toBe(single.status);
        expect(listed.settings).toEqual(single.settings);
        expect(listed.connections.map((c) => [c.connectionName, c.inFlightMessages, c.availableSlots])).toEqual([
          [CONNECTION_NAME, 2, BUFFER - 2],
        ]);
        expect(listed.stats.lastKnownEventPosition).toEqual(t.last);
        expect(listed.stats.totalInFlightMessages).toBe(2);
      }
    } finally {
      await t.close();
    }
  });
});
