// Breaking out of `for await (const e of client.readStream(...))` early, then `client.dispose()`.
//
// What @eventstore/db-client 6.2.1 does (dist/streams/utils/ReadStream.js, dist/Client/index.js): the ReadStream
// the app iterates is a Transform that the raw gRPC call is piped into. An early break destroys the Transform,
// which only unpipes (and pauses) the raw call: nothing cancels it. dispose() then calls cancel() on every raw
// call it still tracks and waits for each to be `finished` (end/close/error).
// * Read still running on the server (blocked on flow control): cancel() ends it with CANCELLED, dispose resolves,
//   and the server must notice the cancellation and release what the read held (test 1).
// * Read the server already completed with OK (§9: end of data = OK), its last events (up to grpc-js's 16-message
//   buffer) sitting unread in the paused raw call: cancel() is a no-op on a call that has its status, and 'end'
//   never comes because nobody reads the buffered messages, so dispose waits forever. A real EventStoreDB ends the
//   read the same way; only the client can let go (tests 2 and 3 show the mechanism and the workaround).
import type { Readable } from 'node:stream';
import * as grpc from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import {
  BACKWARDS,
  END,
  EventStoreDBClient,
  PersistentSubscriptionDroppedError,
  START,
  jsonEvent,
  persistentSubscriptionToStreamSettingsFromDefaults,
} from '@eventstore/db-client';
import { createStore } from '../src/core/store.js';
import type { Store } from '../src/core/types.js';
import { streamsImplementation, streamsServiceDefinition } from '../src/grpc/streams.js';
import { startEventStore } from '../src/index.js';
import { consume, numbered } from './persistent-support.js';
import { collect, streamName, waitFor } from './support.js';

/** Waits for `promise`, failing with `what` if it has not settled by the deadline (a hang guard, not a speed check). */
async function withDeadline<T>(promise: Promise<T>, what: string, ms = 10_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not settle within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, expired]);
  } finally {
    clearTimeout(timer);
  }
}

/** The raw grpc-js call behind a read (a public grpc-js ClientReadableStream). */
type RawCall = Readable & { cancel(): void };

/**
 * Workaround for apps that break out of reads: when the break destroys the client's ReadStream, cancel the raw
 * call (stops a read still running on the server) and drain it (lets a completed read emit 'end'), so
 * dispose() has nothing left to wait for.
 */
function releaseOnEarlyExit<T extends Readable>(read: T): T {
  read.once('unpipe', (src: unknown) => {
    const raw = src as RawCall;
    raw.cancel();
    raw.resume();
  });
  return read;
}

/** Events big enough that a few thousand overflow every HTTP/2 window and buffer: the server is mid-stream. */
const padded = (n: number) => jsonEvent({ type: 'Padded', data: { n, pad: 'x'.repeat(500) } });

async function seed(client: EventStoreDBClient, stream: string, count: number): Promise<void> {
  for (let i = 0; i < count; i += 500) {
    await client.appendToStream(
      stream,
      Array.from({ length: Math.min(500, count - i) }, (_, j) => padded(i + j)),
    );
  }
}

async function breakAfter(iterable: AsyncIterable<unknown>, n: number): Promise<void> {
  let seen = 0;
  for await (const _ of iterable) if (++seen >= n) break;
}

