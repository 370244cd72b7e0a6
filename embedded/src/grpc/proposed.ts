// Validation of proposed events shared by Append and BatchAppend (protocol §5.3, §6).
import type { ProposedEvent } from '../core/types.js';
import { MAX_APPEND_SIZE } from '../core/types.js';
import { BadRequestError, MaximumAppendSizeExceededError } from '../core/errors.js';
import { NIL_UUID, parseUuid } from './convert.js';
import { missingRequiredMetadata, type WireError } from './errors.js';

export interface ProposedMessageLike {
  getId(): Parameters<typeof parseUuid>[0];
  getMetadataMap(): { get(key: string): string | undefined };
  getData_asU8(): Uint8Array;
  getCustomMetadata_asU8(): Uint8Array;
}

/** Thrown for a proposed event lacking `type` or `content-type`. */
export class MissingMetadataError extends BadRequestError {
  constructor(readonly property: string) {
    super(`Required Metadata Property '${property}' is missing`);
  }
  toWire(): WireError {
    return missingRequiredMetadata(this.property);
  }
}

/** ESDB size rule: data + custom metadata + 2 bytes per UTF-16 unit of the type. */
export function eventSize(e: ProposedEvent): number {
  return e.data.length + e.metadata.length + 2 * e.type.length;
}

export function toProposedEvent(msg: ProposedMessageLike): ProposedEvent {
  const eventId = parseUuid(msg.getId(), 'event id');
  if (eventId === NIL_UUID) throw new BadRequestError('Event id must not be empty (all zeros)');
  const meta = msg.getMetadataMap();
  const type = meta.get('type');
  const contentType = meta.get('content-type');
  if (type === undefined) throw new MissingMetadataError('type');
  if (contentType === undefined) throw new MissingMetadataError('content-type');
  if (type.length === 0) throw new BadRequestError('Event type must not be empty');
  return {
    eventId,
    type,
    isJson: contentType === 'application/json',
    data: msg.getData_asU8(),
    metadata: msg.getCustomMetadata_asU8(),
  };
}

/** Accumulates proposed events, refusing as soon as the running size exceeds the limit. */
export class ProposedBatch {
  readonly events: ProposedEvent[] = [];
  private size = 0;
  constructor(private readonly maxAppendSize = MAX_APPEND_SIZE) {}

  /** Bytes held so far, by the size rule above. */
  get bytes(): number {
    return this.size;
  }

  add(msg: ProposedMessageLike): void {
    const event = toProposedEvent(msg);
    this.size += eventSize(event);
    if (this.size > this.maxAppendSize) throw new MaximumAppendSizeExceededError(this.maxAppendSize);
    this.events.push(event);
  }
}
