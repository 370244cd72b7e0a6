import { accountStream } from '@/lib/eventstore/serialization/streams';
import type { AccountRow } from '@/lib/projections/accounts';
import type { BatchPlan, LastEntry } from '@/lib/projections/batch';

/** What planBatch stands on for a batch's accounts: their rows, newest timeline entries and held streams. */
export type PlanInputs = { rows: Map<string, AccountRow | null>; last: Map<string, LastEntry>; held: Set<string> };

/** Accounts the live worker remembers (some 500 bytes each); past it the least recently used are forgotten. */
export const LIVE_CACHED_ACCOUNTS = 20_000;

/**
 * The live worker's memory of the accounts it last read or wrote, so that a batch touching only
 * remembered accounts is planned without reading: one round trip to PostgreSQL instead of two,
 * where a batch under load holds one or two events and each round trip wakes a PostgreSQL process.
 *
 * Memory is never trusted. The statement that writes a plan made from it checks, in its own
 * snapshot, everything the plan stood on (planStatement's `expected`): each updated row's
 * revision and balance, each touched account's newest timeline entry, and that no stream of the
 * batch is held. Whatever changed them (another worker of the group, a rebuild's swap, late
 * entries written in a locked transaction) fails the write as a whole; the batch's accounts are
 * then forgotten and it is planned again from a read. Revisions only grow, so an event the
 * memory calls a duplicate is one; any other outcome but 'apply' is decided on a fresh read.
 */
export class PlanInputsCache {
  private readonly entries = new Map<string, { row: AccountRow; last: LastEntry | null }>();

  constructor(private readonly maxAccounts = LIVE_CACHED_ACCOUNTS) {}

  /** The inputs for these accounts when every one of them is remembered, else null. */
  lookup(sorted: readonly string[]): PlanInputs | null {
    const rows = new Map<string, AccountRow | null>();
    const last = new Map<string, LastEntry>();
    for (const number of sorted) {
      const entry = this.entries.get(number);
      if (!entry) return null;
      rows.set(number, entry.row);
      if (entry.last) last.set(number, entry.last);
    }
    for (const number of sorted) this.touch(number);
    return { rows, last, held: new Set() };
  }

  /**
   * What a read found. Accounts without a row are not remembered (they are read until opened),
   * nor those whose stream is held (their events are decided on a read until it is resumed).
   */
  learn({ rows, last, held }: PlanInputs): void {
    for (const [number, row] of rows) {
      if (row && !held.has(accountStream(number))) this.set(number, { row, last: last.get(number) ?? null });
    }
  }

  /** What a written plan left: the rows it inserted or updated and the timeline entries it added. */
  wrote(plan: BatchPlan): void {
    for (const row of plan.inserts) this.set(row.number, { row, last: this.entries.get(row.number)?.last ?? null });
    for (const { row } of plan.updates) this.set(row.number, { row, last: this.entries.get(row.number)?.last ?? null });
    for (const h of plan.history) {
      const entry = this.entries.get(h.accountNumber);
      if (entry) entry.last = { position: h.position, balanceAfter: h.balanceAfter };
    }
  }

  forget(numbers: Iterable<string>): void {
    for (const number of numbers) this.entries.delete(number);
  }

  get size(): number {
    return this.entries.size;
  }

  private touch(number: string) {
    // Most recently used last: the first in the map is the first forgotten.
    const entry = this.entries.get(number)!;
    this.entries.delete(number);
    this.entries.set(number, entry);
  }

  private set(number: string, entry: { row: AccountRow; last: LastEntry | null }) {
    this.entries.delete(number);
    this.entries.set(number, entry);
    if (this.entries.size > this.maxAccounts) this.entries.delete(this.entries.keys().next().value!);
  }
}
