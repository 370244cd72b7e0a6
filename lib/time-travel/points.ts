import type { AccountEvent } from '@/lib/domain';
import { applyOwnEvent, applyPaymentReceived, EMPTY_SNAPSHOT, type AccountSnapshot } from './snapshot';

/**
 * The points of an account's history, in $all order: each event of its own stream and each
 * payment it received (a PaymentMade on the payer's stream). Pure: the I/O layer
 * (lib/time-travel/load.ts) reads both kinds, merges them by position and feeds them to a
 * PointWalker, which folds as they stream and keeps only what the view needs, so no history is
 * ever held in memory whole.
 */
export type OwnPoint = {
  kind: 'own';
  position: bigint;
  revision: bigint;
  created: Date;
  eventId: string;
  type: string;
  /** The decoded event; null when the account cannot fold it (see problem). */
  event: AccountEvent | null;
  /** Why it changes nothing: 'unknown' for another application's event type, 'unreadable' for a payload its schema refuses. */
  problem: { kind: 'unknown' | 'unreadable'; reason: string } | null;
};

export type ReceivedPoint = {
  kind: 'received';
  position: bigint;
  created: Date;
  eventId: string;
  payer: string;
  payerStream: string;
  payerRevision: bigint;
  amountCents: bigint;
  reference: string | null;
  /** The projection holds the payer's stream at or before this payment: the read model has not credited it yet. */
  payerHeld: boolean;
};

export type HistoryPoint = OwnPoint | ReceivedPoint;

/** Which point a view asks for. */
export type PointSelector =
  | { by: 'latest' }
  /** 1-based rank in the account's history (the slider's value). */
  | { by: 'number'; number: number }
  /** An event of the account's own stream. */
  | { by: 'revision'; revision: bigint }
  /** Any point, own event or payment received, by its $all commit position. */
  | { by: 'position'; position: bigint }
  /** The last point created at or before this moment. */
  | { by: 'asOf'; at: Date };

export type PlacedPoint = { point: HistoryPoint; number: number };

export type TargetPoint = PlacedPoint & {
  /** State right after the previous point (the empty state before the first). */
  before: AccountSnapshot;
  /** State right after this point. */
  after: AccountSnapshot;
  /** The account's own stream revision this state includes. */
  ownRevision: bigint;
  previous: PlacedPoint | null;
  /** Payments received up to this point whose payer's stream the projection holds. */
  heldPayments: number;
  /** Own events up to this point that the fold had to skip because their payload is unreadable. */
  unreadable: number;
};

export type Walk = {
  total: number;
  target: TargetPoint | null;
  next: PlacedPoint | null;
  first: PlacedPoint | null;
  last: PlacedPoint | null;
  /** State after the newest point: the account now, by the same replay. */
  today: AccountSnapshot;
  lastRevision: bigint | null;
  /** The first point of the own stream the fold skipped as unreadable, if any. */
  firstUnreadable: OwnPoint | null;
};

export function applyPoint(snapshot: AccountSnapshot, point: HistoryPoint): AccountSnapshot {
  if (point.kind === 'received') return applyPaymentReceived(snapshot, point.amountCents);
  return point.event ? applyOwnEvent(snapshot, point.event) : snapshot;
}

function matches(selector: PointSelector, point: HistoryPoint, number: number): boolean {
  switch (selector.by) {
    case 'latest':
      return true;
    case 'number':
      return number === selector.number;
    case 'revision':
      return point.kind === 'own' && point.revision === selector.revision;
    case 'position':
      return point.position === selector.position;
    case 'asOf':
      // Not "stop at the first later one": the last at or before wins even if clocks stepped back.
      return point.created.getTime() <= selector.at.getTime();
  }
}

/** Folds points given one at a time in $all order and remembers the selected one and its neighbours. */
export class PointWalker {
  private snapshot = EMPTY_SNAPSHOT;
  private total = 0;
  private target: TargetPoint | null = null;
  private next: PlacedPoint | null = null;
  private first: PlacedPoint | null = null;
  private lastSeen: PlacedPoint | null = null;
  private lastRevision: bigint | null = null;
  private heldPayments = 0;
  private unreadable = 0;
  private firstUnreadable: OwnPoint | null = null;

  constructor(private readonly selector: PointSelector) {}

  add(point: HistoryPoint): void {
    // A payment indexed before the account was opened cannot have credited it (the projection
    // holds such a payer): not a point of this account's history.
    if (point.kind === 'received' && this.snapshot.state.status !== 'open') return;
    const placed: PlacedPoint = { point, number: ++this.total };
    const before = this.snapshot;
    this.snapshot = applyPoint(before, point);
    if (point.kind === 'own') {
      this.lastRevision = point.revision;
      if (point.problem?.kind === 'unreadable') {
        this.unreadable += 1;
        this.firstUnreadable ??= point;
      }
    } else if (point.payerHeld) {
      this.heldPayments += 1;
    }
    this.first ??= placed;
    if (matches(this.selector, point, placed.number)) {
      this.target = {
        ...placed,
        before,
        after: this.snapshot,
        ownRevision: this.lastRevision ?? 0n,
        previous: this.lastSeen,
        heldPayments: this.heldPayments,
        unreadable: this.unreadable,
      };
      this.next = null;
    } else if (this.target && !this.next) {
      this.next = placed;
    }
    this.lastSeen = placed;
  }

  result(): Walk {
    return {
      total: this.total,
      target: this.target,
      next: this.next,
      first: this.first,
      last: this.lastSeen,
      today: this.snapshot,
      lastRevision: this.lastRevision,
      firstUnreadable: this.firstUnreadable,
    };
  }
}

/** Two position-ordered sequences as one, position-ordered; both are read ahead one item at a time. */
export async function* mergeByPosition<A extends { position: bigint }, B extends { position: bigint }>(
  a: AsyncIterator<A>,
  b: AsyncIterator<B>,
): AsyncGenerator<A | B> {
  let [nextA, nextB] = await Promise.all([a.next(), b.next()]);
  while (!nextA.done || !nextB.done) {
    if (nextB.done || (!nextA.done && nextA.value.position <= nextB.value.position)) {
      yield nextA.value as A;
      nextA = await a.next();
    } else {
      yield nextB.value;
      nextB = await b.next();
    }
  }
}
