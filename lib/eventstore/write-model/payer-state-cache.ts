import 'server-only';
import { FORWARDS, START, type EventStoreDBClient } from '@eventstore/db-client';
import { evolve, initialAccountState, type AccountEvent, type AccountState } from '@/lib/domain';
import { CorruptStreamError } from './account-stream';
import { readStreamEvents } from '../connection/read-stream';
import { fromRecorded } from '../serialization/events';
import { accountStream } from '../serialization/streams';

/** One event recently folded into an entry: its id (for "already done?") and the own-stream balance after it. */
export type RecentEvent = { id: string; revision: bigint; position: bigint | undefined; ownBalanceCents: bigint | null };

/**
 * An account's state folded from its OWN stream, at `revision`. Its balance therefore counts the
 * opening balance, deposits and outgoing payments, but not incoming payments (those are events
 * on the payers' streams); see lib/commands/make-payment.ts for how that is made up for.
 */
export type CachedAccount = {
  state: AccountState;
  revision: bigint | 'no_stream';
  /** The last events folded, oldest first, at most `recentPerAccount`. */
  recent: readonly RecentEvent[];
};

const EMPTY: CachedAccount = { state: initialAccountState, revision: 'no_stream', recent: [] };

/**
 * In-process write-model cache for the event-store decision source: per account the folded
 * state and the revision it reflects; a refresh reads only the events after that revision.
 * Bounded (least recently used entries are dropped). Entries are immutable and only ever
 * replaced by one at a higher revision, so concurrent refreshes of one account are harmless.
 * Nothing here is trusted for correctness on its own: every append that uses an entry is
 * guarded by expectedRevision = entry.revision, so a stale entry costs a retry, never money.
 */
export class PayerStateCache {
  private readonly entries = new Map<string, CachedAccount>();

  constructor(
    readonly maxAccounts = 10_000,
    readonly recentPerAccount = 256,
  ) {}

  peek(accountNumber: string): CachedAccount | undefined {
    return this.entries.get(accountNumber);
  }

  get size(): number {
    return this.entries.size;
  }

  /** Reads the events after the cached revision (all of them the first time) and folds them in. */
  async refresh(client: EventStoreDBClient, accountNumber: string): Promise<CachedAccount> {
    const start = this.entries.get(accountNumber) ?? EMPTY;
    const stream = accountStream(accountNumber);
    let state = start.state;
    let revision = start.revision;
    const recent = [...start.recent];
    const fromRevision = revision === 'no_stream' ? START : revision + 1n;
    for (const recorded of await readStreamEvents(client, stream, { direction: FORWARDS, fromRevision })) {
      revision = recorded.revision;
      const decoded = fromRecorded(recorded);
      if (decoded.kind === 'invalid') throw new CorruptStreamError(stream, recorded.revision, decoded.reason);
      if (decoded.kind === 'account') state = evolve(state, decoded.value.event);
      recent.push({
        id: recorded.id,
        revision,
        position: recorded.position?.commit,
        ownBalanceCents: state.status === 'open' ? state.balanceCents : null,
      });
    }
    const entry: CachedAccount = { state, revision, recent: recent.slice(-this.recentPerAccount) };
    return this.store(accountNumber, entry);
  }

  /**
   * Folds events this process has just appended onto `base`, the entry their append was guarded
   * by (expectedRevision = base.revision), so the next decision need not read them back. The
   * last event's position is the append's; earlier ones' are unknown.
   */
  recordAppended(
    accountNumber: string,
    base: CachedAccount,
    appended: ReadonlyArray<{ id: string; event: AccountEvent }>,
    position: bigint,
  ): CachedAccount {
    let state = base.state;
    let revision = base.revision;
    const recent = [...base.recent];
    appended.forEach(({ id, event }, index) => {
      state = evolve(state, event);
      revision = revision === 'no_stream' ? 0n : revision + 1n;
      recent.push({
        id,
        revision,
        position: index === appended.length - 1 ? position : undefined,
        ownBalanceCents: state.status === 'open' ? state.balanceCents : null,
      });
    });
    return this.store(accountNumber, { state, revision, recent: recent.slice(-this.recentPerAccount) });
  }

  /**
   * The event with `eventId` folded after revision `after`, if any; 'unknown' when the recent
   * window no longer reaches back that far.
   */
  findSince(entry: CachedAccount, eventId: string, after: bigint | 'no_stream'): RecentEvent | null | 'unknown' {
    const from = after === 'no_stream' ? 0n : after + 1n;
    if (entry.revision === 'no_stream' || entry.revision < from) return null;
    const oldest = entry.recent[0];
    if (!oldest || oldest.revision > from) return 'unknown';
    return entry.recent.find((event) => event.revision >= from && event.id === eventId) ?? null;
  }

  private store(accountNumber: string, entry: CachedAccount): CachedAccount {
    const current = this.entries.get(accountNumber);
    const newer = !current || rank(entry.revision) >= rank(current.revision);
    const kept = newer ? entry : current;
    this.entries.delete(accountNumber); // re-insert: Map order is the LRU order
    this.entries.set(accountNumber, kept);
    if (this.entries.size > this.maxAccounts) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    return kept;
  }
}

const rank = (revision: bigint | 'no_stream') => (revision === 'no_stream' ? -1n : revision);
