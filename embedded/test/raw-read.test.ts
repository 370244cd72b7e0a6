// Reads and catch-up subscriptions send ReadResp encoded straight from the stored bytes. They must
// send exactly what the decoded path (RecordedEvent -> encodeReadRespEvent) sends, message for
// message, for every read shape: both directions, links with and without resolution, filters,
// structured ids, truncated streams. The decoded path is forced by hiding the raw form of reads.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as grpc from '@grpc/grpc-js';
import { streamsImplementation, streamsServiceDefinition } from '../src/grpc/streams.js';
import { DirectReadWriter } from '../src/grpc/read-direct.js';
import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import { createStore } from '../src/core/store.js';
import type { ProposedEvent, Store } from '../src/core/types.js';
import { rawRecordsOf } from '../src/core/reads.js';
import { sharedPb, streamsPb } from '../src/grpc/generated.js';
import { parseFilter } from '../src/grpc/filter.js';
import { readAllToCall, readStreamToCall } from '../src/grpc/read.js';
import { subscribeToAll } from '../src/grpc/subscribe.js';
import type { ParsedRead } from '../src/grpc/read-request.js';

/** A server-streaming call that records what is written; ended by the test. */
class Sink extends EventEmitter {
  cancelled = false;
  destroyed = false;
  writableEnded = false;
  messages: object[] = [];
  write(message: unknown): boolean {
    const bytes = Buffer.isBuffer(message) ? message : Buffer.from((message as { serializeBinary(): Uint8Array }).serializeBinary());
    this.messages.push(streamsPb.ReadResp.deserializeBinary(bytes).toObject());
    // now and then ask the writer to wait for 'drain', as grpc-js does
    if (this.messages.length % 7 === 0) {
      setImmediate(() => this.emit('drain'));
      return false;
    }
    return true;
  }
}

