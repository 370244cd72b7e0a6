import 'server-only';
import { BACKWARDS, END, FORWARDS, type EventStoreDBClient } from '@eventstore/db-client';
import type { AccountEvent } from '@/lib/domain';
import { readStreamEvents } from '../connection/read-stream';
import { fromRecorded } from '../serialization/events';
import { accountStream } from '../serialization/streams';

export type CommandEvent = { event: AccountEvent; created: Date };

/**
 * The account event a command wrote at `revision` of the account's stream, or null when the
 * event there is not that command's (or there is none). A page shows a confirmation only for
 * what the store holds, so an address cannot make it confirm something that did not happen.
 */
export async function readCommandEvent(
  client: EventStoreDBClient,
  accountNumber: string,
  revision: bigint,
  commandId: string,
): Promise<CommandEvent | null> {
  const [recorded] = await readStreamEvents(client, accountStream(accountNumber), {
    direction: FORWARDS,
    fromRevision: revision,
    maxCount: 1,
  });
  if (!recorded || recorded.revision !== revision) return null;
  const decoded = fromRecorded(recorded);
  if (decoded.kind !== 'account' || decoded.value.metadata?.commandId !== commandId) return null;
  return { event: decoded.value.event, created: decoded.value.created };
}

/**
 * Commit position of the newest event in the store (0n when empty). Read before a command runs,
 * it tells whether the event the command answers with was already there: an earlier submit of
 * the same form wrote it.
 */
export async function storeHeadPosition(client: EventStoreDBClient): Promise<bigint> {
  const events: bigint[] = [];
  // Read to its end (one event): leaving a read early keeps its call open (see read-stream.ts).
  for await (const resolved of client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 1 })) {
    if (resolved.event?.position) events.push(resolved.event.position.commit);
  }
  return events[0] ?? 0n;
}
