import { eventMetadataSchema } from '@/lib/domain';
import { accountNumberFromStream } from '@/lib/eventstore/serialization/streams';
import {
  credit,
  evolve,
  freshness,
  ownerOf,
  touchesOf,
  type AccountRow,
  type Freshness,
  type ProjectedEvent,
  type Touch,
} from './accounts';
import { storableJson, storableText } from './storable';

/**
 * The accounts projection for many events at once, pure: given the rows the events touch (as
 * read from the database) and each touched account's newest timeline entry, it decides every
 * event's outcome and what to write. The I/O layer (worker/projector.ts) loads those, calls
 * planBatch, and writes the plan in one statement guarded by the rows it read, so a batch
 * is applied entirely or not at all, exactly as a single event is.
 *
 * Events are planned in $all order. Each sees the rows as the events before it in the batch
 * left them, so the revision check (duplicate | apply | ahead) is the one a single event gets.
 */

/** An event of an account stream whose type the projection does not know: it only moves the stream's revision. */
export type UnknownEvent = {
  kind: 'unknown';
  id: string;
  streamId: string;
  revision: bigint;
  position: bigint;
  created: Date;
  type: string;
  rawMetadata: unknown;
};

export type BatchEvent = { kind: 'account'; projected: ProjectedEvent } | UnknownEvent;

export type BatchOutcome = Freshness | 'payee-missing';

/** The newest entry of an account's timeline, the base of the next running balance. */
export type LastEntry = { position: bigint; balanceAfter: bigint };

export type HistoryRow = {
  accountNumber: string;
  kind: string;
  amount: bigint;
  balanceAfter: bigint;
  counterparty: string | null;
  eventId: string;
  eventType: string;
  stream: string;
  revision: bigint;
  position: bigint;
  occurredAt: Date;
  data: unknown;
  metadata: unknown;
};

/**
 * A timeline entry older than the account's newest one (an event delivered late): its running
 * balance depends on entries the plan has not loaded, so the I/O layer inserts it after the
 * in-order rows, at its position, and shifts the later entries by its amount.
 */
export type LateEntry = Omit<HistoryRow, 'balanceAfter'>;

export type IndexEntry = {
  position: bigint;
  eventId: string;
  stream: string;
  revision: bigint;
  type: string;
  accountNumber: string;
  counterparty: string | null;
  amount: bigint | null;
  searchText: string | null;
  commandId: string | null;
  correlationId: string | null;
  causationId: string | null;
  created: Date;
};

export type BatchPlan = {
  /** Per event id. Only 'apply' events change anything. */
  outcomes: Map<string, BatchOutcome>;
  /** Rows to insert (accounts opened in the batch). */
  inserts: AccountRow[];
  /**
   * Rows to update, each with the revision and balance it had when loaded: the guard against
   * another writer. Both, since a credit moves the payee's balance and not its revision, and
   * the pair never comes back (credits only add; every own event moves the revision).
   */
  updates: Array<{ row: AccountRow; loadedRevision: bigint; loadedBalance: bigint }>;
  history: HistoryRow[];
  late: LateEntry[];
  index: IndexEntry[];
  /** Accounts whose stream moved on, with their applied revision: what read-your-writes waits for. */
  revisions: Map<string, bigint>;
  /** Highest position applied or found already applied. */
  position: bigint | null;
  applied: number;
};

export type BatchInput = {
  events: readonly BatchEvent[];
  /** Every account the events touch, null when it has no row. */
  rows: ReadonlyMap<string, AccountRow | null>;
  /** Newest timeline entry of every touched account that has one. */
  last: ReadonlyMap<string, LastEntry>;
};

export function planBatch({ events, rows: loaded, last: loadedLast }: BatchInput): BatchPlan {
  const rows = new Map(loaded);
  const last = new Map(loadedLast);
  const plan: BatchPlan = {
    outcomes: new Map(),
    inserts: [],
    updates: [],
    history: [],
    late: [],
    index: [],
    revisions: new Map(),
    position: null,
    applied: 0,
  };
  const changed = new Set<string>();

  for (const event of [...events].sort((a, b) => compare(positionOf(a), positionOf(b)))) {
    // The same event delivered twice in one batch: its first copy decides.
    if (plan.outcomes.has(idOf(event))) continue;
    const outcome = event.kind === 'unknown' ? planUnknown(event, rows) : planAccountEvent(event.projected, rows);
    plan.outcomes.set(idOf(event), outcome);
    if (outcome === 'apply' || outcome === 'duplicate') plan.position = max(plan.position, positionOf(event));
    if (outcome !== 'apply') continue;
    plan.applied += 1;
    const owner = event.kind === 'unknown' ? accountOfStream(event.streamId) : ownerOf(event.projected);
    changed.add(owner);
    plan.revisions.set(owner, revisionOf(event));
    if (event.kind === 'unknown') {
      plan.index.push(indexEntryOfUnknown(event, owner));
      continue;
    }
    const { projected } = event;
    plan.index.push(indexEntryOf(projected));
    for (const touch of touchesOf(projected)) {
      changed.add(touch.accountNumber);
      addTimelineEntry(plan, last, projected, touch);
    }
  }

  for (const number of changed) {
    const row = rows.get(number);
    if (!row) continue;
    const before = loaded.get(number);
    if (before) plan.updates.push({ row, loadedRevision: before.revision, loadedBalance: before.balance });
    else plan.inserts.push(row);
  }
  return plan;

  function planAccountEvent(projected: ProjectedEvent, current: Map<string, AccountRow | null>): BatchOutcome {
    const owner = ownerOf(projected);
    const ownerRow = current.get(owner) ?? null;
    const verdict = freshness(ownerRow, projected);
    if (verdict !== 'apply') return verdict;
    let payeeRow: AccountRow | null = null;
    if (projected.event.type === 'PaymentMade') {
      payeeRow = current.get(projected.event.data.payeeAccountNumber) ?? null;
      if (!payeeRow) return 'payee-missing';
    }
    const next = evolve(ownerRow, projected);
    current.set(owner, { ...next, holderName: storableText(next.holderName) });
    if (projected.event.type === 'PaymentMade' && payeeRow) {
      current.set(payeeRow.number, credit(payeeRow, projected as ProjectedEvent & { event: typeof projected.event }));
    }
    return 'apply';
  }
}

