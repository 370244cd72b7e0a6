// Events queued for a subscriber that does not read are bounded by bytes: the server stops
// reading ahead once a call's unsent bytes pass `subscriberBufferBytes` (HTTP/2 flow control
// holds back the write callbacks of a client that stops reading), a live subscription falls back
// to catch-up from the log (as ESDB does when its live buffer overflows), a persistent consumer
// gets nothing more until it drains. When the client reads again, everything arrives, in order.
//
// The clients are raw grpc-js calls that pause reading: the official client always reads.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import * as grpc from '@grpc/grpc-js';
import { binaryEvent, persistentSubscriptionToStreamSettingsFromDefaults } from '@eventstore/db-client';
import { streamName } from './support.js';
import { emptyPb, eventually, MiB, streamId, streamsPb, useBoundedStore, type ReadResp } from './grpc-bounds-support.js';

const require = createRequire(import.meta.url);
const persistentPb =
  require('@eventstore/db-client/generated/persistent_pb.js') as typeof import('@eventstore/db-client/generated/persistent_pb.js');
const persistentGrpc =
  require('@eventstore/db-client/generated/persistent_grpc_pb.js') as typeof import('@eventstore/db-client/generated/persistent_grpc_pb.js');
const sharedPb = require('@eventstore/db-client/generated/shared_pb.js') as typeof import('@eventstore/db-client/generated/shared_pb.js');

const LIMIT = 2 * MiB;
const READ_AHEAD = 4 * MiB;
const EVENT = 500 * 1024;
/** One event's encoded message or record, with room for its framing and names. */
const ONE_EVENT = EVENT + 4096;
const COUNT = 40; // 20 MB in all: ten times the limit

const es = useBoundedStore({ subscriberBufferBytes: LIMIT, persistentReadAheadBytes: READ_AHEAD });

async function appendBig(stream: string, count: number): Promise<void> {
  for (let n = 0; n < count; n++) {
    const data = Buffer.alloc(EVENT, n % 251);
    data.writeUInt32BE(n, 0);
    await es.client.appendToStream(stream, binaryEvent({ type: 'Big', data }));
  }
}

type Where = { stream: string } | 'all';

function readRequest(where: Where, opts: { subscription: boolean; fromEnd?: boolean }): InstanceType<typeof streamsPb.ReadReq> {
  const o = new streamsPb.ReadReq.Options();
  if (where === 'all') {
    const all = new streamsPb.ReadReq.Options.AllOptions();
    if (opts.fromEnd) all.setEnd(new emptyPb.Empty());
    else all.setStart(new emptyPb.Empty());
    o.setAll(all);
  } else {
    const so = new streamsPb.ReadReq.Options.StreamOptions();
    so.setStreamIdentifier(streamId(where.stream));
    if (opts.fromEnd) so.setEnd(new emptyPb.Empty());
    else so.setStart(new emptyPb.Empty());
    o.setStream(so);
  }
  o.setReadDirection(streamsPb.ReadReq.Options.ReadDirection.FORWARDS);
  o.setResolveLinks(false);
  if (opts.subscription) o.setSubscription(new streamsPb.ReadReq.Options.SubscriptionOptions());
  else o.setCount('1000000');
  o.setNoFilter(new emptyPb.Empty());
  const u = new streamsPb.ReadReq.Options.UUIDOption();
  u.setString(new emptyPb.Empty());
  o.setUuidOption(u);
  const req = new streamsPb.ReadReq();
  req.setOptions(o);
  return req;
}

/** A raw read whose client reads only while `reading` is on. */
function rawRead(req: InstanceType<typeof streamsPb.ReadReq>) {
  const messages: ReadResp[] = [];
  const call = es.raw.read(req);
  let ended = false;
  call.on('data', (m: ReadResp) => messages.push(m));
  call.on('error', () => {});
  call.on('end', () => (ended = true));
  return {
    call,
    messages,
    get ended() {
      return ended;
    },
    events: () => messages.filter((m) => m.hasEvent()).map((m) => Buffer.from(m.getEvent()!.getEvent()!.getData_asU8()).readUInt32BE(0)),
    caughtUps: () => messages.filter((m) => m.hasCaughtUp()).length,
  };
}

const buffered = () => es.server.bufferedBytes();
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/**
 * Waits until the server holds back for the paused call(s): a writer over the limit resumes only
 * once its call is down to half of it, so a call whose client does not read stays above half.
 */
async function serverHoldsBack(calls = 1): Promise<void> {
  await eventually(
    () => buffered().subscribers > (calls * LIMIT) / 2,
    () => `the server to fill the paused calls (${JSON.stringify(buffered())})`,
  );
  expect(buffered().subscriberPeakPerCall).toBeLessThanOrEqual(LIMIT + ONE_EVENT);
  expect(buffered().subscribers).toBeLessThanOrEqual(calls * (LIMIT + ONE_EVENT));
}

