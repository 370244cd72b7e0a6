// Finite reads (protocol §9). Readers see only durable commits; payloads come from the log.
import { BadRequestError, StreamDeletedError, StreamNotFoundError } from './errors.js';
import type { StoreIndex } from './index.js';
import { isMetastream, isSoftDeletedMeta } from './metadata.js';
import { countOf, validateStreamId } from './validate.js';
import type { ReadAllOptions, ReadStreamOptions, RecordedEvent } from './types.js';
import type { Log } from '../storage/log.js';
import { checkRecord, createdOf, decodeRecord } from '../storage/record-codec.js';

/** `$all` reads fetch this many bytes per syscall. */
const ALL_CHUNK = 1024 * 1024;

const EMPTY_BUF = Buffer.alloc(0);

export function toRecorded(buf: Buffer, off: number, position: number): RecordedEvent {
  return decodeRecord(buf, off, BigInt(position));
}

export function nowTicks(): bigint {
  // Date.now() gives wall-clock ms; the sub-ms part comes from the monotonic clock (.NET ticks = 100 ns).
  return BigInt(Date.now()) * 10000n + BigInt(Math.floor((performance.now() % 1) * 10000));
}

/**
 * A stored record as bytes: the record at `off` in `buf` (checked), at `$all` position `position`.
 * The gRPC read path encodes ReadResp straight from these bytes (grpc/fast-encode.ts) instead of
 * decoding strings only to encode them again. One cursor object is reused for every record of a
 * read, and `buf` may be a shared 1 MiB chunk: use it before asking for the next one.
 */
export interface RawRecord {
  buf: Buffer;
  off: number;
  position: number;
}

const RAW = Symbol('rawRecords');

/** What `readAll`/`readStream` return: decoded records, plus the same read as raw records. */
type WithRaw = AsyncGenerator<RecordedEvent> & { [RAW]?: () => Generator<RawRecord> };

/**
 * The raw form of a read returned by `Store.readAll`/`readStream` (same range, same errors, same
 * time they are thrown), or undefined for any other iterable. Synchronous: the log reads are.
 */
export function rawRecordsOf(records: AsyncIterable<RecordedEvent>): Generator<RawRecord> | undefined {
  const raw = (records as WithRaw)[RAW];
  return raw ? raw() : undefined;
}

function withRaw(raw: () => Generator<RawRecord>): AsyncGenerator<RecordedEvent> {
  const decoded: WithRaw = decodeAll(raw);
  decoded[RAW] = raw;
  return decoded;
}

async function* decodeAll(raw: () => Generator<RawRecord>): AsyncGenerator<RecordedEvent> {
  for (const r of raw()) yield toRecorded(r.buf, r.off, r.position);
}

export function readStream(index: StoreIndex, log: Log, streamId: string, options: ReadStreamOptions): AsyncGenerator<RecordedEvent> {
  return withRaw(() => readStreamRaw(index, log, streamId, options));
}

export function readAll(index: StoreIndex, log: Log, options: ReadAllOptions): AsyncGenerator<RecordedEvent> {
  return withRaw(() => readAllRaw(index, log, options));
}