/** The same store without the raw form of reads: the handlers fall back to decoded records. */
function decodedOnly(store: Store): Store {
  const wrap = <T>(it: AsyncIterable<T>): AsyncIterable<T> => ({ [Symbol.asyncIterator]: () => it[Symbol.asyncIterator]() });
  return new Proxy(store, {
    get(target, prop) {
      if (prop === 'readAll') return (o: Parameters<Store['readAll']>[0]) => wrap(target.readAll(o));
      if (prop === 'readStream') return (s: string, o: Parameters<Store['readStream']>[1]) => wrap(target.readStream(s, o));
      const v = Reflect.get(target, prop);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}

const ev = (type: string, data: unknown, over: Partial<ProposedEvent> = {}): ProposedEvent => ({
  eventId: randomUUID(),
  type,
  isJson: true,
  data: Buffer.from(JSON.stringify(data)),
  metadata: new Uint8Array(),
  ...over,
});
const link = (target: string) => ev('$>', null, { isJson: false, data: Buffer.from(target) });

let store: Store;

beforeAll(async () => {
  store = await createStore({ mem: true });
  await store.append('acc-1', { kind: 'any' }, [
    ev('Opened', { a: 1 }),
    ev('Dëposited', { pad: 'x'.repeat(3000) }, { metadata: Buffer.from('{"m":1}') }),
  ]);
  await store.append('acc-2', { kind: 'any' }, [ev('Opened', { a: 2 }, { isJson: false, data: Buffer.from([0, 1, 2]) }), ev('Closed', {})]);
  await store.append('links', { kind: 'any' }, [link('1@acc-1'), link('0@acc-2'), link('7@nowhere'), link('garbage')]);
  await store.append('big', { kind: 'any' }, [ev('Big', { pad: 'y'.repeat(200_000) })]);
  await store.append('$$acc-2', { kind: 'any' }, [ev('$metadata', { $tb: 1 })]);
  await store.append('acc-1', { kind: 'any' }, [ev('Withdrawn', { a: 3 }, { data: new Uint8Array() })]);
  await store.tombstoneStream('gone', { kind: 'any' }).catch(() => undefined);
  // enough small events for several 64 KiB batches
  await store.append(
    'many',
    { kind: 'any' },
    Array.from({ length: 1500 }, (_, i) => ev('Many', { i, pad: 'z'.repeat(i % 200) })),
  );
});

afterAll(async () => {
  await store?.close();
});

async function both(run: (s: Store, call: Sink) => Promise<void>): Promise<{ raw: object[]; decoded: object[] }> {
  const raw = new Sink();
  await run(store, raw);
  const decoded = new Sink();
  await run(decodedOnly(store), decoded);
  return { raw: raw.messages, decoded: decoded.messages };
}

const common = { resolveLinks: false, structuredUuids: false };
type AllRead = Extract<ParsedRead, { kind: 'all-read' }>;
type StreamRead = Extract<ParsedRead, { kind: 'stream-read' }>;

function filterOn(field: 'stream' | 'type', prefixes: string[]) {
  const f = new streamsPb.ReadReq.Options.FilterOptions();
  const e = new streamsPb.ReadReq.Options.FilterOptions.Expression();
  e.setPrefixList(prefixes);
  if (field === 'stream') f.setStreamIdentifier(e);
  else f.setEventType(e);
  f.setMax(2);
  f.setCheckpointintervalmultiplier(1);
  return parseFilter(f);
}

describe('reads encoded from stored bytes', () => {
  it('compares the two paths: the store offers raw records, the wrapper does not', () => {
    const opts = { direction: 'forwards', from: 'start', maxCount: 1n } as const;
    expect(rawRecordsOf(store.readAll(opts))).toBeDefined();
    expect(rawRecordsOf(store.readStream('acc-1', opts))).toBeDefined();
    expect(rawRecordsOf(decodedOnly(store).readAll(opts))).toBeUndefined();
  });

  const allReads: [string, Partial<AllRead>][] = [
    ['forwards', { direction: 'forwards', from: 'start' }],
    ['backwards', { direction: 'backwards', from: 'end' }],
    ['forwards, resolving links, structured ids', { direction: 'forwards', from: 'start', resolveLinks: true, structuredUuids: true }],
    ['backwards, resolving links', { direction: 'backwards', from: 'end', resolveLinks: true }],
    ['forwards, max 3', { direction: 'forwards', from: 'start', maxCount: 3n }],
    [
      'filtered by stream prefix, max 3',
      { direction: 'forwards', from: 'start', filter: filterOn('stream', ['acc-', 'links']), maxCount: 3n },
    ],
    [
      'filtered by type, resolving links',
      { direction: 'backwards', from: 'end', filter: filterOn('type', ['$>', 'Op']), resolveLinks: true },
    ],
  ];
  it.each(allReads)('$all %s', async (_name, over) => {
    const req = { kind: 'all-read', ...common, direction: 'forwards', from: 'start', maxCount: 2n ** 64n, ...over } as AllRead;
    const { raw, decoded } = await both((s, call) => readAllToCall(call as never, s, req));
    expect(raw.length).toBeGreaterThan(0);
    expect(raw).toEqual(decoded);
  });

  const streamReads: [string, Partial<StreamRead>][] = [
    ['forwards', { stream: 'acc-1', direction: 'forwards', from: 'start' }],
    ['backwards from the end', { stream: 'acc-1', direction: 'backwards', from: 'end' }],
    ['truncated stream', { stream: 'acc-2', direction: 'forwards', from: 'start' }],
    ['links resolved', { stream: 'links', direction: 'forwards', from: 'start', resolveLinks: true }],
    ['links unresolved, max 2', { stream: 'links', direction: 'backwards', from: 3n, maxCount: 2n }],
    ['missing stream', { stream: 'never-written', direction: 'forwards', from: 'start' }],
  ];
  it.each(streamReads)('stream %s', async (_name, over) => {
    const req = { kind: 'stream-read', ...common, direction: 'forwards', from: 'start', maxCount: 2n ** 64n, ...over } as StreamRead;
    const { raw, decoded } = await both((s, call) => readStreamToCall(call as never, s, req));
    expect(raw.length).toBeGreaterThan(0);
    expect(raw).toEqual(decoded);
  });

  it.each([
    ['unfiltered', undefined, false],
    ['filtered with checkpoints, resolving links', filterOn('type', ['Op', '$>', 'Clo']), true],
  ] as const)('$all catch-up subscription history, %s', async (_name, filter, resolveLinks) => {
    const req = { kind: 'all-subscription', ...common, resolveLinks, from: 'start', filter } as Extract<
      ParsedRead,
      { kind: 'all-subscription' }
    >;
    const last = store.lastPosition();
    const { raw, decoded } = await both(async (s, call) => {
      const done = subscribeToAll(call as never, s, req).catch(() => undefined);
      // history is over once caught_up is sent; then the client leaves
      const deadline = Date.now() + 5000;
      while (!call.messages.some((m) => 'caughtUp' in m && (m as { caughtUp?: unknown }).caughtUp)) {
        if (Date.now() > deadline) throw new Error('no caught_up');
        await new Promise((r) => setImmediate(r));
      }
      call.cancelled = true;
      call.emit('cancelled');
      await done;
    });
    const strip = (ms: object[]) =>
      ms.map((m) => {
        const c = m as { confirmation?: { subscriptionId?: string } };
        return c.confirmation ? { ...m, confirmation: { subscriptionId: 'x' } } : m;
      });
    expect(raw.length).toBeGreaterThan(3);
    expect(strip(raw)).toEqual(strip(decoded));
    expect(last).toBe(store.lastPosition());
  });
});

describe('reads over HTTP/2 in batches (grpc-js call stream written directly)', () => {
  let server: grpc.Server;
  let client: grpc.Client;
  // counts reads that really took the batched path (grpc-js shaped as read-direct.ts expects)
  let batchedCalls = 0;
  const original = DirectReadWriter.for;
  DirectReadWriter.for = (call: unknown) => {
    const w = original(call);
    if (w) batchedCalls++;
    return w;
  };

  beforeAll(async () => {
    server = new grpc.Server();
    server.addService(streamsServiceDefinition, streamsImplementation(store));
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
    );
    client = new grpc.Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  });

  afterAll(async () => {
    DirectReadWriter.for = original;
    client?.close();
    await new Promise<void>((resolve) => (server ? server.tryShutdown(() => resolve()) : resolve()));
  });

  /** ReadResp messages of one Read call as a raw grpc-js client sees them, and the final status. */
  function readOverGrpc(req: InstanceType<typeof streamsPb.ReadReq>): Promise<{ messages: object[]; code: number }> {
    return new Promise((resolve) => {
      const messages: object[] = [];
      const call = client.makeServerStreamRequest(
        '/event_store.client.streams.Streams/Read',
        (r: InstanceType<typeof streamsPb.ReadReq>) => Buffer.from(r.serializeBinary()),
        (bytes: Buffer) => streamsPb.ReadResp.deserializeBinary(bytes).toObject(),
        req,
      );
      call.on('data', (m: object) => messages.push(m));
      call.on('status', (st: grpc.StatusObject) => resolve({ messages, code: st.code }));
      call.on('error', () => undefined);
    });
  }

  function readReq(set: (o: InstanceType<typeof streamsPb.ReadReq.Options>) => void) {
    const o = new streamsPb.ReadReq.Options();
    const uuid = new streamsPb.ReadReq.Options.UUIDOption();
    uuid.setString(new sharedPb.Empty());
    o.setUuidOption(uuid);
    o.setNoFilter(new sharedPb.Empty());
    o.setCount('18446744073709551615');
    set(o);
    const req = new streamsPb.ReadReq();
    req.setOptions(o);
    return req;
  }

  it.each([
    ['$all forwards, resolving links', { direction: 'forwards', resolveLinks: true }],
    ['$all backwards, max 1000', { direction: 'backwards', resolveLinks: false, maxCount: 1000n }],
  ] as const)('%s: the messages the decoded path sends, then OK', async (_name, o) => {
    const req = readReq((opts) => {
      const all = new streamsPb.ReadReq.Options.AllOptions();
      if (o.direction === 'forwards') all.setStart(new sharedPb.Empty());
      else all.setEnd(new sharedPb.Empty());
      opts.setAll(all);
      opts.setReadDirection(o.direction === 'forwards' ? 0 : 1);
      opts.setResolveLinks(o.resolveLinks);
      if ('maxCount' in o) opts.setCount(String(o.maxCount));
    });
    const got = await readOverGrpc(req);
    const expected = new Sink();
    const parsed = {
      kind: 'all-read',
      ...common,
      resolveLinks: o.resolveLinks,
      direction: o.direction,
      from: o.direction === 'forwards' ? 'start' : 'end',
      maxCount: 'maxCount' in o ? o.maxCount : 2n ** 64n,
    } as AllRead;
    await readAllToCall(expected as never, decodedOnly(store), parsed);
    expect(got.code).toBe(grpc.status.OK);
    expect(batchedCalls).toBeGreaterThan(0);
    expect(got.messages.length).toBeGreaterThanOrEqual(1000);
    expect(got.messages).toEqual(expected.messages);
  });

  it('a $all subscription: batched history (links resolved), then caught_up, then live events', async () => {
    const req = readReq((opts) => {
      const all = new streamsPb.ReadReq.Options.AllOptions();
      all.setStart(new sharedPb.Empty());
      opts.setAll(all);
      opts.setSubscription(new streamsPb.ReadReq.Options.SubscriptionOptions());
      opts.setResolveLinks(true);
    });
    const before = batchedCalls;
    const messages: { confirmation?: object; caughtUp?: object; event?: { event?: { streamIdentifier?: { streamName: unknown } } } }[] = [];
    const call = client.makeServerStreamRequest(
      '/event_store.client.streams.Streams/Read',
      (r: InstanceType<typeof streamsPb.ReadReq>) => Buffer.from(r.serializeBinary()),
      (bytes: Buffer) => streamsPb.ReadResp.deserializeBinary(bytes).toObject(),
      req,
    );
    call.on('data', (m: (typeof messages)[number]) => messages.push(m));
    call.on('error', () => undefined);
    const waitFor = async (what: string, ok: () => boolean) => {
      const deadline = Date.now() + 5000;
      while (!ok()) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 5));
      }
    };
    try {
      await waitFor('caught_up', () => messages.some((m) => m.caughtUp));
      expect(batchedCalls).toBe(before + 1);
      const expected = new Sink();
      const parsed = {
        kind: 'all-read',
        ...common,
        resolveLinks: true,
        direction: 'forwards',
        from: 'start',
        maxCount: 2n ** 64n,
      } as AllRead;
      await readAllToCall(expected as never, decodedOnly(store), parsed);
      const caughtUpAt = messages.findIndex((m) => m.caughtUp);
      expect(messages[0].confirmation).toBeDefined();
      expect(messages.slice(1, caughtUpAt)).toEqual(expected.messages);
      await store.append('after-caught-up', { kind: 'any' }, [ev('Live', { n: 1 })]);
      await waitFor('the live event', () => messages.length > caughtUpAt + 1);
      const live = messages[caughtUpAt + 1].event?.event?.streamIdentifier?.streamName;
      // toObject gives bytes fields as base64 text
      const name = typeof live === 'string' ? Buffer.from(live, 'base64') : Buffer.from(live as Uint8Array);
      expect(name.toString()).toBe('after-caught-up');
    } finally {
      call.cancel();
    }
  });

  it('a stream read, and a missing stream answered in-band', async () => {
    const stream = (name: string) =>
      readReq((opts) => {
        const so = new streamsPb.ReadReq.Options.StreamOptions();
        const id = new sharedPb.StreamIdentifier();
        id.setStreamName(Buffer.from(name));
        so.setStreamIdentifier(id);
        so.setStart(new sharedPb.Empty());
        opts.setStream(so);
      });
    const many = await readOverGrpc(stream('many'));
    expect(many.code).toBe(grpc.status.OK);
    const expected = new Sink();
    await readStreamToCall(expected as never, decodedOnly(store), {
      kind: 'stream-read',
      ...common,
      stream: 'many',
      direction: 'forwards',
      from: 'start',
      maxCount: 2n ** 64n,
    });
    expect(many.messages).toEqual(expected.messages);
    const missing = await readOverGrpc(stream('never-written'));
    expect(missing.code).toBe(grpc.status.OK);
    expect(missing.messages).toHaveLength(1);
    expect(missing.messages[0]).toHaveProperty('streamNotFound');
  });
});
