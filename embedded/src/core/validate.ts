// Input checks at the storage boundary: the gRPC layer validates too, but the store must never
// write a malformed record whatever its caller does.
import { BadRequestError, MaximumAppendSizeExceededError } from './errors.js';
import { isCanonicalUuid } from '../storage/record-codec.js';
import { MAX_APPEND_SIZE, type ExpectedRevision, type ProposedEvent } from './types.js';

/** Stream names are not counted in the append size, so bound them separately. */
export const MAX_STREAM_NAME_BYTES = 64 * 1024;
const ZERO_UUID = '00000000-0000-0000-0000-000000000000';

export function validateStreamId(streamId: unknown): asserts streamId is string {
  if (typeof streamId !== 'string' || streamId.length === 0) throw new BadRequestError('Stream name must be a non-empty string');
  if (Buffer.byteLength(streamId, 'utf8') > MAX_STREAM_NAME_BYTES) {
    throw new BadRequestError(`Stream name longer than ${MAX_STREAM_NAME_BYTES} bytes`);
  }
}

export function validateExpected(expected: unknown): asserts expected is ExpectedRevision {
  const e = expected as ExpectedRevision | undefined;
  if (!e || typeof e !== 'object') throw new BadRequestError('Expected revision is required');
  switch (e.kind) {
    case 'any':
    case 'no_stream':
    case 'stream_exists':
      return;
    case 'exact':
      if (typeof e.revision !== 'bigint' || e.revision < 0n) throw new BadRequestError('Expected revision must be a non-negative bigint');
      return;
    default:
      throw new BadRequestError('Unknown expected revision kind');
  }
}

export function validateEvents(events: unknown): asserts events is readonly ProposedEvent[] {
  if (!Array.isArray(events)) throw new BadRequestError('Events must be an array');
  for (const e of events as ProposedEvent[]) {
    if (!e || typeof e !== 'object') throw new BadRequestError('Event must be an object');
    if (typeof e.eventId !== 'string' || !isCanonicalUuid(e.eventId) || e.eventId === ZERO_UUID) {
      throw new BadRequestError(`Invalid event id: ${String(e.eventId)}`);
    }
    if (typeof e.type !== 'string' || e.type.length === 0) throw new BadRequestError('Event type must be a non-empty string');
    if (typeof e.isJson !== 'boolean') throw new BadRequestError('isJson must be a boolean');
    if (!(e.data instanceof Uint8Array) || !(e.metadata instanceof Uint8Array)) {
      throw new BadRequestError('Event data and metadata must be byte arrays');
    }
  }
}

/** ESDB's MaxAppendSize rule (protocol §5.3): data + custom metadata + 2 bytes per UTF-16 unit of the type. */
export function checkAppendSize(events: readonly ProposedEvent[]): void {
  let total = 0;
  for (const e of events) {
    total += e.data.length + e.metadata.length + 2 * e.type.length;
    if (total > MAX_APPEND_SIZE) throw new MaximumAppendSizeExceededError(MAX_APPEND_SIZE);
  }
}

export function countOf(maxCount: unknown): number {
  if (typeof maxCount !== 'bigint' || maxCount < 0n) throw new BadRequestError('maxCount must be a non-negative bigint');
  return maxCount > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(maxCount);
}
