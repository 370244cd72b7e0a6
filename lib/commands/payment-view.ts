import 'server-only';
import { sql } from 'drizzle-orm';
import { arrayLiteral } from '@/lib/db/array-literal';
import { DB_DEADLINE_MS, withDbDeadline, type Db } from '@/lib/db/client';
import { accountHistory, accounts } from '@/lib/db/schema';

/** What the query model shows of a payment, read in one snapshot. */
export type PaymentView = {
  payerRow: { balanceCents: bigint; revision: bigint } | null;
  /** This command's PaymentMade as the read model applied it, if it did. */
  applied: { revision: bigint; position: bigint } | null;
  payeeProjected: boolean;
};

type Request = {
  payer: string;
  payee: string;
  /** The command's own event, looked for among the payer's applied ones; null: not asked. */
  eventId: string | null;
  resolve: (view: PaymentView) => void;
  reject: (error: unknown) => void;
};

/** Statements of payment views in flight at once per database client; reads arriving meanwhile wait and go together. */
const MAX_IN_FLIGHT = 2;
/** Views per statement at most, so one statement's parameters and work stay small (under load a batch holds a few). */
const MAX_BATCH = 64;

/**
 * Reads payment views for many payments at once. Under load, payments arrive in bursts (the
 * store answers a group commit's appends together), and each statement costs PostgreSQL and
 * this process more than the few index probes in it: one round trip wakes a PostgreSQL process
 * and a socket write on each side. So reads that arrive in the same turn of the event loop, or
 * while MAX_IN_FLIGHT statements are out, are sent as one statement. Each view still comes from
 * one snapshot, which is all a payment relies on (see payFromReadModel). A failed statement
 * fails every read in it, as a read of its own would have.
 */
class PaymentViewReader {
  private waiting: Request[] = [];
  private inFlight = 0;
  private scheduled = false;

  constructor(private readonly db: Db) {}

  async read(payer: string, payee: string, eventId: string | null, deadlineMs: number): Promise<PaymentView> {
    let request!: Request;
    const view = new Promise<PaymentView>((resolve, reject) => {
      request = { payer, payee, eventId, resolve, reject };
      this.waiting.push(request);
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => {
          this.scheduled = false;
          this.send();
        });
      }
    });
    try {
      return await withDbDeadline(view, deadlineMs);
    } catch (error) {
      // Past its deadline (PostgreSQL stalled or down) and not sent yet: not sent at all, so
      // reads nobody waits for do not pile up behind a stall and run once it is over.
      const index = this.waiting.indexOf(request);
      if (index >= 0) this.waiting.splice(index, 1);
      throw error;
    }
  }

  private send() {
    while (this.inFlight < MAX_IN_FLIGHT && this.waiting.length > 0) {
      const batch = this.waiting.splice(0, MAX_BATCH);
      this.inFlight += 1;
      readViews(this.db, batch)
        .then(
          (views) => batch.forEach((request, i) => request.resolve(views[i]!)),
          (error: unknown) => batch.forEach((request) => request.reject(error)),
        )
        .finally(() => {
          this.inFlight -= 1;
          this.send();
        });
    }
  }
}

const readers = new WeakMap<Db, PaymentViewReader>();

/**
 * The payer's row, this command's applied event (eventId; null to skip) and whether the payee
 * has a row, from one snapshot. Batched with other payments' reads (PaymentViewReader). Past
 * `deadlineMs` it fails with DatabaseUnavailableError, as withDbDeadline does.
 */
export function readPaymentView(
  db: Db,
  payer: string,
  payee: string,
  eventId: string | null,
  deadlineMs: number = DB_DEADLINE_MS,
): Promise<PaymentView> {
  let reader = readers.get(db);
  if (!reader) {
    reader = new PaymentViewReader(db);
    readers.set(db, reader);
  }
  return reader.read(payer, payee, eventId, deadlineMs);
}

type ViewRow = {
  i: string;
  balance: string | null;
  revision: string | null;
  applied_revision: string | null;
  applied_position: string | null;
  payee_projected: boolean;
};

async function readViews(db: Db, requests: readonly Request[]): Promise<PaymentView[]> {
  const column = (name: string) => sql.identifier(name);
  const found = await db.execute<ViewRow>(sql`
    select r.i::text as i, p.${column(accounts.balance.name)}::text as balance, p.${column(accounts.revision.name)}::text as revision,
      h.revision::text as applied_revision, h.position::text as applied_position,
      exists (select 1 from ${accounts} where ${accounts.number} = r.payee) as payee_projected
    from unnest(
      ${arrayLiteral(requests.map((r) => r.payer))}::text[],
      ${arrayLiteral(requests.map((r) => r.payee))}::text[],
      ${arrayLiteral(requests.map((r) => r.eventId))}::uuid[]
    ) with ordinality as r(payer, payee, event_id, i)
    left join ${accounts} p on p.${column(accounts.number.name)} = r.payer
    left join lateral (
      select ${accountHistory.revision} as revision, ${accountHistory.position} as position from ${accountHistory}
      where ${accountHistory.eventId} = r.event_id and ${accountHistory.accountNumber} = r.payer limit 1
    ) h on true`);
  const views = new Array<PaymentView | undefined>(requests.length);
  for (const row of found) views[Number(row.i) - 1] = toView(row);
  return views.map((view) => {
    if (!view) throw new Error(`the payment view query returned ${found.length} rows for ${requests.length} payments`);
    return view;
  });
}

function toView(row: ViewRow): PaymentView {
  return {
    payerRow: row.balance !== null && row.revision !== null ? { balanceCents: BigInt(row.balance), revision: BigInt(row.revision) } : null,
    applied:
      row.applied_revision !== null && row.applied_position !== null
        ? { revision: BigInt(row.applied_revision), position: BigInt(row.applied_position) }
        : null,
    payeeProjected: row.payee_projected,
  };
}
