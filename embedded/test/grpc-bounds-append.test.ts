// An Append the client never completes (cancelled, reset, past its deadline) writes nothing:
// only the client's half-close after the last event commits (protocol §6). Driven by a raw
// grpc-js client and by raw HTTP/2, which can send options and events and then go away.
import { createRequire } from 'node:module';
import { randomUUID } from 'node:crypto';
import * as http2 from 'node:http2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as grpc from '@grpc/grpc-js';
import { jsonEvent, StreamNotFoundError } from '@eventstore/db-client';
import { collect, FORCE_APPEND, streamName, useEventStore } from './support.js';

const require = createRequire(import.meta.url);
const streamsPb =
  require('@eventstore/db-client/generated/streams_pb.js') as typeof import('@eventstore/db-client/generated/streams_pb.js');
const streamsGrpc =
  require('@eventstore/db-client/generated/streams_grpc_pb.js') as typeof import('@eventstore/db-client/generated/streams_grpc_pb.js');
const sharedPb = require('@eventstore/db-client/generated/shared_pb.js') as typeof import('@eventstore/db-client/generated/shared_pb.js');

type AppendReq = InstanceType<typeof streamsPb.AppendReq>;

const es = useEventStore();
let raw: InstanceType<typeof streamsGrpc.StreamsClient>;

beforeAll(() => {
  raw = new streamsGrpc.StreamsClient(`127.0.0.1:${es.server.port}`, grpc.credentials.createInsecure());
});
afterAll(() => raw.close());

function options(stream: string): AppendReq {
  const id = new sharedPb.StreamIdentifier();
  id.setStreamName(Buffer.from(stream));
  const o = new streamsPb.AppendReq.Options();
  o.setStreamIdentifier(id);
  o.setAny(new sharedPb.Empty());
  const req = new streamsPb.AppendReq();
  req.setOptions(o);
  return req;
}

function event(bytes = 0): AppendReq {
  const id = new sharedPb.UUID();
  id.setString(randomUUID());
  const msg = new streamsPb.AppendReq.ProposedMessage();
  msg.setId(id);
  msg.getMetadataMap().set('type', 'Proposed');
  msg.getMetadataMap().set('content-type', 'application/json');
  msg.setData(bytes > 0 ? Buffer.alloc(bytes, 0x20) : Buffer.from('{"n":1}'));
  const req = new streamsPb.AppendReq();
  req.setProposedMessage(msg);
  return req;
}

async function length(stream: string): Promise<number> {
  try {
    return (await collect(es.client.readStream(stream))).length;
  } catch (err) {
    if (err instanceof StreamNotFoundError) return 0;
    throw err;
  }
}

/**
 * A complete append on the same connection, answered: frames on one HTTP/2 connection are
 * handled in order and appends commit in order, so by then the server has seen (and, were it
 * going to, committed) everything sent before.
 */
async function roundTrip(): Promise<void> {
  const marker = streamName('marker');
  await new Promise<void>((resolve, reject) => {
    const call = raw.append((err) => (err ? reject(err) : resolve()));
    call.write(options(marker));
    call.write(event());
    call.end();
  });
  expect(await length(marker)).toBe(1);
}

describe('Append that the client never completes', () => {
  it('writes nothing when the client cancels after options and events', async () => {
    const s = streamName('cancelled');
    let failure: grpc.ServiceError | null | undefined;
    const call = raw.append((err) => {
      failure = err;
    });
    call.write(options(s));
    for (let i = 0; i < 3; i++) call.write(event());
    await roundTrip();
    call.cancel();
    await roundTrip();
    expect(await length(s)).toBe(0);
    expect(failure?.code).toBe(grpc.status.CANCELLED);
  });

  it('writes nothing for many calls cancelled at once once their events are sent', async () => {
    // Node's HTTP/2 client ends a stream it cancels (END_STREAM) before resetting it, the reset
    // in a later write: to the server such a call first looks complete (clientCaughtUp in
    // calls.ts). grpc-bounds-batch-append.test.ts's unfinished Append calls hit that reliably.
    const streams = Array.from({ length: 8 }, () => streamName('cancel-burst'));
    const answers: Promise<grpc.ServiceError | null>[] = [];
    const sent: Promise<void>[] = [];
    const calls = streams.map((s) => {
      let call!: grpc.ClientWritableStream<AppendReq>;
      answers.push(new Promise((resolve) => (call = raw.append((err) => resolve(err)))));
      call.write(options(s));
      sent.push(new Promise((resolve) => call.write(event(900 * 1024), () => resolve())));
      return call;
    });
    await Promise.all(sent);
    await roundTrip();
    for (const call of calls) call.cancel();
    for (const err of await Promise.all(answers)) expect(err?.code).toBe(grpc.status.CANCELLED);
    await roundTrip();
    for (const s of streams) expect(await length(s)).toBe(0);
  });

  it('writes nothing when the deadline passes before the client half-closes', async () => {
    const s = streamName('deadline');
    const failure = await new Promise<grpc.ServiceError | null>((resolve) => {
      const call = raw.append({ deadline: Date.now() + 300 }, (err) => resolve(err));
      call.write(options(s));
      for (let i = 0; i < 3; i++) call.write(event());
    });
    expect(failure?.code).toBe(grpc.status.DEADLINE_EXCEEDED);
    await roundTrip();
    expect(await length(s)).toBe(0);
  });

  it('writes nothing when the stream is reset or the connection dropped mid-request', async () => {
    for (const how of ['rst-stream', 'connection'] as const) {
      const s = streamName(how);
      const session = http2.connect(`http://127.0.0.1:${es.server.port}`);
      session.on('error', () => {});
      await new Promise<void>((resolve) => session.once('connect', () => resolve()));
      const req = session.request({
        ':method': 'POST',
        ':path': '/event_store.client.streams.Streams/Append',
        'content-type': 'application/grpc',
        te: 'trailers',
      });
      req.on('error', () => {});
      req.on('response', () => {});
      for (const m of [options(s), event(), event()]) {
        const body = Buffer.from(m.serializeBinary());
        const frame = Buffer.alloc(5 + body.length);
        frame.writeUInt32BE(body.length, 1);
        body.copy(frame, 5);
        req.write(frame);
      }
      // a PING is answered after the frames before it are handled
      await new Promise<void>((resolve, reject) => session.ping((err) => (err ? reject(err) : resolve())));
      if (how === 'rst-stream') req.close(http2.constants.NGHTTP2_CANCEL);
      else session.destroy();
      await roundTrip();
      session.destroy();
      expect(await length(s)).toBe(0);
    }
  });

  it('still commits a request the client completes, through the official client', async () => {
    const s = streamName('complete');
    const events = Array.from({ length: 5 }, (_, n) => jsonEvent({ type: 'Completed', data: { n } }));
    const result = await es.client.appendToStream(s, events, FORCE_APPEND);
    expect(result.nextExpectedRevision).toBe(4n);
    expect(await length(s)).toBe(5);
  });
});