describe('a subscriber that does not read', () => {
  it('pauses a finite read and a catch-up subscription at the byte limit; they go on when the client reads', async () => {
    const s = streamName('history');
    await appendBig(s, COUNT);
    // a finite read writes in batches and keeps well under the limit by itself (read-direct.ts)
    const read = rawRead(readRequest({ stream: s }, { subscription: false }));
    read.call.pause();
    await eventually(() => buffered().subscribers >= EVENT, 'the paused read to hold back unsent bytes');
    expect(buffered().subscriberPeakPerCall).toBeLessThanOrEqual(LIMIT + ONE_EVENT);
    expect(read.events().length).toBeLessThan(COUNT);
    read.call.resume();
    await eventually(() => read.ended, 'the read to finish');
    expect(read.events()).toEqual(range(COUNT));

    const sub = rawRead(readRequest({ stream: s }, { subscription: true }));
    sub.call.pause();
    await serverHoldsBack();
    // the client has not been sent everything
    expect(sub.events().length).toBeLessThan(COUNT);
    sub.call.resume();
    await eventually(() => sub.caughtUps() === 1 && sub.events().length === COUNT, 'the subscription to deliver everything');
    expect(sub.events()).toEqual(range(COUNT));
    expect(buffered().subscriberPeakPerCall).toBeLessThanOrEqual(LIMIT + ONE_EVENT);
    sub.call.cancel();
    await eventually(() => buffered().subscribers === 0, 'the calls to let go of their bytes');
  });

  it('drops a live stream or $all subscription back to catch-up instead of queueing live events', async () => {
    const s = streamName('live');
    const stream = rawRead(readRequest({ stream: s }, { subscription: true, fromEnd: true }));
    const all = rawRead(readRequest('all', { subscription: true, fromEnd: true }));
    await eventually(() => stream.caughtUps() === 1 && all.caughtUps() === 1, 'both subscriptions to go live');
    stream.call.pause();
    all.call.pause();
    await appendBig(s, COUNT);
    await serverHoldsBack(2);

    stream.call.resume();
    all.call.resume();
    const allOfStream = () =>
      all.messages.filter(
        (m) => m.hasEvent() && Buffer.from(m.getEvent()!.getEvent()!.getStreamIdentifier()!.getStreamName_asU8()).toString() === s,
      );
    await eventually(() => stream.events().length === COUNT && allOfStream().length === COUNT, 'every live event to arrive');
    // in order, none twice, none lost; they fell behind and caught up again (§10.1)
    expect(stream.events()).toEqual(range(COUNT));
    expect(allOfStream().map((m) => Buffer.from(m.getEvent()!.getEvent()!.getData_asU8()).readUInt32BE(0))).toEqual(range(COUNT));
    await eventually(() => stream.caughtUps() >= 2 && all.caughtUps() >= 2, 'caught_up after the fallback');
    expect(buffered().subscriberPeakPerCall).toBeLessThanOrEqual(LIMIT + ONE_EVENT);
    stream.call.cancel();
    all.call.cancel();
    await eventually(() => buffered().subscribers === 0, 'the calls to let go of their bytes');
  });

  it('gives a persistent consumer that does not read nothing more past the limit, and bounds the group read-ahead', async () => {
    const s = streamName('persistent');
    const group = 'bounded';
    await es.client.createPersistentSubscriptionToStream(
      s,
      group,
      persistentSubscriptionToStreamSettingsFromDefaults({ messageTimeout: 60_000 }),
    );
    const raw = new persistentGrpc.PersistentSubscriptionsClient(`127.0.0.1:${es.server.port}`, grpc.credentials.createInsecure(), {
      'grpc.max_receive_message_length': -1,
    });
    try {
      const call = raw.read();
      const got: InstanceType<typeof persistentPb.ReadResp>[] = [];
      call.on('data', (m: InstanceType<typeof persistentPb.ReadResp>) => got.push(m));
      call.on('error', () => {});
      const o = new persistentPb.ReadReq.Options();
      o.setStreamIdentifier(streamId(s));
      o.setGroupName(group);
      o.setBufferSize(1000); // room for everything: only the byte limit holds deliveries back
      const u = new persistentPb.ReadReq.Options.UUIDOption();
      u.setString(new emptyPb.Empty());
      o.setUuidOption(u);
      const first = new persistentPb.ReadReq();
      first.setOptions(o);
      call.write(first);
      await eventually(() => got.some((m) => m.hasSubscriptionConfirmation()), 'the confirmation');
      call.pause();
      await appendBig(s, COUNT);
      await serverHoldsBack();
      expect(buffered().persistentReadAhead).toBeLessThanOrEqual(READ_AHEAD + ONE_EVENT);
      const info = await es.client.getPersistentSubscriptionToStreamInfo(s, group);
      // in flight = handed to the call: what the paused client buffers itself plus what the server holds
      expect(info.connections[0].inFlightMessages).toBeLessThan(COUNT);

      call.resume();
      const events = () => got.filter((m) => m.hasEvent()).map((m) => m.getEvent()!.getEvent()!);
      const acked = new Set<string>();
      await eventually(() => {
        const fresh = events().filter((e) => !acked.has(e.getId()!.getString()));
        if (fresh.length > 0) {
          const ack = new persistentPb.ReadReq.Ack();
          ack.setIdsList(
            fresh.map((e) => {
              const id = new sharedPb.UUID();
              id.setString(e.getId()!.getString());
              acked.add(e.getId()!.getString());
              return id;
            }),
          );
          const req = new persistentPb.ReadReq();
          req.setAck(ack);
          call.write(req);
        }
        return acked.size === COUNT;
      }, 'every event delivered and acked');
      expect(events().map((e) => Buffer.from(e.getData_asU8()).readUInt32BE(0))).toEqual(range(COUNT));
      expect(buffered().subscriberPeakPerCall).toBeLessThanOrEqual(LIMIT + ONE_EVENT);
      call.cancel();
      await eventually(() => buffered().subscribers === 0 && buffered().persistentReadAhead === 0, 'the consumer and group to let go');
    } finally {
      raw.close();
    }
  });
});
