// Start-up recovery (issue 8, point 6): a torn tail is cut, any other damage stops start-up with
// a message naming the file and the byte offset, and leaves the file exactly as it was.
import { randomUUID } from 'node:crypto';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LOG_FILE_NAME, createStore } from '../src/core/store.js';
import type { ProposedEvent, RecordedEvent, Store } from '../src/core/types.js';
import { LogCorruptError } from '../src/storage/log.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function freshDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'es-recovery-'));
  dirs.push(d);
  return d;
}

function ev(data: unknown = { n: 1 }): ProposedEvent {
  return {
    eventId: randomUUID(),
    type: 'Happened',
    isJson: true,
    data: Buffer.from(JSON.stringify(data)),
    metadata: Buffer.from('{"m":1}'),
  };
}

async function collect(it: AsyncIterable<RecordedEvent>): Promise<RecordedEvent[]> {
  const out: RecordedEvent[] = [];
  for await (const e of it) out.push(e);
  return out;
}

const everything = { direction: 'forwards' as const, from: 'start' as const, maxCount: 1_000_000n };

interface Built {
  dir: string;
  file: string;
  bytes: Buffer;
  /** Every record's start offset ($all position), in order. */
  records: number[];
  /** Offsets where a commit starts, in order, plus the file size at the end. */
  commits: number[];
  ids: string[];
}

/** A log of a few commits (the seed, single events, a batch of three), closed cleanly. */
async function build(lastData: unknown = { last: true }): Promise<Built> {
  const dir = freshDir();
  const file = join(dir, LOG_FILE_NAME);
  const s = await createStore({ dataDir: dir });
  const commits: number[] = [];
  const seeded = await collect(s.readAll(everything));
  commits.push(...seeded.map((e) => Number(e.position)));
  for (let i = 0; i < 3; i++) commits.push(Number((await s.append(`s-${i}`, { kind: 'any' }, [ev({ i })])).position));
  // A batch: its commit starts at its first record; the result names the last.
  const before = s.lastPosition();
  await s.append('batch', { kind: 'any' }, [ev({ b: 0 }), ev({ b: 1 }), ev({ b: 2 })]);
  commits.push(Number((await collect(s.readAll(everything))).find((e) => e.position > before)!.position));
  commits.push(Number((await s.append('last', { kind: 'any' }, [ev(lastData)])).position));
  const all = await collect(s.readAll(everything));
  await s.close();
  const bytes = readFileSync(file);
  commits.push(bytes.length);
  return { dir, file, bytes, records: all.map((e) => Number(e.position)), commits, ids: all.map((e) => e.eventId) };
}

async function openError(dir: string): Promise<LogCorruptError> {
  const result = await createStore({ dataDir: dir }).then(
    async (s: Store) => {
      await s.close();
      return undefined;
    },
    (e: unknown) => e,
  );
  expect(result, 'the damaged log was opened').toBeInstanceOf(LogCorruptError);
  return result as LogCorruptError;
}

/** Opens, reads every event id, closes. */
async function idsAfterOpen(dir: string): Promise<string[]> {
  const s = await createStore({ dataDir: dir });
  try {
    return (await collect(s.readAll(everything))).map((e) => e.eventId);
  } finally {
    await s.close();
  }
}

function recordAt(records: number[], byte: number): number {
  return records.filter((r) => r <= byte).pop()!;
}

