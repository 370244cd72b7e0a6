// gRPC errors in the exact shapes @eventstore/db-client converts into its own error classes
// (protocol §13: status code + `exception` trailer + the trailers the client reads unchecked),
// and the in-band google.rpc.Status used by BatchAppend responses (§7.4).
import * as grpc from '@grpc/grpc-js';
import type { Message } from 'google-protobuf';
import type { ExpectedRevision } from '../core/types.js';
import { MAX_APPEND_SIZE } from '../core/types.js';
import {
  BadRequestError,
  MaximumAppendSizeExceededError,
  StreamDeletedError,
  StreamNotFoundError,
  WrongExpectedVersionError,
} from '../core/errors.js';
import { anyPb, emptyPb, sharedPb, statusPb } from './generated.js';
import { expectedToNumber, toDecimal, toStreamIdentifier } from './convert.js';

export type WireError = grpc.ServiceError;

export function isWireError(err: unknown): err is WireError {
  return (
    err instanceof Error &&
    typeof (err as Partial<WireError>).code === 'number' &&
    (err as Partial<WireError>).metadata instanceof grpc.Metadata
  );
}

/** Errors that know their own wire form (e.g. missing required metadata). */
function hasWireForm(err: unknown): err is { toWire(): WireError } {
  return typeof err === 'object' && err !== null && typeof (err as { toWire?: unknown }).toWire === 'function';
}

/** A ServiceError carrying `trailers` as metadata; grpc-js sends it as the call's status. */
export function serviceError(code: grpc.status, details: string, trailers: Record<string, string> = {}): WireError {
  const metadata = new grpc.Metadata();
  for (const [key, value] of Object.entries(trailers)) metadata.set(key, value);
  return Object.assign(new Error(details), { code, details, metadata });
}

export const wrongExpectedVersion = (op: string, stream: string, expected: ExpectedRevision, current: bigint): WireError => {
  const e = toDecimal(expectedToNumber(expected));
  const a = toDecimal(current);
  return serviceError(
    grpc.status.FAILED_PRECONDITION,
    `${op} failed due to WrongExpectedVersion. Stream: ${stream}, Expected version: ${e}, Actual version: ${a}`,
    { exception: 'wrong-expected-version', 'stream-name': stream, 'expected-version': e, 'actual-version': a },
  );
};

export const streamDeleted = (stream: string): WireError =>
  serviceError(grpc.status.FAILED_PRECONDITION, `Event stream '${stream}' is deleted.`, {
    exception: 'stream-deleted',
    'stream-name': stream,
  });

export const streamNotFound = (stream: string): WireError =>
  serviceError(grpc.status.NOT_FOUND, `Event stream '${stream}' is not found.`, {
    exception: 'stream-not-found',
    'stream-name': stream,
  });

export const accessDenied = (): WireError => serviceError(grpc.status.PERMISSION_DENIED, 'Access Denied', { exception: 'access-denied' });

export const maximumAppendSizeExceeded = (max: number = MAX_APPEND_SIZE): WireError =>
  serviceError(grpc.status.INVALID_ARGUMENT, `Maximum Append Size of ${max} Exceeded.`, {
    exception: 'maximum-append-size-exceeded',
    'maximum-append-size': String(max),
  });

export const missingRequiredMetadata = (property: string): WireError =>
  serviceError(grpc.status.INVALID_ARGUMENT, `Required Metadata Property '${property}' is missing`, {
    exception: 'missing-required-metadata-property',
    'required-metadata-properties': 'type,content-type',
  });

export const persistentSubscriptionFailed = (stream: string, group: string, reason: string): WireError =>
  serviceError(grpc.status.INTERNAL, `Subscription group ${group} on stream ${stream} failed: '${reason}'`, {
    exception: 'persistent-subscription-failed',
    'stream-name': stream,
    'group-name': group,
    reason,
  });

export const persistentSubscriptionDoesNotExist = (stream: string, group: string): WireError =>
  serviceError(grpc.status.NOT_FOUND, `Subscription group ${group} on stream ${stream} does not exist.`, {
    exception: 'persistent-subscription-does-not-exist',
    'stream-name': stream,
    'group-name': group,
  });

export const persistentSubscriptionExists = (stream: string, group: string): WireError =>
  serviceError(grpc.status.ALREADY_EXISTS, `Subscription group ${group} on stream ${stream} exists.`, {
    exception: 'persistent-subscription-exists',
    'stream-name': stream,
    'group-name': group,
  });

export const maximumSubscribersReached = (stream: string, group: string): WireError =>
  serviceError(grpc.status.FAILED_PRECONDITION, `Maximum subscriptions reached for subscription group ${group} on stream ${stream}.`, {
    exception: 'maximum-subscribers-reached',
    'stream-name': stream,
    'group-name': group,
  });

