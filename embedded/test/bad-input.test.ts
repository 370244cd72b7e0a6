// Malformed and hostile requests sent with a raw grpc-js client and the generated classes:
// each gets a gRPC error (or in-band error) the client understands, nothing is written, and
// the server keeps serving.
import { createRequire } from 'node:module';
import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import * as grpc from '@grpc/grpc-js';
import { jsonEvent, binaryEvent, MaxAppendSizeExceededError, StreamNotFoundError, WrongExpectedVersionError } from '@eventstore/db-client';
import { collect, streamName, useEventStore } from './support.js';

const require = createRequire(import.meta.url);
const streamsPb =
  require('@eventstore/db-client/generated/streams_pb.js') as typeof import('@eventstore/db-client/generated/streams_pb.js');
const streamsGrpc =
  require('@eventstore/db-client/generated/streams_grpc_pb.js') as typeof import('@eventstore/db-client/generated/streams_grpc_pb.js');
const sharedPb = require('@eventstore/db-client/generated/shared_pb.js') as typeof import('@eventstore/db-client/generated/shared_pb.js');
const clientRequire = createRequire(require.resolve('@eventstore/db-client/package.json'));
const timestampPb = clientRequire(
  'google-protobuf/google/protobuf/timestamp_pb.js',
) as typeof import('google-protobuf/google/protobuf/timestamp_pb.js');
const emptyPb = clientRequire(
  'google-protobuf/google/protobuf/empty_pb.js',
) as typeof import('google-protobuf/google/protobuf/empty_pb.js');

type AppendReq = InstanceType<typeof streamsPb.AppendReq>;
type BatchAppendReq = InstanceType<typeof streamsPb.BatchAppendReq>;
type BatchAppendResp = InstanceType<typeof streamsPb.BatchAppendResp>;
type ReadReq = InstanceType<typeof streamsPb.ReadReq>;

const es = useEventStore();
let raw: InstanceType<typeof streamsGrpc.StreamsClient>;
let address: string;

beforeAll(() => {
  address = `127.0.0.1:${es.server.port}`;
  raw = new streamsGrpc.StreamsClient(address, grpc.credentials.createInsecure(), { 'grpc.max_send_message_length': -1 });
});
afterAll(() => raw.close());

const sid = (name: string) => {
  const id = new sharedPb.StreamIdentifier();
  id.setStreamName(Buffer.from(name));
  return id;
};
const uuid = (s: string) => {
  const u = new sharedPb.UUID();
  u.setString(s);
  return u;
};

function proposed<
  T extends {
    setId(u?: InstanceType<typeof sharedPb.UUID>): unknown;
    getMetadataMap(): { set(k: string, v: string): unknown };
    setData(d: Uint8Array): unknown;
  },
>(
  msg: T,
  id: InstanceType<typeof sharedPb.UUID>,
  meta: Record<string, string> = { type: 'T', 'content-type': 'application/json' },
  data: Uint8Array = Buffer.from('{}'),
): T {
  msg.setId(id);
  for (const [k, v] of Object.entries(meta)) msg.getMetadataMap().set(k, v);
  msg.setData(data);
  return msg;
}

function appendOptions(stream: string): AppendReq {
  const o = new streamsPb.AppendReq.Options();
  o.setStreamIdentifier(sid(stream));
  o.setAny(new sharedPb.Empty());
  const req = new streamsPb.AppendReq();
  req.setOptions(o);
  return req;
}
function appendEvent(id: InstanceType<typeof sharedPb.UUID>, meta?: Record<string, string>): AppendReq {
  const req = new streamsPb.AppendReq();
  req.setProposedMessage(proposed(new streamsPb.AppendReq.ProposedMessage(), id, meta));
  return req;
}

