// src/grpc/grpc-internals.ts, the one module that reaches into grpc-js internals: with the
// installed grpc-js it must find what it looks for (or batched reads and the Append reset check
// would silently fall back), and with the internals switched off the public path must still serve
// every read and append the same.
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { directCallOf, http2StreamOf, useGrpcInternals } from '../src/grpc/grpc-internals.js';
import { DirectReadWriter } from '../src/grpc/read-direct.js';
import { lib } from './client.js';
import { collect, FORCE_APPEND, streamName, useEventStore } from './support.js';

const es = useEventStore();

describe('with the installed @grpc/grpc-js', () => {
  let server: grpc.Server;
  let client: grpc.Client;
  const seen: { direct: unknown; stream: unknown; kind: string }[] = [];
  const identity = (b: Buffer) => b;

  beforeAll(async () => {
    server = new grpc.Server();
    const method = (path: string, requestStream: boolean, responseStream: boolean) => ({
      path,
      requestStream,
      responseStream,
      requestSerialize: identity,
      requestDeserialize: identity,
      responseSerialize: identity,
      responseDeserialize: identity,
    });
    server.addService(
      { stream: method('/t.T/Stream', false, true), collect: method('/t.T/Collect', true, false) },
      {
        stream: (call: grpc.ServerWritableStream<Buffer, Buffer>) => {
          seen.push({ direct: directCallOf(call), stream: http2StreamOf(call), kind: 'server-streaming' });
          call.end();
        },
        collect: (call: grpc.ServerReadableStream<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) => {
          seen.push({ direct: directCallOf(call), stream: http2StreamOf(call), kind: 'client-streaming' });
          call.on('data', () => undefined);
          call.on('end', () => callback(null, Buffer.alloc(0)));
        },
      },
    );
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
    );
    client = new grpc.Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  });

  afterAll(async () => {
    client?.close();
    await new Promise<void>((resolve) => (server ? server.tryShutdown(() => resolve()) : resolve()));
  });

  it('finds the HTTP/2 stream of a server-streaming call and of a client-streaming call', async () => {
    await new Promise<void>((resolve) => {
      const call = client.makeServerStreamRequest('/t.T/Stream', identity, identity, Buffer.alloc(0));
      call.on('data', () => undefined);
      call.on('status', () => resolve());
      call.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => {
      const call = client.makeClientStreamRequest('/t.T/Collect', identity, identity, () => resolve());
      call.end();
    });
    expect(seen.map((s) => s.kind)).toEqual(['server-streaming', 'client-streaming']);
    for (const s of seen) {
      const message = `grpc-internals.ts no longer finds grpc-js's HTTP/2 stream for a ${s.kind} call: reads and appends fall back to the slower public path. Update it for this grpc-js version.`;
      expect(s.stream, message).toBeDefined();
      expect(typeof (s.stream as { respond?: unknown }).respond, message).toBe('function');
    }
    expect(seen[0].direct, 'grpc-internals.ts: no direct access for a server-streaming call').toBeDefined();
  });
});

describe('with the internals switched off (the public fallback)', () => {
  it('serves the same reads and appends, message by message; switched back on, reads are batched again', async () => {
    const s = streamName('fallback');
    await es.client.appendToStream(
      s,
      Array.from({ length: 300 }, (_, n) => lib.jsonEvent({ type: 'N', data: { n } })),
    );
    const read = async () => (await collect(es.client.readStream(s))).map((e) => [e.event!.id, e.event!.revision]);
    const readAll = async () => (await collect(es.client.readAll({ maxCount: 2000 }))).map((e) => e.event!.id);
    const withInternals = { stream: await read(), all: await readAll() };

    let batched = 0;
    const original = DirectReadWriter.for;
    DirectReadWriter.for = (call: unknown) => {
      const w = original(call);
      if (w) batched++;
      return w;
    };
    useGrpcInternals(false);
    try {
      expect(await read()).toEqual(withInternals.stream);
      expect(await readAll()).toEqual(withInternals.all);
      // Append (unary, committed on the client's half-close) and BatchAppend still write
      await es.client.appendToStream(s, lib.jsonEvent({ type: 'N', data: { n: 300 } }), FORCE_APPEND);
      await es.client.appendToStream(s, lib.jsonEvent({ type: 'N', data: { n: 301 } }));
      expect((await read()).map(([, revision]) => revision)).toEqual(Array.from({ length: 302 }, (_, n) => BigInt(n)));
      expect(batched).toBe(0);
      useGrpcInternals(true);
      await read();
      expect(batched).toBe(1);
    } finally {
      useGrpcInternals(true);
      DirectReadWriter.for = original;
    }
  });
});