/** CANCELLED *with* the exception key: the client classifies by key and does not reconnect. */
export const persistentSubscriptionDropped = (stream: string, group: string): WireError =>
  serviceError(grpc.status.CANCELLED, `Subscription group ${group} on stream ${stream} was dropped.`, {
    exception: 'persistent-subscription-dropped',
    'stream-name': stream,
    'group-name': group,
  });

/** Malformed request: INVALID_ARGUMENT without an exception key -> client UnknownError. */
export const invalidArgument = (details: string): WireError => serviceError(grpc.status.INVALID_ARGUMENT, details);

export const operationTimedOut = (message: string): WireError => serviceError(grpc.status.ABORTED, `Operation timed out: ${message}`);

export const unknownError = (details: string): WireError => serviceError(grpc.status.UNKNOWN, details);

/**
 * Maps anything thrown by the store or a handler to a wire error. `op` names the operation for
 * wrong-expected-version details ("Delete", "Tombstone"). Never UNAVAILABLE/CANCELLED: those make
 * the client drop its channel.
 */
export function toWireError(err: unknown, op = 'Operation'): WireError {
  if (isWireError(err)) return err;
  if (hasWireForm(err)) return err.toWire();
  if (err instanceof WrongExpectedVersionError) return wrongExpectedVersion(op, err.streamId, err.expected, err.currentRevision);
  if (err instanceof StreamDeletedError) return streamDeleted(err.streamId);
  if (err instanceof StreamNotFoundError) return streamNotFound(err.streamId);
  if (err instanceof MaximumAppendSizeExceededError) return maximumAppendSizeExceeded(err.maxAppendSize);
  if (err instanceof BadRequestError) return invalidArgument(err.message);
  const message = err instanceof Error ? err.message : String(err);
  return unknownError(message || 'Unexpected error');
}

// ---------------------------------------------------------------- BatchAppend in-band statuses

type RpcStatus = InstanceType<typeof statusPb.Status>;

function packed(code: grpc.status, message: string, details: Message, typeName: string): RpcStatus {
  const status = new statusPb.Status();
  status.setCode(code as number);
  status.setMessage(message);
  const any = new anyPb.Any();
  any.pack(details.serializeBinary(), typeName);
  status.setDetails(any);
  return status;
}

function wrongExpectedVersionStatus(expected: ExpectedRevision, current: bigint): RpcStatus {
  const details = new sharedPb.WrongExpectedVersion();
  if (current < 0n) details.setCurrentNoStream(new emptyPb.Empty());
  else details.setCurrentStreamRevision(toDecimal(current));
  switch (expected.kind) {
    case 'any':
      details.setExpectedAny(new emptyPb.Empty());
      break;
    case 'no_stream':
      details.setExpectedNoStream(new emptyPb.Empty());
      break;
    case 'stream_exists':
      details.setExpectedStreamExists(new emptyPb.Empty());
      break;
    case 'exact':
      details.setExpectedStreamPosition(toDecimal(expected.revision));
      break;
  }
  return packed(grpc.status.ALREADY_EXISTS, 'WrongExpectedVersion', details, 'event_store.client.WrongExpectedVersion');
}

export function timeoutStatus(): RpcStatus {
  return packed(grpc.status.DEADLINE_EXCEEDED, 'Timeout', new sharedPb.Timeout(), 'event_store.client.Timeout');
}

export function badRequestStatus(message: string): RpcStatus {
  const details = new sharedPb.BadRequest();
  details.setMessage(message);
  return packed(grpc.status.INVALID_ARGUMENT, 'BadRequest', details, 'event_store.client.BadRequest');
}

export function maxAppendSizeStatus(max: number = MAX_APPEND_SIZE): RpcStatus {
  const details = new sharedPb.MaximumAppendSizeExceeded();
  details.setMaxappendsize(max);
  return packed(grpc.status.INVALID_ARGUMENT, 'MaximumAppendSizeExceeded', details, 'event_store.client.MaximumAppendSizeExceeded');
}

/** In-band BatchAppend error status for anything a commit can throw. */
export function toBatchAppendStatus(err: unknown): RpcStatus {
  if (err instanceof WrongExpectedVersionError) return wrongExpectedVersionStatus(err.expected, err.currentRevision);
  if (err instanceof StreamDeletedError) {
    const details = new sharedPb.StreamDeleted();
    details.setStreamIdentifier(toStreamIdentifier(err.streamId));
    return packed(grpc.status.NOT_FOUND, 'StreamDeleted', details, 'event_store.client.StreamDeleted');
  }
  if (err instanceof MaximumAppendSizeExceededError) return maxAppendSizeStatus(err.maxAppendSize);
  if (err instanceof BadRequestError) return badRequestStatus(err.message);
  return packed(grpc.status.UNKNOWN, 'Unknown', new sharedPb.Unknown(), 'event_store.client.Unknown');
}
