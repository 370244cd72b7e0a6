// Hand-rolled protobuf encoding of Streams ReadResp event messages. Reads and subscriptions
// send one message per event, and building google-protobuf objects costs several times more
// than the store read itself; these bytes are what `ReadResp.serializeBinary()` would produce
// (field numbers from streams.proto, protocol §4.4). Everything else keeps the generated classes.
import type { RecordedEvent } from '../core/types.js';
import { uuidToStructured } from './convert.js';
import { emptyLayout, layoutOf } from '../storage/record-codec.js';
import { putVarint, putVarint64, uint64Size, varintSize } from './proto-writer.js';

/**
 * A growing writer for the decoded-event path: sub-message lengths are reserved as padded
 * 5-byte varints and filled in by `end`, so nothing is sized beforehand.
 */
class GrowingWriter {
  private buf: Buffer;
  pos = 0;
  constructor(size = 256) {
    this.buf = Buffer.allocUnsafe(size);
  }
  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }
  varint(v: number): void {
    this.ensure(10);
    this.pos = putVarint(this.buf, this.pos, v);
  }
  /** uint64 (or int64 two's complement) as a varint. */
  varint64(v: bigint): void {
    this.ensure(10);
    this.pos = putVarint64(this.buf, this.pos, v);
  }
  bytes(field: number, data: Uint8Array): void {
    this.varint((field << 3) | 2);
    this.varint(data.length);
    this.ensure(data.length);
    this.buf.set(data, this.pos);
    this.pos += data.length;
  }
  string(field: number, s: string): void {
    const len = Buffer.byteLength(s, 'utf8');
    this.varint((field << 3) | 2);
    this.varint(len);
    this.ensure(len);
    this.pos += this.buf.write(s, this.pos, 'utf8');
  }
  uint64(field: number, v: bigint): void {
    this.varint(field << 3);
    this.varint64(v);
  }
  /** Starts a length-delimited sub-message; returns a token for `end`. */
  begin(field: number): number {
    this.varint((field << 3) | 2);
    // reserve 5 bytes for the length (enough for 2^35), fixed up in `end`
    this.ensure(5);
    const at = this.pos;
    this.pos += 5;
    return at;
  }
  end(at: number): void {
    const len = this.pos - at - 5;
    // write a padded 5-byte varint so nothing has to move
    let v = len;
    for (let i = 0; i < 4; i++) {
      this.buf[at + i] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buf[at + 4] = v;
  }
  finish(): Buffer {
    return this.buf.subarray(0, this.pos);
  }
}

const CONTENT_JSON = 'application/json';
const CONTENT_BINARY = 'application/octet-stream';

/** One metadata map entry (field 6). */
function writeEntry(w: GrowingWriter, key: string, value: string): void {
  const e = w.begin(6);
  w.string(1, key);
  w.string(2, value);
  w.end(e);
}

function writeRecorded(w: GrowingWriter, field: number, rec: RecordedEvent, structuredUuids: boolean, position: bigint): void {
  const msg = w.begin(field);
  const id = w.begin(1);
  if (structuredUuids) {
    const [msb, lsb] = uuidToStructured(rec.eventId);
    const st = w.begin(1);
    w.uint64(1, BigInt(msb));
    w.uint64(2, BigInt(lsb));
    w.end(st);
  } else {
    w.string(2, rec.eventId);
  }
  w.end(id);
  const sid = w.begin(2);
  w.string(3, rec.streamId);
  w.end(sid);
  if (rec.revision !== 0n) w.uint64(3, rec.revision);
  if (position !== 0n) {
    w.uint64(4, position);
    w.uint64(5, position);
  }
  writeEntry(w, 'type', rec.type);
  writeEntry(w, 'created', rec.created.toString());
  writeEntry(w, 'content-type', rec.isJson ? CONTENT_JSON : CONTENT_BINARY);
  if (rec.metadata.length > 0) w.bytes(7, rec.metadata);
  if (rec.data.length > 0) w.bytes(8, rec.data);
  w.end(msg);
}

/**
 * Encoded `ReadResp { event: ReadEvent { event, link, commit_position } }`, same semantics as
 * convert.ts `toStreamsReadEvent`.
 */
