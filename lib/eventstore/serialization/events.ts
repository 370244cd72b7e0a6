import { jsonEvent, type EventData, type RecordedEvent } from '@eventstore/db-client';
import {
  accountEventSchemas,
  eventMetadataSchema,
  isAccountEventType,
  parseAccountEvent,
  type AccountEvent,
  type EventMetadata,
} from '@/lib/domain';

/**
 * Domain events <-> store events. Payloads are validated by the domain's zod schemas on the
 * way in (a bug must not write a bad event) and on the way out (a bad stored event must not
 * reach a fold).
 */
export function toEventData(event: AccountEvent, metadata: EventMetadata, id: string): EventData {
  const data = accountEventSchemas[event.type].parse(event.data);
  return jsonEvent({ id, type: event.type, data, metadata: eventMetadataSchema.parse(metadata) });
}

export type StoredAccountEvent = {
  id: string;
  streamId: string;
  revision: bigint;
  /** Commit position in $all (always present on current servers). */
  position: bigint | undefined;
  created: Date;
  event: AccountEvent;
  metadata: EventMetadata | null;
  /** Payload and metadata exactly as stored, for views of the raw event. */
  rawData: unknown;
  rawMetadata: unknown;
};

export type DecodedEvent =
  { kind: 'account'; value: StoredAccountEvent } | { kind: 'unknown'; type: string } | { kind: 'invalid'; type: string; reason: string };

export function fromRecorded(recorded: RecordedEvent): DecodedEvent {
  if (!isAccountEventType(recorded.type)) return { kind: 'unknown', type: recorded.type };
  if (!recorded.isJson || recorded.data instanceof Uint8Array) {
    return { kind: 'invalid', type: recorded.type, reason: `${recorded.type} is not stored as JSON` };
  }
  const parsed = parseAccountEvent(recorded.type, recorded.data);
  if (!parsed.ok) return { kind: 'invalid', type: recorded.type, reason: parsed.reason };
  const rawMetadata = recorded.metadata instanceof Uint8Array ? null : (recorded.metadata ?? null);
  const metadata = eventMetadataSchema.safeParse(rawMetadata);
  return {
    kind: 'account',
    value: {
      id: recorded.id,
      streamId: recorded.streamId,
      revision: recorded.revision,
      position: recorded.position?.commit,
      created: recorded.created,
      event: parsed.event,
      metadata: metadata.success ? metadata.data : null,
      rawData: recorded.data,
      rawMetadata,
    },
  };
}
