// Stream and $all reads through the official client.
import { describe, expect, it } from 'vitest';
import { clientName, lib } from './client.js';
import { collect, streamName, useEventStore } from './support.js';

const { BACKWARDS, END, FORWARDS, START, StreamNotFoundError, jsonEvent, binaryEvent } = lib;

const es = useEventStore();
const ev = (n: number) => jsonEvent({ type: 'Numbered', data: { n } });
const numbers = (events: Array<{ event?: { data: unknown } }>) => events.map((e) => (e.event!.data as { n: number }).n);

describe('readStream', () => {
  it('reads forwards, backwards, from a revision and with maxCount', async () => {
    const s = streamName();
    await es.client.appendToStream(
      s,
      Array.from({ length: 10 }, (_, i) => ev(i)),
    );
    expect(numbers(await collect(es.client.readStream(s)))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(numbers(await collect(es.client.readStream(s, { fromRevision: 4n, maxCount: 3 })))).toEqual([4, 5, 6]);
    expect(numbers(await collect(es.client.readStream(s, { direction: BACKWARDS, fromRevision: END, maxCount: 2 })))).toEqual([9, 8]);
    expect(numbers(await collect(es.client.readStream(s, { direction: BACKWARDS, fromRevision: 1n })))).toEqual([1, 0]);
    expect(numbers(await collect(es.client.readStream(s, { direction: BACKWARDS, fromRevision: 100n, maxCount: 1 })))).toEqual([9]);
    expect(await collect(es.client.readStream(s, { fromRevision: 10n }))).toEqual([]);
    // The kurrent client's reads go through its Rust bridge, which asks for this one backwards (seen on
    // the wire: read_direction Backwards from `end`), so the server answers that question.
    const forwardsFromEnd = numbers(await collect(es.client.readStream(s, { direction: FORWARDS, fromRevision: END })));
    expect(forwardsFromEnd).toEqual(clientName === 'kurrent' ? [9, 8, 7, 6, 5, 4, 3, 2, 1, 0] : []);
    expect(numbers(await collect(es.client.readStream(s, { direction: FORWARDS, fromRevision: START, maxCount: 1 })))).toEqual([0]);
  });

  it('throws StreamNotFoundError for a stream never written', async () => {
    const err = await collect(es.client.readStream(streamName('missing'))).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StreamNotFoundError);
  });

  it('round-trips ids, types, created, content types and custom metadata exactly', async () => {
    const s = streamName();
    // the kurrent client's Rust bridge reports `created` to the whole second
    const before = clientName === 'kurrent' ? Math.floor(Date.now() / 1000) * 1000 : Date.now();
    const json = jsonEvent({
      id: 'A1B2C3D4-E5F6-4711-8899-AABBCCDDEEFF'.toLowerCase(),
      type: 'Deposited',
      data: { amount: 12.5, note: 'ünïcødé' },
      metadata: { $correlationId: 'c-1', user: 'u' },
    });
    const bin = binaryEvent({ type: 'Blob', data: new Uint8Array([1, 2, 3]), metadata: new Uint8Array([4, 5]) });
    await es.client.appendToStream(s, [json, bin]);
    const after = Date.now();
    const [a, b] = await collect(es.client.readStream(s));
    expect(a.event!.id).toBe(json.id);
    expect(a.event!.type).toBe('Deposited');
    expect(a.event!.isJson).toBe(true);
    expect(a.event!.data).toEqual({ amount: 12.5, note: 'ünïcødé' });
    expect(a.event!.metadata).toEqual({ $correlationId: 'c-1', user: 'u' });
    expect(a.event!.streamId).toBe(s);
    expect(a.event!.created.getTime()).toBeGreaterThanOrEqual(before);
    expect(a.event!.created.getTime()).toBeLessThanOrEqual(after);
    expect(b.event!.isJson).toBe(false);
    expect(b.event!.type).toBe('Blob');
    expect(Array.from(b.event!.data as Uint8Array)).toEqual([1, 2, 3]);
    expect(Array.from(b.event!.metadata as Uint8Array)).toEqual([4, 5]);
    expect(a.event!.created).toEqual(b.event!.created);
  });
});

