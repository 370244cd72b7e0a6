// KurrentDB's multi-stream append (`kurrentdb.protocol.v2.streams.StreamsService/AppendSession`,
// KurrentDB 25.1), which @kurrent/kurrentdb-client's `multiStreamAppend` calls: a client stream of
// one AppendRequest per stream, committed as one atomic write once the client half-closes, then
// one AppendSessionResponse. Errors are gRPC statuses carrying KurrentDB's detail messages in
// `grpc-status-details-bin`, which that client turns into its own error classes (PROTOCOL.md §17).
import * as grpc from '@grpc/grpc-js';
import { randomUUID } from 'node:crypto';
import type { ExpectedRevision, ProposedEvent, Store, StreamAppend } from '../core/types.js';
import { MAX_APPEND_SIZE } from '../core/types.js';
import {
  BadRequestError,
  MaximumAppendSizeExceededError,
  StreamAlreadyInAppendError,
  StreamDeletedError,
  WrongExpectedVersionError,
} from '../core/errors.js';
import { clientCaughtUp, endedByHalfClose } from './calls.js';
import { NIL_UUID, parseUuidString } from './convert.js';
import { invalidArgument, toWireError, type WireError } from './errors.js';
import type { MemoryBudget } from './limits.js';
import {
  SCHEMA_FORMAT_JSON,
  decodeAppendRequest,
  encodeAppendSessionResponse,
  encodeStatusDetails,
  type ErrorDetail,
  type WireAppendRequest,
} from './multi-append-wire.js';

export const MULTI_APPEND_SERVICE = 'kurrentdb.protocol.v2.streams.StreamsService';

/** The service with its one implemented method; requests are decoded, responses pre-encoded. */
export const multiAppendServiceDefinition: grpc.ServiceDefinition = {
  appendSession: {
    path: `/${MULTI_APPEND_SERVICE}/AppendSession`,
    requestStream: true,
    responseStream: false,
    requestSerialize: () => {
      throw new Error('server only');
    },
    requestDeserialize: (bytes: Buffer) => bytes,
    responseSerialize: (value: Buffer) => value,
    responseDeserialize: (bytes: Buffer) => bytes,
  },
};

function statusWithDetails(code: grpc.status, message: string, reason: string, detail: ErrorDetail): WireError {
  const metadata = new grpc.Metadata();
  metadata.set('grpc-status-details-bin', encodeStatusDetails(code, message, reason, detail));
  return Object.assign(new Error(message), { code, details: message, metadata });
}

const revisionConflict = (stream: string, expected: bigint, actual: bigint) =>
  statusWithDetails(
    grpc.status.FAILED_PRECONDITION,
    `Append failed due to a revision conflict on stream '${stream}'. Expected revision: ${expected}. Actual revision: ${actual}.`,
    'STREAM_REVISION_CONFLICT',
    { type: 'StreamRevisionConflictErrorDetails', stream, expectedRevision: expected, actualRevision: actual },
  );

const tombstoned = (stream: string) =>
  statusWithDetails(
    grpc.status.FAILED_PRECONDITION,
    `Stream '${stream}' has been tombstoned. It has been permanently removed from the system and cannot be restored.`,
    'STREAM_TOMBSTONED',
    { type: 'StreamTombstonedErrorDetails', stream },
  );

const alreadyInSession = (stream: string) =>
  statusWithDetails(
    grpc.status.ALREADY_EXISTS,
    `Stream '${stream}' is already part of this append session. Appending to the same stream multiple times is currently not supported.`,
    'STREAM_ALREADY_IN_APPEND_SESSION',
    { type: 'StreamAlreadyInAppendSessionErrorDetails', stream },
  );

const transactionTooLarge = (size: number, maxSize: number) =>
  statusWithDetails(
    grpc.status.ABORTED,
    `The total size of the append transaction (${size} bytes) exceeds the maximum allowed size of ${maxSize} bytes by ${size - maxSize} bytes`,
    'APPEND_TRANSACTION_SIZE_EXCEEDED',
    { type: 'AppendTransactionSizeExceededErrorDetails', size, maxSize },
  );

function toExpected(value: bigint | undefined): ExpectedRevision {
  if (value === undefined || value === -2n) return { kind: 'any' };
  if (value === -1n) return { kind: 'no_stream' };
  if (value === -4n) return { kind: 'stream_exists' };
  if (value < 0n) throw new BadRequestError(`Invalid expected revision ${value}`);
  return { kind: 'exact', revision: value };
}

/** The wire value of an expected state, as KurrentDB reports it back. */
function expectedNumber(e: ExpectedRevision): bigint {
  return e.kind === 'any' ? -2n : e.kind === 'no_stream' ? -1n : e.kind === 'stream_exists' ? -4n : e.revision;
}

