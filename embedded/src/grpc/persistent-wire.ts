// Hand-written protobuf encoding of persistent ReadResp events and decoding of ack/nack requests:
// the two messages sent once per delivered event, where google-protobuf's object building was the
// largest server cost. Wire-identical to the generated classes (protocol §14.8; checked by
// embedded/test/persistent-wire.test.ts); everything else still goes through them.
import * as grpc from '@grpc/grpc-js';
import type * as pb from '@eventstore/db-client/generated/persistent_pb.js';
import type { RecordedEvent } from '../core/types.js';
import type { Delivery } from '../persistent/group.js';
import { parseUuidString, uuidToStructured } from './convert.js';
import { persistentGrpc } from './generated.js';

const utf8 = new TextEncoder();

/** Growable byte buffer with the few protobuf primitives needed here. */
class Writer {
  private buf = Buffer.allocUnsafe(256);
  private pos = 0;

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  varint(value: number): void {
    this.ensure(10);
    let v = value;
    while (v > 0x7f) {
      this.buf[this.pos++] = (v & 0x7f) | 0x80;
      v = Math.floor(v / 128);
    }
    this.buf[this.pos++] = v;
  }

  /** uint64 / two's-complement int64 as a varint. */
  bigVarint(value: bigint): void {
    let v = BigInt.asUintN(64, value);
    if (v <= 0xffffffffn) {
      this.varint(Number(v));
      return;
    }
    this.ensure(10);
    while (v > 0x7fn) {
      this.buf[this.pos++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    this.buf[this.pos++] = Number(v);
  }

  tag(field: number, wireType: 0 | 2): void {
    this.varint((field << 3) | wireType);
  }

  bytes(field: number, data: Uint8Array): void {
    this.tag(field, 2);
    this.varint(data.length);
    this.ensure(data.length);
    this.buf.set(data, this.pos);
    this.pos += data.length;
  }

  string(field: number, s: string): void {
    this.bytes(field, utf8.encode(s));
  }

  uint64(field: number, value: bigint, always = false): void {
    if (value === 0n && !always) return;
    this.tag(field, 0);
    this.bigVarint(value);
  }

  finish(): Buffer {
    return this.buf.subarray(0, this.pos);
  }
}

function encodeUuid(uuid: string, structured: boolean): Buffer {
  const w = new Writer();
  if (structured) {
    const [msb, lsb] = uuidToStructured(uuid);
    const s = new Writer();
    s.uint64(1, BigInt(msb));
    s.uint64(2, BigInt(lsb));
    w.bytes(1, s.finish());
  } else {
    w.string(2, uuid);
  }
  return w.finish();
}

function encodeRecorded(rec: RecordedEvent, position: bigint, structured: boolean): Buffer {
  const w = new Writer();
  w.bytes(1, encodeUuid(rec.eventId, structured));
  const id = new Writer();
  id.bytes(3, utf8.encode(rec.streamId));
  w.bytes(2, id.finish());
  w.uint64(3, rec.revision);
  w.uint64(4, position);
  w.uint64(5, position);
  // map<string,string> metadata: one entry message per key, in the generated classes' key order
  const entry = (key: string, value: string) => {
    const e = new Writer();
    e.string(1, key);
    e.string(2, value);
    w.bytes(6, e.finish());
  };
  entry('content-type', rec.isJson ? 'application/json' : 'application/octet-stream');
  entry('created', rec.created.toString());
  entry('type', rec.type);
  if (rec.metadata.length > 0) w.bytes(7, rec.metadata);
  if (rec.data.length > 0) w.bytes(8, rec.data);
  return w.finish();
}

/** ReadResp { event: ReadEvent } bytes for one delivery. */
export function encodeDelivery(d: Delivery, structured: boolean): Buffer {
  // Both records carry the original's position here, unlike normal reads (§14.8).
  const position = (d.link ?? d.event)!.position;
  const ev = new Writer();
  if (d.event) ev.bytes(1, encodeRecorded(d.event, position, structured));
  if (d.link) ev.bytes(2, encodeRecorded(d.link, position, structured));
  ev.uint64(3, position, true);
  ev.tag(5, 0);
  ev.varint(d.retryCount);
  const resp = new Writer();
  resp.bytes(1, ev.finish());
  return resp.finish();
}

// ---------------------------------------------------------------- requests

export type ReadRequest =
  | { kind: 'ack'; ids: string[] }
  | { kind: 'nack'; ids: string[]; action: number; reason: string }
  | { kind: 'other'; req: pb.ReadReq };

class Reader {
  pos = 0;
  constructor(readonly buf: Uint8Array, readonly end = buf.length) {}

  done(): boolean {
    return this.pos >= this.end;
  }

  varint(): number {
    let result = 0;
    let shift = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new Error('truncated varint');
      const b = this.buf[this.pos++];
      result += (b & 0x7f) * shift;
      if ((b & 0x80) === 0) return result;
      shift *= 128;
    }
    throw new Error('varint too long');
  }

  /** Sub-reader over a length-delimited field. */
  sub(): Reader {
    const len = this.varint();
    const start = this.pos;
    if (start + len > this.end) throw new Error('truncated field');
    this.pos += len;
    const r = new Reader(this.buf, start + len);
    r.pos = start;
    return r;
  }

  skip(wireType: number): void {
    switch (wireType) {
      case 0:
        this.varint();
        return;
      case 1:
        this.pos += 8;
        return;
      case 2:
        this.sub();
        return;
      case 5:
        this.pos += 4;
        return;
      default:
        throw new Error(`unsupported wire type ${wireType}`);
    }
  }
}

/** UUID in string form; undefined for the structured form (left to the generated classes). */
function readStringUuid(r: Reader): string | undefined {
  let id: string | undefined;
  while (!r.done()) {
    const tag = r.varint();
    if (tag === ((2 << 3) | 2)) {
      const s = r.sub();
      id = Buffer.from(s.buf.buffer, s.buf.byteOffset + s.pos, s.end - s.pos).toString('utf8');
    } else return undefined;
  }
  return id;
}

/**
 * Fast path for Ack / Nack { ids (string UUIDs), action, reason }. Anything else (options,
 * structured ids, unknown fields, malformed bytes) returns undefined for the generated decoder,
 * which also produces its errors.
 */
function decodeAckOrNack(bytes: Uint8Array): ReadRequest | undefined {
  try {
    const r = new Reader(bytes);
    if (r.done()) return undefined;
    const tag = r.varint();
    const field = tag >>> 3;
    if ((field !== 2 && field !== 3) || (tag & 7) !== 2) return undefined;
    const body = r.sub();
    if (!r.done()) return undefined;
    const ids: string[] = [];
    let action = 0;
    let reason = '';
    while (!body.done()) {
      const t = body.varint();
      const f = t >>> 3;
      const wt = t & 7;
      if (f === 2 && wt === 2) {
        const raw = readStringUuid(body.sub());
        const id = raw === undefined ? undefined : parseUuidString(raw);
        if (!id) return undefined;
        ids.push(id);
      } else if (field === 3 && f === 3 && wt === 0) {
        action = body.varint();
      } else if (field === 3 && f === 4 && wt === 2) {
        const s = body.sub();
        reason = Buffer.from(s.buf.buffer, s.buf.byteOffset + s.pos, s.end - s.pos).toString('utf8');
      } else if (f === 1 && wt === 2) {
        body.skip(wt); // legacy `id`, unused
      } else {
        return undefined;
      }
    }
    return field === 2 ? { kind: 'ack', ids } : { kind: 'nack', ids, action, reason };
  } catch {
    return undefined;
  }
}

type ReadMethod = grpc.MethodDefinition<pb.ReadReq, pb.ReadResp>;

/**
 * The generated service definition with Read's codecs swapped for the fast paths above:
 * responses may be pre-encoded Buffers, requests arrive as ReadRequest. Paths are unchanged.
 */
export function persistentServiceDefinition(): grpc.ServiceDefinition {
  const generated = persistentGrpc.PersistentSubscriptionsService as unknown as Record<string, grpc.MethodDefinition<unknown, unknown>>;
  const read = generated.read as unknown as ReadMethod;
  const fastRead: grpc.MethodDefinition<ReadRequest, pb.ReadResp | Buffer> = {
    ...read,
    requestDeserialize: (bytes: Buffer): ReadRequest => decodeAckOrNack(bytes) ?? { kind: 'other', req: read.requestDeserialize(bytes) },
    requestSerialize: (value: ReadRequest) => {
      if (value.kind !== 'other') throw new Error('fast-path requests are server-side only');
      return read.requestSerialize(value.req);
    },
    responseSerialize: (value: pb.ReadResp | Buffer) => (Buffer.isBuffer(value) ? value : read.responseSerialize(value)),
    responseDeserialize: (bytes: Buffer) => read.responseDeserialize(bytes),
  };
  return { ...generated, read: fastRead } as unknown as grpc.ServiceDefinition;
}
