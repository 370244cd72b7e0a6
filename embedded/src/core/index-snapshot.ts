// The in-memory index (index.ts) as bytes, so that a start does not have to rebuild it from the
// whole log (about 1 s per 500,000 events). A snapshot is a checkpoint: it describes the log up to
// `coveredEnd`, a commit boundary, and names that prefix by checksums of its first and last bytes.
// At start (store.ts) a snapshot is used only if its own checksum holds and those bytes of the
// log are still the same; the log after `coveredEnd` is then scanned as usual. Anything else
// (damaged, truncated, another format, a log that was cut, replaced or rewritten) is a reason to
// rebuild from the log, never to trust it.
//
//   header  'ESEMBIDX' | u32 version | u32 byte-order mark | f64 coveredEnd | u32 headCrc | u32 tailCrc
//           | u32 id-table seed | u32 reserved
//   all     f64 count | f64 x count                           ($all positions, ascending)
//   ids     u32 capacity | u32 count | u32 x capacity | f64 x capacity   (id-table slots)
//   streams f64 count, then per stream: u32 nameLen | name (UTF-8) | u8 kind
//           kind 0: f64 position (a stream of one plain event)
//           kind 1: f64 tombstone | f64 n | f64 x n positions | u32 metaLen | meta JSON (0 = none)
//   trailer u32 crc32 of everything before it
//
// Numbers are little-endian; typed arrays are copied as their in-memory bytes, so a snapshot
// written on a big-endian machine fails the byte-order check and is rebuilt, never misread.
import { crc32 } from 'node:zlib';
import { IdTable } from './id-table.js';
import { PositionList, StoreIndex, StreamEntry } from './index.js';
import type { MetaInfo } from './metadata.js';

const MAGIC = Buffer.from('ESEMBIDX', 'ascii');
const VERSION = 1;
const BOM = 0x01020304;
const HEADER = 48;

/** Bytes of the log a snapshot names its prefix by, at each end. */
export const FINGERPRINT_BYTES = 4096;

/** What a snapshot says about the log it was taken from. */
export interface SnapshotFingerprint {
  /** Log offset the snapshot covers up to (exclusive); a commit boundary. */
  coveredEnd: number;
  /** crc32 of log bytes [0, min(FINGERPRINT_BYTES, coveredEnd)). */
  headCrc: number;
  /** crc32 of log bytes [max(0, coveredEnd - FINGERPRINT_BYTES), coveredEnd). */
  tailCrc: number;
}

export class SnapshotInvalidError extends Error {}

interface SavedMeta {
  raw: Record<string, unknown> | null;
  maxAge?: number;
  maxCount?: number;
  tb?: string;
}

function metaToJson(meta: MetaInfo | undefined): Buffer | undefined {
  if (!meta) return undefined;
  const saved: SavedMeta = { raw: meta.raw ?? null };
  if (meta.maxAge !== undefined) saved.maxAge = meta.maxAge;
  if (meta.maxCount !== undefined) saved.maxCount = meta.maxCount;
  if (meta.truncateBefore !== undefined) saved.tb = meta.truncateBefore.toString();
  return Buffer.from(JSON.stringify(saved), 'utf8');
}

function metaFromJson(text: string): MetaInfo {
  const saved = JSON.parse(text) as SavedMeta;
  const meta: MetaInfo = { raw: saved.raw ?? undefined };
  if (saved.maxAge !== undefined) meta.maxAge = saved.maxAge;
  if (saved.maxCount !== undefined) meta.maxCount = saved.maxCount;
  if (saved.tb !== undefined) meta.truncateBefore = BigInt(saved.tb);
  return meta;
}

/**
 * Serialises `index`, which must describe exactly the log up to `fingerprint.coveredEnd` with
 * every commit durable (no reservations beyond it): the caller takes it while the log is idle.
 */
export function encodeSnapshot(index: StoreIndex, fingerprint: SnapshotFingerprint): Buffer {
  const all = index.all.view();
  const ids = index.ids.parts();
  // First pass: sizes, and the encoded names and metadata, so the buffer is allocated once.
  const names: Buffer[] = [];
  const metas: (Buffer | undefined)[] = [];
  let streamBytes = 8;
  for (const [name, value] of index.streamEntries()) {
    const nameBuf = Buffer.from(name, 'utf8');
    names.push(nameBuf);
    streamBytes += 4 + nameBuf.length + 1;
    if (typeof value === 'number') {
      metas.push(undefined);
      streamBytes += 8;
    } else {
      if (value.meta !== value.metaCommitted) throw new Error('index snapshot taken with a metadata write in flight');
      const meta = metaToJson(value.metaCommitted);
      metas.push(meta);
      streamBytes += 8 + 8 + 8 * value.positions.length + 4 + (meta?.length ?? 0);
    }
  }
  const size = HEADER + 8 + 8 * all.length + 8 + 4 * ids.keys.length + 8 * ids.values.length + streamBytes + 4;
  const buf = Buffer.alloc(size);
  MAGIC.copy(buf, 0);
  buf.writeUInt32LE(VERSION, 8);
  new Uint32Array(buf.buffer, buf.byteOffset + 12, 1)[0] = BOM;
  buf.writeDoubleLE(fingerprint.coveredEnd, 16);
  buf.writeUInt32LE(fingerprint.headCrc, 24);
  buf.writeUInt32LE(fingerprint.tailCrc, 28);
  buf.writeUInt32LE(index.ids.seed, 32);
  let o = HEADER;
  buf.writeDoubleLE(all.length, o);
  o += 8;
  o = copyBytes(buf, o, all);
  buf.writeUInt32LE(ids.keys.length, o);
  buf.writeUInt32LE(ids.count, o + 4);
  o += 8;
  o = copyBytes(buf, o, ids.keys);
  o = copyBytes(buf, o, ids.values);
  buf.writeDoubleLE(names.length, o);
  o += 8;
  let i = 0;
  for (const [, value] of index.streamEntries()) {
    const name = names[i];
    buf.writeUInt32LE(name.length, o);
    name.copy(buf, o + 4);
    o += 4 + name.length;
    if (typeof value === 'number') {
      buf[o++] = 0;
      buf.writeDoubleLE(value, o);
      o += 8;
    } else {
      buf[o++] = 1;
      buf.writeDoubleLE(value.tombstone, o);
      buf.writeDoubleLE(value.positions.length, o + 8);
      o += 16;
      for (const p of value.positions) {
        buf.writeDoubleLE(p, o);
        o += 8;
      }
      const meta = metas[i];
      buf.writeUInt32LE(meta?.length ?? 0, o);
      o += 4;
      if (meta) o += meta.copy(buf, o);
    }
    i++;
  }
  buf.writeUInt32LE(crc32(buf.subarray(0, o)), o);
  if (o + 4 !== size) throw new Error(`index snapshot size mismatch: ${o + 4} of ${size}`);
  return buf;
}