/** Runs a raw Append with the given messages; resolves with the response or the ServiceError. */
function rawAppend(messages: AppendReq[]): Promise<{ resp?: InstanceType<typeof streamsPb.AppendResp>; err?: grpc.ServiceError }> {
  return new Promise((resolve) => {
    const call = raw.append((err, resp) => resolve(err ? { err } : { resp }));
    for (const m of messages) call.write(m);
    call.end();
  });
}

function rawRead(req: ReadReq): Promise<{ messages: InstanceType<typeof streamsPb.ReadResp>[]; err?: grpc.ServiceError }> {
  return new Promise((resolve) => {
    const messages: InstanceType<typeof streamsPb.ReadResp>[] = [];
    const call = raw.read(req);
    call.on('data', (m) => messages.push(m));
    call.on('error', (err: grpc.ServiceError) => resolve({ messages, err }));
    call.on('end', () => resolve({ messages }));
  });
}

async function streamLength(s: string): Promise<number> {
  try {
    return (await collect(es.client.readStream(s))).length;
  } catch (e) {
    if (e instanceof StreamNotFoundError) return 0;
    throw e;
  }
}

describe('Append with malformed input', () => {
  // ESDB's Append handler fails on these and ends the call with UNKNOWN (protocol §4.2, §6).
  it('rejects an invalid event id without writing anything', async () => {
    const s = streamName('bad');
    const { err } = await rawAppend([
      appendOptions(s),
      appendEvent(uuid('11111111-1111-1111-1111-111111111111')),
      appendEvent(uuid('not-a-uuid')),
    ]);
    expect(err?.code).toBe(grpc.status.UNKNOWN);
    expect(await streamLength(s)).toBe(0);
  });

  it('rejects the all-zero id and a missing id', async () => {
    const s = streamName('bad');
    expect((await rawAppend([appendOptions(s), appendEvent(uuid('00000000-0000-0000-0000-000000000000'))])).err?.code).toBe(
      grpc.status.UNKNOWN,
    );
    expect((await rawAppend([appendOptions(s), appendEvent(undefined as never)])).err?.code).toBe(grpc.status.UNKNOWN);
    expect(await streamLength(s)).toBe(0);
  });

  it('rejects a request that does not start with options, or has none', async () => {
    const s = streamName('bad');
    expect((await rawAppend([appendEvent(uuid('22222222-2222-2222-2222-222222222222'))])).err?.code).toBe(grpc.status.UNKNOWN);
    expect((await rawAppend([])).err?.code).toBe(grpc.status.UNKNOWN);
    const noExpected = new streamsPb.AppendReq();
    const o = new streamsPb.AppendReq.Options();
    o.setStreamIdentifier(sid(s));
    noExpected.setOptions(o);
    expect((await rawAppend([noExpected])).err?.code).toBe(grpc.status.UNKNOWN);
    expect(await streamLength(s)).toBe(0);
  });

  it('reports missing required metadata with the exception trailer', async () => {
    const s = streamName('bad');
    const { err } = await rawAppend([appendOptions(s), appendEvent(uuid('33333333-3333-3333-3333-333333333333'), { type: 'T' })]);
    expect(err?.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(err?.metadata.get('exception')).toEqual(['missing-required-metadata-property']);
    expect(err?.metadata.get('required-metadata-properties')).toEqual(['type,content-type']);
    expect(await streamLength(s)).toBe(0);
  });

  it('accepts ids in any .NET Guid format and structured form, returning them canonical', async () => {
    const s = streamName('ids');
    const structured = new sharedPb.UUID();
    const st = new sharedPb.UUID.Structured();
    // 01234567-89ab-cdef-0123-456789abcdef as two signed 64-bit halves
    st.setMostSignificantBits(BigInt.asIntN(64, 0x0123456789abcdefn).toString());
    st.setLeastSignificantBits(BigInt.asIntN(64, 0x0123456789abcdefn).toString());
    structured.setStructured(st);
    const { resp, err } = await rawAppend([
      appendOptions(s),
      appendEvent(uuid('{AAAAAAAA-BBBB-4CCC-8DDD-EEEEEEEEEEEE}')),
      appendEvent(uuid('ffffffff000011112222333344445555')),
      appendEvent(structured),
    ]);
    expect(err).toBeUndefined();
    expect(resp!.getSuccess()!.getCurrentRevision()).toBe('2');
    const ids = (await collect(es.client.readStream(s))).map((e) => e.event!.id);
    expect(ids).toEqual([
      'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee',
      'ffffffff-0000-1111-2222-333344445555',
      '01234567-89ab-cdef-0123-456789abcdef',
    ]);

    // a reader asking for structured UUIDs gets the same ids as two signed 64-bit halves
    const o = new streamsPb.ReadReq.Options();
    const so = new streamsPb.ReadReq.Options.StreamOptions();
    so.setStreamIdentifier(sid(s));
    so.setRevision('2');
    o.setStream(so);
    o.setCount('1');
    o.setNoFilter(new sharedPb.Empty());
    const u = new streamsPb.ReadReq.Options.UUIDOption();
    u.setStructured(new sharedPb.Empty());
    o.setUuidOption(u);
    const req = new streamsPb.ReadReq();
    req.setOptions(o);
    const { messages, err: readErr } = await rawRead(req);
    expect(readErr).toBeUndefined();
    const got = messages[0].getEvent()!.getEvent()!.getId()!.getStructured()!;
    expect(got.getMostSignificantBits()).toBe(st.getMostSignificantBits());
    expect(got.getLeastSignificantBits()).toBe(st.getLeastSignificantBits());
  });
});

describe('BatchAppend with malformed input', () => {
  function openBatch() {
    const responses: BatchAppendResp[] = [];
    const call = raw.batchAppend();
    call.on('data', (r: BatchAppendResp) => responses.push(r));
    let error: unknown;
    call.on('error', (e) => (error = e));
    const waitFor = async (count: number) => {
      const deadline = Date.now() + 5000;
      while (responses.length < count && Date.now() < deadline && !error) await new Promise((r) => setTimeout(r, 10));
      expect(error).toBeUndefined();
      expect(responses.length).toBeGreaterThanOrEqual(count);
    };
    return { call, responses, waitFor };
  }
  function batchReq(
    correlation: string,
    stream: string | undefined,
    events: InstanceType<typeof sharedPb.UUID>[],
    opts: { final?: boolean; deadlineMs?: number } = {},
  ): BatchAppendReq {
    const req = new streamsPb.BatchAppendReq();
    req.setCorrelationId(uuid(correlation));
    if (stream !== undefined) {
      const o = new streamsPb.BatchAppendReq.Options();
      o.setStreamIdentifier(sid(stream));
      o.setAny(new emptyPb.Empty());
      o.setDeadline(timestampPb.Timestamp.fromDate(new Date(Date.now() + (opts.deadlineMs ?? 10_000))));
      req.setOptions(o);
    }
    for (const id of events) req.addProposedMessages(proposed(new streamsPb.BatchAppendReq.ProposedMessage(), id));
    req.setIsFinal(opts.final ?? true);
    return req;
  }

  it('answers bad events in-band with stream id and details, keeps the call open, writes nothing', async () => {
    const s = streamName('batch-bad');
    const { call, responses, waitFor } = openBatch();
    call.write(batchReq('aaaaaaaa-0000-4000-8000-000000000001', s, [uuid('44444444-4444-4444-4444-444444444444'), uuid('nope')]));
    await waitFor(1);
    const bad = responses[0];
    expect(bad.hasError()).toBe(true);
    expect(bad.getError()!.getCode()).toBe(grpc.status.INVALID_ARGUMENT);
    expect(bad.getError()!.getDetails()!.getTypeName()).toBe('event_store.client.BadRequest');
    expect(Buffer.from(bad.getStreamIdentifier()!.getStreamName_asU8()).toString()).toBe(s);
    expect(bad.getCorrelationId()!.getString()).toBe('aaaaaaaa-0000-4000-8000-000000000001');

    // no options on an unknown id: ignored; a past deadline: Timeout; a bad correlation id: BadRequest
    call.write(batchReq('aaaaaaaa-0000-4000-8000-000000000002', undefined, [uuid('55555555-5555-5555-5555-555555555555')]));
    call.write(batchReq('aaaaaaaa-0000-4000-8000-000000000003', s, [uuid('66666666-6666-6666-6666-666666666666')], { deadlineMs: -1000 }));
    call.write(batchReq('zzz', s, [uuid('77777777-7777-7777-7777-777777777777')]));
    call.write(batchReq('aaaaaaaa-0000-4000-8000-000000000004', undefined, []).setOptions(new streamsPb.BatchAppendReq.Options()));
    // and a good append on the same call still works
    call.write(batchReq('aaaaaaaa-0000-4000-8000-000000000005', s, [uuid('88888888-8888-8888-8888-888888888888')]));
    await waitFor(5);
    const byId = new Map(responses.map((r) => [r.getCorrelationId()!.getString(), r]));
    expect(byId.has('aaaaaaaa-0000-4000-8000-000000000002')).toBe(false);
    expect(byId.get('aaaaaaaa-0000-4000-8000-000000000003')!.getError()!.getDetails()!.getTypeName()).toBe('event_store.client.Timeout');
    expect(byId.get('zzz')!.getError()!.getDetails()!.getTypeName()).toBe('event_store.client.BadRequest');
    const noStream = byId.get('aaaaaaaa-0000-4000-8000-000000000004')!;
    expect(noStream.getError()!.getDetails()!.getTypeName()).toBe('event_store.client.BadRequest');
    expect(noStream.hasStreamIdentifier()).toBe(true);
    expect(byId.get('aaaaaaaa-0000-4000-8000-000000000005')!.hasSuccess()).toBe(true);
    call.end();
    const ids = (await collect(es.client.readStream(s))).map((e) => e.event!.id);
    expect(ids).toEqual(['88888888-8888-8888-8888-888888888888']);
  });

  it('answers chunked appends once, after the final chunk, and times out unfinished ones', async () => {
    const s = streamName('batch-chunks');
    const { call, responses, waitFor } = openBatch();
    const id = 'bbbbbbbb-0000-4000-8000-000000000001';
    call.write(batchReq(id, s, [uuid('99999999-0000-4000-8000-000000000001')], { final: false }));
    const more = batchReq(id, undefined, [uuid('99999999-0000-4000-8000-000000000002')], { final: true });
    call.write(more);
    call.write(
      batchReq('bbbbbbbb-0000-4000-8000-000000000002', s, [uuid('99999999-0000-4000-8000-000000000003')], {
        final: false,
        deadlineMs: 200,
      }),
    );
    await waitFor(2);
    expect(responses[0].getCorrelationId()!.getString()).toBe(id);
    expect(responses[0].getSuccess()!.getCurrentRevision()).toBe('1');
    expect(responses[1].getError()!.getDetails()!.getTypeName()).toBe('event_store.client.Timeout');
    call.end();
    expect(await streamLength(s)).toBe(2);
  });
});

describe('Read with malformed input', () => {
  function readReq(configure: (o: InstanceType<typeof streamsPb.ReadReq.Options>) => void): ReadReq {
    const o = new streamsPb.ReadReq.Options();
    const u = new streamsPb.ReadReq.Options.UUIDOption();
    u.setString(new sharedPb.Empty());
    o.setUuidOption(u);
    o.setNoFilter(new sharedPb.Empty());
    o.setCount('10');
    configure(o);
    const req = new streamsPb.ReadReq();
    req.setOptions(o);
    return req;
  }

  it('rejects missing options, missing uuid option and invalid combinations with INVALID_ARGUMENT', async () => {
    expect((await rawRead(new streamsPb.ReadReq())).err?.code).toBe(grpc.status.INVALID_ARGUMENT);
    const noUuid = readReq((o) => {
      o.clearUuidOption();
      const all = new streamsPb.ReadReq.Options.AllOptions();
      all.setStart(new sharedPb.Empty());
      o.setAll(all);
    });
    expect((await rawRead(noUuid)).err?.code).toBe(grpc.status.INVALID_ARGUMENT);
    const backwardsSub = readReq((o) => {
      const so = new streamsPb.ReadReq.Options.StreamOptions();
      so.setStreamIdentifier(sid('x'));
      so.setStart(new sharedPb.Empty());
      o.setStream(so);
      o.setReadDirection(streamsPb.ReadReq.Options.ReadDirection.BACKWARDS);
      o.setSubscription(new streamsPb.ReadReq.Options.SubscriptionOptions());
    });
    const r = await rawRead(backwardsSub);
    expect(r.err?.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(r.err?.details).toMatch(/combination/);
    const noStreamOption = readReq(() => {});
    expect((await rawRead(noStreamOption)).err?.code).toBe(grpc.status.INVALID_ARGUMENT);
  });

  it('handles absurd positions', async () => {
    const huge = '18446744073709551615';
    const forwardsFromHuge = readReq((o) => {
      const all = new streamsPb.ReadReq.Options.AllOptions();
      const p = new streamsPb.ReadReq.Options.Position();
      p.setCommitPosition(huge);
      p.setPreparePosition(huge);
      all.setPosition(p);
      o.setAll(all);
    });
    const r1 = await rawRead(forwardsFromHuge);
    expect(r1.err).toBeUndefined();
    expect(r1.messages).toHaveLength(0);
    const invalid = readReq((o) => {
      const all = new streamsPb.ReadReq.Options.AllOptions();
      const p = new streamsPb.ReadReq.Options.Position();
      p.setCommitPosition('5');
      p.setPreparePosition('10');
      all.setPosition(p);
      o.setAll(all);
    });
    expect((await rawRead(invalid)).err?.code).toBe(grpc.status.INVALID_ARGUMENT);
    const s = streamName('absurd');
    await es.client.appendToStream(s, jsonEvent({ type: 'T', data: {} }));
    const hugeRevision = readReq((o) => {
      const so = new streamsPb.ReadReq.Options.StreamOptions();
      so.setStreamIdentifier(sid(s));
      so.setRevision(huge);
      o.setStream(so);
    });
    const r2 = await rawRead(hugeRevision);
    expect(r2.err).toBeUndefined();
    expect(r2.messages).toHaveLength(0);
  });
});

describe('absurd expected revisions', () => {
  it('answers WrongExpectedVersionError for the largest uint64 revision on append and delete', async () => {
    const s = streamName('absurd-rev');
    await es.client.appendToStream(s, jsonEvent({ type: 'T', data: {} }));
    const max = 2n ** 64n - 1n;
    for (const extra of [{}, { credentials: { username: 'a', password: 'b' } }]) {
      const err = await es.client
        .appendToStream(s, jsonEvent({ type: 'T', data: {} }), { expectedRevision: max, ...extra })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(WrongExpectedVersionError);
      expect((err as WrongExpectedVersionError).expectedVersion).toBe(max);
      expect((err as WrongExpectedVersionError).actualVersion).toBe(0n);
    }
    const del = await es.client.deleteStream(s, { expectedRevision: max }).catch((e: unknown) => e);
    expect(del).toBeInstanceOf(WrongExpectedVersionError);
    expect(await streamLength(s)).toBe(1);
  });
});

describe('hostile payloads', () => {
  it('survives garbage bytes on every method and a message over the receive limit', async () => {
    const generic = new grpc.Client(address, grpc.credentials.createInsecure(), { 'grpc.max_send_message_length': -1 });
    const unary = (path: string, payload: Buffer) =>
      new Promise<grpc.ServiceError | null>((resolve) => {
        generic.makeUnaryRequest(
          path,
          (b: Buffer) => b,
          (b: Buffer) => b,
          payload,
          (err) => resolve(err),
        );
      });
    const garbage = Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f, 0x12, 0x99]);
    for (const m of ['Delete', 'Tombstone']) {
      const err = await unary(`/event_store.client.streams.Streams/${m}`, garbage);
      expect(err?.code).toBeDefined();
      expect([grpc.status.INTERNAL, grpc.status.INVALID_ARGUMENT]).toContain(err!.code);
    }
    const emptyDelete = await unary('/event_store.client.streams.Streams/Delete', Buffer.alloc(0));
    expect(emptyDelete?.code).toBe(grpc.status.INVALID_ARGUMENT);
    const tooBig = await unary('/event_store.client.streams.Streams/Delete', Buffer.alloc(18 * 1024 * 1024));
    expect(tooBig?.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
    generic.close();
    // still serving
    const s = streamName('alive');
    await es.client.appendToStream(s, jsonEvent({ type: 'T', data: {} }));
    expect(await streamLength(s)).toBe(1);
  });

  it('survives random bytes on every Streams method (fuzz, fixed seed)', async () => {
    let seed = 0x2545f491;
    const rand = () => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return (seed >>> 0) / 0x100000000;
    };
    const payload = () => {
      const len = Math.floor(rand() * 64);
      const b = Buffer.alloc(len);
      for (let i = 0; i < len; i++) b[i] = Math.floor(rand() * 256);
      return b;
    };
    const generic = new grpc.Client(address, grpc.credentials.createInsecure());
    const id = (b: Buffer) => b;
    const deadline = () => ({ deadline: Date.now() + 300 });
    const settle = (call: grpc.ClientReadableStream<Buffer> | grpc.ClientDuplexStream<Buffer, Buffer>) =>
      new Promise<void>((resolve) => {
        call.on('data', () => {});
        call.on('error', () => resolve());
        call.on('end', () => resolve());
      });
    const codes = new Set<number>();
    for (let i = 0; i < 40; i++) {
      await new Promise<void>((resolve) =>
        generic.makeUnaryRequest(
          `/event_store.client.streams.Streams/${i % 2 ? 'Delete' : 'Tombstone'}`,
          id,
          id,
          payload(),
          new grpc.Metadata(),
          deadline(),
          (err) => {
            if (err) codes.add(err.code);
            resolve();
          },
        ),
      );
      await settle(
        generic.makeServerStreamRequest('/event_store.client.streams.Streams/Read', id, id, payload(), new grpc.Metadata(), deadline()),
      );
      await new Promise<void>((resolve) => {
        const call = generic.makeClientStreamRequest(
          '/event_store.client.streams.Streams/Append',
          id,
          id,
          new grpc.Metadata(),
          deadline(),
          (err) => {
            if (err) codes.add(err.code);
            resolve();
          },
        );
        call.write(payload());
        call.write(payload());
        call.end();
      });
      const bidi = generic.makeBidiStreamRequest(
        '/event_store.client.streams.Streams/BatchAppend',
        id,
        id,
        new grpc.Metadata(),
        deadline(),
      );
      const done = settle(bidi);
      bidi.write(payload());
      bidi.write(payload());
      bidi.end();
      await done;
    }
    generic.close();
    // business errors never surface as UNAVAILABLE
    expect(codes.has(grpc.status.UNAVAILABLE)).toBe(false);
    const s = streamName('after-fuzz');
    await es.client.appendToStream(s, jsonEvent({ type: 'T', data: {} }));
    expect(await streamLength(s)).toBe(1);
  });

  it('accepts a single 5 MiB event over the wire but refuses it by append size, writing nothing', async () => {
    const s = streamName('big');
    const err = await es.client
      .appendToStream(s, binaryEvent({ type: 'Big', data: new Uint8Array(5 * 1024 * 1024) }))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MaxAppendSizeExceededError);
    expect(await streamLength(s)).toBe(0);
  });
});
