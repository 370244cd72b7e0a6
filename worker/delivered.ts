import type { RecordedEvent } from '@eventstore/db-client';
import { dataErrorMessage } from '@/lib/db/client';
import { accountNumberFromStream } from '@/lib/eventstore/serialization/streams';
import type { fromRecorded } from '@/lib/eventstore/serialization/events';
import { inconsistency } from '@/lib/projections/accounts';
import { indexEntryOf, indexEntryOfUnknown, type BatchEvent, type IndexEntry } from '@/lib/projections/batch';

/**
 * How a recorded event reaches the projection, shared by the live worker (worker/subscription.ts)
 * and a rebuild (worker/rebuild.ts), so both read the store the same way.
 */
export type Decode = typeof fromRecorded;

/** Why an event cannot be applied, as a hold records it. */
export const MISSING_PREDECESSOR = 'an earlier event of this stream is missing from the store';
export const payeeMissing = (payee: string) => `payee ${payee} is not in the read model (its opening is held or missing)`;
/** The hold reason of an event PostgreSQL refused (a value it cannot store), in PostgreSQL's own words. */
export const databaseRefused = (error: unknown) => `database refused it: ${dataErrorMessage(error)}`;

export const rawMetadataOf = (recorded: RecordedEvent) => (recorded.metadata instanceof Uint8Array ? null : (recorded.metadata ?? null));

/** Events the projection never looks at: the store's own, and streams that are not accounts. */
export const isProjected = (recorded: RecordedEvent) =>
  !recorded.type.startsWith('$') && !recorded.streamId.startsWith('$') && accountNumberFromStream(recorded.streamId) !== null;

/** What the batch projection takes of an event of an account stream, or why it cannot take it. */
export function toBatchEvent(decode: Decode, recorded: RecordedEvent, position?: bigint): BatchEvent | { cannot: string } {
  const decoded = decode(recorded);
  const at = position ?? recorded.position?.commit ?? 0n;
  if (decoded.kind === 'unknown') {
    return {
      kind: 'unknown',
      id: recorded.id,
      streamId: recorded.streamId,
      revision: recorded.revision,
      position: at,
      created: recorded.created,
      type: decoded.type,
      rawMetadata: rawMetadataOf(recorded),
    };
  }
  if (decoded.kind === 'invalid') return { cannot: decoded.reason };
  const projected = { ...decoded.value, position: at };
  const problem = inconsistency(projected);
  return problem ? { cannot: problem } : { kind: 'account', projected };
}

/** The index row of any event of an account stream, whatever its payload holds (null for other streams). */
export function indexEntryOfRecorded(decode: Decode, recorded: RecordedEvent, position?: bigint): IndexEntry | null {
  const owner = accountNumberFromStream(recorded.streamId);
  if (owner === null) return null;
  const event = toBatchEvent(decode, recorded, position);
  if (!('cannot' in event) && event.kind === 'account') return indexEntryOf(event.projected);
  return indexEntryOfUnknown(
    {
      id: recorded.id,
      streamId: recorded.streamId,
      revision: recorded.revision,
      position: position ?? recorded.position?.commit ?? 0n,
      created: recorded.created,
      type: recorded.type,
      rawMetadata: rawMetadataOf(recorded),
    },
    owner,
  );
}

/** The payee of a payment event, for messages. */
export const payeeOf = (event: BatchEvent) =>
  event.kind === 'account' && event.projected.event.type === 'PaymentMade' ? event.projected.event.data.payeeAccountNumber : '?';