function* readStreamRaw(index: StoreIndex, log: Log, streamId: string, options: ReadStreamOptions): Generator<RawRecord> {
  validateStreamId(streamId);
  const count = countOf(options?.maxCount);
  if (index.isTombstoned(streamId, true)) throw new StreamDeletedError(streamId);
  const committed = index.committedCount(streamId);
  if (committed === 0) throw new StreamNotFoundError(streamId);
  const meta = index.metaOf(streamId, true);
  if (isSoftDeletedMeta(meta)) throw new StreamNotFoundError(streamId);

  // Visible window (§9.1): never for `$all`, always for stream reads.
  const last = committed - 1;
  let lowest = 0;
  let maxCount = meta?.maxCount;
  if (isMetastream(streamId)) maxCount = Math.min(maxCount ?? 1, 1);
  if (maxCount !== undefined) lowest = Math.max(lowest, last - maxCount + 1);
  if (meta?.truncateBefore !== undefined) {
    lowest = Math.max(lowest, meta.truncateBefore > BigInt(last + 1) ? last + 1 : Number(meta.truncateBefore));
  }
  const cutoff = meta?.maxAge !== undefined ? nowTicks() - BigInt(Math.floor(meta.maxAge * 10_000_000)) : undefined;

  const { direction, from } = options;
  let rev: number;
  let step: number;
  if (direction === 'forwards') {
    rev = from === 'start' ? 0 : from === 'end' ? last + 1 : revisionOf(from, last + 1);
    rev = Math.max(rev, lowest);
    step = 1;
  } else if (direction === 'backwards') {
    rev = from === 'end' ? last : from === 'start' ? 0 : Math.min(revisionOf(from, last), last);
    step = -1;
  } else {
    throw new BadRequestError('Unknown read direction');
  }
  let left = count;
  const cursor: RawRecord = { buf: EMPTY_BUF, off: 0, position: 0 };
  while (left > 0 && rev >= lowest && rev <= last) {
    const pos = index.positionAt(streamId, rev);
    const buf = log.readRecord(pos);
    rev += step;
    if (cutoff !== undefined && createdOf(buf, 0) < cutoff) continue;
    left--;
    cursor.buf = buf;
    cursor.off = 0;
    cursor.position = pos;
    yield cursor;
  }
}

function revisionOf(from: unknown, clamp: number): number {
  if (typeof from !== 'bigint' || from < 0n) throw new BadRequestError('Revision must be a non-negative bigint');
  return from > BigInt(clamp) ? clamp : Number(from);
}

function* readAllRaw(index: StoreIndex, log: Log, options: ReadAllOptions): Generator<RawRecord> {
  const cursor: RawRecord = { buf: EMPTY_BUF, off: 0, position: 0 };
  let left = countOf(options?.maxCount);
  const all = index.all;
  const { direction, from } = options;
  if (from !== 'start' && from !== 'end' && (typeof from !== 'bigint' || from < 0n)) {
    throw new BadRequestError('Position must be a non-negative bigint');
  }
  const endOf = (i: number) => (i + 1 < all.length ? all.at(i + 1) : log.end);

  if (direction === 'forwards') {
    // Forwards from P includes the record at P (§9.2).
    let i = from === 'start' ? 0 : from === 'end' ? all.committed : all.lowerBound(Number(from));
    while (left > 0 && i < all.committed) {
      const start = all.at(i);
      const limit = Math.min(all.committed, i + left);
      let j = i + 1;
      while (j < limit && endOf(j) - start <= ALL_CHUNK) j++;
      const buf = log.read(start, endOf(j - 1) - start);
      for (let k = i; k < j; k++) {
        const position = all.at(k);
        checked(buf, position - start, position);
        left--;
        cursor.buf = buf;
        cursor.off = position - start;
        cursor.position = position;
        yield cursor;
      }
      i = j;
    }
  } else if (direction === 'backwards') {
    // Backwards from P excludes P: positions < P, descending (§9.2).
    let i = from === 'end' ? all.committed : from === 'start' ? 0 : Math.min(all.lowerBound(Number(from)), all.committed);
    while (left > 0 && i > 0) {
      const end = endOf(i - 1);
      let j = i - 1;
      while (j > 0 && i - j < left && end - all.at(j - 1) <= ALL_CHUNK) j--;
      const start = all.at(j);
      const buf = log.read(start, end - start);
      for (let k = i - 1; k >= j && left > 0; k--) {
        const position = all.at(k);
        checked(buf, position - start, position);
        left--;
        cursor.buf = buf;
        cursor.off = position - start;
        cursor.position = position;
        yield cursor;
      }
      i = j;
    }
  } else {
    throw new BadRequestError('Unknown read direction');
  }
}

function checked(buf: Buffer, off: number, position: number): void {
  const c = checkRecord(buf, off);
  if (!c.ok) throw new Error(`Corrupt record at position ${position}: ${c.reason}`);
}
