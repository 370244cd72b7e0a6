// Protobuf encoding primitives shared by the hand-written encoders (fast-encode.ts,
// persistent-wire.ts, batch-append-wire.ts). Messages there are sized first and then written
// once into an exactly-sized buffer, so lengths are minimal varints like serializeBinary's.
// Plain functions and one class on purpose: these run once per event on the hot paths, where a
// per-call closure or nested writer would cost more than the encoding itself.

/** Bytes of `value` (a non-negative integer) as a varint. */
export function varintSize(value: number): number {
  let n = 1;
  for (let v = value; v > 0x7f; v = Math.floor(v / 128)) n++;
  return n;
}

/** Bytes of a uint64 (or two's-complement int64) as a varint. */
export function uint64Size(value: bigint): number {
  let v = BigInt.asUintN(64, value);
  if (v <= 0xffffffffn) return varintSize(Number(v));
  let n = 1;
  for (; v > 0x7fn; v >>= 7n) n++;
  return n;
}

/** Size of a length-delimited field (one-byte tag) holding `len` bytes. */
export function delimitedSize(len: number): number {
  return 1 + varintSize(len) + len;
}

/** Size of an optional proto3 uint64 field (one-byte tag): omitted when 0 unless `always`. */
export function uint64FieldSize(value: bigint, always = false): number {
  return value === 0n && !always ? 0 : 1 + uint64Size(value);
}

/** Writes `value` (a non-negative integer) as a varint at `pos`; returns the end. */
export function putVarint(out: Buffer, pos: number, value: number): number {
  let v = value;
  while (v > 0x7f) {
    out[pos++] = (v % 0x80) | 0x80;
    v = Math.floor(v / 0x80);
  }
  out[pos++] = v;
  return pos;
}

/** Writes a uint64 (or two's-complement int64) as a varint at `pos`; returns the end. */
export function putVarint64(out: Buffer, pos: number, value: bigint): number {
  let v = BigInt.asUintN(64, value);
  if (v <= 0xffffffffn) return putVarint(out, pos, Number(v));
  while (v > 0x7fn) {
    out[pos++] = Number(v & 0x7fn) | 0x80;
    v >>= 7n;
  }
  out[pos++] = Number(v);
  return pos;
}

/** Writes into a buffer sized beforehand (field tags below 16, so one byte each). */
export class ProtoWriter {
  readonly buf: Buffer;
  pos = 0;
  constructor(size: number) {
    this.buf = Buffer.allocUnsafe(size);
  }

  varint(value: number): void {
    this.pos = putVarint(this.buf, this.pos, value);
  }

  /** uint64 / two's-complement int64 as a varint. */
  bigVarint(value: bigint): void {
    this.pos = putVarint64(this.buf, this.pos, value);
  }

  tag(field: number, wireType: 0 | 2): void {
    this.buf[this.pos++] = (field << 3) | wireType;
  }

  /** Tag and length of a length-delimited field whose body follows. */
  open(field: number, len: number): void {
    this.buf[this.pos++] = (field << 3) | 2;
    this.pos = putVarint(this.buf, this.pos, len);
  }

  bytes(field: number, data: Uint8Array): void {
    this.open(field, data.length);
    this.buf.set(data, this.pos);
    this.pos += data.length;
  }

  /** A string field whose UTF-8 length the caller already measured. */
  string(field: number, s: string, len: number): void {
    this.open(field, len);
    this.pos += this.buf.write(s, this.pos, len, 'utf8');
  }

  /** A proto3 uint64 field, omitted when 0 unless `always`. */
  uint64(field: number, value: bigint, always = false): void {
    if (value === 0n && !always) return;
    this.buf[this.pos++] = field << 3;
    this.pos = putVarint64(this.buf, this.pos, value);
  }

  /** Throws unless exactly the sized bytes were written; returns them. */
  finish(what: string): Buffer {
    if (this.pos !== this.buf.length) throw new Error(`${what} size mismatch: ${this.pos} of ${this.buf.length}`);
    return this.buf;
  }
}