/** An unknown type advances its stream's revision, revision-checked like any event. */
function planUnknown(event: UnknownEvent, rows: Map<string, AccountRow | null>): BatchOutcome {
  const owner = accountOfStream(event.streamId);
  const row = rows.get(owner) ?? null;
  if (!row) return 'ahead';
  if (event.revision <= row.revision) return 'duplicate';
  if (event.revision !== row.revision + 1n) return 'ahead';
  rows.set(owner, { ...row, revision: event.revision });
  return 'apply';
}

function addTimelineEntry(plan: BatchPlan, last: Map<string, LastEntry>, projected: ProjectedEvent, touch: Touch) {
  const entry: LateEntry = {
    accountNumber: touch.accountNumber,
    kind: touch.kind,
    amount: touch.amount,
    counterparty: touch.counterparty,
    eventId: projected.id,
    eventType: projected.event.type,
    stream: projected.streamId,
    revision: projected.revision,
    position: projected.position,
    occurredAt: projected.created,
    data: storableJson(projected.rawData ?? projected.event.data),
    metadata: storableJson(projected.rawMetadata ?? null),
  };
  const newest = last.get(touch.accountNumber);
  if (newest && projected.position < newest.position) {
    plan.late.push(entry);
    return;
  }
  const balanceAfter = (newest?.balanceAfter ?? 0n) + touch.amount;
  plan.history.push({ ...entry, balanceAfter });
  last.set(touch.accountNumber, { position: projected.position, balanceAfter });
}

/** The event-index row of a known event. */
export function indexEntryOf(projected: ProjectedEvent): IndexEntry {
  const { event } = projected;
  const base = {
    ...indexBase(
      projected.id,
      projected.streamId,
      projected.revision,
      projected.position,
      projected.created,
      event.type,
      projected.rawMetadata,
    ),
    accountNumber: ownerOf(projected),
  };
  switch (event.type) {
    case 'AccountOpened':
      return { ...base, amount: BigInt(event.data.openingBalanceCents), searchText: storableText(event.data.holderName) };
    case 'MoneyDeposited':
      return { ...base, amount: BigInt(event.data.amountCents) };
    case 'HolderNameChanged':
      return { ...base, searchText: storableText(event.data.holderName) };
    case 'PaymentMade':
      return {
        ...base,
        counterparty: event.data.payeeAccountNumber,
        amount: BigInt(event.data.amountCents),
        searchText: event.data.reference ? storableText(event.data.reference) : null,
      };
    default: {
      const unreachable: never = event;
      return unreachable;
    }
  }
}

/** The index row of an event whose payload the projection cannot or does not read (an unknown type, an invalid payload). */
export function indexEntryOfUnknown(event: Omit<UnknownEvent, 'kind'>, accountNumber: string): IndexEntry {
  return {
    ...indexBase(event.id, event.streamId, event.revision, event.position, event.created, storableText(event.type), event.rawMetadata),
    accountNumber,
  };
}

function indexBase(
  eventId: string,
  stream: string,
  revision: bigint,
  position: bigint,
  created: Date,
  type: string,
  rawMetadata: unknown,
): Omit<IndexEntry, 'accountNumber'> {
  const metadata = eventMetadataSchema.safeParse(rawMetadata);
  // Cut first: a cut through a surrogate pair leaves half of it, which storableText then replaces.
  const id = (value: string | undefined) => (value === undefined ? null : storableText(value.slice(0, 200)));
  return {
    position,
    eventId,
    stream: storableText(stream),
    revision,
    type,
    counterparty: null,
    amount: null,
    searchText: null,
    commandId: metadata.success ? id(metadata.data.commandId) : null,
    correlationId: metadata.success ? id(metadata.data.correlationId) : null,
    causationId: metadata.success ? id(metadata.data.causationId) : null,
    created,
  };
}

function accountOfStream(streamId: string): string {
  const owner = accountNumberFromStream(streamId);
  if (owner === null) throw new Error(`${streamId} is not an account stream`);
  return owner;
}

const positionOf = (event: BatchEvent) => (event.kind === 'unknown' ? event.position : event.projected.position);
const revisionOf = (event: BatchEvent) => (event.kind === 'unknown' ? event.revision : event.projected.revision);
export const idOf = (event: BatchEvent) => (event.kind === 'unknown' ? event.id : event.projected.id);
export const streamIdOf = (event: BatchEvent) => (event.kind === 'unknown' ? event.streamId : event.projected.streamId);
const compare = (a: bigint, b: bigint) => (a < b ? -1 : a > b ? 1 : 0);
const max = (a: bigint | null, b: bigint) => (a === null || b > a ? b : a);
