import { diffSnapshots, type FieldChange } from './diff';
import { accountStream } from '@/lib/eventstore/serialization/streams';
import { pastStateHref } from './href';
import type { PlacedPoint, Walk } from './points';
import type { SnapshotValues } from './fields';
import { snapshotValues } from './snapshot';

/**
 * What the time-travel views render, as plain serialisable values (bigints as decimal strings,
 * times as ISO strings): handed to the client control as props, and sent as JSON when the
 * control moves with JavaScript. Built by a pure function from a walk.
 */
export type PointSummary = {
  /** 1-based rank in the account's history. */
  number: number;
  kind: 'own' | 'received';
  /** The stored type, or PaymentReceived for a payment to the account. */
  type: string;
  position: string;
  /** The revision in the stream holding the event (the account's own, or the payer's). */
  revision: string;
  stream: string;
  created: string;
  /** Cents this point moved for the account (negative for a payment made), or null. */
  amountCents: string | null;
  counterparty: string | null;
  /** A rename's old → new name, a payment's reference, or why the fold skipped the event. */
  detail: string | null;
  problem: 'unknown' | 'unreadable' | null;
  /** A payment received whose payer's stream the projection holds. */
  payerHeld: boolean;
  /** The point's own past-state page. */
  href: string;
};

export type TimeTravelSource = {
  /** Payments received up to this point on payer streams the projection holds. */
  heldPayments: number;
  /** Own events up to this point whose payload is unreadable (skipped by the fold). */
  unreadable: number;
  /** The projection's hold on the account's own stream, if any. */
  accountHold: { revision: string; reason: string } | null;
  /** The $all position the projection (and so the index of payments received) has reached. */
  indexedUpTo: string | null;
};

export type TimeTravelView = {
  accountNumber: string;
  total: number;
  point: PointSummary;
  previous: PointSummary | null;
  next: PointSummary | null;
  last: PointSummary;
  state: SnapshotValues;
  today: SnapshotValues;
  /** What this point changed: the previous point's state → this one. */
  sincePrevious: FieldChange[];
  /** What changed since: this point's state → today's. */
  untilToday: FieldChange[];
  /** The own stream's revision this state includes, and its newest. */
  ownRevision: string;
  lastRevision: string;
  source: TimeTravelSource;
};

export function summarizePoint(accountNumber: string, { point, number }: PlacedPoint): PointSummary {
  const base = {
    number,
    kind: point.kind,
    position: point.position.toString(),
    created: point.created.toISOString(),
    payerHeld: false,
    href: pastStateHref(accountNumber, point.kind === 'own' ? { revision: point.revision } : { position: point.position }),
  };
  if (point.kind === 'received') {
    return {
      ...base,
      type: 'PaymentReceived',
      revision: point.payerRevision.toString(),
      stream: point.payerStream,
      amountCents: point.amountCents.toString(),
      counterparty: point.payer,
      detail: point.reference,
      problem: null,
      payerHeld: point.payerHeld,
    };
  }
  const own = { ...base, type: point.type, revision: point.revision.toString(), stream: accountStream(accountNumber) };
  const { event } = point;
  if (!event) {
    return { ...own, amountCents: null, counterparty: null, detail: point.problem?.reason ?? null, problem: point.problem?.kind ?? null };
  }
  const plain = { ...own, problem: null, counterparty: null, detail: null };
  switch (event.type) {
    case 'AccountOpened':
      return { ...plain, amountCents: String(event.data.openingBalanceCents), detail: `for ${event.data.holderName}` };
    case 'MoneyDeposited':
      return { ...plain, amountCents: String(event.data.amountCents) };
    case 'HolderNameChanged':
      return { ...plain, amountCents: null, detail: `${event.data.previousHolderName} → ${event.data.holderName}` };
    case 'PaymentMade':
      return {
        ...plain,
        amountCents: String(-event.data.amountCents),
        counterparty: event.data.payeeAccountNumber,
        detail: event.data.reference ?? null,
      };
  }
}

/** The view of a walk that found its target; null when it did not. */
export function buildTimeTravelView(
  accountNumber: string,
  walk: Walk,
  context: { accountHold: TimeTravelSource['accountHold']; indexedUpTo: bigint | null },
): TimeTravelView | null {
  const { target, last } = walk;
  if (!target || !last) return null;
  return {
    accountNumber,
    total: walk.total,
    point: summarizePoint(accountNumber, target),
    previous: target.previous && summarizePoint(accountNumber, target.previous),
    next: walk.next && summarizePoint(accountNumber, walk.next),
    last: summarizePoint(accountNumber, last),
    state: snapshotValues(target.after),
    today: snapshotValues(walk.today),
    sincePrevious: diffSnapshots(target.before, target.after),
    untilToday: diffSnapshots(target.after, walk.today),
    ownRevision: target.ownRevision.toString(),
    lastRevision: (walk.lastRevision ?? 0n).toString(),
    source: {
      heldPayments: target.heldPayments,
      unreadable: target.unreadable,
      accountHold: context.accountHold,
      indexedUpTo: context.indexedUpTo?.toString() ?? null,
    },
  };
}
