// Unfinished BatchAppend requests (chunks without is_final) are held only up to a byte limit per
// call and in total; past it the append is answered as too large (MaximumAppendSizeExceeded,
// protocol §7.4) and what it held is let go. Appends within the limit still complete.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import * as grpc from '@grpc/grpc-js';
import { jsonEvent, StreamNotFoundError } from '@eventstore/db-client';
import { collect, streamName } from './support.js';
import {
  batchChunk,
  eventually,
  MiB,
  useBoundedStore,
  sharedPb,
  streamsPb,
  streamId,
  uuid,
  type BatchAppendResp,
} from './grpc-bounds-support.js';

const PER_CALL = 4 * MiB;
const TOTAL = 6 * MiB;
const CHUNK = 900 * 1024;

const es = useBoundedStore({ pendingAppendBytesPerCall: PER_CALL, pendingAppendBytesTotal: TOTAL });

function openBatch() {
  const responses = new Map<string, BatchAppendResp>();
  const call = es.raw.batchAppend();
  call.on('data', (r: BatchAppendResp) => responses.set(r.getCorrelationId()!.getString(), r));
  call.on('error', () => {});
  return { call, responses };
}

function tooLarge(resp: BatchAppendResp | undefined, limit: number): boolean {
  const error = resp?.getError();
  if (!error || (error.getCode() as number) !== grpc.status.INVALID_ARGUMENT) return false;
  const details = error.getDetails();
  if (details?.getTypeName() !== 'event_store.client.MaximumAppendSizeExceeded') return false;
  return sharedPb.MaximumAppendSizeExceeded.deserializeBinary(details.getValue_asU8()).getMaxappendsize() === limit;
}

async function length(stream: string): Promise<number> {
  try {
    return (await collect(es.client.readStream(stream))).length;
  } catch (err) {
    if (err instanceof StreamNotFoundError) return 0;
    throw err;
  }
}

describe('unfinished BatchAppend chunks', () => {
  it('are held up to the per-call and total byte limits, refused beyond them, and the rest still completes', async () => {
    const a = openBatch();
    const streams = Array.from({ length: 30 }, () => streamName('unfinished'));
    const ids = streams.map(() => randomUUID());
    for (let i = 0; i < streams.length; i++) a.call.write(batchChunk(ids[i], streams[i], CHUNK, false));
    // four chunks fit in 4 MiB; every later one is answered as too large
    await eventually(() => a.responses.size === streams.length - 4, 'answers to the appends over the limit');
    for (let i = 0; i < 4; i++) expect(a.responses.has(ids[i])).toBe(false);
    for (let i = 4; i < streams.length; i++) expect(tooLarge(a.responses.get(ids[i]), PER_CALL)).toBe(true);
    expect(es.server.bufferedBytes().pendingAppendsPeak).toBeLessThanOrEqual(PER_CALL);
    expect(es.server.bufferedBytes().pendingAppends).toBeGreaterThanOrEqual(4 * CHUNK);

    // another call: the total limit (6 MiB) stops it after two chunks
    const b = openBatch();
    const bIds = [randomUUID(), randomUUID(), randomUUID()];
    for (const id of bIds) b.call.write(batchChunk(id, streamName('other-call'), CHUNK, false));
    await eventually(() => b.responses.size === 1, 'the answer to the append over the total');
    expect(tooLarge(b.responses.get(bIds[2]), TOTAL)).toBe(true);
    expect(es.server.bufferedBytes().pendingAppendsPeak).toBeLessThanOrEqual(TOTAL);
    expect(es.server.bufferedBytes().pendingAppends).toBeGreaterThan(PER_CALL);

    // a later chunk of a refused append is ignored; the held ones complete
    a.call.write(batchChunk(ids[10], undefined, 10, true));
    for (let i = 0; i < 4; i++) a.call.write(batchChunk(ids[i], undefined, 10, true));
    await eventually(() => [0, 1, 2, 3].every((i) => a.responses.get(ids[i])?.hasSuccess() === true), 'the held appends to commit');
    for (let i = 0; i < 4; i++) expect(await length(streams[i])).toBe(2);
    for (let i = 4; i < streams.length; i++) expect(await length(streams[i])).toBe(0);

    // a call that goes away lets go of what it held
    b.call.cancel();
    await eventually(() => es.server.bufferedBytes().pendingAppends === 0, 'the cancelled call to release its chunks');
    a.call.end();
  });

  it('leave ordinary appends through the official client unaffected', async () => {
    const s = streamName('ordinary');
    const big = jsonEvent({ type: 'Big', data: { pad: 'x'.repeat(900 * 1024) } });
    await es.client.appendToStream(s, big);
    await Promise.all(Array.from({ length: 10 }, () => es.client.appendToStream(s, jsonEvent({ type: 'Small', data: {} }))));
    expect(await length(s)).toBe(11);
    expect(es.server.bufferedBytes().pendingAppends).toBe(0);
  });
});

describe('unfinished Append calls', () => {
  function appendMessages(stream: string) {
    const o = new streamsPb.AppendReq.Options();
    o.setStreamIdentifier(streamId(stream));
    o.setAny(new sharedPb.Empty());
    const first = new streamsPb.AppendReq();
    first.setOptions(o);
    const msg = new streamsPb.AppendReq.ProposedMessage();
    msg.setId(uuid());
    msg.getMetadataMap().set('type', 'Big');
    msg.getMetadataMap().set('content-type', 'application/octet-stream');
    msg.setData(Buffer.alloc(CHUNK, 3));
    const event = new streamsPb.AppendReq();
    event.setProposedMessage(msg);
    return [first, event];
  }

  it('count against the total too: past it the call is refused as too large and nothing is written', async () => {
    const streams = Array.from({ length: 8 }, () => streamName('unfinished-append'));
    const failures = new Map<number, grpc.ServiceError>();
    const flushed: Promise<void>[] = [];
    const calls = streams.map((s, i) => {
      let failed: () => void = () => {};
      const call = es.raw.append((err) => {
        if (err) failures.set(i, err);
        failed();
      });
      const [options, event] = appendMessages(s);
      call.write(options);
      flushed.push(
        new Promise<void>((resolve) => {
          failed = resolve;
          call.write(event, () => resolve());
        }),
      );
      return call;
    });
    // six events of 900 KiB fit in the 6 MiB total; the seventh and eighth do not
    await eventually(() => failures.size === 2, 'two calls refused');
    // Cancel only once the client has sent everything: Node's HTTP/2 cancels a stream that is
    // still sending by finishing the data with END_STREAM first, a complete request to any server.
    await Promise.all(flushed);
    for (const err of failures.values()) {
      expect(err.code).toBe(grpc.status.INVALID_ARGUMENT);
      expect(err.metadata.get('exception')).toEqual(['maximum-append-size-exceeded']);
      expect(err.metadata.get('maximum-append-size')).toEqual([String(TOTAL)]);
    }
    expect(es.server.bufferedBytes().pendingAppends).toBeLessThanOrEqual(TOTAL);
    for (const call of calls) call.cancel();
    await eventually(() => es.server.bufferedBytes().pendingAppends === 0, 'the cancelled calls to let go');
    for (const s of streams) expect(await length(s)).toBe(0);
  });
});
