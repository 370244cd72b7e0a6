// KurrentDB 25.1's multi-stream append through the one official client that has it,
// @kurrent/kurrentdb-client's `multiStreamAppend`: all streams' expected states checked, all or
// nothing, and KurrentDB's errors. Only that client is loaded here (see client.ts for why two
// official clients never share a process).
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ANY,
  KurrentDBClient,
  NO_STREAM,
  STREAM_EXISTS,
  StreamNotFoundError,
  StreamTombstonedError,
  TransactionMaxSizeExceededError,
  UnknownError,
  WrongExpectedVersionError,
  binaryEvent,
  jsonEvent,
  type AppendStreamRequest,
} from '@kurrent/kurrentdb-client';
import { startEventStore, type RunningEventStore } from '../src/index.js';

let server: RunningEventStore;
let client: KurrentDBClient;

beforeAll(async () => {
  server = await startEventStore({ port: 0, mem: true });
  client = KurrentDBClient.connectionString(server.connectionString.replace('esdb://', 'kurrentdb://'));
});
afterAll(async () => {
  await client?.dispose();
  await server?.close();
});

const name = (prefix: string) => `${prefix}-${randomUUID()}`;
const ev = (n: number) => jsonEvent({ type: 'Numbered', data: { n } });

async function readNumbers(stream: string): Promise<number[] | 'not found'> {
  try {
    const out: number[] = [];
    for await (const e of client.readStream(stream)) out.push((e.event!.data as { n: number }).n);
    return out;
  } catch (err) {
    if (err instanceof StreamNotFoundError) return 'not found';
    throw err;
  }
}

async function lastAllPosition(): Promise<bigint> {
  for await (const e of client.readAll({ direction: 'backwards', fromPosition: 'end', maxCount: 1 })) return e.event!.position.commit;
  throw new Error('empty $all');
}