describe('damage that is not a torn tail', () => {
  it('refuses a flipped byte in the middle of events.log, naming the file and offset, and leaves it untouched', async () => {
    const b = await build();
    const target = b.records[Math.floor(b.records.length / 2)];
    const damaged = Buffer.from(b.bytes);
    damaged[target + 70] ^= 0x01;
    writeFileSync(b.file, damaged);

    const err = await openError(b.dir);
    expect(err.file).toBe(b.file);
    expect(err.offset).toBe(target);
    expect(err.message).toContain(`${b.file} is damaged at byte offset ${target} (checksum mismatch)`);
    expect(err.message).toMatch(/refuses to start/);
    expect(err.message).toContain(`truncate it to ${recordAt(b.commits, target)} bytes`);
    expect(readFileSync(b.file).equals(damaged)).toBe(true);
    // Nothing was lost: with the byte restored, every event is there.
    writeFileSync(b.file, b.bytes);
    expect(await idsAfterOpen(b.dir)).toEqual(b.ids);
  });

  it('refuses a flipped byte in the first record (the store must not start empty)', async () => {
    const b = await build();
    const damaged = Buffer.from(b.bytes);
    damaged[b.records[0] + 30] ^= 0x80;
    writeFileSync(b.file, damaged);
    const err = await openError(b.dir);
    expect(err.offset).toBe(16);
    expect(err.message).toContain(`${b.file} is damaged at byte offset 16`);
    expect(err.message).toContain('a valid record follows at byte offset');
    expect(readFileSync(b.file).equals(damaged)).toBe(true);
  });

  it('refuses a flipped byte in the very last record: a crash cannot leave a full-length record that fails its checksum', async () => {
    const b = await build();
    const last = b.records[b.records.length - 1];
    const damaged = Buffer.from(b.bytes);
    damaged[damaged.length - 5] ^= 0x04;
    writeFileSync(b.file, damaged);
    const err = await openError(b.dir);
    expect(err.offset).toBe(last);
    expect(err.message).toMatch(/no crash can cause/);
    expect(readFileSync(b.file).equals(damaged)).toBe(true);
  });

  it('refuses a last record whose length field was changed to run past the end of the file', async () => {
    const b = await build();
    const last = b.records[b.records.length - 1];
    const damaged = Buffer.from(b.bytes);
    damaged.writeUInt32LE(damaged.readUInt32LE(last) + 1000, last);
    writeFileSync(b.file, damaged);
    const err = await openError(b.dir);
    expect(err.offset).toBe(last);
    expect(err.message).toMatch(/complete \(\d+ bytes\) but its length field says/);
    expect(readFileSync(b.file).equals(damaged)).toBe(true);
  });

  it('refuses non-zero bytes after the last commit (no crash writes those)', async () => {
    const b = await build();
    appendFileSync(b.file, Buffer.from('not a record, and not zeros'));
    const damaged = readFileSync(b.file);
    const err = await openError(b.dir);
    expect(err.offset).toBe(b.bytes.length);
    expect(err.message).toMatch(/not a record, and not the zeros a crash can leave/);
    expect(readFileSync(b.file).equals(damaged)).toBe(true);
  });

  it('refuses every single flipped byte anywhere in the file, at the record that holds it', async () => {
    const b = await build();
    for (let at = 0; at < b.bytes.length; at++) {
      const damaged = Buffer.from(b.bytes);
      damaged[at] ^= 0xff;
      writeFileSync(b.file, damaged);
      const err = await openError(b.dir);
      expect(err.offset, `flip at ${at}`).toBe(at < 16 ? at : recordAt(b.records, at));
      expect(readFileSync(b.file).equals(damaged), `flip at ${at}`).toBe(true);
    }
  }, 60_000);

  it('refuses damage more than a crash could tear, however far from the end', async () => {
    const dir = freshDir();
    const file = join(dir, LOG_FILE_NAME);
    const s = await createStore({ dataDir: dir });
    const first = await s.append('far', { kind: 'any' }, [ev()]);
    // More than two group commits written after the damaged record.
    for (let i = 0; i < 34; i++) {
      await s.append('far', { kind: 'any' }, [
        { eventId: randomUUID(), type: 'Blob', isJson: false, data: new Uint8Array(1_040_000), metadata: new Uint8Array() },
      ]);
    }
    await s.close();
    const bytes = readFileSync(file);
    // Zeros from here on would look like a host crash, if a crash could tear that much.
    bytes.fill(0, Number(first.position!) + 40);
    writeFileSync(file, bytes);
    const err = await openError(dir);
    expect(err.offset).toBe(Number(first.position!));
    expect(err.message).toMatch(/more than a crash can leave unfinished/);
    expect(readFileSync(file).equals(bytes)).toBe(true);
  });

  it('refuses a file that is not a log, and a log of another format version', async () => {
    const dir = freshDir();
    const file = join(dir, LOG_FILE_NAME);
    writeFileSync(file, Buffer.from('definitely not an event store log file'));
    let err = await openError(dir);
    expect(err.message).toBe(
      `${file} is not an embedded event store log of format 1: bad header at byte offset 0; the store refuses to start and leaves the file as it is`,
    );
    const b = await build();
    const other = Buffer.from(b.bytes);
    other.writeUInt32LE(2, 8);
    writeFileSync(b.file, other);
    err = await openError(b.dir);
    expect(err.message).toMatch(/bad header at byte offset 8 \(unsupported format version\)/);
    expect(readFileSync(b.file).equals(other)).toBe(true);
    // A file shorter than the header that is not a prefix of one is not ours to overwrite either.
    writeFileSync(file, Buffer.from('ESEMBLXG'));
    await openError(dir);
    expect(readFileSync(file).toString()).toBe('ESEMBLXG');
  });
});

