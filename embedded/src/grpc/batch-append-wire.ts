// Hand-written protobuf decoding of BatchAppendReq and encoding of the BatchAppendResp success
// answer. Appends are the server's busiest write path, and google-protobuf's object building
// for these two messages was about a fifth of the server's busy time in append profiles.
//
// The fast decoder only accepts what it fully understands (well-formed fields of the expected
// wire types, valid UTF-8). Anything else — truncation, groups, a known field with another wire
// type, invalid UTF-8, out-of-range numbers — is decoded by the generated classes and converted,
// so malformed input gets exactly the result (or exception) it got before. Field numbers are
// those of streams.proto / shared.proto (protocol §7); embedded/test/batch-append-wire.test.ts
// checks both directions against the generated classes.
import type * as grpc from '@grpc/grpc-js';
import type { BatchAppendReq, BatchAppendResp } from '@eventstore/db-client/generated/streams_pb.js';
import type { UUID as UUIDMsg, StreamIdentifier } from '@eventstore/db-client/generated/shared_pb.js';
import { sharedPb, streamsPb } from './generated.js';
import { ProtoWriter, delimitedSize, uint64Size } from './proto-writer.js';

const EMPTY: Uint8Array = new Uint8Array(0);

// ---------------------------------------------------------------- decoded shapes

/**
 * A UUID message as sent: the string case, the structured case (signed int64 decimals), or
 * neither. Has the getters convert.ts `parseUuid` reads, so validation stays shared.
 */
export class WireUuid {
  private constructor(
    readonly string: string | undefined,
    readonly msb: string | undefined,
    readonly lsb: string | undefined,
  ) {}

  static none(): WireUuid {
    return new WireUuid(undefined, undefined, undefined);
  }
  static ofString(value: string): WireUuid {
    return new WireUuid(value, undefined, undefined);
  }
  static ofStructured(msb: string, lsb: string): WireUuid {
    return new WireUuid(undefined, msb, lsb);
  }

  hasStructured(): boolean {
    return this.msb !== undefined;
  }
  getStructured(): this | undefined {
    return this.msb !== undefined ? this : undefined;
  }
  getMostSignificantBits(): string {
    return this.msb ?? '0';
  }
  getLeastSignificantBits(): string {
    return this.lsb ?? '0';
  }
  hasString(): boolean {
    return this.string !== undefined;
  }
  getString(): string {
    return this.string ?? '';
  }

  /** For convert.ts `parseUuid`, which only calls the getters above. */
  asMessage(): UUIDMsg {
    return this as unknown as UUIDMsg;
  }

  /** The generated message, for the (rare) error answers built with the generated classes. */
  toProto(): UUIDMsg {
    const msg = new sharedPb.UUID();
    if (this.msb !== undefined) {
      const st = new sharedPb.UUID.Structured();
      st.setMostSignificantBits(this.msb);
      st.setLeastSignificantBits(this.lsb ?? '0');
      msg.setStructured(st);
    } else if (this.string !== undefined) {
      msg.setString(this.string);
    }
    return msg;
  }
}

export type WireExpected =
  { kind: 'stream_position'; position: string } | { kind: 'no_stream' } | { kind: 'any' } | { kind: 'stream_exists' };

export interface WireOptions {
  /** stream_identifier.stream_name; undefined when the StreamIdentifier itself is missing. */
  streamName: Uint8Array | undefined;
  expected: WireExpected | undefined;
  deadline: { seconds: number; nanos: number } | undefined;
}

/** One proposed event, with the getters proposed.ts `toProposedEvent` reads. */
export class WireProposed {
  id: WireUuid | undefined = undefined;
  readonly metadata = new Map<string, string>();
  customMetadata: Uint8Array = EMPTY;
  data: Uint8Array = EMPTY;

  getId(): UUIDMsg | undefined {
    return this.id?.asMessage();
  }
  getMetadataMap(): Map<string, string> {
    return this.metadata;
  }
  getData_asU8(): Uint8Array {
    return this.data;
  }
  getCustomMetadata_asU8(): Uint8Array {
    return this.customMetadata;
  }
}

export interface WireBatchAppendReq {
  correlation: WireUuid | undefined;
  options: WireOptions | undefined;
  messages: WireProposed[];
  isFinal: boolean;
}

/** StreamIdentifier-shaped view of a stream name, for convert.ts `parseStreamName`. */
export function streamIdentifierOf(name: Uint8Array | undefined): StreamIdentifier | undefined {
  if (name === undefined) return undefined;
  return { getStreamName_asU8: () => name } as unknown as StreamIdentifier;
}