describe('multiStreamAppend', () => {
  it('appends to several streams in one commit and reports each stream revision and the position', async () => {
    const a = name('multi-a');
    const b = name('multi-b');
    await client.appendToStream(b, [ev(0), ev(1)]);
    const result = await client.multiStreamAppend([
      { streamName: a, expectedState: NO_STREAM, events: [ev(10), ev(11)] },
      { streamName: b, expectedState: 1n, events: [ev(2)] },
    ]);
    expect(result.responses).toEqual([
      { streamName: a, revision: 1n },
      { streamName: b, revision: 2n },
    ]);
    expect(await readNumbers(a)).toEqual([10, 11]);
    expect(await readNumbers(b)).toEqual([0, 1, 2]);
    // one contiguous commit in $all, ending at the reported position
    const tail: { stream: string; n: number; position: bigint }[] = [];
    for await (const e of client.readAll({ direction: 'backwards', fromPosition: 'end', maxCount: 3 })) {
      tail.unshift({ stream: e.event!.streamId, n: (e.event!.data as { n: number }).n, position: e.event!.position.commit });
    }
    expect(tail.map((t) => [t.stream, t.n])).toEqual([
      [a, 10],
      [a, 11],
      [b, 2],
    ]);
    expect(result.position).toBe(tail[2].position);
  });

  it('stores record ids, types, content types and properties as events any client reads back', async () => {
    const s = name('multi-props');
    const json = jsonEvent({ type: 'Deposited', data: { amount: 5 }, metadata: { tenant: 't-1', source: 'test' } });
    const bin = binaryEvent({ type: 'Blob', data: new Uint8Array([1, 2, 3]) });
    await client.multiStreamAppend([{ streamName: s, expectedState: ANY, events: [json, bin] }]);
    const events = [];
    for await (const e of client.readStream(s)) events.push(e.event!);
    expect(events.map((e) => [e.id, e.type, e.isJson])).toEqual([
      [json.id, 'Deposited', true],
      [bin.id, 'Blob', false],
    ]);
    expect(events[0].data).toEqual({ amount: 5 });
    expect(events[0].metadata).toEqual({ tenant: 't-1', source: 'test' });
    expect(Array.from(events[1].data as Uint8Array)).toEqual([1, 2, 3]);
  });

  it('checks every stream and writes nothing anywhere when one expected state fails', async () => {
    const ok = name('multi-ok');
    const existing = name('multi-existing');
    const missing = name('multi-missing');
    await client.appendToStream(existing, [ev(0), ev(1), ev(2)]);
    const before = await lastAllPosition();
    const cases: [AppendStreamRequest, unknown, unknown][] = [
      [{ streamName: existing, expectedState: 1n, events: [ev(3)] }, 1n, 2n],
      [{ streamName: existing, expectedState: NO_STREAM, events: [ev(3)] }, 'no_stream', 2n],
      [{ streamName: missing, expectedState: STREAM_EXISTS, events: [ev(0)] }, 'stream_exists', 'no_stream'],
      [{ streamName: missing, expectedState: 0n, events: [ev(0)] }, 0n, 'no_stream'],
    ];
    for (const [failing, expected, actual] of cases) {
      const err = await client.multiStreamAppend([{ streamName: ok, expectedState: ANY, events: [ev(0)] }, failing]).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(WrongExpectedVersionError);
      const w = err as WrongExpectedVersionError;
      expect([w.streamName, w.expectedState, w.actualState]).toEqual([failing.streamName, expected, actual]);
    }
    expect(await readNumbers(ok)).toBe('not found');
    expect(await readNumbers(existing)).toEqual([0, 1, 2]);
    expect(await readNumbers(missing)).toBe('not found');
    expect(await lastAllPosition()).toBe(before);
  });

  it('refuses a tombstoned stream, an oversized transaction and a stream named twice, writing nothing', async () => {
    const ok = name('multi-ok');
    const dead = name('multi-dead');
    await client.appendToStream(dead, ev(0));
    await client.tombstoneStream(dead);
    const before = await lastAllPosition();
    const attempt = (requests: AppendStreamRequest[]) =>
      client.multiStreamAppend(requests).then(
        () => undefined,
        (e: unknown) => e,
      );

    const tombstoned = await attempt([
      { streamName: ok, expectedState: ANY, events: [ev(0)] },
      { streamName: dead, expectedState: ANY, events: [ev(1)] },
    ]);
    expect(tombstoned).toBeInstanceOf(StreamTombstonedError);
    expect((tombstoned as StreamTombstonedError).stream).toBe(dead);

    const big = () => binaryEvent({ type: 'Big', data: new Uint8Array(600 * 1024) });
    const tooLarge = await attempt([
      { streamName: ok, expectedState: ANY, events: [big()] },
      { streamName: name('multi-other'), expectedState: ANY, events: [big()] },
    ]);
    expect(tooLarge).toBeInstanceOf(TransactionMaxSizeExceededError);
    expect((tooLarge as TransactionMaxSizeExceededError).maxSize).toBe(1_048_576);
    expect((tooLarge as TransactionMaxSizeExceededError).size).toBeGreaterThan(1_048_576);

    const twice = await attempt([
      { streamName: ok, expectedState: ANY, events: [ev(0)] },
      { streamName: ok.toUpperCase(), expectedState: ANY, events: [ev(1)] },
    ]);
    expect(twice).toBeInstanceOf(UnknownError);
    expect((twice as Error).message).toContain('already part of this append session');

    expect(await readNumbers(ok)).toBe('not found');
    expect(await lastAllPosition()).toBe(before);
  });

  it('answers a retry of the same append with the same result and writes it once', async () => {
    const a = name('multi-retry-a');
    const b = name('multi-retry-b');
    const requests: AppendStreamRequest[] = [
      { streamName: a, expectedState: NO_STREAM, events: [ev(0), ev(1)] },
      { streamName: b, expectedState: NO_STREAM, events: [ev(0)] },
    ];
    const first = await client.multiStreamAppend(requests);
    const again = await client.multiStreamAppend(requests);
    expect(again).toEqual(first);
    expect(await readNumbers(a)).toEqual([0, 1]);
    expect(await readNumbers(b)).toEqual([0]);
  });
});