/** A Store that counts the reads and commit listeners the gRPC layer holds open. */
function counting(store: Store): { store: Store; openReads: () => number; listeners: () => number } {
  let reads = 0;
  let listeners = 0;
  const track = (it: AsyncIterable<unknown>) =>
    (async function* () {
      reads++;
      try {
        yield* it;
      } finally {
        reads--;
      }
    })();
  const wrapped = new Proxy(store, {
    get(target, key) {
      if (key === 'readStream') return (...args: Parameters<Store['readStream']>) => track(target.readStream(...args));
      if (key === 'readAll') return (...args: Parameters<Store['readAll']>) => track(target.readAll(...args));
      if (key === 'onCommit') {
        return (listener: Parameters<Store['onCommit']>[0]) => {
          const off = target.onCommit(listener);
          listeners++;
          let done = false;
          return () => {
            if (!done) listeners--;
            done = true;
            off();
          };
        };
      }
      const value = Reflect.get(target, key) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { store: wrapped, openReads: () => reads, listeners: () => listeners };
}

describe('reads abandoned by breaking out of for-await', () => {
  it('the server stops reads and subscriptions cancelled mid-stream and releases their store reads and commit listeners', async () => {
    const real = await createStore({ mem: true });
    const { store, openReads, listeners } = counting(real);
    const server = new grpc.Server();
    server.addService(streamsServiceDefinition, streamsImplementation(store));
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
    );
    const connection = `esdb://127.0.0.1:${port}?tls=false`;
    const client = EventStoreDBClient.connectionString(connection);
    try {
      const s = streamName('big');
      await seed(client, s, 3000);

      // Reads abandoned mid-stream: the client leaves their calls open, so the server stays blocked writing them.
      for (let k = 0; k < 3; k++) await breakAfter(client.readStream(s), 10);
      await breakAfter(client.readStream(s, { direction: BACKWARDS, fromRevision: END }), 10);
      await breakAfter(client.readAll(), 10);
      await breakAfter(client.readAll({ direction: BACKWARDS, fromPosition: END }), 10);
      await waitFor(() => openReads() === 6, 'six abandoned reads open on the server');
      expect(listeners()).toBe(0);

      // Catch-up subscriptions: cancelled in catch-up, cancelled live, and one abandoned without unsubscribe.
      for (let k = 0; k < 2; k++) {
        const sub = client.subscribeToStream(s, { fromRevision: START });
        await breakAfter(sub, 10);
        await sub.unsubscribe();
        const all = client.subscribeToAll({ fromPosition: START });
        await breakAfter(all, 10);
        await all.unsubscribe();
      }
      await waitFor(() => listeners() === 0, 'unsubscribed catch-up subscriptions releasing their commit listeners');
      const live = client.subscribeToStream(s, { fromRevision: END });
      await new Promise((resolve) => live.once('confirmation', resolve));
      await waitFor(() => listeners() === 1, 'the live subscription listening');
      await live.unsubscribe();
      await breakAfter(client.subscribeToAll({ fromPosition: START }), 10);

      await withDeadline(client.dispose(), 'dispose');
      await waitFor(() => openReads() === 0 && listeners() === 0, 'every store read and commit listener released');

      // Nothing is wedged: a fresh client reads everything.
      const fresh = EventStoreDBClient.connectionString(connection);
      expect((await collect(fresh.readStream(s))).length).toBe(3000);
      await withDeadline(fresh.dispose(), 'second dispose');
    } finally {
      await withDeadline(client.dispose(), 'dispose').catch(() => {});
      await new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
      await real.close();
    }
  });

  it('a read the server completed with OK keeps its unread events in the client until they are drained', async () => {
    const server = await startEventStore({ port: 0, mem: true });
    const client = EventStoreDBClient.connectionString(server.connectionString);
    try {
      const s = streamName('small');
      await client.appendToStream(
        s,
        Array.from({ length: 5 }, (_, n) => numbered(n)),
      );
      const read = client.readStream(s);
      const status = new Promise<grpc.StatusObject>((resolve) => {
        read.once('pipe', (src: unknown) => void (src as RawCall).once('status', resolve));
      });
      let raw: RawCall | undefined;
      read.once('unpipe', (src: unknown) => {
        raw = src as RawCall;
      });
      await breakAfter(read, 1);

      // The server ended the call properly; the client has unpiped it with the rest of the read still buffered.
      expect((await withDeadline(status, 'read status')).code).toBe(grpc.status.OK);
      expect(raw).toBeDefined();
      expect(raw!.readableEnded).toBe(false);
      expect(raw!.readableLength).toBeGreaterThan(0);
      // What dispose() waits for: without this drain it would wait forever.
      raw!.resume();
      await withDeadline(client.dispose(), 'dispose after draining');
    } finally {
      await server.close();
    }
  });

  it('with cancel-and-drain on unpipe, dispose resolves after breaks near the end and mid-stream', async () => {
    const server = await startEventStore({ port: 0, mem: true });
    const client = EventStoreDBClient.connectionString(server.connectionString);
    try {
      const big = streamName('big');
      await seed(client, big, 2000);
      const small = streamName('small');
      await client.appendToStream(
        small,
        Array.from({ length: 5 }, (_, n) => numbered(n)),
      );
      for (let k = 0; k < 3; k++) {
        await breakAfter(releaseOnEarlyExit(client.readStream(small)), 1);
        await breakAfter(releaseOnEarlyExit(client.readStream(big, { maxCount: 20 })), 10);
        await breakAfter(releaseOnEarlyExit(client.readAll({ maxCount: 20 })), 10);
        await breakAfter(releaseOnEarlyExit(client.readStream(big)), 10);
        await breakAfter(releaseOnEarlyExit(client.readAll()), 10);
      }
      // a read consumed to its end is untouched by the workaround
      expect((await collect(releaseOnEarlyExit(client.readStream(small)))).length).toBe(5);
      await withDeadline(client.dispose(), 'dispose');
    } finally {
      await server.close();
    }
  });
});

describe('server close', () => {
  it('drops persistent consumers with persistent-subscription-dropped instead of cutting the connection', async () => {
    const server = await startEventStore({ port: 0, mem: true });
    const client = EventStoreDBClient.connectionString(server.connectionString);
    try {
      const s = streamName('orders');
      await client.appendToStream(s, [numbered(0), numbered(1)]);
      await client.createPersistentSubscriptionToStream(s, 'g', persistentSubscriptionToStreamSettingsFromDefaults({ startFrom: START }));
      const consumer = consume(client.subscribeToPersistentSubscriptionToStream(s, 'g'));
      await waitFor(() => consumer.received.length === 2, 'both events delivered');
      await withDeadline(server.close(), 'server close');
      expect(await withDeadline(consumer.failed, 'consumer error')).toBeInstanceOf(PersistentSubscriptionDroppedError);
    } finally {
      await withDeadline(client.dispose(), 'dispose');
      await server.close();
    }
  });
});
