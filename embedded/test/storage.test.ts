// Storage core write model and reads (protocol §5, §9, §11, §12), in memory and on disk.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createStore } from '../src/core/store.js';
import {
  MaximumAppendSizeExceededError,
  StreamDeletedError,
  StreamNotFoundError,
  WrongExpectedVersionError,
  BadRequestError,
} from '../src/core/errors.js';
import type { ExpectedRevision, ProposedEvent, ReadAllOptions, RecordedEvent, Store } from '../src/core/types.js';

const any: ExpectedRevision = { kind: 'any' };
const noStream: ExpectedRevision = { kind: 'no_stream' };
const exists: ExpectedRevision = { kind: 'stream_exists' };
const exact = (revision: bigint): ExpectedRevision => ({ kind: 'exact', revision });

function ev(eventId: string = randomUUID(), data: unknown = { n: 1 }, type = 'Happened'): ProposedEvent {
  return { eventId, type, isJson: true, data: Buffer.from(JSON.stringify(data)), metadata: new Uint8Array() };
}

async function collect(it: AsyncIterable<RecordedEvent>): Promise<RecordedEvent[]> {
  const out: RecordedEvent[] = [];
  for await (const e of it) out.push(e);
  return out;
}

const fwd = (from: 'start' | 'end' | bigint = 'start', maxCount = 1000n) => ({ direction: 'forwards' as const, from, maxCount });
const bwd = (from: 'start' | 'end' | bigint = 'end', maxCount = 1000n) => ({ direction: 'backwards' as const, from, maxCount });
const revisions = (events: RecordedEvent[]) => events.map((e) => e.revision);

const dirs: string[] = [];
const stores: Store[] = [];
afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close()));
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const modes = {
  mem: async () => createStore({ mem: true }),
  disk: async () => {
    const dir = mkdtempSync(join(tmpdir(), 'es-storage-'));
    dirs.push(dir);
    return createStore({ dataDir: dir });
  },
};