// ---------------------------------------------------------------- fast decoder

/** Thrown inside the fast decoder for anything it leaves to the generated classes. */
class Unusual extends Error {}
const UNUSUAL = new Unusual('left to the generated decoder');

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Buffer's own latin1 decoder (what toString('latin1', ...) calls after argument checks). */
interface Latin1Slicer {
  latin1Slice(start: number, end: number): string;
}

/**
 * One cursor over the whole message. Sub-messages narrow `end` (enter/leave) instead of
 * allocating readers: a single-event request holds eight of them.
 */
class Reader {
  pos = 0;
  end: number;
  /** Low and high 32 bits of the last varint64. */
  lo = 0;
  hi = 0;
  /** `buf` as a Buffer, for latin1 string slices without a Buffer per string. */
  private readonly text: Latin1Slicer;

  constructor(readonly buf: Buffer) {
    this.end = buf.length;
    this.text = buf as unknown as Latin1Slicer;
  }

  /** Narrows to a length-delimited field's body; returns what `leave` restores. */
  enter(): number {
    const outer = this.end;
    this.end = this.delimited();
    return outer;
  }

  leave(outer: number): void {
    this.pos = this.end;
    this.end = outer;
  }

  more(): boolean {
    return this.pos < this.end;
  }

  /** A varint that fits in 32 bits unsigned (tags, lengths, bools). */
  varint32(): number {
    let result = 0;
    let shift = 0;
    for (let i = 0; i < 5; i++) {
      if (this.pos >= this.end) throw UNUSUAL;
      const b = this.buf[this.pos++];
      result += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) {
        if (result > 0xffffffff) throw UNUSUAL;
        return result;
      }
      shift += 7;
    }
    throw UNUSUAL;
  }

  /** A full 64-bit varint into lo/hi. */
  varint64(): void {
    let lo = 0;
    let hi = 0;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw UNUSUAL;
      const b = this.buf[this.pos++];
      if (i < 4) lo |= (b & 0x7f) << (7 * i);
      else if (i === 4) {
        lo |= (b & 0x0f) << 28;
        hi |= (b & 0x7f) >> 4;
      } else if (i < 9) hi |= (b & 0x7f) << (7 * i - 32);
      else {
        if (b > 1) throw UNUSUAL; // more than 64 bits
        hi |= b << 31;
      }
      if (b < 0x80) {
        this.lo = lo >>> 0;
        this.hi = hi >>> 0;
        return;
      }
    }
    throw UNUSUAL;
  }

  uint64String(): string {
    this.varint64();
    if (this.hi === 0) return String(this.lo);
    return ((BigInt(this.hi) << 32n) | BigInt(this.lo)).toString();
  }

  int64String(): string {
    this.varint64();
    if (this.hi === 0 && this.lo < 0x80000000) return String(this.lo);
    return BigInt.asIntN(64, (BigInt(this.hi) << 32n) | BigInt(this.lo)).toString();
  }

  /** End of a length-delimited field's body (its contents start at `pos`). */
  delimited(): number {
    const len = this.varint32();
    const end = this.pos + len;
    if (end > this.end) throw UNUSUAL;
    return end;
  }

  bytes(): Uint8Array {
    const end = this.delimited();
    const start = this.pos;
    this.pos = end;
    // a plain Uint8Array view, as google-protobuf returns
    return start === end ? EMPTY : new Uint8Array(this.buf.buffer, this.buf.byteOffset + start, end - start);
  }

  string(): string {
    const end = this.delimited();
    const start = this.pos;
    this.pos = end;
    for (let i = start; i < end; i++) {
      if (this.buf[i] >= 0x80) {
        try {
          return strictUtf8.decode(this.buf.subarray(start, end));
        } catch {
          throw UNUSUAL;
        }
      }
    }
    return this.text.latin1Slice(start, end);
  }

  /** Skips an unknown field; groups and invalid wire types go to the generated decoder. */
  skip(wireType: number): void {
    switch (wireType) {
      case 0:
        this.varint64();
        return;
      case 1:
        this.advance(8);
        return;
      case 2:
        this.pos = this.delimited();
        return;
      case 5:
        this.advance(4);
        return;
      default:
        throw UNUSUAL;
    }
  }

  private advance(n: number): void {
    if (this.pos + n > this.end) throw UNUSUAL;
    this.pos += n;
  }

  /** Next field's tag; field 0 goes to the generated decoder. */
  tag(): number {
    const tag = this.varint32();
    if (tag >>> 3 === 0) throw UNUSUAL;
    return tag;
  }
}

