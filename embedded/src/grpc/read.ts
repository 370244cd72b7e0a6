// Finite Streams/Read of a stream or of `$all` (§9): events, then OK. A missing or
// soft-deleted stream is answered in-band with stream_not_found.
import type * as grpc from '@grpc/grpc-js';
import type { ReadReq, ReadResp } from '@eventstore/db-client/generated/streams_pb.js';
import type { RecordedEvent, Store } from '../core/types.js';
import { StreamDeletedError, StreamNotFoundError } from '../core/errors.js';
import { streamsPb } from './generated.js';
import { LINK_EVENT_TYPE, toStreamIdentifier } from './convert.js';
import { encodeReadRespEvent, encodeReadRespFromRecord, isLinkRecord } from './fast-encode.js';
import { rawRecordsOf, toRecorded, type RawRecord } from '../core/reads.js';
import { streamIdOf, typeOf } from '../storage/record-codec.js';
import type { ParsedFilter } from './filter.js';
import { DirectReadWriter } from './read-direct.js';
import { writeMessage } from './calls.js';
import { resolveRecord } from './links.js';
import type { ParsedRead } from './read-request.js';

type Call = grpc.ServerWritableStream<ReadReq, ReadResp>;

/**
 * Sends one record. Synchronous unless a link must be resolved or grpc-js asks us to wait for
 * 'drain': reads send one message per event, so avoiding a promise per event matters.
 */
export function sendRecord(
  call: Call,
  store: Store,
  rec: RecordedEvent,
  resolveLinks: boolean,
  structuredUuids: boolean,
): void | Promise<void> {
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
    const raw = rawRecordsOf(records);
    if (raw) return await sendRawRecords(call, store, raw, req.resolveLinks, req.structuredUuids, undefined, req.maxCount);
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
  const raw = rawRecordsOf(records);
  if (raw) return sendRawRecords(call, store, raw, req.resolveLinks, req.structuredUuids, req.filter, req.maxCount);
  let sent = 0n;
  for await (const rec of records) {
    if (req.filter && !req.filter.matches(rec)) continue;
    const pending = sendRecord(call, store, rec, req.resolveLinks, req.structuredUuids);
    if (pending) await pending;
    if (++sent >= req.maxCount) break;
  }
}

/**
 * Sends stored records as they are: each ReadResp is encoded from the record's bytes (see
 * fast-encode.ts), with no RecordedEvent in between. Links to resolve take the decoded path.
 * `maxCount` counts records sent (after the filter).
 */
export async function sendRawRecords(
  call: Call,
  store: Store,
  raw: Iterable<RawRecord>,
  resolveLinks: boolean,
  structuredUuids: boolean,
  filter: ParsedFilter | undefined,
  maxCount: bigint,
): Promise<void> {
  const max = maxCount >= BigInt(Number.MAX_SAFE_INTEGER) ? Infinity : Number(maxCount);
  const direct = DirectReadWriter.for(call);
  if (direct) return sendBatched(direct, store, raw, resolveLinks, structuredUuids, filter, max);
  let sent = 0;
  for (const r of raw) {
    if (filter && !rawMatches(filter, r)) continue;
    const pending = sendRawRecord(call, store, r, resolveLinks, structuredUuids);
    if (pending) await pending;
    if (++sent >= max) break;
  }
}

/** `sendRecord` for a raw record: synchronous unless a link is resolved or grpc-js is full. */
export function sendRawRecord(
  call: Call,
  store: Store,
  r: RawRecord,
  resolveLinks: boolean,
  structuredUuids: boolean,
): void | Promise<void> {
  if (resolveLinks && isLinkRecord(r.buf, r.off)) {
    return sendRecord(call, store, toRecorded(r.buf, r.off, r.position), true, structuredUuids);
  }
  return writeMessage(call, encodeReadRespFromRecord(r.buf, r.off, r.position, structuredUuids));
}

export function rawMatches(filter: ParsedFilter, r: RawRecord): boolean {
  return filter.matchesNames(streamIdOf(r.buf, r.off), typeOf(r.buf, r.off));
}

/** sendRawRecords through batched HTTP/2 writes (read-direct.ts): same messages, same order. */
async function sendBatched(
  direct: DirectReadWriter,
  store: Store,
  raw: Iterable<RawRecord>,
  resolveLinks: boolean,
  structuredUuids: boolean,
  filter: ParsedFilter | undefined,
  max: number,
): Promise<void> {
  let sent = 0;
  for (const r of raw) {
    if (filter && !rawMatches(filter, r)) continue;
    const pending = addRawToBatch(direct, store, r, resolveLinks, structuredUuids);
    if (pending) await pending;
    if (++sent >= max) break;
  }
  const pending = direct.flush();
  if (pending) await pending;
}

/** Adds one raw record's ReadResp to a batch (resolving a link if asked), flushing when it is full. */
export function addRawToBatch(
  direct: DirectReadWriter,
  store: Store,
  r: RawRecord,
  resolveLinks: boolean,
  structuredUuids: boolean,
): void | Promise<void> {
  if (resolveLinks && isLinkRecord(r.buf, r.off)) {
    return resolveRecord(store, toRecorded(r.buf, r.off, r.position), true).then(({ event, link }) => {
      direct.batch.addMessage(encodeReadRespEvent(event, link, structuredUuids));
      return direct.maybeFlush();
    });
  }
  direct.batch.addRecord(r.buf, r.off, r.position, structuredUuids);
  return direct.maybeFlush();
}
