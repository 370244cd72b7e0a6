// Catch-up subscriptions through the client: history then live, no loss, no duplicates.
import { describe, expect, it } from 'vitest';
import { type AllStreamResolvedEvent, type Position, type ResolvedEvent } from '@eventstore/db-client';
import { lib } from './client.js';
import { streamName, useEventStore, waitFor } from './support.js';

const { END, START, eventTypeFilter, excludeSystemEvents, jsonEvent, binaryEvent, streamNameFilter, StreamDeletedError } = lib;

const es = useEventStore();
const ev = (n: number, type = 'Numbered') => jsonEvent({ type, data: { n } });
const n = (e: ResolvedEvent | AllStreamResolvedEvent) => (e.event!.data as { n: number }).n;

/** Subscribes and records everything the client emits until stopped. */
function record<E extends ResolvedEvent | AllStreamResolvedEvent>(
  sub: AsyncIterable<E> & { on(ev: string, f: (...a: never[]) => void): unknown },
) {
  const events: E[] = [];
  let caughtUp = 0;
  let error: unknown;
  sub.on('caughtUp', () => caughtUp++);
  // the 'error' event carries the client's error class; the iterator then rejects with an AbortError
  sub.on('error', ((e: unknown) => {
    error ??= e;
  }) as never);
  (async () => {
    for await (const e of sub) events.push(e);
  })().catch((e: unknown) => {
    error ??= e;
  });
  return {
    events,
    get caughtUp() {
      return caughtUp;
    },
    get error() {
      return error;
    },
  };
}

describe('subscribeToStream', () => {
  it('delivers history, then caught-up, then live events, each exactly once', async () => {
    const s = streamName('sub');
    await es.client.appendToStream(s, [ev(0), ev(1), ev(2)]);
    const sub = es.client.subscribeToStream(s, { fromRevision: START });
    const got = record(sub);
    // appends racing with the catch-up phase
    const writes = Array.from({ length: 20 }, (_, i) => es.client.appendToStream(s, ev(3 + i)));
    await Promise.all(writes);
    await waitFor(() => got.caughtUp > 0, 'caught up');
    await es.client.appendToStream(s, [ev(23), ev(24)]);
    await waitFor(() => got.events.length >= 25, '25 events');
    await sub.unsubscribe();
    expect(got.events.map((e) => e.event!.revision)).toEqual(Array.from({ length: 25 }, (_, i) => BigInt(i)));
  });

  it('gives a consumer that starts reading late everything once, in order', async () => {
    // The official client reads its call whatever the application does, so whether the server's
    // live buffer overflows here depends on the Node version's HTTP/2 buffering; the fallback
    // itself is proven with paused raw calls in grpc-bounds-subscribers.test.ts.
    const s = streamName('slow');
    await es.client.appendToStream(s, [ev(0)]);
    const sub = es.client.subscribeToStream(s, { fromRevision: START });
    let caughtUp = 0;
    sub.on('caughtUp', () => caughtUp++);
    const total = 15_001;
    for (let i = 1; i < total; i += 500) {
      await es.client.appendToStream(
        s,
        Array.from({ length: Math.min(500, total - i) }, (_, j) => ev(i + j)),
      );
    }
    const seen: bigint[] = [];
    const reading = (async () => {
      for await (const e of sub) seen.push(e.event!.revision);
    })();
    await waitFor(() => seen.length >= total && caughtUp >= 1, 'every event', 20_000);
    await sub.unsubscribe();
    await reading;
    expect(seen).toEqual(Array.from({ length: total }, (_, i) => BigInt(i)));
  });

  it('starts after the given revision, or at the end', async () => {
    const s = streamName('sub');
    await es.client.appendToStream(s, [ev(0), ev(1), ev(2)]);
    const fromRev = record(es.client.subscribeToStream(s, { fromRevision: 1n }));
    const fromEnd = es.client.subscribeToStream(s, { fromRevision: END });
    const endGot = record(fromEnd);
    await waitFor(() => endGot.caughtUp > 0 && fromRev.caughtUp > 0, 'both caught up');
    await es.client.appendToStream(s, ev(3));
    await waitFor(() => endGot.events.length === 1 && fromRev.events.length === 2, 'live event on both');
    expect(fromRev.events.map(n)).toEqual([2, 3]);
    expect(endGot.events.map(n)).toEqual([3]);
    await fromEnd.unsubscribe();
  });

  it('resolves links in catch-up and live when asked to', async () => {
    const target = streamName('target');
    const links = streamName('links');
    await es.client.appendToStream(target, [ev(0), ev(1)]);
    const link = (revision: number) => binaryEvent({ type: '$>', data: Buffer.from(`${revision}@${target}`) });
    await es.client.appendToStream(links, link(0));
    const sub = es.client.subscribeToStream(links, { resolveLinkTos: true });
    const got = record(sub);
    await waitFor(() => got.caughtUp > 0, 'caught up');
    await es.client.appendToStream(links, link(1));
    await waitFor(() => got.events.length === 2, 'two resolved links');
    await sub.unsubscribe();
    expect(got.events.map((e) => [e.event!.streamId, e.event!.revision, e.link!.streamId])).toEqual([
      [target, 0n, links],
      [target, 1n, links],
    ]);
  });

  it('waits on a missing stream and delivers it once created', async () => {
    const s = streamName('later');
    const sub = es.client.subscribeToStream(s);
    const got = record(sub);
    await waitFor(() => got.caughtUp > 0, 'caught up on a missing stream');
    await es.client.appendToStream(s, ev(0));
    await waitFor(() => got.events.length === 1, 'first event');
    await sub.unsubscribe();
    expect(got.events.map(n)).toEqual([0]);
  });

  it('ends with StreamDeletedError when the stream is tombstoned', async () => {
    const s = streamName('tomb');
    await es.client.appendToStream(s, ev(0));
    const got = record(es.client.subscribeToStream(s));
    await waitFor(() => got.caughtUp > 0, 'caught up');
    await es.client.tombstoneStream(s);
    await waitFor(() => got.error !== undefined, 'subscription error');
    expect(got.error).toBeInstanceOf(StreamDeletedError);
    const already = record(es.client.subscribeToStream(s));
    await waitFor(() => already.error !== undefined, 'error on tombstoned stream');
    expect(already.error).toBeInstanceOf(StreamDeletedError);
  });
});

