// Durability of the on-disk log: reopen, torn tails (issue 2, point 6). Damage other than a torn
// tail: storage-recovery.test.ts; the data-directory lock: storage-lock.test.ts.
import { randomUUID } from 'node:crypto';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LOG_FILE_NAME, createStore } from '../src/core/store.js';
import type { ProposedEvent, RecordedEvent, Store } from '../src/core/types.js';

function ev(eventId: string = randomUUID(), data: unknown = { n: 1 }, type = 'Happened'): ProposedEvent {
  return { eventId, type, isJson: true, data: Buffer.from(JSON.stringify(data)), metadata: Buffer.from('{"m":1}') };
}

async function collect(it: AsyncIterable<RecordedEvent>): Promise<RecordedEvent[]> {
  const out: RecordedEvent[] = [];
  for await (const e of it) out.push(e);
  return out;
}

const everything = { direction: 'forwards' as const, from: 'start' as const, maxCount: 1_000_000n };

const dirs: string[] = [];
const open: Store[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function freshDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'es-log-'));
  dirs.push(d);
  return d;
}

async function openStore(dataDir: string): Promise<Store> {
  const s = await createStore({ dataDir });
  open.push(s);
  return s;
}

async function closeStore(s: Store): Promise<void> {
  open.splice(open.indexOf(s), 1);
  await s.close();
}

describe('on-disk log', () => {
  it('reopens with every stream, position, metadata, deletion and idempotency intact', async () => {
    const dir = freshDir();
    const s1 = await openStore(dir);
    const ids = [randomUUID(), randomUUID()];
    const first = await s1.append('acc-1', { kind: 'no_stream' }, [ev(ids[0]), ev(ids[1])]);
    await Promise.all(Array.from({ length: 40 }, (_, i) => s1.append(`acc-${i % 5}`, { kind: 'any' }, [ev()])));
    await s1.append('$$acc-2', { kind: 'any' }, [ev(randomUUID(), { $maxCount: 2, owner: 'me' }, '$metadata')]);
    await s1.deleteStream('acc-3', { kind: 'any' });
    await s1.tombstoneStream('acc-4', { kind: 'any' });
    const before = await collect(s1.readAll(everything));
    const states = ['acc-1', 'acc-2', 'acc-3', 'acc-4'].map((s) => s1.streamState(s));
    const lastPosition = s1.lastPosition();
    await closeStore(s1);

    const s2 = await openStore(dir);
    expect(await collect(s2.readAll(everything))).toEqual(before);
    expect(['acc-1', 'acc-2', 'acc-3', 'acc-4'].map((s) => s2.streamState(s))).toEqual(states);
    expect(s2.lastPosition()).toBe(lastPosition);
    expect(s2.getMetadata('acc-2')).toEqual({ maxCount: 2, owner: 'me' });
    expect(s2.streamState('acc-3').softDeleted).toBe(true);
    expect(s2.streamState('acc-4').tombstoned).toBe(true);
    expect((await collect(s2.readStream('acc-2', { direction: 'forwards', from: 'start', maxCount: 100n }))).length).toBe(2);
    // A retry of the first append after a restart is still recognised.
    expect(await s2.append('acc-1', { kind: 'no_stream' }, [ev(ids[0]), ev(ids[1])])).toEqual(first);
    expect(await s2.append('acc-1', { kind: 'any' }, [ev(ids[0]), ev(ids[1])])).toEqual(first);
    // No system events are seeded twice, and new positions keep increasing.
    expect(before.filter((e) => e.streamId === '$settings')).toHaveLength(1);
    const next = await s2.append('acc-1', { kind: 'any' }, [ev()]);
    expect(next.position! > lastPosition).toBe(true);
  });

  it('drops a torn last commit, keeps everything acknowledged before it, and truncates the file', async () => {
    const dir = freshDir();
    const file = join(dir, LOG_FILE_NAME);
    const s1 = await openStore(dir);
    await s1.append('t', { kind: 'any' }, [ev(), ev()]);
    const keptEnd = statSync(file).size;
    const batch = await s1.append('t', { kind: 'any' }, [ev(), ev(), ev()]);
    await closeStore(s1);
    const fullSize = statSync(file).size;
    // Cut the three-event commit inside its last record: the whole commit must go.
    truncateSync(file, Number(batch.position!) + 20);
    expect(statSync(file).size).toBeLessThan(fullSize);

    const s2 = await openStore(dir);
    expect(statSync(file).size).toBe(keptEnd);
    const revs = (await collect(s2.readStream('t', { direction: 'forwards', from: 'start', maxCount: 100n }))).map((e) => e.revision);
    expect(revs).toEqual([0n, 1n]);
    const again = await s2.append('t', { kind: 'exact', revision: 1n }, [ev()]);
    expect(again.currentRevision).toBe(2n);
    await closeStore(s2);

    const s3 = await openStore(dir);
    expect(s3.streamState('t').lastRevision).toBe(2n);
  });

  it('ignores garbage appended after the last commit (e.g. zeroed pages after a crash)', async () => {
    const dir = freshDir();
    const file = join(dir, LOG_FILE_NAME);
    const s1 = await openStore(dir);
    await s1.append('g', { kind: 'any' }, [ev(), ev()]);
    await closeStore(s1);
    const size = statSync(file).size;
    appendFileSync(file, Buffer.alloc(4096));
    const s2 = await openStore(dir);
    expect(s2.streamState('g').lastRevision).toBe(1n);
    expect(statSync(file).size).toBe(size);
  });

  it('handles commits larger than the recovery read chunk', async () => {
    const dir = freshDir();
    const s1 = await openStore(dir);
    // Five commits of ~1 MiB each: the 4 MiB recovery chunk must carry commits across its edges.
    for (let i = 0; i < 5; i++) {
      await s1.append('big', { kind: 'any' }, [
        { eventId: randomUUID(), type: 'Blob', isJson: false, data: new Uint8Array(1_000_000).fill(i), metadata: new Uint8Array() },
      ]);
    }
    await closeStore(s1);
    const s2 = await openStore(dir);
    const read = await collect(s2.readStream('big', { direction: 'backwards', from: 'end', maxCount: 10n }));
    expect(read.map((e) => e.data[999_999])).toEqual([4, 3, 2, 1, 0]);
  });

  it('acknowledges concurrent appends only once they survive a reopen', async () => {
    const dir = freshDir();
    const s1 = await openStore(dir);
    const acks = await Promise.all(Array.from({ length: 200 }, (_, i) => s1.append(`w-${i % 7}`, { kind: 'any' }, [ev()])));
    // The file's bytes while the first store still runs are what a crash would leave; the lock
    // keeps a second store off this directory, so open a copy.
    const copy = freshDir();
    writeFileSync(join(copy, LOG_FILE_NAME), readFileSync(join(dir, LOG_FILE_NAME)));
    const s2 = await openStore(copy);
    const positions = new Set((await collect(s2.readAll(everything))).map((e) => e.position));
    expect(acks.every((a) => positions.has(a.position!))).toBe(true);
  });
});
