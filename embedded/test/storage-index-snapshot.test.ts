// The saved index (index.snapshot): a start uses it only when it is whole and was taken from this
// very log, then reads just the log after it; a damaged, stale or foreign snapshot is rebuilt from
// the log, and what the store answers is the same either way.
import { randomUUID } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LOG_FILE_NAME, createStore } from '../src/core/store.js';
import type { ProposedEvent, RecordedEvent, Store } from '../src/core/types.js';
import { INDEX_FILE_NAME } from '../src/storage/index-file.js';
import { LogCorruptError } from '../src/storage/log.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

let warnings: string[] = [];
beforeEach(() => {
  warnings = [];
  vi.spyOn(console, 'warn').mockImplementation((...args: unknown[]) => void warnings.push(args.join(' ')));
});
afterEach(() => vi.restoreAllMocks());

async function waitForFile(file: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!existsSync(file)) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${file}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function freshDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'es-snapshot-'));
  dirs.push(d);
  return d;
}

const ev = (data: unknown = { n: 1 }, eventId: string = randomUUID()): ProposedEvent => ({
  eventId,
  type: 'Happened',
  isJson: true,
  data: Buffer.from(JSON.stringify(data)),
  metadata: Buffer.from('{"m":1}'),
});
const meta = (value: unknown): ProposedEvent => ({ ...ev(value), type: '$metadata' });

async function collect(it: AsyncIterable<RecordedEvent>): Promise<RecordedEvent[]> {
  const out: RecordedEvent[] = [];
  for await (const e of it) out.push(e);
  return out;
}

const STREAMS = ['single', 'many', 'trimmed', 'soft-deleted', 'recreated', 'tombstoned', 'meta-only', '$$many', 'missing'];

/** Everything a reader or writer can observe, as plain data. */
async function observe(s: Store): Promise<unknown> {
  const streams: Record<string, unknown> = {};
  for (const name of STREAMS) {
    const state = s.streamState(name);
    let events: unknown;
    try {
      events = (await collect(s.readStream(name, { direction: 'forwards', from: 'start', maxCount: 1000n }))).map((e) => [
        e.revision,
        e.eventId,
        e.position,
      ]);
    } catch (err) {
      events = (err as Error).constructor.name;
    }
    streams[name] = { state, metadata: s.getMetadata(name), events };
  }
  const all = (await collect(s.readAll({ direction: 'forwards', from: 'start', maxCount: 100_000n }))).map((e) => [
    e.position,
    e.streamId,
    e.revision,
    e.eventId,
  ]);
  return { streams, all, last: s.lastPosition() };
}

interface Built {
  dir: string;
  retryId: string;
  retryResult: { currentRevision: bigint; position?: bigint };
}

/** A store with every kind of index entry, closed cleanly (which saves the snapshot). */
async function build(): Promise<Built> {
  const dir = freshDir();
  const s = await createStore({ dataDir: dir });
  await s.append('single', { kind: 'no_stream' }, [ev({ one: true })]);
  const retryId: string = randomUUID();
  const retryResult = await s.append('many', { kind: 'any' }, [ev({ a: 0 }), ev({ a: 1 }, retryId)]);
  await s.append('many', { kind: 'exact', revision: 1n }, [ev({ a: 2 })]);
  await s.append('$$many', { kind: 'any' }, [meta({ $maxCount: 2, custom: 'x' })]);
  await s.append('trimmed', { kind: 'any' }, [ev(), ev(), ev()]);
  await s.append('$$trimmed', { kind: 'any' }, [meta({ $tb: 2 })]);
  await s.append('soft-deleted', { kind: 'any' }, [ev()]);
  await s.deleteStream('soft-deleted', { kind: 'any' });
  await s.append('recreated', { kind: 'any' }, [ev(), ev()]);
  await s.deleteStream('recreated', { kind: 'any' });
  await s.append('recreated', { kind: 'any' }, [ev({ back: true })]);
  await s.append('tombstoned', { kind: 'any' }, [ev()]);
  await s.tombstoneStream('tombstoned', { kind: 'any' });
  await s.append('$$meta-only', { kind: 'any' }, [meta({ owner: 'none yet' })]);
  for (let i = 0; i < 50; i++) await s.append(`bulk-${i}`, { kind: 'no_stream' }, [ev({ i })]);
  await s.close();
  return { dir, retryId, retryResult };
}

/** The same directory opened with no snapshot at all: the reference answer. */
async function observeRebuilt(dir: string): Promise<unknown> {
  const copy = freshDir();
  copyFileSync(join(dir, LOG_FILE_NAME), join(copy, LOG_FILE_NAME));
  const s = await createStore({ dataDir: copy });
  try {
    expect(s.startup.index).toBe('log');
    return await observe(s);
  } finally {
    await s.close();
  }
}

