import 'server-only';
import type { EventStoreDBClient, RecordedEvent } from '@eventstore/db-client';
import { getDb, type Db } from '@/lib/db/client';
import { ownStreamPoints, readEventAt, OWN_STREAM_PAGE, type StoredOwnPoint } from '@/lib/eventstore/views/account-points';
import { getEventStore } from '@/lib/eventstore/connection/client';
import { getProjectionStatus, getStreamHold, receivedPayments, RECEIVED_PAGE } from '@/lib/queries';
import { mergeByPosition, PointWalker, type PointSelector, type Walk } from './points';
import { buildTimeTravelView, summarizePoint, type PointSummary, type TimeTravelView } from './view';

export type TimeTravelDeps = { client: EventStoreDBClient; db: Db };

const defaultDeps = (): TimeTravelDeps => ({ client: getEventStore(), db: getDb() });

export type TimeTravelResult =
  | { kind: 'not_found' }
  /** The account exists but has no point matching the selector (past its end, or before its opening). */
  | { kind: 'no_such_point'; total: number; lastRevision: bigint; openedAt: Date; last: PointSummary }
  /** `stored`: the account's own event the view stopped at, as read for the replay (null for a payment received). */
  | { kind: 'found'; view: TimeTravelView; stored: RecordedEvent | null };

/**
 * Replays an account's history up to one point, and on to today: its own stream read from the
 * store in pages of OWN_STREAM_PAGE events, merged in $all order with the payments it received
 * as the projection's event index lists them (pages of RECEIVED_PAGE). Folded as it streams,
 * so memory stays bounded whatever the history's length; the cost is one pass over the
 * account's own events and payments received (not over $all).
 */
export async function walkAccountHistory(
  accountNumber: string,
  selector: PointSelector,
  deps: TimeTravelDeps = defaultDeps(),
  pages: { own?: number; received?: number } = {},
): Promise<Walk> {
  const walker = new PointWalker(selector);
  const points = mergeByPosition(
    ownStreamPoints(deps.client, accountNumber, pages.own ?? OWN_STREAM_PAGE),
    receivedPayments(accountNumber, pages.received ?? RECEIVED_PAGE, deps.db),
  );
  for await (const point of points) walker.add(point);
  return walker.result();
}

/** The time-travel view of one point, with what it is computed from. */
export async function loadTimeTravel(
  accountNumber: string,
  selector: PointSelector,
  deps: TimeTravelDeps = defaultDeps(),
  pages: { own?: number; received?: number } = {},
): Promise<TimeTravelResult> {
  const [walk, hold, status] = await Promise.all([
    walkAccountHistory(accountNumber, selector, deps, pages),
    getStreamHold(accountNumber, deps.db),
    getProjectionStatus(deps.db),
  ]);
  // No stream, or one whose opening the account cannot read: nothing to show as this account.
  if (walk.total === 0 || walk.today.state.status !== 'open') return { kind: 'not_found' };
  const context = {
    accountHold: hold && { revision: hold.revision.toString(), reason: hold.reason },
    indexedUpTo: status.lastPosition,
  };
  const view = buildTimeTravelView(accountNumber, walk, context);
  if (view) {
    // The walker keeps the very object the store read produced.
    const point = walk.target!.point as Partial<StoredOwnPoint>;
    return { kind: 'found', view, stored: point.recorded ?? null };
  }
  return {
    kind: 'no_such_point',
    total: walk.total,
    lastRevision: walk.lastRevision ?? 0n,
    openedAt: walk.first!.point.created,
    last: summarizePoint(accountNumber, walk.last!),
  };
}

/** The stored event a found point stopped at (its own event, or the payer's PaymentMade read now), for the raw-event view. */
export async function loadPointEvent(
  found: { view: TimeTravelView; stored: RecordedEvent | null },
  deps: TimeTravelDeps = defaultDeps(),
): Promise<RecordedEvent | null> {
  return found.stored ?? readEventAt(deps.client, found.view.point.stream, BigInt(found.view.point.revision));
}