export function encodeReadRespEvent(event: RecordedEvent | undefined, link: RecordedEvent | undefined, structuredUuids = false): Buffer {
  const w = new GrowingWriter((event?.data.length ?? 0) + (link?.data.length ?? 0) + (event?.metadata.length ?? 0) + 384);
  const readEvent = w.begin(1);
  if (event) writeRecorded(w, 1, event, structuredUuids, event.position);
  if (link) writeRecorded(w, 2, link, structuredUuids, link.position);
  const original = link ?? event;
  if (original) w.uint64(3, original.position);
  else {
    w.varint((4 << 3) | 2);
    w.varint(0);
  }
  w.end(readEvent);
  return w.finish();
}

// ---------------------------------------------------------------- straight from stored bytes

// The same ReadResp as `encodeReadRespEvent(decodeRecord(...))`, built from the stored record's
// byte ranges: stream id, type, data and metadata are copied, the 16 id bytes become the
// canonical UUID text directly. Sizes are computed first, so lengths are minimal varints and the
// output is one exact allocation (from Node's pool for small events); fields go in field-number
// order like serializeBinary.

const layout = emptyLayout();
const KEY_TYPE = Buffer.from('type');
const KEY_CREATED = Buffer.from('created');
const KEY_CONTENT_TYPE = Buffer.from('content-type');
const VALUE_JSON = Buffer.from(CONTENT_JSON);
const VALUE_BINARY = Buffer.from(CONTENT_BINARY);
const HEX = Buffer.from('0123456789abcdef');

/** Copies src[from, from+len) to out at pos; a plain loop beats a native call for short names. */
function putBytes(out: Buffer, pos: number, src: Buffer, from: number, len: number): number {
  if (len < 48) {
    for (let i = 0; i < len; i++) out[pos + i] = src[from + i];
  } else src.copy(out, pos, from, from + len);
  return pos + len;
}

/** Length-delimited field: tag, length, bytes. */
function putField(out: Buffer, pos: number, tag: number, src: Buffer, from: number, len: number): number {
  out[pos++] = tag;
  pos = putVarint(out, pos, len);
  return putBytes(out, pos, src, from, len);
}

function fieldLen(len: number): number {
  return 1 + varintSize(len) + len;
}

function entryLen(keyLen: number, valueLen: number): number {
  return fieldLen(fieldLen(keyLen) + fieldLen(valueLen));
}

function putEntry(out: Buffer, pos: number, key: Buffer, src: Buffer, from: number, len: number): number {
  out[pos++] = (6 << 3) | 2;
  pos = putVarint(out, pos, fieldLen(key.length) + fieldLen(len));
  pos = putField(out, pos, (1 << 3) | 2, key, 0, key.length);
  return putField(out, pos, (2 << 3) | 2, src, from, len);
}

// Events of one commit share their created ticks: keep the last decimal text.
let createdLo = -1;
let createdHi = -1;
let createdText = Buffer.alloc(0);

function createdTextOf(buf: Buffer, at: number): Buffer {
  const lo = buf.readUInt32LE(at);
  const hi = buf.readInt32LE(at + 4);
  if (lo !== createdLo || hi !== createdHi) {
    createdText = Buffer.from(buf.readBigInt64LE(at).toString(), 'latin1');
    createdLo = lo;
    createdHi = hi;
  }
  return createdText;
}

/** Revision as a number when exact, else as the uint64 bigint (the tombstone's 2^63-1). */
function revisionOfBytes(buf: Buffer, at: number): number | bigint {
  const lo = buf.readUInt32LE(at);
  const hi = buf.readInt32LE(at + 4);
  if (hi >= 0 && hi < 0x200000) return hi * 0x100000000 + lo;
  return BigInt.asUintN(64, buf.readBigInt64LE(at));
}

