import {
  BACKWARDS,
  END,
  FORWARDS,
  START,
  type EventStoreDBClient,
  type RecordedEvent,
} from '@eventstore/db-client';
import type { AccountEvent, AccountState } from '@/lib/domain';
import { accountStateAsOf } from './account-as-of';
import { CorruptStreamError } from './account-stream';
import { toEventLogEntry, type EventLogEntry } from './event-log';
import { readStreamEvents } from './read-stream';
import { fromRecorded } from './serialization';
import { accountStream } from './streams';

export type AccountAtRevision =
  | { kind: 'not_found' }
  | { kind: 'beyond_end'; lastRevision: bigint }
  | {
      kind: 'found';
      state: AccountState;
      /** The event the fold stopped at (the one at the requested revision). */
      stoppedAt: EventLogEntry;
      lastRevision: bigint;
      /** Payments to the account from other streams included in the balance. */
      paymentsReceived: number;
    };

/**
 * The account as it was right after its own event at `revision`, read from the store, not the
 * query model. Why the store: account_history's balance_after is rewritten when a payment is
 * projected late (out-of-order delivery), so for a while it can be wrong for past rows; the
 * store is the truth at once. Why two reads: the own stream up to `revision` gives the holder
 * name and the balance minus what was received; incoming payments are PaymentMade events on
 * other accounts' streams, so $all is scanned from the account's opening (nobody can pay an
 * account before it exists) to the stopped-at event's commit position. The scan costs one pass
 * over the events of the account's lifetime up to that point — fine for a history view.
 */
export async function loadAccountAtRevision(
  client: EventStoreDBClient,
  accountNumber: string,
  revision: bigint,
  options: { scanBatch?: number } = {},
): Promise<AccountAtRevision> {
  const stream = accountStream(accountNumber);
  const lastRevision = await lastRevisionOf(client, stream);
  if (lastRevision === null) return { kind: 'not_found' };
  if (revision > lastRevision) return { kind: 'beyond_end', lastRevision };

  const own: AccountEvent[] = [];
  let first: RecordedEvent | undefined;
  let stopped: RecordedEvent | undefined;
  for (const event of await readStreamEvents(client, stream, { direction: FORWARDS, fromRevision: START, maxCount: revision + 1n })) {
    first ??= event;
    stopped = event;
    const decoded = fromRecorded(event);
    if (decoded.kind === 'account') own.push(decoded.value.event);
    else if (decoded.kind === 'invalid') throw new CorruptStreamError(stream, event.revision, decoded.reason);
  }
  // Truncated or scavenged below `revision`: nothing we can honestly fold.
  if (!first || !stopped || stopped.revision !== revision) return { kind: 'beyond_end', lastRevision };

  const received = await paymentsFromOtherStreams(client, stream, first, stopped, options.scanBatch ?? SCAN_BATCH);
  return {
    kind: 'found',
    state: accountStateAsOf(accountNumber, own, received),
    stoppedAt: toEventLogEntry(stopped),
    lastRevision,
    paymentsReceived: received.filter(
      (e) => e.type === 'PaymentMade' && e.data.payeeAccountNumber === accountNumber,
    ).length,
  };
}

const SCAN_BATCH = 500;

async function lastRevisionOf(client: EventStoreDBClient, stream: string): Promise<bigint | null> {
  const [last] = await readStreamEvents(client, stream, { direction: BACKWARDS, fromRevision: END, maxCount: 1 });
  return last ? last.revision : null;
}

/** Valid PaymentMade events on other streams between two positions of $all, inclusive. */
async function paymentsFromOtherStreams(
  client: EventStoreDBClient,
  ownStream: string,
  from: RecordedEvent,
  to: RecordedEvent,
  batch: number,
): Promise<AccountEvent[]> {
  const end = to.position!.commit;
  const payments: AccountEvent[] = [];
  let cursor = from.position!;
  // Forwards reads include their start: when resuming at the last event read, skip it.
  let resumedAt: bigint | undefined;
  // Bounded batches read to their end: an abandoned read can keep its server-side call open.
  for (;;) {
    let read = 0;
    let done = false;
    for await (const resolved of client.readAll({ direction: FORWARDS, fromPosition: cursor, maxCount: batch })) {
      read += 1;
      const event = resolved.event;
      if (!event?.position || done || event.position.commit === resumedAt) continue;
      if (event.position.commit > end) {
        done = true;
        continue;
      }
      cursor = event.position;
      if (event.type !== 'PaymentMade' || event.streamId === ownStream) continue;
      // An invalid payment is parked by the projection and credits nobody; the same here.
      const decoded = fromRecorded(event);
      if (decoded.kind === 'account') payments.push(decoded.value.event);
    }
    if (done || read < batch) break;
    resumedAt = cursor.commit;
  }
  return payments;
}