describe('readAll', () => {
  it('returns seeded system records first and never a (0, 0) position', async () => {
    const [first] = await collect(es.client.readAll({ maxCount: 1 }));
    expect(first.event!.streamId.startsWith('$')).toBe(true);
    expect(first.event!.position!.commit).toBeGreaterThan(0n);
  });

  it('reads in commit order forwards and backwards, from a position', async () => {
    const s = streamName('all');
    const t = streamName('all');
    await es.client.appendToStream(s, [ev(0), ev(1)]);
    await es.client.appendToStream(t, [ev(2)]);
    await es.client.appendToStream(s, [ev(3)]);
    const forwards = await collect(es.client.readAll());
    const mine = forwards.filter((e) => e.event!.streamId === s || e.event!.streamId === t);
    expect(numbers(mine)).toEqual([0, 1, 2, 3]);
    const positions = forwards.map((e) => e.event!.position!.commit);
    for (let i = 1; i < positions.length; i++) expect(positions[i]).toBeGreaterThan(positions[i - 1]);
    for (const e of forwards) expect(e.event!.position!.prepare).toBe(e.event!.position!.commit);

    const backwards = await collect(es.client.readAll({ direction: BACKWARDS, fromPosition: END }));
    expect(backwards.map((e) => e.event!.position!.commit)).toEqual([...positions].reverse());

    // forwards from an event's own position includes it; backwards from it excludes it
    const pivot = mine[2].event!.position!;
    const fromPivot = await collect(es.client.readAll({ fromPosition: pivot, maxCount: 2 }));
    expect(numbers(fromPivot)).toEqual([2, 3]);
    const beforePivot = await collect(es.client.readAll({ direction: BACKWARDS, fromPosition: pivot, maxCount: 2 }));
    expect(numbers(beforePivot)).toEqual([1, 0]);
  });

  it('never shows a reader half of an append while writers are committing', async () => {
    const tag = streamName('atomic');
    const batches = 40;
    let writing = true;
    const writers = (async () => {
      await Promise.all(
        Array.from({ length: 8 }, async (_, w) => {
          for (let b = w; b < batches; b += 8) {
            await es.client.appendToStream(
              `${tag}-${b}`,
              Array.from({ length: 5 }, (_, i) => ev(i)),
            );
          }
        }),
      );
      writing = false;
    })();
    let snapshots = 0;
    while (writing || snapshots === 0) {
      const events = (await collect(es.client.readAll())).filter((e) => e.event!.streamId.startsWith(tag));
      // each batch appears whole and contiguous in $all, or not at all
      const byStream = new Map<string, number[]>();
      events.forEach((e, index) => byStream.set(e.event!.streamId, [...(byStream.get(e.event!.streamId) ?? []), index]));
      for (const indexes of byStream.values()) {
        expect(indexes).toHaveLength(5);
        expect(indexes[4] - indexes[0]).toBe(4);
      }
      snapshots++;
    }
    await writers;
    expect(snapshots).toBeGreaterThan(0);
  });

  it('resolves links when asked to', async () => {
    const target = streamName('target');
    const links = streamName('links');
    await es.client.appendToStream(target, [ev(0), ev(1)]);
    await es.client.appendToStream(links, binaryEvent({ type: '$>', data: Buffer.from(`1@${target}`) }));
    const [unresolved] = await collect(es.client.readStream(links));
    expect(unresolved.event!.type).toBe('$>');
    expect(unresolved.link).toBeUndefined();
    const [resolved] = await collect(es.client.readStream(links, { resolveLinkTos: true }));
    expect(resolved.event!.streamId).toBe(target);
    expect(resolved.event!.revision).toBe(1n);
    expect(resolved.link!.streamId).toBe(links);
    expect(resolved.link!.type).toBe('$>');
  });
});