describe('index snapshot', () => {
  it('is saved at close and used at the next start, which then answers exactly as a rebuild from the log', async () => {
    const { dir, retryId, retryResult } = await build();
    expect(existsSync(join(dir, INDEX_FILE_NAME))).toBe(true);
    const expected = await observeRebuilt(dir);
    const s = await createStore({ dataDir: dir });
    try {
      expect(s.startup).toEqual({ index: 'snapshot', scannedBytes: 0 });
      expect(await observe(s)).toEqual(expected);
      // the event-id table (and its hash seed) came back too: a retry is still recognised
      const again = await s.append('many', { kind: 'any' }, [ev({ a: 0 }), ev({ a: 1 }, retryId)].slice(1));
      expect(again).toEqual(retryResult);
      // and the write model goes on where it was
      expect((await s.append('many', { kind: 'exact', revision: 2n }, [ev({ a: 3 })])).currentRevision).toBe(3n);
      await expect(s.append('tombstoned', { kind: 'any' }, [ev()])).rejects.toThrow(/deleted/);
    } finally {
      await s.close();
    }
    expect(warnings).toEqual([]);
  });

  it('reads only the log written after it (appended after the checkpoint)', async () => {
    const { dir } = await build();
    const old = readFileSync(join(dir, INDEX_FILE_NAME));
    const coveredEnd = statSync(join(dir, LOG_FILE_NAME)).size;
    const s = await createStore({ dataDir: dir });
    await s.append('later', { kind: 'no_stream' }, [ev({ after: true })]);
    await s.append('many', { kind: 'any' }, [ev({ a: 'after' })]);
    await s.close();
    // back to the older checkpoint: the commits after it must be replayed from the log
    writeFileSync(join(dir, INDEX_FILE_NAME), old);
    const expected = await observeRebuilt(dir);
    const reopened = await createStore({ dataDir: dir });
    try {
      expect(reopened.startup.index).toBe('snapshot');
      expect(reopened.startup.scannedBytes).toBe(statSync(join(dir, LOG_FILE_NAME)).size - coveredEnd);
      expect(await observe(reopened)).toEqual(expected);
      expect(reopened.streamState('later').lastRevision).toBe(0n);
    } finally {
      await reopened.close();
    }
    expect(warnings).toEqual([]);
  });

  const damage: [string, (file: string) => void, RegExp][] = [
    ['truncated', (f) => truncateSync(f, Math.floor(statSync(f).size / 2)), /checksum mismatch/],
    ['cut to its header', (f) => truncateSync(f, 20), /too short|checksum/],
    [
      'corrupted (one byte flipped)',
      (f) => {
        const b = readFileSync(f);
        b[Math.floor(b.length / 3)] ^= 0x40;
        writeFileSync(f, b);
      },
      /checksum mismatch/,
    ],
    ['empty', (f) => writeFileSync(f, ''), /too short/],
    [
      'of another format version',
      (f) => {
        const b = readFileSync(f);
        b.writeUInt32LE(99, 8);
        writeFileSync(f, b);
      },
      /format version 99/,
    ],
    ['not a snapshot at all', (f) => writeFileSync(f, Buffer.alloc(4096, 7)), /not an index snapshot/],
  ];

  it.each(damage)('is rebuilt from the log when the snapshot is %s', async (_what, harm, reason) => {
    const { dir } = await build();
    const expected = await observeRebuilt(dir);
    harm(join(dir, INDEX_FILE_NAME));
    const s = await createStore({ dataDir: dir });
    try {
      expect(s.startup.index).toBe('log');
      expect(await observe(s)).toEqual(expected);
    } finally {
      await s.close();
    }
    expect(warnings.join('\n')).toMatch(reason);
    expect(warnings.join('\n')).toMatch(/rebuilding the index from the log/);
    // the close wrote a good one again
    const again = await createStore({ dataDir: dir });
    expect(again.startup.index).toBe('snapshot');
    await again.close();
  });

  it('is not trusted when the log was cut below it or is another log (stale)', async () => {
    const { dir } = await build();
    const file = join(dir, LOG_FILE_NAME);
    const full = readFileSync(file);
    const snapshot = readFileSync(join(dir, INDEX_FILE_NAME));

    // the log restored from an older copy: shorter than what the snapshot covers
    truncateSync(file, full.length - 200);
    let s = await createStore({ dataDir: dir }).catch((e: unknown) => e);
    // (cutting inside a commit leaves a torn tail, which is cut again: either way nothing is trusted)
    if (!(s instanceof Error)) {
      expect((s as Store).startup.index).toBe('log');
      await (s as Store).close();
    }
    expect(warnings.join('\n')).toMatch(/covers \d+ bytes of the log, which has \d+/);

    // another store's log of at least the same length under the same snapshot
    warnings = [];
    const other = await build();
    writeFileSync(file, readFileSync(join(other.dir, LOG_FILE_NAME)));
    writeFileSync(join(dir, INDEX_FILE_NAME), snapshot);
    const expected = await observeRebuilt(dir);
    s = await createStore({ dataDir: dir });
    try {
      expect((s as Store).startup.index).toBe('log');
      expect(await observe(s as Store)).toEqual(expected);
    } finally {
      await (s as Store).close();
    }
    expect(warnings.join('\n')).toMatch(/does not hold the bytes it was taken from/);
  });

  it('is also saved while the store runs, so a crash image starts from it and replays only the rest', async () => {
    const dir = freshDir();
    const s = await createStore({ dataDir: dir, snapshotEveryBytes: 2048 });
    try {
      for (let i = 0; i < 40; i++) await s.append(`running-${i % 4}`, { kind: 'any' }, [ev({ i })]);
      await waitForFile(join(dir, INDEX_FILE_NAME));
      await s.append('after-the-snapshot', { kind: 'any' }, [ev({ last: true })]);
      // what a kill -9 leaves: the last snapshot and the log, copied while the store runs (the
      // snapshot first: the log only grows, so it still holds everything the snapshot covers)
      const image = freshDir();
      copyFileSync(join(dir, INDEX_FILE_NAME), join(image, INDEX_FILE_NAME));
      copyFileSync(join(dir, LOG_FILE_NAME), join(image, LOG_FILE_NAME));
      const expected = await observeRebuilt(image);
      const reopened = await createStore({ dataDir: image });
      try {
        expect(reopened.startup.index).toBe('snapshot');
        expect(reopened.startup.scannedBytes).toBeGreaterThan(0);
        expect(reopened.streamState('after-the-snapshot').lastRevision).toBe(0n);
        expect(await observe(reopened)).toEqual(expected);
      } finally {
        await reopened.close();
      }
    } finally {
      await s.close();
    }
  });

  it('survives a crash while it was being written: the previous snapshot (or the log) is used, the leftover removed', async () => {
    const { dir } = await build();
    const expected = await observeRebuilt(dir);
    // killed between writing the temporary file and renaming it: a partial temporary next to the old one
    writeFileSync(join(dir, `${INDEX_FILE_NAME}.tmp`), readFileSync(join(dir, INDEX_FILE_NAME)).subarray(0, 1000));
    let s = await createStore({ dataDir: dir });
    expect(s.startup.index).toBe('snapshot');
    expect(existsSync(join(dir, `${INDEX_FILE_NAME}.tmp`))).toBe(false);
    expect(await observe(s)).toEqual(expected);
    await s.close();
    // a filesystem that tore the renamed file itself: its checksum fails, the log is read
    const bytes = readFileSync(join(dir, INDEX_FILE_NAME));
    writeFileSync(join(dir, INDEX_FILE_NAME), Buffer.concat([bytes.subarray(0, bytes.length - 4096), Buffer.alloc(4096)]));
    s = await createStore({ dataDir: dir });
    expect(s.startup.index).toBe('log');
    expect(await observe(s)).toEqual(expected);
    await s.close();
  });

  it('still refuses damage in the log after it, and cuts a torn tail there', async () => {
    const { dir } = await build();
    const file = join(dir, LOG_FILE_NAME);
    const s = await createStore({ dataDir: dir });
    const snapshotEnd = statSync(file).size;
    const snapshot = readFileSync(join(dir, INDEX_FILE_NAME));
    await s.append('after', { kind: 'any' }, [ev({ x: 1 })]);
    await s.append('after', { kind: 'any' }, [ev({ x: 2 })]);
    await s.close();
    writeFileSync(join(dir, INDEX_FILE_NAME), snapshot);
    const log = readFileSync(file);

    // a flipped byte in the first commit after the snapshot: refused, file untouched
    const damaged = Buffer.from(log);
    damaged[snapshotEnd + 30] ^= 0x01;
    writeFileSync(file, damaged);
    const err = await createStore({ dataDir: dir }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LogCorruptError);
    expect((err as LogCorruptError).offset).toBe(snapshotEnd);
    expect(readFileSync(file).equals(damaged)).toBe(true);

    // a torn last commit: cut, the rest kept
    writeFileSync(file, log.subarray(0, log.length - 5));
    writeFileSync(join(dir, INDEX_FILE_NAME), snapshot);
    const reopened = await createStore({ dataDir: dir });
    try {
      expect(reopened.startup.index).toBe('snapshot');
      expect(reopened.streamState('after').lastRevision).toBe(0n);
    } finally {
      await reopened.close();
    }
  });
});