const VARINT = 0;
const DELIMITED = 2;

function expectWireType(tag: number, wireType: number): void {
  if ((tag & 7) !== wireType) throw UNUSUAL;
}

/** A message whose fields are all ignored (google.protobuf.Empty). */
function skipMessage(r: Reader): void {
  const outer = r.enter();
  while (r.more()) r.skip(r.tag() & 7);
  r.leave(outer);
}

function readUuid(r: Reader): WireUuid {
  const outer = r.enter();
  let uuid = WireUuid.none();
  while (r.more()) {
    const tag = r.tag();
    switch (tag >>> 3) {
      case 1: {
        expectWireType(tag, DELIMITED);
        const stOuter = r.enter();
        let msb = '0';
        let lsb = '0';
        while (r.more()) {
          const t = r.tag();
          const f = t >>> 3;
          if (f === 1 || f === 2) {
            expectWireType(t, VARINT);
            if (f === 1) msb = r.int64String();
            else lsb = r.int64String();
          } else r.skip(t & 7);
        }
        r.leave(stOuter);
        uuid = WireUuid.ofStructured(msb, lsb);
        break;
      }
      case 2:
        expectWireType(tag, DELIMITED);
        uuid = WireUuid.ofString(r.string());
        break;
      default:
        r.skip(tag & 7);
    }
  }
  r.leave(outer);
  return uuid;
}

function readStreamName(r: Reader): Uint8Array {
  const outer = r.enter();
  let name = EMPTY;
  while (r.more()) {
    const tag = r.tag();
    if (tag >>> 3 === 3) {
      expectWireType(tag, DELIMITED);
      name = r.bytes();
    } else r.skip(tag & 7);
  }
  r.leave(outer);
  return name;
}

function readTimestamp(r: Reader): { seconds: number; nanos: number } {
  const outer = r.enter();
  let seconds = 0;
  let nanos = 0;
  while (r.more()) {
    const tag = r.tag();
    const f = tag >>> 3;
    if (f === 1 || f === 2) {
      expectWireType(tag, VARINT);
      r.varint64();
      if (f === 2) nanos = r.lo | 0;
      else {
        const v = BigInt.asIntN(64, (BigInt(r.hi) << 32n) | BigInt(r.lo));
        if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) throw UNUSUAL;
        seconds = Number(v);
      }
    } else r.skip(tag & 7);
  }
  r.leave(outer);
  return { seconds, nanos };
}

function readOptions(r: Reader): WireOptions {
  const outer = r.enter();
  const options: WireOptions = { streamName: undefined, expected: undefined, deadline: undefined };
  while (r.more()) {
    const tag = r.tag();
    switch (tag >>> 3) {
      case 1:
        expectWireType(tag, DELIMITED);
        options.streamName = readStreamName(r);
        break;
      case 2:
        expectWireType(tag, VARINT);
        options.expected = { kind: 'stream_position', position: r.uint64String() };
        break;
      case 3:
        expectWireType(tag, DELIMITED);
        skipMessage(r);
        options.expected = { kind: 'no_stream' };
        break;
      case 4:
        expectWireType(tag, DELIMITED);
        skipMessage(r);
        options.expected = { kind: 'any' };
        break;
      case 5:
        expectWireType(tag, DELIMITED);
        skipMessage(r);
        options.expected = { kind: 'stream_exists' };
        break;
      case 6:
        expectWireType(tag, DELIMITED);
        options.deadline = readTimestamp(r);
        break;
      default:
        r.skip(tag & 7);
    }
  }
  r.leave(outer);
  return options;
}

function readMetadataEntry(r: Reader, into: Map<string, string>): void {
  const outer = r.enter();
  let key = '';
  let value = '';
  while (r.more()) {
    const tag = r.tag();
    const f = tag >>> 3;
    if (f === 1 || f === 2) {
      expectWireType(tag, DELIMITED);
      if (f === 1) key = r.string();
      else value = r.string();
    } else throw UNUSUAL; // google-protobuf's map reader does not skip other fields cleanly
  }
  r.leave(outer);
  into.set(key, value);
}