/** Records become ordinary events: type from the schema name, properties as custom metadata JSON. */
function toEvent(stream: string, rec: WireAppendRequest['records'][number]): ProposedEvent {
  let eventId: string | undefined;
  // KurrentDB generates the id of a record that has none
  if (rec.recordId === undefined || rec.recordId === '') eventId = randomUUID();
  else eventId = parseUuidString(rec.recordId);
  if (eventId === undefined || eventId === NIL_UUID) throw new BadRequestError(`Record id '${rec.recordId}' is not a valid UUID`);
  if (rec.schemaName.length === 0) throw new BadRequestError(`A record for stream '${stream}' has no schema name (event type)`);
  const hasProperties = Object.keys(rec.properties).length > 0;
  return {
    eventId,
    type: rec.schemaName,
    isJson: rec.format === SCHEMA_FORMAT_JSON,
    data: rec.data,
    metadata: hasProperties ? Buffer.from(JSON.stringify(rec.properties), 'utf8') : new Uint8Array(0),
  };
}

export function appendSessionHandler(store: Store, budget: MemoryBudget): grpc.handleClientStreamingCall<Buffer, Buffer> {
  const total = budget.limits.pendingAppendBytesTotal;
  return (call, callback) => {
    const requests: WireAppendRequest[] = [];
    const seen = new Set<string>();
    let size = 0;
    let held = 0;
    let done = false;
    const release = () => {
      budget.pendingAppends -= held;
      held = 0;
    };
    const finish = (err: WireError | null, resp?: Buffer) => {
      if (done) return;
      done = true;
      release();
      if (err) callback(err);
      else callback(null, resp);
    };
    const fail = (err: unknown) => finish(wireErrorOf(err, requests));

    call.on('data', (bytes: Buffer) => {
      if (done) return;
      try {
        const req = decodeAppendRequest(bytes);
        // KurrentDB refuses a stream named twice (ignoring case) as soon as it arrives
        const key = req.stream.toLowerCase();
        if (seen.has(key)) throw new StreamAlreadyInAppendError(req.stream);
        seen.add(key);
        for (const rec of req.records) {
          // KurrentDB's size rule for this API: data + properties + schema name, over the whole session
          size += rec.data.length + rec.propertiesSize + Buffer.byteLength(rec.schemaName, 'utf8');
          if (size > MAX_APPEND_SIZE) throw Object.assign(new MaximumAppendSizeExceededError(MAX_APPEND_SIZE), { size });
        }
        requests.push(req);
        budget.pendingAppends += bytes.length;
        held += bytes.length;
        if (budget.pendingAppends > total)
          throw Object.assign(new MaximumAppendSizeExceededError(Math.min(total, 0xffffffff)), { size: held });
        if (budget.pendingAppends > budget.pendingAppendsPeak) budget.pendingAppendsPeak = budget.pendingAppends;
      } catch (err) {
        fail(err);
      }
    });
    // abandoned (cancelled, reset, lost, past its deadline): nothing is written (as for Append)
    const abandon = () => {
      done = true;
      release();
    };
    call.on('error', abandon);
    call.on('cancelled', abandon);
    call.on('end', () => {
      if (done) return;
      if (!endedByHalfClose(call)) return abandon();
      const caughtUp = clientCaughtUp(call);
      if (caughtUp) caughtUp.then((ok) => (ok ? commit() : abandon()), abandon);
      else setImmediate(commit);
    });
    const commit = () => {
      if (done) return;
      if (!endedByHalfClose(call)) return abandon();
      let appends: StreamAppend[];
      try {
        if (requests.length === 0) throw new BadRequestError('An append session needs at least one append request');
        appends = requests.map((r) => {
          if (r.stream.length === 0) throw new BadRequestError('An append request needs a stream name');
          return { streamId: r.stream, expected: toExpected(r.expectedRevision), events: r.records.map((rec) => toEvent(r.stream, rec)) };
        });
      } catch (err) {
        return fail(err);
      }
      store.appendMulti(appends).then(
        (result) => finish(null, encodeAppendSessionResponse(result.streams, result.position)),
        (err) => fail(err),
      );
    };
  };
}

function wireErrorOf(err: unknown, requests: readonly WireAppendRequest[]): WireError {
  if (err instanceof WrongExpectedVersionError) return revisionConflict(err.streamId, expectedNumber(err.expected), err.currentRevision);
  if (err instanceof StreamDeletedError) return tombstoned(err.streamId);
  if (err instanceof StreamAlreadyInAppendError) return alreadyInSession(err.streamId);
  if (err instanceof MaximumAppendSizeExceededError) {
    const size = (err as { size?: number }).size ?? requests.reduce((n, r) => n + r.records.reduce((m, rec) => m + rec.data.length, 0), 0);
    return transactionTooLarge(size, err.maxAppendSize);
  }
  if (err instanceof BadRequestError) return invalidArgument(err.message);
  return toWireError(err, 'AppendSession');
}
