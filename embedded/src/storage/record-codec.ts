// Binary layout of one log record. A record's byte offset in the log is its `$all` position,
// so the format only needs to be self-delimiting and self-checking:
//
//   u32 bodyLength | u32 crc32(body) | body
//   body = u8 flags | u8 version | u16 reserved | i64 revision | i64 created | 16B eventId
//          | u32 streamLen | u32 typeLen | u32 dataLen | u32 metaLen | stream | type | data | meta
//
// `flags & COMMIT_END` marks the last record of an atomic commit: at start-up only what follows the
// last complete commit can be a torn write (recovery.ts decides whether it is). Little-endian throughout.
import { crc32 } from 'node:zlib';

export const HEADER_SIZE = 8;
const FIXED_BODY = 52;
export const RECORD_OVERHEAD = HEADER_SIZE + FIXED_BODY;
const VERSION = 1;

export const FLAG_COMMIT_END = 1;
export const FLAG_JSON = 2;

/** Upper bound used to reject garbage lengths while scanning (a commit is at most ~1 MiB of payload). */
export const MAX_RECORD_BODY = 64 * 1024 * 1024;

export interface RecordFields {
  streamId: string;
  revision: bigint;
  created: bigint;
  eventId: string;
  type: string;
  isJson: boolean;
  data: Uint8Array;
  metadata: Uint8Array;
}

export function encodeRecord(r: RecordFields, commitEnd: boolean): Buffer {
  const stream = Buffer.from(r.streamId, 'utf8');
  const type = Buffer.from(r.type, 'utf8');
  const bodyLen = FIXED_BODY + stream.length + type.length + r.data.length + r.metadata.length;
  const buf = Buffer.allocUnsafe(HEADER_SIZE + bodyLen);
  let o = HEADER_SIZE;
  buf.writeUInt8((commitEnd ? FLAG_COMMIT_END : 0) | (r.isJson ? FLAG_JSON : 0), o);
  buf.writeUInt8(VERSION, o + 1);
  buf.writeUInt16LE(0, o + 2);
  buf.writeBigInt64LE(r.revision, o + 4);
  buf.writeBigInt64LE(r.created, o + 12);
  uuidToBytes(r.eventId, buf, o + 20);
  buf.writeUInt32LE(stream.length, o + 36);
  buf.writeUInt32LE(type.length, o + 40);
  buf.writeUInt32LE(r.data.length, o + 44);
  buf.writeUInt32LE(r.metadata.length, o + 48);
  o += FIXED_BODY;
  stream.copy(buf, o);
  o += stream.length;
  type.copy(buf, o);
  o += type.length;
  buf.set(r.data, o);
  o += r.data.length;
  buf.set(r.metadata, o);
  buf.writeUInt32LE(bodyLen, 0);
  buf.writeUInt32LE(crc32(buf.subarray(HEADER_SIZE)), 4);
  return buf;
}

export type RecordCheck =
  { ok: true; length: number } | { ok: false; reason: 'incomplete' | 'bad-length' | 'bad-checksum'; needed?: number };

/**
 * Validates the record starting at `off`; `length` is the full record size including the header.
 * The cheap structural checks come before the checksum: recovery probes every byte offset of a
 * damaged region for a record, and almost all of them fail here without hashing anything.
 */
export function checkRecord(buf: Buffer, off: number, end = buf.length): RecordCheck {
  if (end - off < HEADER_SIZE) return { ok: false, reason: 'incomplete', needed: HEADER_SIZE };
  const bodyLen = buf.readUInt32LE(off);
  if (bodyLen < FIXED_BODY || bodyLen > MAX_RECORD_BODY) return { ok: false, reason: 'bad-length' };
  const total = HEADER_SIZE + bodyLen;
  if (end - off < total) return { ok: false, reason: 'incomplete', needed: total };
  const b = off + HEADER_SIZE;
  if (buf[b + 1] !== VERSION || buf.readUInt16LE(b + 2) !== 0) return { ok: false, reason: 'bad-length' };
  // The declared part lengths must add up, or the record cannot be decoded safely.
  const parts = buf.readUInt32LE(b + 36) + buf.readUInt32LE(b + 40) + buf.readUInt32LE(b + 44) + buf.readUInt32LE(b + 48);
  if (FIXED_BODY + parts !== bodyLen) return { ok: false, reason: 'bad-length' };
  if (crc32(buf.subarray(b, off + total)) !== buf.readUInt32LE(off + 4)) return { ok: false, reason: 'bad-checksum' };
  return { ok: true, length: total };
}

/**
 * The full size the record at `off` would have according to its own part lengths (which the
 * checksum covers, unlike the length field), or undefined if those are not all within `end`.
 */
export function impliedLength(buf: Buffer, off: number, end = buf.length): number | undefined {
  const b = off + HEADER_SIZE;
  if (end - b < FIXED_BODY) return undefined;
  return RECORD_OVERHEAD + buf.readUInt32LE(b + 36) + buf.readUInt32LE(b + 40) + buf.readUInt32LE(b + 44) + buf.readUInt32LE(b + 48);
}

/** Full size of the record at `off` from its header (no validation). */
export function recordLength(buf: Buffer, off: number): number {
  return HEADER_SIZE + buf.readUInt32LE(off);
}

export function isCommitEnd(buf: Buffer, off: number): boolean {
  return (buf[off + HEADER_SIZE] & FLAG_COMMIT_END) !== 0;
}

/**
 * Decodes a record already validated by checkRecord. Payloads are copied, so callers never pin a
 * 1 MiB read chunk; data and metadata share one small allocation (pooled by Node under 4 KiB).
 */
