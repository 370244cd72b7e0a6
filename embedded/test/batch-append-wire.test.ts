// The hand-written BatchAppend codecs must agree with the generated classes: the decoder gives
// exactly what google-protobuf decodes (or throws where it throws), and success answers are
// byte-identical to BatchAppendResp.serializeBinary().
import { describe, expect, it } from 'vitest';
import { emptyPb, sharedPb, streamsPb, timestampPb } from '../src/grpc/generated.js';
import { toStreamIdentifier } from '../src/grpc/convert.js';
import {
  WireUuid,
  decodeBatchAppendReq,
  decodeBatchAppendReqFast,
  encodeBatchAppendSuccess,
  fromGeneratedBatchAppendReq,
  type WireBatchAppendReq,
} from '../src/grpc/batch-append-wire.js';

type Req = InstanceType<typeof streamsPb.BatchAppendReq>;

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const uuidPlain = (u: WireUuid | undefined) => u && { string: u.string, msb: u.msb, lsb: u.lsb };

function plain(r: WireBatchAppendReq) {
  return {
    correlation: uuidPlain(r.correlation),
    options: r.options && { ...r.options, streamName: r.options.streamName && hex(r.options.streamName) },
    messages: r.messages.map((m) => ({
      id: uuidPlain(m.id),
      metadata: Object.fromEntries([...m.metadata.entries()].sort(([a], [b]) => (a < b ? -1 : 1))),
      custom: hex(m.customMetadata),
      data: hex(m.data),
    })),
    isFinal: r.isFinal,
  };
}

/** What the generated classes make of these bytes: a plain value, or the error they throw. */
function viaGenerated(bytes: Uint8Array): unknown {
  try {
    return plain(fromGeneratedBatchAppendReq(streamsPb.BatchAppendReq.deserializeBinary(bytes)));
  } catch (err) {
    return { threw: String(err) };
  }
}

function viaDecoder(bytes: Uint8Array): unknown {
  try {
    return plain(decodeBatchAppendReq(bytes));
  } catch (err) {
    return { threw: String(err) };
  }
}

const stringUuid = (s: string) => new sharedPb.UUID().setString(s);
const structuredUuid = (msb: string, lsb: string) =>
  new sharedPb.UUID().setStructured(new sharedPb.UUID.Structured().setMostSignificantBits(msb).setLeastSignificantBits(lsb));

function proposed(id: InstanceType<typeof sharedPb.UUID> | undefined, meta: Record<string, string>, data: Uint8Array, custom?: Uint8Array) {
  const m = new streamsPb.BatchAppendReq.ProposedMessage();
  if (id) m.setId(id);
  for (const [k, v] of Object.entries(meta)) m.getMetadataMap().set(k, v);
  m.setData(data);
  if (custom) m.setCustomMetadata(custom);
  return m;
}

type Expected = 'any' | 'no_stream' | 'stream_exists' | string | undefined;

function request(opts: {
  correlation?: InstanceType<typeof sharedPb.UUID>;
  stream?: string | null;
  expected?: Expected;
  deadline?: [number, number];
  messages?: InstanceType<typeof streamsPb.BatchAppendReq.ProposedMessage>[];
  isFinal?: boolean;
  withOptions?: boolean;
}): Req {
  const req = new streamsPb.BatchAppendReq();
  if (opts.correlation) req.setCorrelationId(opts.correlation);
  if (opts.withOptions !== false) {
    const o = new streamsPb.BatchAppendReq.Options();
    if (opts.stream !== null)
      o.setStreamIdentifier(opts.stream === undefined ? new sharedPb.StreamIdentifier() : toStreamIdentifier(opts.stream));
    if (opts.expected === 'any') o.setAny(new emptyPb.Empty());
    else if (opts.expected === 'no_stream') o.setNoStream(new emptyPb.Empty());
    else if (opts.expected === 'stream_exists') o.setStreamExists(new emptyPb.Empty());
    else if (opts.expected !== undefined) o.setStreamPosition(opts.expected);
    if (opts.deadline) o.setDeadline(new timestampPb.Timestamp().setSeconds(opts.deadline[0]).setNanos(opts.deadline[1]));
    req.setOptions(o);
  }
  for (const m of opts.messages ?? []) req.addProposedMessages(m);
  if (opts.isFinal) req.setIsFinal(true);
  return req;
}

const json = (s: string) => new TextEncoder().encode(s);
const ID = '0f8fad5b-d9cb-469f-a165-70867728950e';
const meta = { type: 'Deposited', 'content-type': 'application/json' };