function copyBytes(buf: Buffer, at: number, array: Float64Array | Uint32Array): number {
  buf.set(new Uint8Array(array.buffer, array.byteOffset, array.byteLength), at);
  return at + array.byteLength;
}

/** The fingerprint a snapshot claims, after checking its framing and checksum. Throws SnapshotInvalidError. */
export function checkSnapshot(buf: Buffer): SnapshotFingerprint {
  if (buf.length < HEADER + 4) throw new SnapshotInvalidError(`too short (${buf.length} bytes)`);
  if (!buf.subarray(0, 8).equals(MAGIC)) throw new SnapshotInvalidError('not an index snapshot');
  if (buf.readUInt32LE(8) !== VERSION) throw new SnapshotInvalidError(`format version ${buf.readUInt32LE(8)}, expected ${VERSION}`);
  if (new Uint32Array(buf.buffer.slice(buf.byteOffset + 12, buf.byteOffset + 16))[0] !== BOM) {
    throw new SnapshotInvalidError('written on a machine of another byte order');
  }
  const end = buf.length - 4;
  if (crc32(buf.subarray(0, end)) !== buf.readUInt32LE(end)) throw new SnapshotInvalidError('checksum mismatch (damaged or incomplete)');
  return { coveredEnd: buf.readDoubleLE(16), headCrc: buf.readUInt32LE(24), tailCrc: buf.readUInt32LE(28) };
}

/** Rebuilds the index from a snapshot that passed checkSnapshot. Throws SnapshotInvalidError on inconsistent contents. */
export function decodeSnapshot(buf: Buffer): StoreIndex {
  const end = buf.length - 4;
  let o = HEADER;
  const need = (n: number) => {
    if (o + n > end || !Number.isFinite(n) || n < 0) throw new SnapshotInvalidError('truncated section');
  };
  const seed = buf.readUInt32LE(32);
  need(8);
  const allCount = buf.readDoubleLE(o);
  o += 8;
  need(8 * allCount);
  const all = new Float64Array(allCount);
  new Uint8Array(all.buffer).set(buf.subarray(o, o + 8 * allCount));
  o += 8 * allCount;
  need(8);
  const capacity = buf.readUInt32LE(o);
  const count = buf.readUInt32LE(o + 4);
  o += 8;
  if (capacity === 0 || (capacity & (capacity - 1)) !== 0 || count * 2 > capacity) throw new SnapshotInvalidError('bad id table shape');
  need(12 * capacity);
  const keys = new Uint32Array(capacity);
  new Uint8Array(keys.buffer).set(buf.subarray(o, o + 4 * capacity));
  o += 4 * capacity;
  const values = new Float64Array(capacity);
  new Uint8Array(values.buffer).set(buf.subarray(o, o + 8 * capacity));
  o += 8 * capacity;
  const index = new StoreIndex(PositionList.fromArray(all, allCount), IdTable.fromParts(seed, keys, values, count));
  need(8);
  const streams = buf.readDoubleLE(o);
  o += 8;
  for (let i = 0; i < streams; i++) {
    need(5);
    const nameLen = buf.readUInt32LE(o);
    o += 4;
    need(nameLen + 1);
    const name = buf.toString('utf8', o, o + nameLen);
    o += nameLen;
    const kind = buf[o++];
    if (kind === 0) {
      need(8);
      index.restoreStream(name, buf.readDoubleLE(o));
      o += 8;
    } else if (kind === 1) {
      need(16);
      const tombstone = buf.readDoubleLE(o);
      const n = buf.readDoubleLE(o + 8);
      o += 16;
      need(8 * n + 4);
      const positions: number[] = new Array(n);
      for (let k = 0; k < n; k++) positions[k] = buf.readDoubleLE(o + 8 * k);
      o += 8 * n;
      const metaLen = buf.readUInt32LE(o);
      o += 4;
      need(metaLen);
      const entry = new StreamEntry(positions);
      entry.tombstone = tombstone;
      if (metaLen > 0) entry.meta = entry.metaCommitted = metaFromJson(buf.toString('utf8', o, o + metaLen));
      o += metaLen;
      index.restoreStream(name, entry);
    } else {
      throw new SnapshotInvalidError(`bad stream entry kind ${kind}`);
    }
  }
  if (o !== end) throw new SnapshotInvalidError('trailing bytes');
  return index;
}