describe.each(Object.entries(modes))('store (%s)', (_mode, open) => {
  async function store(): Promise<Store> {
    const s = await open();
    stores.push(s);
    return s;
  }

  it('seeds system events in a fresh store, none at position 0', async () => {
    const s = await store();
    const all = await collect(s.readAll(fwd()));
    expect(all.length).toBeGreaterThanOrEqual(2);
    expect(all.every((e) => e.streamId.startsWith('$'))).toBe(true);
    expect(all[0].position).toBeGreaterThan(0n);
    expect(s.lastPosition()).toBe(all[all.length - 1].position);
  });

  it('appends with contiguous revisions and returns the last position, as read back', async () => {
    const s = await store();
    const r = await s.append('s1', noStream, [ev(), ev(), ev()]);
    expect(r.currentRevision).toBe(2n);
    const read = await collect(s.readStream('s1', fwd()));
    expect(revisions(read)).toEqual([0n, 1n, 2n]);
    expect(r.position).toBe(read[2].position);
    expect(read[0].position < read[1].position && read[1].position < read[2].position).toBe(true);
    const r2 = await s.append('s1', exact(2n), [ev()]);
    expect(r2.currentRevision).toBe(3n);
    expect(r2.position! > r.position!).toBe(true);
  });

  it('round-trips type, content flag, data, custom metadata and created ticks', async () => {
    const s = await store();
    const before = BigInt(Date.now()) * 10000n;
    const e: ProposedEvent = {
      eventId: randomUUID(),
      type: 'Bin€',
      isJson: false,
      data: new Uint8Array([0, 1, 255]),
      metadata: Buffer.from('{"m":true}'),
    };
    await s.append('rt', any, [e]);
    const after = BigInt(Date.now() + 1) * 10000n;
    const [r] = await collect(s.readStream('rt', fwd()));
    expect(r).toMatchObject({ eventId: e.eventId, type: 'Bin€', isJson: false, streamId: 'rt', revision: 0n });
    expect([...r.data]).toEqual([0, 1, 255]);
    expect(Buffer.from(r.metadata).toString()).toBe('{"m":true}');
    expect(r.created >= before && r.created <= after).toBe(true);
  });

  it('applies the commit check in ESDB order', async () => {
    const s = await store();
    await expect(s.append('c', exists, [ev()])).rejects.toBeInstanceOf(WrongExpectedVersionError);
    await expect(s.append('c', exact(0n), [ev()])).rejects.toMatchObject({ currentRevision: -1n });
    await s.append('c', noStream, [ev()]);
    await expect(s.append('c', noStream, [ev()])).rejects.toMatchObject({ currentRevision: 0n });
    await expect(s.append('c', exact(5n), [ev()])).rejects.toBeInstanceOf(WrongExpectedVersionError);
    expect((await s.append('c', exists, [ev()])).currentRevision).toBe(1n);
    expect((await s.append('c', any, [ev()])).currentRevision).toBe(2n);
    // metadata-only stream satisfies StreamExists and NoStream
    await s.append('$$m', any, [ev(randomUUID(), { $maxCount: 5 }, '$metadata')]);
    expect((await s.append('m', exists, [])).currentRevision).toBe(-1n);
    expect((await s.append('m', noStream, [ev()])).currentRevision).toBe(0n);
  });

  it('is idempotent by event id and returns the original batch result', async () => {
    const s = await store();
    const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
    const first = await s.append('i', noStream, [ev(a), ev(b)]);
    await s.append('i', any, [ev(c)]);
    const before = s.lastPosition();
    // exact: compare with stored events from N+1
    expect(await s.append('i', noStream, [ev(a), ev(b)])).toEqual(first);
    expect(await s.append('i', noStream, [ev(a)])).toEqual({
      currentRevision: 0n,
      position: (await collect(s.readStream('i', fwd())))[0].position,
    });
    // any: look up by id
    expect(await s.append('i', any, [ev(a), ev(b)])).toEqual(first);
    expect(await s.append('i', exists, [ev(a), ev(b)])).toEqual(first);
    expect(s.lastPosition()).toBe(before);
    // corrupted idempotency
    await expect(s.append('i', any, [ev(a), ev()])).rejects.toBeInstanceOf(WrongExpectedVersionError);
    await expect(s.append('i', noStream, [ev(a), ev()])).rejects.toBeInstanceOf(WrongExpectedVersionError);
    // batch runs past the end
    await expect(s.append('i', exact(1n), [ev(c), ev()])).rejects.toBeInstanceOf(WrongExpectedVersionError);
    // the same id in another stream is a new event
    expect((await s.append('other', any, [ev(a)])).currentRevision).toBe(0n);
    // duplicates inside a fresh batch are all written
    expect((await s.append('dup', any, [ev(c), ev(c)])).currentRevision).toBe(1n);
    expect(s.lastPosition() > before).toBe(true);
  });

  it('handles empty appends', async () => {
    const s = await store();
    expect(await s.append('e', any, [])).toEqual({ currentRevision: -1n });
    await s.append('e', any, [ev()]);
    expect(await s.append('e', exact(0n), [])).toEqual({ currentRevision: 0n });
    await expect(s.append('e', noStream, [])).rejects.toBeInstanceOf(WrongExpectedVersionError);
  });

  it('refuses appends over MaxAppendSize, counting 2 bytes per type character, writing nothing', async () => {
    const s = await store();
    const before = s.lastPosition();
    const big = (n: number, type = 'T'): ProposedEvent => ({
      eventId: randomUUID(),
      type,
      isJson: false,
      data: new Uint8Array(n),
      metadata: new Uint8Array(),
    });
    await expect(s.append('big', any, [big(600_000), big(448_576)])).rejects.toBeInstanceOf(MaximumAppendSizeExceededError);
    expect(s.lastPosition()).toBe(before);
    // exactly the limit: 1,048,574 + 2 * 1
    expect((await s.append('big', any, [big(1_048_574)])).currentRevision).toBe(0n);
    await expect(s.append('big', any, [big(1_048_574, 'TT')])).rejects.toBeInstanceOf(MaximumAppendSizeExceededError);
  });

  it('rejects malformed input without writing', async () => {
    const s = await store();
    const before = s.lastPosition();
    await expect(s.append('', any, [ev()])).rejects.toBeInstanceOf(BadRequestError);
    await expect(s.append('x', any, [ev('not-a-uuid')])).rejects.toBeInstanceOf(BadRequestError);
    await expect(s.append('x', any, [ev('00000000-0000-0000-0000-000000000000')])).rejects.toBeInstanceOf(BadRequestError);
    await expect(s.append('x', any, [ev(randomUUID(), {}, '')])).rejects.toBeInstanceOf(BadRequestError);
    await expect(s.append('x', { kind: 'exact', revision: -3n }, [ev()])).rejects.toBeInstanceOf(BadRequestError);
    await expect(s.append('x', { kind: 'nope' } as unknown as ExpectedRevision, [ev()])).rejects.toBeInstanceOf(BadRequestError);
    expect(s.lastPosition()).toBe(before);
  });

  it('reads streams forwards and backwards with maxCount and reports missing streams', async () => {
    const s = await store();
    await s.append('r', any, [ev(), ev(), ev(), ev(), ev()]);
    expect(revisions(await collect(s.readStream('r', fwd(1n, 2n))))).toEqual([1n, 2n]);
    expect(revisions(await collect(s.readStream('r', fwd(9n))))).toEqual([]);
    expect(revisions(await collect(s.readStream('r', fwd('end'))))).toEqual([]);
    expect(revisions(await collect(s.readStream('r', bwd(1n))))).toEqual([1n, 0n]);
    expect(revisions(await collect(s.readStream('r', bwd('end', 2n))))).toEqual([4n, 3n]);
    expect(revisions(await collect(s.readStream('r', bwd(99n, 1n))))).toEqual([4n]);
    await expect(collect(s.readStream('missing', fwd()))).rejects.toBeInstanceOf(StreamNotFoundError);
  });

  it('honours $maxCount, $tb and $maxAge on stream reads only', async () => {
    const s = await store();
    await s.append('t', any, [ev(), ev(), ev(), ev(), ev()]);
    await s.append('$$t', any, [ev(randomUUID(), { $maxCount: 3 }, '$metadata')]);
    expect(revisions(await collect(s.readStream('t', fwd())))).toEqual([2n, 3n, 4n]);
    expect(revisions(await collect(s.readStream('t', bwd())))).toEqual([4n, 3n, 2n]);
    await s.append('$$t', any, [ev(randomUUID(), { $tb: 4, custom: 'x' }, '$metadata')]);
    expect(revisions(await collect(s.readStream('t', fwd())))).toEqual([4n]);
    expect(s.getMetadata('t')).toEqual({ truncateBefore: 4n, custom: 'x' });
    // metastreams have an implicit $maxCount of 1
    expect(revisions(await collect(s.readStream('$$t', fwd())))).toEqual([1n]);
    await s.append('$$t', any, [ev(randomUUID(), { $tb: 100 }, '$metadata')]);
    expect(await collect(s.readStream('t', fwd()))).toEqual([]);
    await s.append('$$t', any, [ev(randomUUID(), { $maxAge: 1 }, '$metadata')]);
    expect(revisions(await collect(s.readStream('t', fwd())))).toHaveLength(5);
    // $all ignores all of it
    const inAll = (await collect(s.readAll(fwd()))).filter((e) => e.streamId === 't');
    expect(inAll).toHaveLength(5);
  });

  it('hides events older than $maxAge', async () => {
    const s = await store();
    await s.append('age', any, [ev()]);
    await s.append('$$age', any, [ev(randomUUID(), { $maxAge: 1 }, '$metadata')]);
    const deadline = Date.now() + 10_000;
    let visible = 1;
    while (visible > 0 && Date.now() < deadline) {
      visible = (await collect(s.readStream('age', fwd()))).length;
      if (visible > 0) await new Promise((r) => setTimeout(r, 100));
    }
    expect(visible).toBe(0);
    await s.append('age', any, [ev()]);
    expect(revisions(await collect(s.readStream('age', fwd())))).toEqual([1n]);
  });

  it('soft-deletes, re-creates with continued numbering, and keeps events in $all', async () => {
    const s = await store();
    await expect(s.deleteStream('never', any)).rejects.toMatchObject({ currentRevision: -1n });
    await s.append('d', any, [ev(), ev()]);
    await expect(s.deleteStream('d', noStream)).rejects.toBeInstanceOf(WrongExpectedVersionError);
    await expect(s.deleteStream('d', exact(0n))).rejects.toBeInstanceOf(WrongExpectedVersionError);
    await s.append('$$d', any, [ev(randomUUID(), { $maxCount: 10, custom: 1 }, '$metadata')]);
    const del = await s.deleteStream('d', exact(1n));
    expect(s.streamState('d')).toMatchObject({ softDeleted: true, tombstoned: false, lastRevision: 1n });
    await expect(collect(s.readStream('d', fwd()))).rejects.toBeInstanceOf(StreamNotFoundError);
    const [meta] = await collect(s.readStream('$$d', bwd('end', 1n)));
    expect(Buffer.from(meta.data).toString()).toBe('{"$tb":9223372036854775807}');
    expect(meta.position).toBe(del.position);
    await expect(s.append('d', exists, [ev()])).rejects.toBeInstanceOf(StreamDeletedError);
    // re-creation with NoStream continues numbering
    const r = await s.append('d', noStream, [ev()]);
    expect(r.currentRevision).toBe(2n);
    expect(revisions(await collect(s.readStream('d', fwd())))).toEqual([2n]);
    expect(s.getMetadata('d')).toEqual({ truncateBefore: 2n });
    expect((await collect(s.readAll(fwd()))).filter((e) => e.streamId === 'd')).toHaveLength(3);
    // soft delete then undelete through a metadata write
    await s.deleteStream('d', any);
    await s.append('$$d', any, [ev(randomUUID(), { custom: 2 }, '$metadata')]);
    expect(s.getMetadata('d')).toEqual({ custom: 2, truncateBefore: 3n });
    expect(s.streamState('d').softDeleted).toBe(false);
    expect(await collect(s.readStream('d', fwd()))).toEqual([]);
  });

  it('tombstones permanently', async () => {
    const s = await store();
    await s.tombstoneStream('never-written', noStream);
    await s.append('h', any, [ev()]);
    await expect(s.tombstoneStream('h', exact(5n))).rejects.toBeInstanceOf(WrongExpectedVersionError);
    const t = await s.tombstoneStream('h', exact(0n));
    const last = (await collect(s.readAll(bwd('end', 1n))))[0];
    expect(last).toMatchObject({ streamId: 'h', type: '$streamDeleted', revision: 9223372036854775807n, position: t.position });
    expect(s.streamState('h').tombstoned).toBe(true);
    await expect(collect(s.readStream('h', fwd()))).rejects.toBeInstanceOf(StreamDeletedError);
    await expect(collect(s.readStream('$$h', fwd()))).rejects.toBeInstanceOf(StreamDeletedError);
    await expect(s.append('h', any, [ev()])).rejects.toBeInstanceOf(StreamDeletedError);
    await expect(s.append('$$h', any, [ev()])).rejects.toBeInstanceOf(StreamDeletedError);
    await expect(s.deleteStream('h', any)).rejects.toBeInstanceOf(StreamDeletedError);
    await expect(s.tombstoneStream('h', any)).rejects.toBeInstanceOf(StreamDeletedError);
  });

  it('reads $all from start, end and positions (forwards inclusive, backwards exclusive)', async () => {
    const s = await store();
    for (let i = 0; i < 20; i++) await s.append(`all-${i % 3}`, any, [ev(), ev()]);
    const all = await collect(s.readAll(fwd()));
    const positions = all.map((e) => e.position);
    expect([...positions].sort((a, b) => (a < b ? -1 : 1))).toEqual(positions);
    expect(new Set(positions).size).toBe(positions.length);
    const created = all.map((e) => e.created);
    expect(created.every((c, i) => i === 0 || c >= created[i - 1])).toBe(true);
    const back = await collect(s.readAll(bwd()));
    expect(back.map((e) => e.position)).toEqual([...positions].reverse());
    const p = positions[10];
    expect((await collect(s.readAll(fwd(p, 3n)))).map((e) => e.position)).toEqual(positions.slice(10, 13));
    expect((await collect(s.readAll(bwd(p, 3n)))).map((e) => e.position)).toEqual(positions.slice(7, 10).reverse());
    expect(await collect(s.readAll(fwd('end')))).toEqual([]);
    expect(await collect(s.readAll(bwd('start')))).toEqual([]);
    expect(await collect(s.readAll(fwd(2n ** 62n)))).toEqual([]);
    expect((await collect(s.readAll(bwd(2n ** 62n, 1n))))[0].position).toBe(positions.at(-1));
    const opts = { direction: 'forwards', from: -1n, maxCount: 1n } as ReadAllOptions;
    await expect(collect(s.readAll(opts))).rejects.toBeInstanceOf(BadRequestError);
  });

  it('gives exactly one winner per revision among concurrent appenders', async () => {
    const s = await store();
    await s.append('race', noStream, [ev()]);
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => s.append('race', exact(0n), [ev()])));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(
      results.filter((r) => r.status === 'rejected').every((r) => (r as PromiseRejectedResult).reason instanceof WrongExpectedVersionError),
    ).toBe(true);
    const settled = await Promise.all(Array.from({ length: 30 }, () => s.append('race2', any, [ev()])));
    expect(settled.map((r) => r.currentRevision).sort((a, b) => Number(a - b))).toEqual(Array.from({ length: 30 }, (_, i) => BigInt(i)));
  });

  it('notifies commits in order after they are readable', async () => {
    const s = await store();
    const seen: RecordedEvent[] = [];
    let readableInListener = true;
    const off = s.onCommit((records) => {
      seen.push(...records);
      if (s.lastPosition() !== records[records.length - 1].position) readableInListener = false;
    });
    await Promise.all(Array.from({ length: 25 }, (_, i) => s.append(`n-${i % 4}`, any, [ev(), ev()])));
    await s.deleteStream('n-0', any);
    off();
    await s.append('n-1', any, [ev()]);
    expect(readableInListener).toBe(true);
    expect(seen).toHaveLength(51);
    const positions = seen.map((e) => e.position);
    expect([...positions].sort((a, b) => (a < b ? -1 : 1))).toEqual(positions);
    const fromAll = (await collect(s.readAll(fwd(positions[0])))).slice(0, 51);
    expect(fromAll.map((e) => e.position)).toEqual(positions);
  });
});
