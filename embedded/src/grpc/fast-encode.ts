// Hand-rolled protobuf encoding of Streams ReadResp event messages. Reads and subscriptions
// send one message per event, and building google-protobuf objects costs several times more
// than the store read itself; these bytes are what `ReadResp.serializeBinary()` would produce
// (field numbers from streams.proto, protocol §4.4). Everything else keeps the generated classes.
import type { RecordedEvent } from '../core/types.js';
import { uuidToStructured } from './convert.js';

class Writer {
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
  byte(b: number): void {
    this.ensure(1);
    this.buf[this.pos++] = b;
  }
  varint(v: number): void {
    this.ensure(10);
    while (v > 0x7f) {
      this.buf[this.pos++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buf[this.pos++] = v;
  }
  /** uint64 (or int64 two's complement) as a varint. */
  varint64(v: bigint): void {
    let u = BigInt.asUintN(64, v);
    if (u <= 0x1fffffffffffffn) return this.varint(Number(u));
    this.ensure(10);
    while (u > 0x7fn) {
      this.buf[this.pos++] = Number(u & 0x7fn) | 0x80;
      u >>= 7n;
    }
    this.buf[this.pos++] = Number(u);
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

function writeRecorded(w: Writer, field: number, rec: RecordedEvent, structuredUuids: boolean, position: bigint): void {
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
  const entry = (key: string, value: string) => {
    const e = w.begin(6);
    w.string(1, key);
    w.string(2, value);
    w.end(e);
  };
  entry('type', rec.type);
  entry('created', rec.created.toString());
  entry('content-type', rec.isJson ? CONTENT_JSON : CONTENT_BINARY);
  if (rec.metadata.length > 0) w.bytes(7, rec.metadata);
  if (rec.data.length > 0) w.bytes(8, rec.data);
  w.end(msg);
}

/**
 * Encoded `ReadResp { event: ReadEvent { event, link, commit_position } }`, same semantics as
 * convert.ts `toStreamsReadEvent`.
 */
export function encodeReadRespEvent(event: RecordedEvent | undefined, link: RecordedEvent | undefined, structuredUuids = false): Buffer {
  const w = new Writer(((event?.data.length ?? 0) + (link?.data.length ?? 0) + (event?.metadata.length ?? 0)) + 384);
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
