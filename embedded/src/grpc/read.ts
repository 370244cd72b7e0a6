// Finite Streams/Read of a stream or of `$all` (§9): events, then OK. A missing or
// soft-deleted stream is answered in-band with stream_not_found.
import type * as grpc from '@grpc/grpc-js';
import type { ReadReq, ReadResp } from '@eventstore/db-client/generated/streams_pb.js';
import type { RecordedEvent, Store } from '../core/types.js';
import { StreamDeletedError, StreamNotFoundError } from '../core/errors.js';
import { streamsPb } from './generated.js';
import { toStreamIdentifier } from './convert.js';
import { encodeReadRespEvent } from './fast-encode.js';
import { writeMessage } from './calls.js';
import { resolveRecord } from './links.js';
import type { ParsedRead } from './read-request.js';

type Call = grpc.ServerWritableStream<ReadReq, ReadResp>;

export async function sendRecord(call: Call, store: Store, rec: RecordedEvent, resolveLinks: boolean, structuredUuids: boolean): Promise<void> {
  const { event, link } = await resolveRecord(store, rec, resolveLinks);
  // pre-encoded bytes; streams.ts's Read serializer passes them through
  await writeMessage(call, encodeReadRespEvent(event, link, structuredUuids));
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
    for await (const rec of records) await sendRecord(call, store, rec, req.resolveLinks, req.structuredUuids);
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
    await sendRecord(call, store, rec, req.resolveLinks, req.structuredUuids);
    if (++sent >= req.maxCount) break;
  }
}