describe('torn tails, which are cut', () => {
  it('cuts the file at every possible kill point inside the last two commits, keeping every complete commit', async () => {
    const b = await build();
    const from = b.commits[b.commits.length - 3]; // the batch of three, then the last event
    for (let cut = from; cut < b.bytes.length; cut++) {
      writeFileSync(b.file, b.bytes.subarray(0, cut));
      const kept = b.commits.filter((c) => c <= cut).pop()!;
      const expected = b.ids.filter((_, i) => b.records[i] < kept);
      expect(await idsAfterOpen(b.dir), `cut at ${cut}`).toEqual(expected);
      expect(statSync(b.file).size, `cut at ${cut}`).toBe(kept);
    }
  }, 60_000);

  it('cuts a last record that reads as zeros from a sector boundary on (a host crash), and zeros after the last commit', async () => {
    // A last event large enough to span several 512-byte sectors.
    const b = await build({ payload: 'x'.repeat(3000) });
    const last = b.records[b.records.length - 1];
    const expected = b.ids.slice(0, -1);
    for (let sector = Math.ceil((last + 1) / 512) * 512; sector < b.bytes.length; sector += 512) {
      const torn = Buffer.from(b.bytes);
      torn.fill(0, sector);
      writeFileSync(b.file, torn);
      expect(await idsAfterOpen(b.dir), `zeros from ${sector}`).toEqual(expected);
      expect(statSync(b.file).size).toBe(last);
    }
    // The whole last record zeroed, and zeros past it (the file grew but nothing reached the disk).
    writeFileSync(b.file, Buffer.concat([b.bytes.subarray(0, last), Buffer.alloc(8192)]));
    expect(await idsAfterOpen(b.dir)).toEqual(expected);
    expect(statSync(b.file).size).toBe(last);
    // Intact again plus zeros: nothing is lost, the zeros go.
    writeFileSync(b.file, Buffer.concat([b.bytes, Buffer.alloc(4096)]));
    expect(await idsAfterOpen(b.dir)).toEqual(b.ids);
    expect(statSync(b.file).size).toBe(b.bytes.length);
  });

  it('refuses a zeroed byte inside a full last record when the file does not read as zeros to its end', async () => {
    const b = await build({ payload: 'x'.repeat(3000) });
    const last = b.records[b.records.length - 1];
    const torn = Buffer.from(b.bytes);
    const at = Math.ceil((last + 1) / 512) * 512 + 100; // inside the payload
    expect(torn[at]).toBe(0x78);
    torn.fill(0, at, at + 1);
    writeFileSync(b.file, torn);
    const err = await openError(b.dir);
    expect(err.offset).toBe(last);
    truncateSync(b.file, b.bytes.length);
  });

  it('writes a new header over a torn one (a crash while the log was created)', async () => {
    const dir = freshDir();
    writeFileSync(join(dir, LOG_FILE_NAME), Buffer.from('ESEMB'));
    const s = await createStore({ dataDir: dir });
    expect((await collect(s.readAll(everything))).length).toBeGreaterThan(0); // seeded afresh
    await s.close();
  });
});