/** UUID message (field 1 of RecordedEvent) length for the id bytes at `at`. */
function idFieldLen(buf: Buffer, at: number, structured: boolean): number {
  if (!structured) return fieldLen(fieldLen(36));
  const msb = buf.readBigUInt64BE(at);
  const lsb = buf.readBigUInt64BE(at + 8);
  const st = (msb !== 0n ? 1 + uint64Size(msb) : 0) + (lsb !== 0n ? 1 + uint64Size(lsb) : 0);
  return fieldLen(fieldLen(st));
}

function putId(out: Buffer, pos: number, buf: Buffer, at: number, structured: boolean): number {
  out[pos++] = (1 << 3) | 2;
  if (structured) {
    const msb = buf.readBigUInt64BE(at);
    const lsb = buf.readBigUInt64BE(at + 8);
    const st = (msb !== 0n ? 1 + uint64Size(msb) : 0) + (lsb !== 0n ? 1 + uint64Size(lsb) : 0);
    pos = putVarint(out, pos, fieldLen(st));
    out[pos++] = (1 << 3) | 2;
    pos = putVarint(out, pos, st);
    if (msb !== 0n) {
      out[pos++] = 1 << 3;
      pos = putVarint64(out, pos, msb);
    }
    if (lsb !== 0n) {
      out[pos++] = 2 << 3;
      pos = putVarint64(out, pos, lsb);
    }
    return pos;
  }
  out[pos++] = 38;
  out[pos++] = (2 << 3) | 2;
  out[pos++] = 36;
  for (let i = 0; i < 16; i++) {
    if (i === 4 || i === 6 || i === 8 || i === 10) out[pos++] = 0x2d; // '-'
    const b = buf[at + i];
    out[pos++] = HEX[b >> 4];
    out[pos++] = HEX[b & 15];
  }
  return pos;
}

// What sizeReadResp worked out for the record, used by the writeReadResp call that follows it.
const cur: {
  buf: Buffer;
  position: number;
  structured: boolean;
  created: Buffer;
  revision: number | bigint;
  contentType: Buffer;
  recLen: number;
  readEventLen: number;
} = {
  buf: Buffer.alloc(0),
  position: 0,
  structured: false,
  created: Buffer.alloc(0),
  revision: 0,
  contentType: VALUE_JSON,
  recLen: 0,
  readEventLen: 0,
};

/** Size of the ReadResp for the record at `off`; must be followed by `writeReadResp` for the same record. */
function sizeReadResp(buf: Buffer, off: number, position: number, structuredUuids: boolean): number {
  const l = layoutOf(buf, off, layout);
  const created = createdTextOf(buf, l.createdAt);
  const revision = revisionOfBytes(buf, l.revisionAt);
  const contentType = l.isJson ? VALUE_JSON : VALUE_BINARY;
  const recLen =
    idFieldLen(buf, l.idAt, structuredUuids) +
    fieldLen(fieldLen(l.streamLen)) +
    (revision === 0 ? 0 : 1 + (typeof revision === 'number' ? varintSize(revision) : uint64Size(revision))) +
    (position === 0 ? 0 : 2 * (1 + varintSize(position))) +
    entryLen(KEY_TYPE.length, l.typeLen) +
    entryLen(KEY_CREATED.length, created.length) +
    entryLen(KEY_CONTENT_TYPE.length, contentType.length) +
    (l.metaLen > 0 ? fieldLen(l.metaLen) : 0) +
    (l.dataLen > 0 ? fieldLen(l.dataLen) : 0);
  const readEventLen = fieldLen(recLen) + 1 + varintSize(position);
  cur.buf = buf;
  cur.position = position;
  cur.structured = structuredUuids;
  cur.created = created;
  cur.revision = revision;
  cur.contentType = contentType;
  cur.recLen = recLen;
  cur.readEventLen = readEventLen;
  return fieldLen(readEventLen);
}

