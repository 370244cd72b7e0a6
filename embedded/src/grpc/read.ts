// Finite Streams/Read of a stream or of `$all` (§9): events, then OK. A missing or
// soft-deleted stream is answered in-band with stream_not_found.
import type * as grpc from '@grpc/grpc-js';
import type { ReadReq, ReadResp } from '@eventstore/db-client/generated/streams_pb.js';
import type { RecordedEvent, Store } from '../core/types.js';
import { StreamDeletedError, StreamNotFoundError } from '../core/errors.js';
import { streamsPb } from './generated.js';
import { LINK_EVENT_TYPE, toStreamIdentifier } from './convert.js';
import { encodeReadRespEvent } from './fast-encode.js';
import { writeMessage } from './calls.js';
import { resolveRecord } from './links.js';
import type { ParsedRead } from './read-request.js';

type Call = grpc.ServerWritableStream<ReadReq, ReadResp>;

/**
 * Sends one record. Synchronous unless a link must be resolved or grpc-js asks us to wait for
 * 'drain': reads send one message per event, so avoiding a promise per event matters.
 */
export function sendRecord(call: Call, store: Store, rec: RecordedEvent, resolveLinks: boolean, structuredUuids: boolean): void | Promise<void> {
  if (resolveLinks && rec.type === LINK_EVENT_TYPE) {
    return resolveRecord(store, rec, true).then(({ event, link }) => writeMessage(call, encodeReadRespEvent(event, link, structuredUuids)));
  }
  // pre-encoded bytes; streams.ts's Read serializer passes them through
  return writeMessage(call, encodeReadRespEvent(rec, undefined, structuredUuids));
}

/** A metastream of a tombstoned stream is as deleted as the stream itself. */
export function assertReadable(store: Store, stream: string): void {
  if (store.streamState(stream).tombstoned) throw new StreamDeletedError(stream);
  if (stream.startsWith('$$') && store.streamState(stream.slice(2)).tombstoned) throw new StreamDeletedError(stream);
}

export async function readStreamToCall(call: Call, store: Store, req: Extract<ParsedRead, { kind: 'stream-read' }>): Promise<void> {
  assertReadable(store, req.stream);
  if (req.maxCount === 0n) return;
  try {
    const records = store.readStream(req.stream, { direction: req.direction, from: req.from, maxCount: req.maxCount });
    for await (const rec of records) {
      const pending = sendRecord(call, store, rec, req.resolveLinks, req.structuredUuids);
      if (pending) await pending;
    }
  } catch (err) {
    if (!(err instanceof StreamNotFoundError)) throw err;
    const notFound = new streamsPb.ReadResp.StreamNotFound();
    notFound.setStreamIdentifier(toStreamIdentifier(req.stream));
    const resp = new streamsPb.ReadResp();
    resp.setStreamNotFound(notFound);
    await writeMessage(call, resp);
  }
}

export async function readAllToCall(call: Call, store: Store, req: Extract<ParsedRead, { kind: 'all-read' }>): Promise<void> {
  if (req.maxCount === 0n) return;
  // With a filter, maxCount counts matching events, so read unbounded and stop ourselves.
  const records = store.readAll({ direction: req.direction, from: req.from, maxCount: req.filter ? 2n ** 64n : req.maxCount });
  let sent = 0n;
  for await (const rec of records) {
    if (req.filter && !req.filter.matches(rec)) continue;
    const pending = sendRecord(call, store, rec, req.resolveLinks, req.structuredUuids);
    if (pending) await pending;
    if (++sent >= req.maxCount) break;
  }
}