function readProposed(r: Reader): WireProposed {
  const outer = r.enter();
  const msg = new WireProposed();
  while (r.more()) {
    const tag = r.tag();
    switch (tag >>> 3) {
      case 1:
        expectWireType(tag, DELIMITED);
        msg.id = readUuid(r);
        break;
      case 2:
        expectWireType(tag, DELIMITED);
        readMetadataEntry(r, msg.metadata);
        break;
      case 3:
        expectWireType(tag, DELIMITED);
        msg.customMetadata = r.bytes();
        break;
      case 4:
        expectWireType(tag, DELIMITED);
        msg.data = r.bytes();
        break;
      default:
        r.skip(tag & 7);
    }
  }
  r.leave(outer);
  return msg;
}

/** The fast path alone: undefined when the message needs the generated decoder. */
export function decodeBatchAppendReqFast(bytes: Uint8Array): WireBatchAppendReq | undefined {
  try {
    const r = new Reader(Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length));
    const req: WireBatchAppendReq = { correlation: undefined, options: undefined, messages: [], isFinal: false };
    while (r.more()) {
      const tag = r.tag();
      switch (tag >>> 3) {
        case 1:
          expectWireType(tag, DELIMITED);
          req.correlation = readUuid(r);
          break;
        case 2:
          expectWireType(tag, DELIMITED);
          req.options = readOptions(r);
          break;
        case 3:
          expectWireType(tag, DELIMITED);
          req.messages.push(readProposed(r));
          break;
        case 4: {
          expectWireType(tag, VARINT);
          const at = r.pos;
          const v = r.varint32();
          if (r.pos - at !== 1) throw UNUSUAL; // multi-byte bools: leave to google-protobuf
          req.isFinal = v !== 0;
          break;
        }
        default:
          r.skip(tag & 7);
      }
    }
    return req;
  } catch (err) {
    if (err instanceof Unusual) return undefined;
    throw err;
  }
}

// ---------------------------------------------------------------- from the generated classes

function fromUuidMsg(msg: UUIDMsg): WireUuid {
  if (msg.hasStructured()) {
    const st = msg.getStructured()!;
    return WireUuid.ofStructured(st.getMostSignificantBits(), st.getLeastSignificantBits());
  }
  if (msg.hasString()) return WireUuid.ofString(msg.getString());
  return WireUuid.none();
}

function fromOptions(o: BatchAppendReq.Options): WireOptions {
  const C = streamsPb.BatchAppendReq.Options.ExpectedStreamPositionCase;
  let expected: WireExpected | undefined;
  switch (o.getExpectedStreamPositionCase()) {
    case C.STREAM_POSITION:
      expected = { kind: 'stream_position', position: o.getStreamPosition() };
      break;
    case C.NO_STREAM:
      expected = { kind: 'no_stream' };
      break;
    case C.ANY:
      expected = { kind: 'any' };
      break;
    case C.STREAM_EXISTS:
      expected = { kind: 'stream_exists' };
      break;
    default:
      expected = undefined;
  }
  const ts = o.hasDeadline() ? o.getDeadline()! : undefined;
  return {
    streamName: o.hasStreamIdentifier() ? o.getStreamIdentifier()!.getStreamName_asU8() : undefined,
    expected,
    deadline: ts && { seconds: ts.getSeconds(), nanos: ts.getNanos() },
  };
}

/** The same shape from a generated BatchAppendReq (the slow path, and the tests' reference). */
export function fromGeneratedBatchAppendReq(req: BatchAppendReq): WireBatchAppendReq {
  const messages: WireProposed[] = [];
  for (const m of req.getProposedMessagesList()) {
    const p = new WireProposed();
    if (m.hasId()) p.id = fromUuidMsg(m.getId()!);
    for (const [k, v] of m.getMetadataMap().getEntryList()) p.metadata.set(k, v);
    p.customMetadata = m.getCustomMetadata_asU8();
    p.data = m.getData_asU8();
    messages.push(p);
  }
  return {
    correlation: req.hasCorrelationId() ? fromUuidMsg(req.getCorrelationId()!) : undefined,
    options: req.hasOptions() ? fromOptions(req.getOptions()!) : undefined,
    messages,
    isFinal: req.getIsFinal(),
  };
}

/** Decodes a BatchAppendReq: fast path, else the generated classes (which may throw). */
export function decodeBatchAppendReq(buffer: Uint8Array): WireBatchAppendReq {
  // Copied once, as the generated deserializer does, so event bytes never alias grpc-js buffers
  // (allocUnsafe: small copies come from Node's pool instead of a new ArrayBuffer each).
  const bytes = Buffer.allocUnsafe(buffer.length);
  bytes.set(buffer);
  return (
    decodeBatchAppendReqFast(bytes) ??
    fromGeneratedBatchAppendReq(streamsPb.BatchAppendReq.deserializeBinary(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length)))
  );
}