/** Writes the ReadResp sized by the last `sizeReadResp` into `out` at `pos`; returns the end. */
function writeReadResp(out: Buffer, pos: number): number {
  const { buf, position, structured, created, revision, contentType, recLen, readEventLen } = cur;
  const l = layout;
  out[pos++] = (1 << 3) | 2; // ReadResp.event
  pos = putVarint(out, pos, readEventLen);
  out[pos++] = (1 << 3) | 2; // ReadEvent.event
  pos = putVarint(out, pos, recLen);
  pos = putId(out, pos, buf, l.idAt, structured);
  out[pos++] = (2 << 3) | 2; // stream_identifier { stream_name }
  pos = putVarint(out, pos, fieldLen(l.streamLen));
  pos = putField(out, pos, (3 << 3) | 2, buf, l.streamAt, l.streamLen);
  if (revision !== 0) {
    out[pos++] = 3 << 3;
    pos = typeof revision === 'number' ? putVarint(out, pos, revision) : putVarint64(out, pos, revision);
  }
  if (position !== 0) {
    out[pos++] = 4 << 3;
    pos = putVarint(out, pos, position);
    out[pos++] = 5 << 3;
    pos = putVarint(out, pos, position);
  }
  // map entries in key order, as serializeBinary writes them
  pos = putEntry(out, pos, KEY_CONTENT_TYPE, contentType, 0, contentType.length);
  pos = putEntry(out, pos, KEY_CREATED, created, 0, created.length);
  pos = putEntry(out, pos, KEY_TYPE, buf, l.typeAt, l.typeLen);
  if (l.metaLen > 0) pos = putField(out, pos, (7 << 3) | 2, buf, l.metaAt, l.metaLen);
  if (l.dataLen > 0) pos = putField(out, pos, (8 << 3) | 2, buf, l.dataAt, l.dataLen);
  out[pos++] = 3 << 3; // ReadEvent.commit_position
  return putVarint(out, pos, position);
}

/**
 * Encoded `ReadResp { event: ReadEvent { event, commit_position } }` for the checked record at
 * `off` in `buf` with `$all` position `position` (not a resolved link: those keep the decoded path).
 */
export function encodeReadRespFromRecord(buf: Buffer, off: number, position: number, structuredUuids = false): Buffer {
  const out = Buffer.allocUnsafe(sizeReadResp(buf, off, position, structuredUuids));
  const end = writeReadResp(out, 0);
  if (end !== out.length) throw new Error(`ReadResp size mismatch: ${end} != ${out.length}`);
  return out;
}

/** Initial batch size; one big event grows it. */
const BATCH_BYTES = 64 * 1024;

/**
 * gRPC length-prefixed messages (1 byte "not compressed", u32 big-endian length, message) laid
 * end to end: the bytes grpc-js would write for each message, ready for one HTTP/2 write.
 */
export class FramedBatch {
  private buf = Buffer.allocUnsafe(BATCH_BYTES);
  length = 0;

  private reserve(n: number): void {
    if (this.length + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.length + n));
    this.buf.copy(next, 0, 0, this.length);
    this.buf = next;
  }

  private frame(size: number): number {
    this.reserve(5 + size);
    const at = this.length;
    this.buf[at] = 0;
    this.buf.writeUInt32BE(size, at + 1);
    return at + 5;
  }

  /** Adds the ReadResp of a stored record (see encodeReadRespFromRecord). */
  addRecord(buf: Buffer, off: number, position: number, structuredUuids: boolean): void {
    const size = sizeReadResp(buf, off, position, structuredUuids);
    const at = this.frame(size);
    const end = writeReadResp(this.buf, at);
    if (end !== at + size) throw new Error(`ReadResp size mismatch: ${end - at} != ${size}`);
    this.length = end;
  }

  /** Adds an already encoded message. */
  addMessage(message: Uint8Array): void {
    const at = this.frame(message.length);
    this.buf.set(message, at);
    this.length = at + message.length;
  }

  /** The framed bytes so far; the batch starts empty again (the caller owns the returned bytes). */
  take(): Buffer {
    const out = this.buf.subarray(0, this.length);
    this.buf = Buffer.allocUnsafe(Math.max(BATCH_BYTES, this.length));
    this.length = 0;
    return out;
  }
}

/** True when the record at `off` is a link (`$>`): those need resolving, not copying. */
export function isLinkRecord(buf: Buffer, off: number): boolean {
  const l = layoutOf(buf, off, layout);
  return l.typeLen === 2 && buf[l.typeAt] === 0x24 && buf[l.typeAt + 1] === 0x3e;
}
