// Appends through both RPCs: BatchAppend (client default) and Append (forced with per-call credentials).
import { describe, expect, it } from 'vitest';
import { type AppendExpectedRevision } from '@eventstore/db-client';
import { connect, expecting, lib, versionsOf } from './client.js';
import { collect, FORCE_APPEND, streamName, useEventStore } from './support.js';

const { jsonEvent, binaryEvent, WrongExpectedVersionError, MaxAppendSizeExceededError, StreamDeletedError, ANY, NO_STREAM, STREAM_EXISTS } =
  lib;

const es = useEventStore();
const ev = (n: number) => jsonEvent({ type: 'Numbered', data: { n } });

const paths = [
  { name: 'BatchAppend', extra: {} },
  { name: 'Append', extra: FORCE_APPEND },
] as const;

async function expectWrongVersion(p: Promise<unknown>, expected: AppendExpectedRevision, actual: bigint | 'no_stream') {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WrongExpectedVersionError);
  const w = versionsOf(err);
  expect(w.expected).toEqual(expected);
  expect(w.actual).toEqual(actual);
}

describe.each(paths)('appendToStream via $name', ({ extra }) => {
  it('honours no_stream, exact, any and stream_exists', async () => {
    const s = streamName();
    const first = await es.client.appendToStream(s, [ev(0), ev(1)], { ...expecting(NO_STREAM), ...extra });
    expect(first.success).toBe(true);
    expect(first.nextExpectedRevision).toBe(1n);
    expect(first.position!.commit).toBeGreaterThan(0n);
    expect(first.position!.commit).toBe(first.position!.prepare);

    const second = await es.client.appendToStream(s, ev(2), { ...expecting(1n), ...extra });
    expect(second.nextExpectedRevision).toBe(2n);
    expect(second.position!.commit).toBeGreaterThan(first.position!.commit);

    expect((await es.client.appendToStream(s, ev(3), { ...expecting(ANY), ...extra })).nextExpectedRevision).toBe(3n);
    expect((await es.client.appendToStream(s, ev(4), { ...expecting(STREAM_EXISTS), ...extra })).nextExpectedRevision).toBe(4n);

    const events = await collect(es.client.readStream(s));
    expect(events.map((e) => (e.event!.data as { n: number }).n)).toEqual([0, 1, 2, 3, 4]);
    // the position an append reports is exactly where the last event reads back
    expect(events[1].event!.position).toEqual(first.position);
  });

  it('reports WrongExpectedVersionError with the current revision', async () => {
    const s = streamName();
    await expectWrongVersion(es.client.appendToStream(s, ev(0), { ...expecting(0n), ...extra }), 0n, 'no_stream');
    await expectWrongVersion(es.client.appendToStream(s, ev(0), { ...expecting(STREAM_EXISTS), ...extra }), STREAM_EXISTS, 'no_stream');
    await es.client.appendToStream(s, [ev(0), ev(1), ev(2)], { ...extra });
    await expectWrongVersion(es.client.appendToStream(s, ev(3), { ...expecting(NO_STREAM), ...extra }), NO_STREAM, 2n);
    await expectWrongVersion(es.client.appendToStream(s, ev(3), { ...expecting(5n), ...extra }), 5n, 2n);
    await expectWrongVersion(es.client.appendToStream(s, ev(3), { ...expecting(1n), ...extra }), 1n, 2n);
    expect(await collect(es.client.readStream(s))).toHaveLength(3);
  });

  it('resolves instead of throwing when throwOnAppendFailure is off', async () => {
    const lenient = connect(`${es.server.connectionString}&throwOnAppendFailure=false`);
    try {
      const s = streamName();
      await lenient.appendToStream(s, ev(0), { ...extra });
      const r = await lenient.appendToStream(s, ev(1), { ...expecting(NO_STREAM), ...extra });
      expect(r.success).toBe(false);
      expect(await collect(es.client.readStream(s))).toHaveLength(1);
    } finally {
      await lenient.dispose();
    }
  });

  it('treats a retried append with the same event ids as idempotent', async () => {
    const s = streamName();
    const batch = [ev(0), ev(1)];
    const original = await es.client.appendToStream(s, batch, { ...expecting(NO_STREAM), ...extra });
    await es.client.appendToStream(s, ev(2), { ...extra });
    const retryExact = await es.client.appendToStream(s, batch, { ...expecting(NO_STREAM), ...extra });
    const retryAny = await es.client.appendToStream(s, batch, { ...expecting(ANY), ...extra });
    for (const r of [retryExact, retryAny]) {
      expect(r.nextExpectedRevision).toBe(original.nextExpectedRevision);
      expect(r.position).toEqual(original.position);
    }
    expect(await collect(es.client.readStream(s))).toHaveLength(3);
  });

  it('refuses an append over the maximum size and writes nothing', async () => {
    const s = streamName();
    await es.client.appendToStream(s, ev(0), { ...extra });
    const big = (i: number) => binaryEvent({ type: 'Big', data: new Uint8Array(300 * 1024).fill(i) });
    const err = await es.client.appendToStream(s, [big(1), big(2), big(3), big(4)], { ...extra }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MaxAppendSizeExceededError);
    expect((err as InstanceType<typeof MaxAppendSizeExceededError>).maxAppendSize).toBe(1_048_576);
    expect(await collect(es.client.readStream(s))).toHaveLength(1);
    // just under the limit is fine
    const ok = await es.client.appendToStream(s, [big(1), big(2), big(3)], { ...extra });
    expect(ok.nextExpectedRevision).toBe(3n);
  });

  it('writes binary data, custom metadata and an empty append', async () => {
    const s = streamName();
    const empty = await es.client.appendToStream(s, [], { ...expecting(NO_STREAM), ...extra });
    expect(empty.success).toBe(true);
    const data = new Uint8Array([0, 1, 2, 255]);
    const metadata = new Uint8Array([9, 8, 7]);
    await es.client.appendToStream(s, binaryEvent({ type: 'Bin', data, metadata }), { ...extra });
    const [read] = await collect(es.client.readStream(s));
    expect(read.event!.isJson).toBe(false);
    expect(Buffer.from(read.event!.data as Uint8Array)).toEqual(Buffer.from(data));
    expect(Buffer.from(read.event!.metadata as Uint8Array)).toEqual(Buffer.from(metadata));
  });

  it('refuses appends to a tombstoned stream', async () => {
    const s = streamName();
    await es.client.appendToStream(s, ev(0), { ...extra });
    await es.client.tombstoneStream(s);
    await expect(es.client.appendToStream(s, ev(1), { ...extra })).rejects.toBeInstanceOf(StreamDeletedError);
  });
});

