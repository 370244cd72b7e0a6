import 'server-only';
import { and, eq, gte, inArray } from 'drizzle-orm';
import type { Db } from './client';
import { PROJECTION_CHANNEL, parseProjectionNotice } from './projection-channel';
import { accounts } from './schema';

/**
 * Read-your-writes without polling. Each database client gets ONE listening connection
 * (postgres.js `sql.listen` keeps a dedicated connection for all its channels), shared by every
 * waiter in the process; the projection worker notifies PROJECTION_CHANNEL in the transaction
 * that applies an event. A waiter registers first, then checks the row once (so a notice sent
 * between the check and the wait cannot be missed), then sleeps until a notice for its account
 * reaches its revision, the account's stream is reported held, or its deadline passes. When the
 * listening connection is re-established after a drop, every pending waiter is checked once
 * more, since notices sent while it was down are lost.
 */
export type ProjectionWait = 'reached' | 'held' | 'timeout';

type Waiter = { revision: bigint; settle: (outcome: ProjectionWait) => void };

class ProjectionWaiter {
  private readonly waiters = new Map<string, Set<Waiter>>();
  private listening: Promise<void> | null = null;

  constructor(private readonly db: Db) {}

  wait(accountNumber: string, revision: bigint, timeoutMs: number): Promise<ProjectionWait> {
    return new Promise((resolve) => {
      let settled = false;
      const waiter: Waiter = {
        revision,
        settle: (outcome) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          this.remove(accountNumber, waiter);
          resolve(outcome);
        },
      };
      const timer = setTimeout(() => waiter.settle('timeout'), Math.max(0, timeoutMs));
      this.add(accountNumber, waiter);
      this.ensureListening()
        .then(() => this.reached(accountNumber, revision))
        .then(
          (reached) => reached && waiter.settle('reached'),
          // Database unreachable: nothing to learn before the deadline, which answers 'timeout'.
          () => {},
        );
    });
  }

  /** How many waiters are pending (for tests and diagnostics). */
  get pending(): number {
    let total = 0;
    for (const set of this.waiters.values()) total += set.size;
    return total;
  }

  private ensureListening(): Promise<void> {
    if (!this.listening) {
      let first = true;
      this.listening = this.db.$client
        .listen(
          PROJECTION_CHANNEL,
          (payload) => this.onNotice(payload),
          () => {
            if (first) first = false;
            else void this.recheckAll();
          },
        )
        .then(
          () => undefined,
          (error: unknown) => {
            this.listening = null; // the next waiter tries again
            throw error;
          },
        );
    }
    return this.listening;
  }

  private onNotice(payload: string): void {
    const notice = parseProjectionNotice(payload);
    if (!notice) return;
    const set = this.waiters.get(notice.accountNumber);
    if (!set) return;
    for (const waiter of [...set]) {
      if ('held' in notice) waiter.settle('held');
      else if (waiter.revision <= notice.revision) waiter.settle('reached');
    }
  }

  private async reached(accountNumber: string, revision: bigint): Promise<boolean> {
    const rows = await this.db
      .select({ revision: accounts.revision })
      .from(accounts)
      .where(and(eq(accounts.number, accountNumber), gte(accounts.revision, revision)))
      .limit(1);
    return rows.length > 0;
  }

  private async recheckAll(): Promise<void> {
    const numbers = [...this.waiters.keys()];
    if (numbers.length === 0) return;
    try {
      const rows = await this.db
        .select({ number: accounts.number, revision: accounts.revision })
        .from(accounts)
        .where(inArray(accounts.number, numbers));
      for (const row of rows) {
        for (const waiter of [...(this.waiters.get(row.number) ?? [])]) {
          if (waiter.revision <= row.revision) waiter.settle('reached');
        }
      }
    } catch {
      // Dropped again: the next reconnect checks again, the deadlines bound the rest.
    }
  }

  private add(accountNumber: string, waiter: Waiter): void {
    let set = this.waiters.get(accountNumber);
    if (!set) this.waiters.set(accountNumber, (set = new Set()));
    set.add(waiter);
  }

  private remove(accountNumber: string, waiter: Waiter): void {
    const set = this.waiters.get(accountNumber);
    if (!set) return;
    set.delete(waiter);
    if (set.size === 0) this.waiters.delete(accountNumber);
  }
}

// Keyed by the postgres.js client, so every Db over one pool shares one listening connection.
const waiterByClient = new WeakMap<object, ProjectionWaiter>();

function waiterFor(db: Db): ProjectionWaiter {
  let waiter = waiterByClient.get(db.$client);
  if (!waiter) waiterByClient.set(db.$client, (waiter = new ProjectionWaiter(db)));
  return waiter;
}

/** Waits until the projection has applied `accountNumber`'s stream up to `revision`. */
export function waitForProjection(db: Db, accountNumber: string, revision: bigint, timeoutMs: number): Promise<ProjectionWait> {
  return waiterFor(db).wait(accountNumber, revision, timeoutMs);
}

export function pendingProjectionWaiters(db: Db): number {
  return waiterFor(db).pending;
}