const representative: [string, Req][] = [
  [
    'client-style append, string correlation, exact revision',
    request({
      correlation: stringUuid(ID),
      stream: 'account-1',
      expected: '41',
      deadline: [1_800_000_000, 123_456_789],
      messages: [proposed(stringUuid(ID), meta, json('{"n":1}'))],
      isFinal: true,
    }),
  ],
  ['explicit stream position 0', request({ correlation: stringUuid(ID), stream: 'a', expected: '0', isFinal: true })],
  ['largest uint64 stream position', request({ correlation: stringUuid(ID), stream: 'a', expected: '18446744073709551615' })],
  ['no_stream', request({ correlation: stringUuid(ID), stream: 'a', expected: 'no_stream' })],
  ['any', request({ correlation: stringUuid(ID), stream: 'a', expected: 'any' })],
  ['stream_exists', request({ correlation: stringUuid(ID), stream: 'a', expected: 'stream_exists' })],
  ['no expected position', request({ correlation: stringUuid(ID), stream: 'a' })],
  [
    'structured correlation with negative halves',
    request({ correlation: structuredUuid('-1', '-9223372036854775808'), stream: 'a', expected: 'any' }),
  ],
  ['structured correlation with zero halves', request({ correlation: structuredUuid('0', '0'), stream: 'a', expected: 'any' })],
  [
    'structured positive halves',
    request({ correlation: structuredUuid('1121305442246149791', '9223372036854775807'), stream: 'a', expected: 'any' }),
  ],
  ['empty correlation message', request({ correlation: new sharedPb.UUID(), stream: 'a', expected: 'any' })],
  ['empty string correlation', request({ correlation: stringUuid(''), stream: 'a', expected: 'any' })],
  ['no correlation', request({ stream: 'a', expected: 'any' })],
  ['options without stream identifier', request({ correlation: stringUuid(ID), stream: null, expected: 'any' })],
  ['stream identifier without name', request({ correlation: stringUuid(ID), stream: undefined, expected: 'any' })],
  [
    'no options (continuation)',
    request({ correlation: stringUuid(ID), withOptions: false, messages: [proposed(stringUuid(ID), meta, json('{}'))], isFinal: true }),
  ],
  [
    'non-ASCII stream, type and metadata, BOM',
    request({
      correlation: stringUuid(ID.toUpperCase()),
      stream: 'konto-ü-€-😀',
      expected: 'any',
      messages: [
        proposed(
          structuredUuid('5', '-7'),
          { type: '\ufeffÜberweisung😀', 'content-type': 'application/octet-stream', extra: 'ä' },
          new Uint8Array([0, 255, 128]),
          json('{"m":"é"}'),
        ),
      ],
    }),
  ],
  ['negative and zero deadlines', request({ correlation: stringUuid(ID), stream: 'a', expected: 'any', deadline: [-5, -1] })],
  ['zero deadline', request({ correlation: stringUuid(ID), stream: 'a', expected: 'any', deadline: [0, 0] })],
  [
    'messages missing id and metadata, empty data',
    request({
      correlation: stringUuid(ID),
      stream: 'a',
      expected: 'any',
      messages: [proposed(undefined, {}, new Uint8Array()), proposed(stringUuid('nope'), { type: '' }, new Uint8Array())],
    }),
  ],
  [
    'many events with larger payloads',
    request({
      correlation: stringUuid(ID),
      stream: 'load-1',
      expected: 'no_stream',
      messages: Array.from({ length: 100 }, (_, i) =>
        proposed(stringUuid(ID), meta, json(JSON.stringify({ i, pad: 'x'.repeat(i * 10) })), json('{"c":1}')),
      ),
      isFinal: true,
    }),
  ],
];

/** Raw protobuf building blocks for cases the generated classes cannot produce. */
const varint = (v: bigint): number[] => {
  const out: number[] = [];
  let u = BigInt.asUintN(64, v);
  while (u > 0x7fn) {
    out.push(Number(u & 0x7fn) | 0x80);
    u >>= 7n;
  }
  out.push(Number(u));
  return out;
};
const tag = (field: number, wt: number) => varint(BigInt((field << 3) | wt));
const ld = (field: number, body: number[]) => [...tag(field, 2), ...varint(BigInt(body.length)), ...body];
const str = (s: string) => [...Buffer.from(s, 'utf8')];
const bytesOf = (req: Req) => [...req.serializeBinary()];
const entry = (k: number[], v: number[]) => [...ld(1, k), ...ld(2, v)];
const uuidStr = (s: string) => ld(2, str(s));

