// Soft delete, tombstone and stream metadata (truncateBefore, maxCount, maxAge) via the client.
import { describe, expect, it } from 'vitest';
import { expecting, lib, versionsOf } from './client.js';
import { collect, streamName, useEventStore } from './support.js';

const { jsonEvent, StreamDeletedError, StreamNotFoundError, WrongExpectedVersionError, NO_STREAM, ANY } = lib;

const es = useEventStore();
const ev = (n: number) => jsonEvent({ type: 'Numbered', data: { n } });
const revisions = (events: Array<{ event?: { revision: bigint } }>) => events.map((e) => e.event!.revision);

describe('deleteStream (soft)', () => {
  it('hides the stream, keeps numbering on re-creation, and leaves events in $all', async () => {
    const s = streamName('soft');
    const appended = await es.client.appendToStream(s, [ev(0), ev(1)]);
    const { position } = await es.client.deleteStream(s, { expectedRevision: 1n });
    expect(position!.commit).toBeGreaterThan(appended.position!.commit);
    await expect(collect(es.client.readStream(s))).rejects.toBeInstanceOf(StreamNotFoundError);
    const inAll = (await collect(es.client.readAll())).filter((e) => e.event!.streamId === s);
    expect(inAll).toHaveLength(2);

    const recreated = await es.client.appendToStream(s, ev(2), { ...expecting(NO_STREAM) });
    expect(recreated.nextExpectedRevision).toBe(2n);
    expect(revisions(await collect(es.client.readStream(s)))).toEqual([2n]);
  });

  it('fails with WrongExpectedVersionError on a never-written stream, even with any', async () => {
    const s = streamName('never');
    const err = await es.client.deleteStream(s, { expectedRevision: ANY }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WrongExpectedVersionError);
    expect(versionsOf(err).expected).toBe(-2n);
    expect(versionsOf(err).actual).toBe(-1n);
  });

  it('checks the expected revision', async () => {
    const s = streamName('soft');
    await es.client.appendToStream(s, [ev(0), ev(1)]);
    const err = await es.client.deleteStream(s, { expectedRevision: 0n }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WrongExpectedVersionError);
    expect(versionsOf(err).expected).toBe(0n);
    expect(versionsOf(err).actual).toBe(1n);
    expect(await collect(es.client.readStream(s))).toHaveLength(2);
  });
});

describe('tombstoneStream (hard)', () => {
  it('makes the stream permanently deleted for reads, appends, deletes and metadata', async () => {
    const s = streamName('hard');
    await es.client.appendToStream(s, [ev(0)]);
    const { position } = await es.client.tombstoneStream(s);
    expect(position!.commit).toBeGreaterThan(0n);
    await expect(collect(es.client.readStream(s))).rejects.toBeInstanceOf(StreamDeletedError);
    await expect(es.client.appendToStream(s, ev(1))).rejects.toBeInstanceOf(StreamDeletedError);
    await expect(es.client.appendToStream(s, ev(1), { ...expecting(NO_STREAM) })).rejects.toBeInstanceOf(StreamDeletedError);
    await expect(es.client.deleteStream(s)).rejects.toBeInstanceOf(StreamDeletedError);
    await expect(es.client.tombstoneStream(s)).rejects.toBeInstanceOf(StreamDeletedError);
    await expect(es.client.getStreamMetadata(s)).rejects.toBeInstanceOf(StreamDeletedError);
    await expect(es.client.setStreamMetadata(s, { maxCount: 1 })).rejects.toBeInstanceOf(StreamDeletedError);
    const deletedError = (await collect(es.client.readStream(s)).catch((e: unknown) => e)) as InstanceType<typeof StreamDeletedError>;
    expect(deletedError.streamName).toBe(s);
    // the tombstone record is visible in $all
    const tomb = (await collect(es.client.readAll())).filter((e) => e.event!.streamId === s && e.event!.type === '$streamDeleted');
    expect(tomb).toHaveLength(1);
  });

  it('can tombstone a stream that never existed', async () => {
    const s = streamName('hard-new');
    await es.client.tombstoneStream(s, { expectedRevision: NO_STREAM });
    await expect(es.client.appendToStream(s, ev(0))).rejects.toBeInstanceOf(StreamDeletedError);
  });
});

describe('stream metadata', () => {
  it('round-trips metadata including custom keys and returns the metastream revision', async () => {
    const s = streamName('meta');
    expect(await es.client.getStreamMetadata(s)).toEqual({ streamName: s });
    await es.client.setStreamMetadata(s, { maxCount: 10, maxAge: 3600, cacheControl: 5, custom: { nested: [1, 2] } } as never);
    const got = await es.client.getStreamMetadata(s);
    expect(got.metadata).toEqual({ maxCount: 10, maxAge: 3600, cacheControl: 5, custom: { nested: [1, 2] } });
    expect(got.metastreamRevision).toBeGreaterThan(0n);
    // metadata writes use the metastream's expected revision
    await es.client.setStreamMetadata(s, { maxCount: 3 }, expecting(0n));
    await expect(es.client.setStreamMetadata(s, { maxCount: 4 }, expecting(0n))).rejects.toBeInstanceOf(WrongExpectedVersionError);
  });

  it('honours truncateBefore on stream reads but not on $all', async () => {
    const s = streamName('tb');
    await es.client.appendToStream(
      s,
      Array.from({ length: 5 }, (_, i) => ev(i)),
    );
    await es.client.setStreamMetadata(s, { truncateBefore: 3 });
    expect(revisions(await collect(es.client.readStream(s)))).toEqual([3n, 4n]);
    expect(revisions(await collect(es.client.readStream(s, { direction: 'backwards', fromRevision: 'end' })))).toEqual([4n, 3n]);
    const inAll = (await collect(es.client.readAll())).filter((e) => e.event!.streamId === s);
    expect(inAll).toHaveLength(5);
  });

  it('honours maxCount on stream reads', async () => {
    const s = streamName('mc');
    await es.client.setStreamMetadata(s, { maxCount: 2 });
    await es.client.appendToStream(
      s,
      Array.from({ length: 5 }, (_, i) => ev(i)),
    );
    expect(revisions(await collect(es.client.readStream(s)))).toEqual([3n, 4n]);
  });

  it('honours maxAge on stream reads', async () => {
    const s = streamName('ma');
    await es.client.appendToStream(s, [ev(0), ev(1)]);
    await es.client.setStreamMetadata(s, { maxAge: 1 });
    // wait (with a deadline) until the events are older than a second, then they are hidden
    const deadline = Date.now() + 10_000;
    let visible = 2;
    while (visible > 0 && Date.now() < deadline) {
      visible = (await collect(es.client.readStream(s))).length;
      if (visible > 0) await new Promise((r) => setTimeout(r, 100));
    }
    expect(visible).toBe(0);
    await es.client.appendToStream(s, ev(2));
    expect(revisions(await collect(es.client.readStream(s)))).toEqual([2n]);
  });
});
