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
import { ProtoWriter, delimitedSize, uint64FieldSize, varintSize } from './proto-writer.js';

// Every message is sized first and written once into an exactly-sized buffer: no nested
// writers, no TextEncoder (strings go straight into the buffer with Buffer.write), no
// per-event closures. Field tags used here are all below 16, so each takes one byte.

const JSON_TYPE = 'application/json';
const BINARY_TYPE = 'application/octet-stream';

/** One RecordedEvent's measured parts, so sizing and writing agree. */
class RecordedParts {
  readonly contentType: string;
  readonly created: string;
  readonly idLen: number;
  readonly streamLen: number;
  readonly typeLen: number;
  readonly msb: bigint = 0n;
  readonly lsb: bigint = 0n;
  readonly uuidLen: number;
  readonly streamIdLen: number;
  readonly entriesLen: [number, number, number];
  readonly size: number;

  constructor(
    readonly rec: RecordedEvent,
    readonly position: bigint,
    readonly structured: boolean,
  ) {
    this.contentType = rec.isJson ? JSON_TYPE : BINARY_TYPE;
    this.created = rec.created.toString();
    this.streamLen = Buffer.byteLength(rec.streamId, 'utf8');
    this.typeLen = Buffer.byteLength(rec.type, 'utf8');
    if (structured) {
      const [msb, lsb] = uuidToStructured(rec.eventId);
      this.msb = BigInt(msb);
      this.lsb = BigInt(lsb);
      this.idLen = uint64FieldSize(this.msb) + uint64FieldSize(this.lsb);
      this.uuidLen = delimitedSize(this.idLen);
    } else {
      this.idLen = Buffer.byteLength(rec.eventId, 'utf8');
      this.uuidLen = delimitedSize(this.idLen);
    }
    this.streamIdLen = delimitedSize(this.streamLen);
    // map entries in the generated classes' key order: content-type, created, type
    this.entriesLen = [
      delimitedSize(12) + delimitedSize(this.contentType.length),
      delimitedSize(7) + delimitedSize(this.created.length),
      delimitedSize(4) + delimitedSize(this.typeLen),
    ];
    this.size =
      delimitedSize(this.uuidLen) +
      delimitedSize(this.streamIdLen) +
      uint64FieldSize(rec.revision) +
      2 * uint64FieldSize(position) +
      delimitedSize(this.entriesLen[0]) +
      delimitedSize(this.entriesLen[1]) +
      delimitedSize(this.entriesLen[2]) +
      (rec.metadata.length > 0 ? delimitedSize(rec.metadata.length) : 0) +
      (rec.data.length > 0 ? delimitedSize(rec.data.length) : 0);
  }

  write(w: ProtoWriter, field: number): void {
    const rec = this.rec;
    w.open(field, this.size);
    w.open(1, this.uuidLen);
    if (this.structured) {
      w.open(1, this.idLen);
      w.uint64(1, this.msb);
      w.uint64(2, this.lsb);
    } else {
      w.string(2, rec.eventId, this.idLen);
    }
    w.open(2, this.streamIdLen);
    w.string(3, rec.streamId, this.streamLen);
    w.uint64(3, rec.revision);
    w.uint64(4, this.position);
    w.uint64(5, this.position);
    w.open(6, this.entriesLen[0]);
    w.string(1, 'content-type', 12);
    w.string(2, this.contentType, this.contentType.length);
    w.open(6, this.entriesLen[1]);
    w.string(1, 'created', 7);
    w.string(2, this.created, this.created.length);
    w.open(6, this.entriesLen[2]);
    w.string(1, 'type', 4);
    w.string(2, rec.type, this.typeLen);
    if (rec.metadata.length > 0) w.bytes(7, rec.metadata);
    if (rec.data.length > 0) w.bytes(8, rec.data);
  }
}

/** ReadResp { event: ReadEvent } bytes for one delivery. */
export function encodeDelivery(d: Delivery, structured: boolean): Buffer {
  // Both records carry the original's position here, unlike normal reads (§14.8).
  const position = (d.link ?? d.event)!.position;
  const event = d.event ? new RecordedParts(d.event, position, structured) : undefined;
  const link = d.link ? new RecordedParts(d.link, position, structured) : undefined;
  const readEventLen =
    (event ? delimitedSize(event.size) : 0) +
    (link ? delimitedSize(link.size) : 0) +
    uint64FieldSize(position, true) +
    1 +
    varintSize(d.retryCount);
  const w = new ProtoWriter(delimitedSize(readEventLen));
  w.open(1, readEventLen);
  event?.write(w, 1);
  link?.write(w, 2);
  w.uint64(3, position, true);
  w.tag(5, 0);
  w.varint(d.retryCount);
  return w.finish('persistent ReadResp');
}

// ---------------------------------------------------------------- requests

export type ReadRequest =
  { kind: 'ack'; ids: string[] } | { kind: 'nack'; ids: string[]; action: number; reason: string } | { kind: 'other'; req: pb.ReadReq };

class Reader {
  pos = 0;
  constructor(
    readonly buf: Uint8Array,
    readonly end = buf.length,
  ) {}

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