const raw: [string, number[]][] = [
  [
    'unknown fields of every wire type at every level',
    [
      ...tag(9, 0),
      ...varint(300n),
      ...tag(10, 1),
      1,
      2,
      3,
      4,
      5,
      6,
      7,
      8,
      ...tag(11, 5),
      1,
      2,
      3,
      4,
      ...ld(12, [1, 2, 3]),
      ...ld(1, [...uuidStr(ID), ...tag(7, 0), 1]),
      ...ld(2, [...ld(1, [...ld(3, str('s')), ...tag(4, 0), 5]), ...ld(4, [...tag(1, 0), 1]), ...tag(15, 5), 0, 0, 0, 0]),
      ...ld(3, [...ld(1, uuidStr(ID)), ...ld(2, entry(str('type'), str('T'))), ...ld(4, [1]), ...tag(200, 0), 1]),
    ],
  ],
  [
    'repeated fields: last wins, map keys overwrite, oneofs switch',
    [
      ...ld(1, uuidStr('first')),
      ...ld(1, ld(1, [...tag(1, 0), ...varint(-2n)])),
      ...ld(2, [...ld(1, ld(3, str('one'))), ...tag(2, 0), 7]),
      ...ld(2, [...tag(2, 0), 0, ...ld(4, []), ...ld(1, ld(3, str('two'))), ...ld(6, [...tag(1, 0), 5]), ...ld(6, [...tag(2, 0), 9])]),
      ...ld(3, [
        ...ld(2, entry(str('type'), str('A'))),
        ...ld(2, entry(str('type'), str('B'))),
        ...ld(2, entry([], [])),
        ...ld(2, entry(str('k'), [])),
        ...ld(4, [1]),
        ...ld(4, [2]),
        ...ld(1, uuidStr('x')),
        ...ld(1, []),
      ]),
      ...tag(4, 0),
      1,
      ...tag(4, 0),
      0,
    ],
  ],
  ['UUID string then structured then string', [...ld(1, [...uuidStr('a'), ...ld(1, []), ...uuidStr(ID)])]],
  ['structured without halves', [...ld(1, ld(1, []))]],
  [
    'uint64 position above 2^53 and int32 nanos from a 10-byte varint',
    [
      ...ld(2, [
        ...tag(2, 0),
        ...varint(9007199254740993n),
        ...ld(6, [...tag(1, 0), ...varint(-62135596800n), ...tag(2, 0), ...varint(-5n)]),
      ]),
    ],
  ],
  ['is_final false explicitly', [...tag(4, 0), 0]],
  ['multi-byte bool', [...tag(4, 0), 0x80, 0x01]],
  ['truncated varint', [...tag(4, 0), 0x80]],
  ['length past the end', [...tag(1, 2), 50, 1, 2]],
  ['nested length past its parent', [...ld(1, [...tag(2, 2), 40, 65])]],
  ['group wire type', [...tag(9, 3), ...tag(9, 4)]],
  ['end group without start', [...tag(9, 4)]],
  ['invalid wire type 6', [...tag(9, 6), 0]],
  ['field number 0', [0, 1]],
  ['wrong wire type for is_final', [...tag(4, 2), 0]],
  ['wrong wire type for correlation', [...tag(1, 0), 1]],
  ['wrong wire type for stream position', [...ld(2, [...tag(2, 2), 0])]],
  ['wrong wire type inside the UUID', [...ld(1, [...tag(2, 0), 1])]],
  ['invalid UTF-8 in the correlation', [...ld(1, ld(2, [0xff, 0xfe, 0x41]))]],
  ['invalid UTF-8 in a metadata key', [...ld(3, ld(2, entry([0xc3], str('v'))))]],
  ['UTF-8 encoded surrogate in metadata', [...ld(3, ld(2, entry(str('type'), [0xed, 0xa0, 0x80])))]],
  ['overlong UTF-8 in metadata', [...ld(3, ld(2, entry(str('type'), [0xc0, 0xaf])))]],
  ['varint longer than 10 bytes', [...ld(2, [...tag(2, 0), 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01])]],
  ['10-byte varint with bits above 64', [...ld(2, [...tag(2, 0), 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f])]],
  ['timestamp seconds beyond 2^53', [...ld(2, ld(6, [...tag(1, 0), ...varint(1n << 60n)]))]],
  ['map entry with an unknown varint field', [...ld(3, ld(2, [...entry(str('type'), str('T')), ...tag(3, 0), 9]))]],
  ['map entry with an unknown length-delimited field', [...ld(3, ld(2, [...entry(str('type'), str('T')), ...ld(3, [1])]))]],
  ['empty message', []],
];

