import type { RecordedEvent } from '@eventstore/db-client';
import { drizzle } from 'drizzle-orm/postgres-js';
import type { Db } from '@/lib/db/client';
import type { AccountRow } from '@/lib/projections/accounts';
import { planBatch, type BatchEvent, type LastEntry } from '@/lib/projections/batch';
import { accountNumberFromStream } from '@/lib/eventstore/serialization/streams';
import { isProjected, toBatchEvent, type Decode } from './delivered';
import { accountsTouched, planStatement, readPlanInputs, type ReadModelTables } from './projector';

/**
 * Accounts whose rows the fill keeps in memory (some 500 bytes each). Past it the least recently
 * used are dropped and read again from the copy when a page needs them.
 */
export const FILL_CACHED_ACCOUNTS = 20_000;

/** Pages sent and not yet finished: one being written, one waiting behind it. */
const IN_FLIGHT = 2;

/** PostgreSQL refused a page the fill had sent; the pages sent after it were planned on it. */
export class FillBrokenError extends Error {
  constructor(cause: unknown) {
    super(`the fill's pipeline broke: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'FillBrokenError';
  }
}

/**
 * The rebuild's fast path through a copy's pages (rebuild.ts). The copy starts empty and only the
 * rebuild writes it (its lock), so the rows a page needs are the ones the pages before it wrote.
 * This keeps them in memory and plans each page without reading. It sends each page as one
 * statement (planStatement: rows, timeline, index and checkpoint in one implicit transaction) on
 * one connection, and plans the next without waiting for it. PostgreSQL writes page N while
 * this process decodes and plans page N+1. The careful path read and locked the rows first and
 * waited for each commit, so the two took turns: a fill was half waiting.
 *
 * Statements on one connection run in the order they were sent, so a page is never written
 * before the pages it was planned on, and a read it needs (an account no longer cached) sees them.
 *
 * It only takes a page whose every event simply applies in order. Anything else (an event to
 * hold, a held stream, one it cannot decode) is left to the caller: it drains this, replays
 * that page the careful way, and calls `reload` for what the page touched.
 */
export class FillPipeline {
  private readonly rows = new Map<string, AccountRow>();
  private readonly last = new Map<string, LastEntry>();
  private readonly held = new Set<string>();
  /** Until an account is dropped from memory, an account not in `rows` has no row in the copy. */
  private complete = true;
  private readonly inFlight: Promise<void>[] = [];
  private broken: FillBrokenError | null = null;

  private constructor(
    private readonly conn: Db,
    private readonly release: () => void,
    private readonly tables: ReadModelTables,
    private readonly decode: Decode,
    private readonly maxAccounts: number,
  ) {}

  /** `tables` must be a copy that starts empty and that nothing else writes. */
  static async open(db: Db, tables: ReadModelTables, decode: Decode, maxAccounts = FILL_CACHED_ACCOUNTS): Promise<FillPipeline> {
    const reserved = await db.$client.reserve();
    // Drizzle over the one connection; it reads (and sets) the pool's type parsers, which a
    // reserved connection shares but does not expose.
    const conn = drizzle(Object.assign(reserved, { options: db.$client.options })) as unknown as Db;
    return new FillPipeline(conn, () => reserved.release(), tables, decode, maxAccounts);
  }

  /**
   * Plans a page of $all (in order, complete) and sends it. Returns how many events it applies,
   * or 'careful' when this page needs the careful path (nothing of it was sent).
   */
  async send(recorded: readonly RecordedEvent[]): Promise<number | 'careful'> {
    this.throwIfBroken();
    const events: BatchEvent[] = [];
    for (const r of recorded) {
      if (!isProjected(r)) continue;
      if (this.held.has(r.streamId)) return 'careful';
      const event = toBatchEvent(this.decode, r);
      if ('cannot' in event) return 'careful';
      events.push(event);
    }
    if (events.length === 0) return 0;
    const sorted = accountsTouched(events);
    const { rows, last } = await this.inputs(sorted);
    const plan = planBatch({ events, rows, last });
    for (const outcome of plan.outcomes.values()) if (outcome !== 'apply' && outcome !== 'duplicate') return 'careful';
    if (plan.late.length > 0) return 'careful';
    if (plan.applied === 0) return 0;

    // Nothing of the plan is kept for its answer: it can go before the page is written.
    const sent = this.conn
      // Each event comes once, a duplicate writes no row, and a page with anything to hold goes the careful way.
      .execute(planStatement(this.tables, plan, { rowsAreNew: true }))
      .then(() => {})
      .catch((error: unknown) => {
        this.broken ??= new FillBrokenError(error);
      });
    this.inFlight.push(sent);
    // Entries before rows: a row dropped from memory takes its entry with it.
    for (const h of plan.history) this.last.set(h.accountNumber, { position: h.position, balanceAfter: h.balanceAfter });
    for (const row of plan.inserts) this.remember(row);
    for (const { row } of plan.updates) this.remember(row);
    while (this.inFlight.length >= IN_FLIGHT) await this.inFlight.shift();
    this.throwIfBroken();
    return plan.applied;
  }

  /** Waits for every page sent; throws FillBrokenError when PostgreSQL refused one. */
  async drain(): Promise<void> {
    while (this.inFlight.length > 0) await this.inFlight.shift();
    this.throwIfBroken();
  }

  /** After a page replayed the careful way: what it wrote, and the holds it made, read back (drain first). */
  async reload(recorded: readonly RecordedEvent[]): Promise<void> {
    const numbers = new Set<string>();
    for (const r of recorded) {
      if (!isProjected(r)) continue;
      numbers.add(accountNumberFromStream(r.streamId)!); // isProjected: an account stream
      const event = toBatchEvent(this.decode, r);
      if (!('cannot' in event)) for (const n of accountsTouched([event])) numbers.add(n);
    }
    const read = await readPlanInputs(this.conn, this.tables, [...numbers].sort());
    this.learn(read);
    for (const stream of read.held) this.held.add(stream);
  }

  /** Gives the connection back once nothing sent is running on it (a failed fill may leave pages in flight). */
  async close(): Promise<void> {
    await Promise.all(this.inFlight.splice(0));
    this.release();
  }

  private async inputs(sorted: readonly string[]) {
    const rows = new Map<string, AccountRow | null>();
    const last = new Map<string, LastEntry>();
    const missing: string[] = [];
    for (const n of sorted) {
      const row = this.rows.get(n);
      if (row) {
        // Most recently used last: the first in the map is the first dropped.
        this.rows.delete(n);
        this.rows.set(n, row);
      } else if (!this.complete) missing.push(n);
      rows.set(n, row ?? null);
      const entry = this.last.get(n);
      if (entry) last.set(n, entry);
    }
    if (missing.length > 0) {
      // Behind the pages in flight on this connection, so it reads what they wrote.
      const read = await readPlanInputs(this.conn, this.tables, missing);
      this.throwIfBroken();
      this.learn(read);
      for (const [n, row] of read.rows) rows.set(n, row);
      for (const [n, entry] of read.last) last.set(n, entry);
    }
    return { rows, last };
  }

  private learn({ rows, last }: { rows: Map<string, AccountRow | null>; last: Map<string, LastEntry> }) {
    for (const row of rows.values()) if (row) this.remember(row);
    for (const [n, entry] of last) if (this.rows.has(n)) this.last.set(n, entry);
  }

  private remember(row: AccountRow) {
    this.rows.delete(row.number);
    this.rows.set(row.number, row);
    if (this.rows.size <= this.maxAccounts) return;
    const oldest = this.rows.keys().next().value!;
    this.rows.delete(oldest);
    this.last.delete(oldest);
    this.complete = false;
  }

  private throwIfBroken() {
    if (this.broken) throw this.broken;
  }
}