// ---------------------------------------------------------------- success answer

/** Precomputed sizes of one success answer, so sizing and writing agree. */
class SuccessParts {
  readonly msb: bigint = 0n;
  readonly lsb: bigint = 0n;
  readonly uuidBodyLen: number;
  readonly structuredLen: number = 0;
  readonly stringLen: number = 0;
  readonly streamLen: number;
  readonly streamIdLen: number;
  readonly positionLen: number;
  readonly successLen: number;
  readonly size: number;

  constructor(
    readonly correlation: WireUuid,
    readonly streamName: string,
    readonly currentRevision: bigint,
    readonly position: bigint | undefined,
  ) {
    if (correlation.msb !== undefined) {
      this.msb = BigInt(correlation.msb);
      this.lsb = BigInt(correlation.lsb ?? '0');
      this.structuredLen = (this.msb !== 0n ? 1 + uint64Size(this.msb) : 0) + (this.lsb !== 0n ? 1 + uint64Size(this.lsb) : 0);
      this.uuidBodyLen = delimitedSize(this.structuredLen);
    } else if (correlation.string !== undefined) {
      this.stringLen = Buffer.byteLength(correlation.string, 'utf8');
      this.uuidBodyLen = delimitedSize(this.stringLen);
    } else this.uuidBodyLen = 0;
    this.streamLen = Buffer.byteLength(streamName, 'utf8');
    this.streamIdLen = this.streamLen > 0 ? delimitedSize(this.streamLen) : 0;
    this.positionLen = position === undefined || position === 0n ? 0 : 2 * (1 + uint64Size(position));
    this.successLen =
      (currentRevision < 0n ? delimitedSize(0) : 1 + uint64Size(currentRevision)) +
      (position === undefined ? delimitedSize(0) : delimitedSize(this.positionLen));
    this.size = delimitedSize(this.uuidBodyLen) + delimitedSize(this.successLen) + delimitedSize(this.streamIdLen);
  }

  write(): Buffer {
    const w = new ProtoWriter(this.size);
    const c = this.correlation;
    w.open(1, this.uuidBodyLen);
    if (c.msb !== undefined) {
      w.open(1, this.structuredLen);
      w.uint64(1, this.msb);
      w.uint64(2, this.lsb);
    } else if (c.string !== undefined) {
      w.string(2, c.string, this.stringLen);
    }
    w.open(3, this.successLen);
    if (this.currentRevision < 0n) w.open(2, 0);
    else w.uint64(1, this.currentRevision, true);
    if (this.position === undefined) w.open(4, 0);
    else {
      w.open(3, this.positionLen);
      if (this.position !== 0n) {
        w.uint64(1, this.position);
        w.uint64(2, this.position);
      }
    }
    w.open(4, this.streamIdLen);
    if (this.streamLen > 0) {
      w.string(3, this.streamName, this.streamLen);
    }
    return w.finish('BatchAppendResp');
  }
}

/**
 * `BatchAppendResp { correlation_id, success { current_revision | no_stream, position |
 * no_position }, stream_identifier }` bytes, as the generated classes would serialise it
 * (a negative revision means no_stream, an undefined position no_position).
 */
export function encodeBatchAppendSuccess(
  correlation: WireUuid,
  streamName: string,
  currentRevision: bigint,
  position: bigint | undefined,
): Buffer {
  return new SuccessParts(correlation, streamName, currentRevision, position).write();
}

// ---------------------------------------------------------------- method definition

type BatchAppendMethod = grpc.MethodDefinition<BatchAppendReq, BatchAppendResp>;

/**
 * The generated BatchAppend method with the server-side codecs swapped: requests arrive as
 * WireBatchAppendReq, responses may be pre-encoded Buffers. Path and client codecs unchanged.
 */
export function fastBatchAppendMethod(generated: BatchAppendMethod): grpc.MethodDefinition<BatchAppendReq, BatchAppendResp | Buffer> {
  return {
    ...generated,
    requestDeserialize: decodeBatchAppendReq as unknown as (bytes: Buffer) => BatchAppendReq,
    responseSerialize: (value: BatchAppendResp | Buffer) => (Buffer.isBuffer(value) ? value : generated.responseSerialize(value)),
  };
}
