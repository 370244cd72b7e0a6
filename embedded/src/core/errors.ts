// Domain errors of the storage core. The gRPC layer maps each to the wire form
// the official client expects (see embedded/PROTOCOL.md §6, §7.4, §13).
import type { ExpectedRevision } from './types.js';

export class WrongExpectedVersionError extends Error {
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedRevision,
    /** -1n when the stream has no events */
    readonly currentRevision: bigint,
  ) {
    super(`Wrong expected version on ${streamId}: current ${currentRevision}`);
  }
}

export class StreamDeletedError extends Error {
  constructor(readonly streamId: string) {
    super(`Stream ${streamId} is deleted`);
  }
}

export class StreamNotFoundError extends Error {
  constructor(readonly streamId: string) {
    super(`Stream ${streamId} not found`);
  }
}

export class MaximumAppendSizeExceededError extends Error {
  constructor(readonly maxAppendSize: number) {
    super(`Maximum append size of ${maxAppendSize} exceeded`);
  }
}

export class BadRequestError extends Error {}

/** A multi-stream append names one stream twice (KurrentDB: names compared ignoring case). */
export class StreamAlreadyInAppendError extends BadRequestError {
  constructor(readonly streamId: string) {
    super(`Stream '${streamId}' is already part of this append`);
  }
}