describe('subscribeToAll', () => {
  it('switches from history to live without loss or duplicates under concurrent appends', async () => {
    const s = streamName('allsub');
    await es.client.appendToStream(
      s,
      Array.from({ length: 50 }, (_, i) => ev(i)),
    );
    const sub = es.client.subscribeToAll({ fromPosition: START });
    const got = record(sub);
    for (let i = 50; i < 150; i += 10) {
      await es.client.appendToStream(
        s,
        Array.from({ length: 10 }, (_, j) => ev(i + j)),
      );
    }
    await waitFor(() => got.events.filter((e) => e.event!.streamId === s).length >= 150, 'all 150 events');
    await sub.unsubscribe();
    const mine = got.events.filter((e) => e.event!.streamId === s);
    expect(mine.map(n)).toEqual(Array.from({ length: 150 }, (_, i) => i));
    const positions = got.events.map((e) => e.event!.position.commit);
    for (let i = 1; i < positions.length; i++) expect(positions[i]).toBeGreaterThan(positions[i - 1]);
  });

  it('starts strictly after a position, or at the end', async () => {
    const s = streamName('allpos');
    const first = await es.client.appendToStream(s, [ev(0), ev(1)]);
    await es.client.appendToStream(s, ev(2));
    const after = es.client.subscribeToAll({ fromPosition: first.position as Position });
    const fromEnd = es.client.subscribeToAll({ fromPosition: END });
    const a = record(after);
    const b = record(fromEnd);
    await waitFor(() => a.caughtUp > 0 && b.caughtUp > 0, 'caught up');
    await es.client.appendToStream(s, ev(3));
    await waitFor(
      () => b.events.some((e) => e.event!.streamId === s) && a.events.filter((e) => e.event!.streamId === s).length === 2,
      'live',
    );
    await after.unsubscribe();
    await fromEnd.unsubscribe();
    expect(a.events.filter((e) => e.event!.streamId === s).map(n)).toEqual([2, 3]);
    expect(b.events.filter((e) => e.event!.streamId === s).map(n)).toEqual([3]);
  });

  it('filters by stream-name prefix', async () => {
    const prefix = streamName('pfx');
    const sub = es.client.subscribeToAll({ fromPosition: START, filter: streamNameFilter({ prefixes: [prefix] }) });
    const got = record(sub);
    await es.client.appendToStream(`${prefix}-a`, ev(0));
    await es.client.appendToStream(
      streamName('other'),
      Array.from({ length: 12 }, (_, i) => ev(100 + i)),
    );
    await es.client.appendToStream(`${prefix}-b`, ev(1));
    await waitFor(() => got.events.length >= 2, 'two matching events');
    await sub.unsubscribe();
    expect(got.events.map((e) => e.event!.streamId)).toEqual([`${prefix}-a`, `${prefix}-b`]);
  });

  it('filters by event-type regex and excludes system events', async () => {
    const tag = `T${Date.now()}`;
    const s = streamName('types');
    const byType = es.client.subscribeToAll({ fromPosition: START, filter: eventTypeFilter({ regex: `^${tag}-(Opened|Closed)$` }) });
    const noSystem = es.client.subscribeToAll({ fromPosition: START, filter: excludeSystemEvents() });
    const a = record(byType);
    const b = record(noSystem);
    await es.client.appendToStream(s, [ev(0, `${tag}-Opened`), ev(1, `${tag}-Renamed`), ev(2, `${tag}-Closed`)]);
    await es.client.setStreamMetadata(s, { maxCount: 10 });
    await waitFor(() => a.events.length >= 2 && b.events.some((e) => e.event!.type === `${tag}-Closed`), 'filtered events');
    await byType.unsubscribe();
    await noSystem.unsubscribe();
    expect(a.events.map(n)).toEqual([0, 2]);
    expect(b.events.every((e) => !e.event!.type.startsWith('$'))).toBe(true);
  });

  it('reports checkpoints at increasing positions while filtering', async () => {
    const prefix = streamName('cp');
    const checkpoints: Position[] = [];
    const sub = es.client.subscribeToAll({
      fromPosition: START,
      filter: streamNameFilter({
        prefixes: [prefix],
        checkpointInterval: 1,
        maxSearchWindow: 3,
        checkpointReached: (_subscription, p) => {
          checkpoints.push(p);
        },
      }),
    });
    const got = record(sub);
    await waitFor(() => got.caughtUp > 0, 'caught up');
    const before = checkpoints.length;
    expect(before).toBeGreaterThan(0);
    const other = streamName('noise');
    const last = await es.client.appendToStream(
      other,
      Array.from({ length: 9 }, (_, i) => ev(i)),
    );
    await waitFor(() => checkpoints.length >= before + 3, 'live checkpoints');
    await sub.unsubscribe();
    for (let i = 1; i < checkpoints.length; i++) expect(checkpoints[i].commit).toBeGreaterThan(checkpoints[i - 1].commit);
    expect(checkpoints[checkpoints.length - 1].commit).toBeLessThanOrEqual(last.position!.commit);
    expect(got.events).toHaveLength(0);
  });
});