export function decodeRecord(buf: Buffer, off: number, position: bigint): RecordFields & { position: bigint } {
  const b = off + HEADER_SIZE;
  const flags = buf[b];
  const streamLen = buf.readUInt32LE(b + 36);
  const typeLen = buf.readUInt32LE(b + 40);
  const dataLen = buf.readUInt32LE(b + 44);
  const metaLen = buf.readUInt32LE(b + 48);
  const o = b + FIXED_BODY;
  const payloadStart = o + streamLen + typeLen;
  const payload = Buffer.allocUnsafe(dataLen + metaLen);
  buf.copy(payload, 0, payloadStart, payloadStart + dataLen + metaLen);
  // Same property order everywhere keeps these objects on one hidden class.
  return {
    eventId: bytesToUuid(buf, b + 20),
    type: buf.toString('utf8', o + streamLen, o + streamLen + typeLen),
    isJson: (flags & FLAG_JSON) !== 0,
    data: payload.subarray(0, dataLen),
    metadata: payload.subarray(dataLen),
    streamId: buf.toString('utf8', o, o + streamLen),
    revision: buf.readBigInt64LE(b + 4),
    position,
    created: buf.readBigInt64LE(b + 12),
  };
}

/** Just the fields the index needs, without copying payloads (start-up scan, idempotency checks). */
export interface RecordKey {
  streamId: string;
  revision: bigint;
  eventId: string;
}

export function decodeKey(buf: Buffer, off: number): RecordKey {
  const b = off + HEADER_SIZE;
  const streamLen = buf.readUInt32LE(b + 36);
  const o = b + FIXED_BODY;
  return {
    streamId: buf.toString('utf8', o, o + streamLen),
    revision: buf.readBigInt64LE(b + 4),
    eventId: bytesToUuid(buf, b + 20),
  };
}

/** Offset of the 16 event-id bytes of the record at `off`. */
export function eventIdOffset(off: number): number {
  return off + HEADER_SIZE + 20;
}

/** Revision as a number, or -1 for the tombstone (2^63-1); avoids a BigInt per record on start-up. */
export function revisionNumber(buf: Buffer, off: number): number {
  const b = off + HEADER_SIZE + 4;
  const lo = buf.readUInt32LE(b);
  const hi = buf.readInt32LE(b + 4);
  if (hi === 0x7fffffff && lo === 0xffffffff) return -1;
  return hi * 0x100000000 + lo;
}

export function streamIdOf(buf: Buffer, off: number): string {
  const b = off + HEADER_SIZE;
  const o = b + FIXED_BODY;
  return buf.toString('utf8', o, o + buf.readUInt32LE(b + 36));
}

/** The data bytes of a validated record as a view (caller must not keep it). */
export function dataView(buf: Buffer, off: number): Buffer {
  const b = off + HEADER_SIZE;
  const o = b + FIXED_BODY + buf.readUInt32LE(b + 36) + buf.readUInt32LE(b + 40);
  return buf.subarray(o, o + buf.readUInt32LE(b + 44));
}

export function createdOf(buf: Buffer, off: number): bigint {
  return buf.readBigInt64LE(off + HEADER_SIZE + 12);
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function isCanonicalUuid(id: string): boolean {
  return UUID_RE.test(id);
}

function uuidToBytes(id: string, buf: Buffer, off: number): void {
  const hex = id.replace(/-/g, '');
  buf.write(hex, off, 16, 'hex');
}

function bytesToUuid(buf: Buffer, off: number): string {
  const h = buf.toString('hex', off, off + 16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** Where the parts of one record sit in its buffer (absolute offsets), for copying them as bytes. */
export interface RecordLayout {
  isJson: boolean;
  /** 8 bytes, little-endian signed */
  revisionAt: number;
  /** 8 bytes, little-endian signed (.NET ticks) */
  createdAt: number;
  /** the 16 event-id bytes, in canonical UUID order */
  idAt: number;
  streamAt: number;
  streamLen: number;
  typeAt: number;
  typeLen: number;
  dataAt: number;
  dataLen: number;
  metaAt: number;
  metaLen: number;
}

export function emptyLayout(): RecordLayout {
  return {
    isJson: false,
    revisionAt: 0,
    createdAt: 0,
    idAt: 0,
    streamAt: 0,
    streamLen: 0,
    typeAt: 0,
    typeLen: 0,
    dataAt: 0,
    dataLen: 0,
    metaAt: 0,
    metaLen: 0,
  };
}

/** Fills `into` with the layout of the validated record at `off` (no allocation: readers reuse one). */
export function layoutOf(buf: Buffer, off: number, into: RecordLayout): RecordLayout {
  const b = off + HEADER_SIZE;
  into.isJson = (buf[b] & FLAG_JSON) !== 0;
  into.revisionAt = b + 4;
  into.createdAt = b + 12;
  into.idAt = b + 20;
  into.streamLen = buf.readUInt32LE(b + 36);
  into.typeLen = buf.readUInt32LE(b + 40);
  into.dataLen = buf.readUInt32LE(b + 44);
  into.metaLen = buf.readUInt32LE(b + 48);
  into.streamAt = b + FIXED_BODY;
  into.typeAt = into.streamAt + into.streamLen;
  into.dataAt = into.typeAt + into.typeLen;
  into.metaAt = into.dataAt + into.dataLen;
  return into;
}

export function typeOf(buf: Buffer, off: number): string {
  const l = layoutOf(buf, off, scratch);
  return buf.toString('utf8', l.typeAt, l.typeAt + l.typeLen);
}

const scratch = emptyLayout();