describe('decodeBatchAppendReq', () => {
  for (const [name, req] of representative) {
    it(`decodes like the generated classes, on the fast path: ${name}`, () => {
      const bytes = req.serializeBinary();
      const fast = decodeBatchAppendReqFast(bytes);
      expect(fast).toBeDefined();
      expect(plain(fast!)).toEqual(viaGenerated(bytes));
    });
  }

  for (const [name, parts] of raw) {
    it(`agrees with the generated classes on ${name}`, () => {
      const bytes = Uint8Array.from(parts);
      expect(viaDecoder(bytes)).toEqual(viaGenerated(bytes));
    });
  }

  it('takes the fast path for well-formed unknown fields and repeats, and leaves malformed input to google-protobuf', () => {
    expect(decodeBatchAppendReqFast(Uint8Array.from(raw[0][1]))).toBeDefined();
    expect(decodeBatchAppendReqFast(Uint8Array.from(raw[1][1]))).toBeDefined();
    expect(decodeBatchAppendReqFast(Uint8Array.from([...tag(9, 3), ...tag(9, 4)]))).toBeUndefined();
    expect(decodeBatchAppendReqFast(Uint8Array.from([...ld(1, ld(2, [0xff]))]))).toBeUndefined();
  });

  it('agrees with the generated classes on corrupted copies of real requests', () => {
    let seed = 42;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const sources = [...representative.map(([, r]) => bytesOf(r)).filter((b) => b.length < 2000), ...raw.slice(0, 5).map(([, b]) => b)];
    for (let i = 0; i < 3000; i++) {
      const b = [...sources[i % sources.length]];
      const edits = 1 + Math.floor(rand() * 3);
      for (let e = 0; e < edits; e++) {
        const at = Math.floor(rand() * Math.max(b.length, 1));
        const op = rand();
        if (op < 0.5) b[at] = Math.floor(rand() * 256);
        else if (op < 0.75) b.splice(at, 1);
        else b.length = at;
      }
      const bytes = Uint8Array.from(b);
      expect(viaDecoder(bytes), `case ${i}: ${Buffer.from(bytes).toString('hex')}`).toEqual(viaGenerated(bytes));
    }
  });

  it('copies the input, so event bytes never alias the transport buffer', () => {
    const bytes = Buffer.from(representative[0][1].serializeBinary());
    const decoded = decodeBatchAppendReq(bytes);
    // plain Uint8Array views, as google-protobuf hands out
    expect(Buffer.isBuffer(decoded.messages[0].data)).toBe(false);
    const before = hex(decoded.messages[0].data);
    bytes.fill(0);
    expect(hex(decoded.messages[0].data)).toBe(before);
  });
});

describe('encodeBatchAppendSuccess', () => {
  function generated(correlation: WireUuid, stream: string, revision: bigint, position: bigint | undefined): Buffer {
    const success = new streamsPb.BatchAppendResp.Success();
    if (revision < 0n) success.setNoStream(new emptyPb.Empty());
    else success.setCurrentRevision(revision.toString());
    if (position === undefined) success.setNoPosition(new emptyPb.Empty());
    else
      success.setPosition(new sharedPb.AllStreamPosition().setCommitPosition(position.toString()).setPreparePosition(position.toString()));
    const resp = new streamsPb.BatchAppendResp();
    resp.setCorrelationId(correlation.toProto());
    resp.setStreamIdentifier(toStreamIdentifier(stream));
    resp.setSuccess(success);
    return Buffer.from(resp.serializeBinary());
  }

  const correlations: [string, WireUuid][] = [
    ['string', WireUuid.ofString(ID)],
    ['odd string', WireUuid.ofString('{ÄBC}')],
    ['empty string', WireUuid.ofString('')],
    ['structured', WireUuid.ofStructured('-1', '9223372036854775807')],
    ['structured zero', WireUuid.ofStructured('0', '0')],
    ['structured mixed', WireUuid.ofStructured('0', '-9223372036854775808')],
    ['none', WireUuid.none()],
  ];
  const results: [string, string, bigint, bigint | undefined][] = [
    ['revision 0 at position 0', 'a', 0n, 0n],
    ['typical', 'account-1', 41n, 123_456_789n],
    ['no stream, no position', 'a', -1n, undefined],
    ['huge values', 'konto-ü-😀-' + 'x'.repeat(200), 9_223_372_036_854_775_806n, 18_000_000_000_000_000_000n],
    ['empty stream name', '', 5n, 1n],
  ];
  for (const [cname, c] of correlations) {
    for (const [rname, stream, revision, position] of results) {
      it(`is byte-identical to the generated answer: ${cname} correlation, ${rname}`, () => {
        expect(hex(encodeBatchAppendSuccess(c, stream, revision, position))).toBe(hex(generated(c, stream, revision, position)));
      });
    }
  }
});