describe('BatchAppend chunking', () => {
  it('reassembles an append the client splits into many chunks', async () => {
    const s = streamName('chunks');
    const events = Array.from({ length: 50 }, (_, i) => jsonEvent({ type: 'Chunked', data: { i, pad: 'x'.repeat(200) } }));
    const r = await es.client.appendToStream(s, events, { ...expecting(NO_STREAM), batchAppendSize: 1024 });
    expect(r.nextExpectedRevision).toBe(49n);
    const read = await collect(es.client.readStream(s));
    expect(read.map((e) => e.event!.id)).toEqual(events.map((e) => e.id));
  });

  it('refuses an oversized multi-chunk append at once and ignores its remaining chunks', async () => {
    const s = streamName('chunks-big');
    const big = (i: number) => binaryEvent({ type: 'Big', data: new Uint8Array(900 * 1024).fill(i) });
    const err = await es.client.appendToStream(s, [big(1), big(2), big(3), big(4)]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MaxAppendSizeExceededError);
    // the shared BatchAppend call is still healthy
    expect((await es.client.appendToStream(s, ev(0), { ...expecting(NO_STREAM) })).nextExpectedRevision).toBe(0n);
    expect(await collect(es.client.readStream(s))).toHaveLength(1);
  });
});

describe('optimistic concurrency', () => {
  it.each(paths)('lets exactly one of many concurrent appenders win each revision ($name)', async ({ extra }) => {
    const s = streamName('race');
    await es.client.appendToStream(s, ev(-1), { ...expecting(NO_STREAM) });
    const writers = 20;
    const rounds = 5;
    for (let round = 0; round < rounds; round++) {
      const expected = BigInt(round);
      const results = await Promise.allSettled(
        Array.from({ length: writers }, (_, w) =>
          es.client.appendToStream(s, jsonEvent({ type: 'Raced', data: { round, w } }), { ...expecting(expected), ...extra }),
        ),
      );
      const won = results.filter((r) => r.status === 'fulfilled');
      const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(writers - 1);
      for (const l of lost) {
        expect(l.reason).toBeInstanceOf(WrongExpectedVersionError);
        expect(versionsOf(l.reason).actual).toBe(expected + 1n);
      }
    }
    const events = await collect(es.client.readStream(s));
    expect(events.map((e) => e.event!.revision)).toEqual(Array.from({ length: rounds + 1 }, (_, i) => BigInt(i)));
  });

  it('serialises many concurrent appends with expectedRevision any into contiguous revisions', async () => {
    const s = streamName('many');
    const results = await Promise.all(Array.from({ length: 100 }, (_, i) => es.client.appendToStream(s, ev(i))));
    const revisions = results.map((r) => r.nextExpectedRevision).sort((a, b) => (a < b ? -1 : 1));
    expect(revisions).toEqual(Array.from({ length: 100 }, (_, i) => BigInt(i)));
    const events = await collect(es.client.readStream(s));
    const positions = events.map((e) => e.event!.position!.commit);
    expect([...positions].sort((a, b) => (a < b ? -1 : 1))).toEqual(positions);
  });
});
