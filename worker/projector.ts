import { asc, eq, sql } from 'drizzle-orm';
import { PgTransaction } from 'drizzle-orm/pg-core';
import { arrayLiteral } from '@/lib/db/array-literal';
import { isConcurrencyFailure, type Db } from '@/lib/db/client';
import { PROJECTION_CHANNEL, EVENTS_CHANNEL, formatProjectionNotice } from '@/lib/db/projection-channel';
import { READ_MODEL_SCHEMA, projectionHolds } from '@/lib/db/schema';
import { ACCOUNTS_PROJECTION } from '@/lib/queries';
import type { AccountRow, ProjectedEvent } from '@/lib/projections/accounts';
import {
  idOf,
  planBatch,
  streamIdOf,
  type BatchEvent,
  type BatchOutcome,
  type BatchPlan,
  type IndexEntry,
  type LastEntry,
  type LateEntry,
} from '@/lib/projections/batch';
import { storableText } from '@/lib/projections/storable';
import { accountStream } from '@/lib/eventstore/serialization/streams';

/**
 * The one I/O layer of the accounts projection. For a batch of events it reads the rows they
 * touch, asks the pure projection (lib/projections/batch.ts) what to do, and writes the rows,
 * the timeline entries, the event index, the checkpoint and the notifications in one statement,
 * guarded by the rows it read, so the batch is either fully applied (and recorded as
 * applied through each account's revision) or not at all. One event is a batch of one.
 *
 * Outcomes per event:
 *  - 'apply'     : effect committed.
 *  - 'duplicate' : already applied earlier; nothing changed.
 *  - 'ahead'     : an earlier event of the same stream is not applied yet; nothing changed.
 *  - 'payee-missing': a payment whose payee has no row (its AccountOpened is held or not
 *                  applied); nothing changed, the caller decides (it holds the payer).
 *
 * `schema` names the PostgreSQL schema written: the live read model, or the copy a rebuild
 * fills (lib/rebuild). Its statements are written with the table names of that schema, so
 * they are plain SQL rather than Drizzle's table objects (which name the live schema).
 */
export type ApplyOutcome = 'applied' | 'duplicate' | 'ahead' | 'payee-missing';

/** Another writer changed a row this batch had planned from (two workers of one group): retry the batch. */
export class ConcurrentProjectionError extends Error {
  constructor(what: string) {
    super(`another writer changed ${what} while this batch was applied; retry it`);
    this.name = 'ConcurrentProjectionError';
  }
}

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
type Executor = Pick<Db, 'execute'> | Tx;

const SCHEMA_NAME = /^[a-z_][a-z0-9_]*$/;

/** Qualified table names of one read-model schema. */
export function tablesOf(schema: string) {
  if (!SCHEMA_NAME.test(schema)) throw new Error(`not a schema name: ${schema}`);
  const table = (name: string) => sql.raw(`"${schema}"."${name}"`);
  return {
    schema,
    accounts: table('accounts'),
    history: table('account_history'),
    checkpoint: table('projection_checkpoint'),
    holds: table('projection_holds'),
    index: table('event_index'),
  };
}
export type ReadModelTables = ReturnType<typeof tablesOf>;

const LIVE = tablesOf(READ_MODEL_SCHEMA);

/** Values as one text[] parameter (Drizzle would expand a JS array into a list); cast in SQL. */
const array = (values: readonly (string | null)[]) => sql.param(arrayLiteral(values));
const text = (value: bigint | Date | string | null | undefined) =>
  value === null || value === undefined ? null : value instanceof Date ? value.toISOString() : String(value);

/**
 * Rows to write, as one JSON document that jsonb_to_recordset takes apart into typed columns.
 * One JSON.stringify instead of a text array per column: each array element is escaped on its
 * own, JSON payloads twice over, which made serializing a catch-up's rows a tenth of the
 * worker's time. Sent as text (postgres.js would stringify a json parameter again), cast to
 * jsonb rather than json: PostgreSQL then parses the document once, where json_to_recordset
 * parses it to check it, again to take it apart (with a lookup table per row), and a third time
 * for each payload bound for a jsonb column: 24 ms against 29 for 1,000 timeline rows here.
 */
const recordset = (rows: readonly Record<string, string | number | object | null>[]) => sql.param(JSON.stringify(rows));

/** What became of each event of a batch: the plan's outcome, or 'held' when its stream is held (with `skipHeld`). */
export type AppliedOutcome = BatchOutcome | 'held';

export type ApplyBatchOptions = {
  /**
   * Leave out the events of held streams (projection_holds), read in the same transaction as
   * the rows: their outcome is 'held' and the caller handles them one by one.
   */
  skipHeld?: boolean;
};

export async function applyBatch(
  db: Db,
  events: readonly BatchEvent[],
  tables: ReadModelTables = LIVE,
  options: ApplyBatchOptions = {},
): Promise<Map<string, AppliedOutcome>> {
  if (events.length === 0) return new Map();
  // Two workers of one group may apply overlapping batches: the loser plans again from the rows
  // the winner left (it then finds its events duplicates).
  for (let attempt = 1; ; attempt++) {
    try {
      return await applyGuarded(db, events, tables, options);
    } catch (error) {
      if (!(error instanceof ConcurrentProjectionError || isConcurrencyFailure(error)) || attempt >= 20) throw error;
    }
  }
}

/**
 * Two round trips, no transaction: one statement reads what the plan needs (the rows, the newest
 * timeline entries, the holds), one writes the whole plan (planStatement), guarded by the
 * rows read (revision and balance). If another writer changed a row in between, the write fails as a whole and the
 * batch is planned again. Every round trip costs far more than its statement here (each wakes a
 * PostgreSQL process): socket writes were a third of the worker's time under live load, when a
 * batch took four (BEGIN, reads, writes, COMMIT). A plan with late entries, which read the
 * timeline they are slotted into, is applied in a transaction instead (applyLocked).
 */
async function applyGuarded(
  db: Db,
  events: readonly BatchEvent[],
  tables: ReadModelTables,
  options: ApplyBatchOptions,
): Promise<Map<string, AppliedOutcome>> {
  const { rows, last, held } = await readPlanInputs(db, tables, accountsTouched(events));
  const { plan, outcomes } = planUnheld(events, options.skipHeld ? held : new Set(), rows, last);
  if (plan.applied === 0) return outcomes;
  if (plan.late.length > 0) return applyLocked(db, events, tables, options);
  const statement = planStatement(tables, plan);
  // Inside a caller's transaction (a rebuild's swap), in a savepoint of its own: a statement that
  // fails would otherwise abort the caller's transaction with it.
  if (db instanceof PgTransaction) await db.transaction((tx) => tx.execute(statement));
  else await db.execute(statement);
  return outcomes;
}

/** The plan of the events whose stream is not held; the others' outcome is 'held'. */
function planUnheld(
  events: readonly BatchEvent[],
  heldStreams: ReadonlySet<string>,
  rows: ReadonlyMap<string, AccountRow | null>,
  last: ReadonlyMap<string, LastEntry>,
) {
  const outcomes = new Map<string, AppliedOutcome>();
  const applicable = heldStreams.size === 0 ? events : events.filter((event) => !heldStreams.has(streamIdOf(event)));
  for (const event of events) if (heldStreams.has(streamIdOf(event))) outcomes.set(idOf(event), 'held');
  const plan = planBatch({ events: applicable, rows, last });
  for (const [id, outcome] of plan.outcomes) outcomes.set(id, outcome);
  return { plan, outcomes };
}

/**
 * In one transaction, the rows locked: the reads the plan needs go as one pipeline, then every
 * write as another. One connection runs them in order. For plans with late entries.
 */
async function applyLocked(
  db: Db,
  events: readonly BatchEvent[],
  tables: ReadModelTables,
  options: ApplyBatchOptions,
): Promise<Map<string, AppliedOutcome>> {
  return db.transaction(async (tx) => {
    const sorted = accountsTouched(events);
    // Locked in a fixed order so two batches touching the same accounts cannot deadlock; the read
    // runs after the lock on the transaction's one connection, so it sees the rows as locked.
    const [, { rows, last, held }] = await Promise.all([
      tx.execute(sql`select 1 from ${tables.accounts} where number = any(${array(sorted)}::text[]) order by number for update`),
      readPlanInputs(tx, tables, sorted),
    ]);
    const { plan, outcomes } = planUnheld(events, options.skipHeld ? held : new Set(), rows, last);
    if (plan.applied === 0) return outcomes;

    const writes: Promise<unknown>[] = [];
    // Drizzle's queries run each time they are awaited: counted once through then().
    let inserted: Promise<number> | undefined;
    let updated: Promise<number> | undefined;
    if (plan.inserts.length > 0) {
      inserted = tx.execute(accountInserts(tables, plan.inserts)).then((rows) => rows.length);
      writes.push(inserted);
    }
    if (plan.updates.length > 0) {
      updated = tx.execute(accountUpdates(tables, plan.updates)).then((rows) => rows.length);
      writes.push(updated);
    }
    if (plan.history.length > 0) writes.push(insertHistory(tx, tables, plan.history));
    if (plan.late.length > 0) {
      // A late entry reads the history it is slotted into, so it waits for the writes before it.
      await Promise.all(writes);
      for (const entry of plan.late) await insertLateEntry(tx, tables, entry);
    }
    writes.push(insertIndex(tx, tables, plan.index));
    writes.push(tx.execute(checkpointAdvance(tables, plan)));
    // Only the live read model has waiters; a rebuild's copy is silent until it is swapped in.
    if (tables.schema === READ_MODEL_SCHEMA) writes.push(tx.execute(notifications(plan)));
    await Promise.all(writes);
    if (inserted && (await inserted) !== plan.inserts.length) throw new ConcurrentProjectionError('an account opened in this batch');
    if (updated && (await updated) !== plan.updates.length) throw new ConcurrentProjectionError('an account row');
    return outcomes;
  });
}

/** Every account a batch's events touch (their owners, and payees), sorted. */
export function accountsTouched(events: readonly BatchEvent[]): string[] {
  const numbers = new Set<string>();
  for (const event of events) {
    numbers.add(accountOf(streamIdOf(event)));
    if (event.kind === 'account' && event.projected.event.type === 'PaymentMade')
      numbers.add(event.projected.event.data.payeeAccountNumber);
  }
  return [...numbers].sort();
}

/**
 * What planBatch needs of these accounts (sorted), in one statement: each row, its newest timeline
 * entry, and whether its stream is held. It takes no locks: applyGuarded's write is guarded
 * instead, and applyLocked locks the rows first.
 */
export async function readPlanInputs(
  executor: Executor,
  tables: ReadModelTables,
  sorted: readonly string[],
): Promise<{ rows: Map<string, AccountRow | null>; last: Map<string, LastEntry>; held: Set<string> }> {
  const found = await executor.execute<
    Partial<RawAccountRow> & { n: string; last_position: string | null; last_balance: string | null; held: boolean }
  >(sql`
    select a.n, r.number, r.holder_name, r.balance::text, r.revision::text, r.opened_at, r.updated_at,
      h.position::text as last_position, h.balance_after::text as last_balance,
      exists (select 1 from ${tables.holds} where stream = a.stream) as held
    from unnest(${array(sorted)}::text[], ${array(sorted.map(accountStream))}::text[]) as a(n, stream)
    left join ${tables.accounts} r on r.number = a.n
    left join lateral (select position, balance_after from ${tables.history} where account_number = a.n order by position desc limit 1) h on true`);
  const rows = new Map<string, AccountRow | null>();
  const last = new Map<string, LastEntry>();
  const held = new Set<string>();
  for (const f of found) {
    rows.set(f.n, f.number === null || f.number === undefined ? null : toAccountRow(f as RawAccountRow));
    if (f.last_position !== null && f.last_balance !== null) {
      last.set(f.n, { position: BigInt(f.last_position), balanceAfter: BigInt(f.last_balance) });
    }
    if (f.held) held.add(accountStream(f.n));
  }
  return { rows, last, held };
}

/**
 * `rowsAreNew`: the caller knows none of the plan's timeline and index rows can be in the tables
 * yet (a rebuild's copy, which the fill alone writes, each event once, in $all order), so they go
 * as plain inserts. `on conflict do nothing` makes PostgreSQL check each row's keys before it
 * inserts it (a speculative insertion): 1,000 timeline rows took 26-30 ms with it, 21-24 ms
 * without. A row there after all fails the statement (unique_violation, a data error) instead.
 */
export type PlanStatementOptions = { rowsAreNew?: boolean };

/**
 * A plan's writes as one statement: data-modifying CTEs, each run once and to completion, in one
 * implicit transaction, for writers that send it without a transaction around their reads (the
 * live worker's applyGuarded, the rebuild's fill). It checks what it changed against the plan:
 * fewer rows than planned (another writer changed or inserted one) fails it as a whole with
 * serialization_failure (eventbank.expect_rows, migration 0008). The live read model's waiters are
 * told at its commit. A plan with late entries cannot be written this way.
 */
export function planStatement(tables: ReadModelTables, plan: BatchPlan, options: PlanStatementOptions = {}) {
  if (plan.late.length > 0) throw new Error('a plan with late entries is written entry by entry (applyLocked)');
  const ctes = [];
  const results = [sql`1`];
  if (plan.inserts.length > 0) {
    ctes.push(sql`inserted as (${accountInserts(tables, plan.inserts)})`);
    results.push(
      sql`eventbank.expect_rows((select count(*) from inserted), ${plan.inserts.length}::bigint, 'an account opened in this batch')`,
    );
  }
  if (plan.updates.length > 0) {
    ctes.push(sql`updated as (${accountUpdates(tables, plan.updates)})`);
    results.push(sql`eventbank.expect_rows((select count(*) from updated), ${plan.updates.length}::bigint, 'an account row')`);
  }
  const skipConflicts = !options.rowsAreNew;
  if (plan.history.length > 0) ctes.push(sql`history as (${historyInserts(tables, plan.history, skipConflicts)})`);
  if (plan.index.length > 0) ctes.push(sql`indexed as (${indexInserts(tables, plan.index, skipConflicts)})`);
  ctes.push(sql`checkpoint as (${checkpointAdvance(tables, plan)})`);
  // Only the live read model has waiters; a rebuild's copy is silent until it is swapped in.
  if (tables.schema === READ_MODEL_SCHEMA) {
    ctes.push(sql`notified as (${notifications(plan)})`);
    // A CTE that only selects runs only when it is read.
    results.push(sql`(select count(*) from notified)`);
  }
  return sql`with ${sql.join(ctes, sql`, `)} select ${sql.join(results, sql`, `)}`;
}

/** Read-your-writes: each account's applied revision, and the event views' doorbell. */
function notifications(plan: BatchPlan) {
  const notices = [...plan.revisions].map(([accountNumber, revision]) => formatProjectionNotice({ accountNumber, revision }));
  return sql`select pg_notify(${PROJECTION_CHANNEL}, n) from unnest(${array(notices)}::text[]) n
    union all select pg_notify(${EVENTS_CHANNEL}, ${text(plan.position)})`;
}

// The writes of a plan, each a statement of its own or a CTE of planStatement's.

const accountInserts = (tables: ReadModelTables, rows: readonly AccountRow[]) => sql`
  insert into ${tables.accounts} (number, holder_name, balance, revision, opened_at, updated_at)
  select number, holder_name, balance, revision, opened_at, updated_at
  from jsonb_to_recordset(${recordset(
    rows.map((x) => ({
      number: x.number,
      holder_name: x.holderName,
      balance: text(x.balance),
      revision: text(x.revision),
      opened_at: text(x.openedAt),
      updated_at: text(x.updatedAt),
    })),
  )}::text::jsonb)
    as v(number text, holder_name text, balance bigint, revision bigint, opened_at timestamptz, updated_at timestamptz)
  on conflict (number) do nothing returning number`;

const accountUpdates = (tables: ReadModelTables, updates: BatchPlan['updates']) => sql`
  update ${tables.accounts} a set holder_name = v.holder_name, balance = v.balance, revision = v.revision, updated_at = v.updated_at
  from jsonb_to_recordset(${recordset(
    updates.map((x) => ({
      number: x.row.number,
      holder_name: x.row.holderName,
      balance: text(x.row.balance),
      revision: text(x.row.revision),
      updated_at: text(x.row.updatedAt),
      loaded_revision: text(x.loadedRevision),
      loaded_balance: text(x.loadedBalance),
    })),
  )}::text::jsonb)
    as v(number text, holder_name text, balance bigint, revision bigint, updated_at timestamptz, loaded_revision bigint, loaded_balance bigint)
  where a.number = v.number and a.revision = v.loaded_revision and a.balance = v.loaded_balance
  returning a.number`;

const checkpointAdvance = (tables: ReadModelTables, plan: BatchPlan) => sql`
  insert into ${tables.checkpoint} (projection, position, events_applied) values (${ACCOUNTS_PROJECTION}, ${text(plan.position)}::bigint, ${plan.applied})
  on conflict (projection) do update set
    position = greatest(${tables.checkpoint}.position, excluded.position),
    events_applied = ${tables.checkpoint}.events_applied + excluded.events_applied,
    updated_at = now()`;

const onConflict = (skip: boolean) => (skip ? sql`on conflict do nothing` : sql``);

function historyInserts(tables: ReadModelTables, rows: readonly (LateEntry & { balanceAfter: bigint })[], skipConflicts = true) {
  const doc = rows.map((r) => ({
    account_number: r.accountNumber,
    kind: r.kind,
    amount: text(r.amount),
    balance_after: text(r.balanceAfter),
    counterparty: r.counterparty,
    event_id: r.eventId,
    event_type: r.eventType,
    stream: r.stream,
    revision: text(r.revision),
    position: text(r.position),
    occurred_at: text(r.occurredAt),
    data: r.data ?? null,
    metadata: r.metadata ?? null,
  }));
  // A JSON null comes out of jsonb_to_recordset as SQL NULL: kept the JSON null the column held.
  return sql`
    insert into ${tables.history}
      (account_number, kind, amount, balance_after, counterparty, event_id, event_type, stream, revision, position, occurred_at, data, metadata)
    select account_number, kind, amount, balance_after, counterparty, event_id, event_type, stream, revision, position, occurred_at,
      coalesce(data, 'null'::jsonb), coalesce(metadata, 'null'::jsonb)
    from jsonb_to_recordset(${recordset(doc)}::text::jsonb) as r(account_number text, kind text, amount bigint, balance_after bigint,
      counterparty text, event_id uuid, event_type text, stream text, revision bigint, position bigint, occurred_at timestamptz,
      data jsonb, metadata jsonb)
    ${onConflict(skipConflicts)}`;
}

function indexInserts(tables: ReadModelTables, entries: readonly IndexEntry[], skipConflicts = true) {
  const doc = entries.map((e) => ({
    position: text(e.position),
    event_id: e.eventId,
    stream: e.stream,
    revision: text(e.revision),
    type: e.type,
    account_number: e.accountNumber,
    counterparty: e.counterparty,
    amount: text(e.amount),
    search_text: e.searchText,
    command_id: e.commandId,
    correlation_id: e.correlationId,
    causation_id: e.causationId,
    created: text(e.created),
  }));
  return sql`
    insert into ${tables.index}
      (position, event_id, stream, revision, type, account_number, counterparty, amount, search_text, command_id, correlation_id, causation_id, created)
    select position, event_id, stream, revision, type, account_number, counterparty, amount, search_text, command_id, correlation_id, causation_id, created
    from jsonb_to_recordset(${recordset(doc)}::text::jsonb) as r(position bigint, event_id uuid, stream text, revision bigint, type text,
      account_number text, counterparty text, amount bigint, search_text text, command_id text, correlation_id text, causation_id text,
      created timestamptz)
    ${onConflict(skipConflicts)}`;
}

async function insertHistory(tx: Executor, tables: ReadModelTables, rows: readonly (LateEntry & { balanceAfter: bigint })[]) {
  await tx.execute(historyInserts(tables, rows));
}

/**
 * A timeline entry delivered after later entries of its account: balance_after is the running
 * balance in $all order, not in arrival order, so it is slotted in at its position and the
 * later entries shift by its amount. Any delivery order ends in the same history.
 */
async function insertLateEntry(tx: Executor, tables: ReadModelTables, entry: LateEntry) {
  const [before] = await tx.execute<{ balance_after: string }>(sql`
    select h.balance_after::text as balance_after from ${tables.history} h
    where h.account_number = ${entry.accountNumber} and h.position < ${text(entry.position)}::bigint
    order by h.position desc limit 1`);
  if (entry.amount !== 0n) {
    await tx.execute(sql`
      update ${tables.history} set balance_after = balance_after + ${text(entry.amount)}::bigint
      where account_number = ${entry.accountNumber} and position > ${text(entry.position)}::bigint`);
  }
  await insertHistory(tx, tables, [{ ...entry, balanceAfter: BigInt(before?.balance_after ?? '0') + entry.amount }]);
}

/** Index rows, written once per event whatever the path that saw it (applied, unknown, held). */
export async function insertIndex(tx: Executor, tables: ReadModelTables, entries: readonly IndexEntry[]) {
  if (entries.length === 0) return;
  await tx.execute(indexInserts(tables, entries));
}

/** One event, as a batch of one. */
export async function applyEvent(db: Db, projected: ProjectedEvent, tables: ReadModelTables = LIVE): Promise<ApplyOutcome> {
  const outcome = (await applyBatch(db, [{ kind: 'account', projected }], tables)).get(projected.id);
  if (outcome === undefined || outcome === 'held') throw new Error(`no outcome for ${projected.id}`); // held only with skipHeld
  return appliedOutcome(outcome);
}

export const appliedOutcome = (outcome: BatchOutcome): ApplyOutcome => (outcome === 'apply' ? 'applied' : outcome);

type RawAccountRow = {
  number: string;
  holder_name: string;
  balance: string;
  revision: string;
  opened_at: string | Date;
  updated_at: string | Date;
};

const toAccountRow = (row: RawAccountRow): AccountRow => ({
  number: row.number,
  holderName: row.holder_name,
  balance: BigInt(row.balance),
  revision: BigInt(row.revision),
  openedAt: new Date(row.opened_at),
  updatedAt: new Date(row.updated_at),
});

function accountOf(streamId: string): string {
  const [, accountNumber] = /^account-(\d{10})$/.exec(streamId) ?? [];
  if (accountNumber === undefined) throw new Error(`${streamId} is not an account stream`);
  return accountNumber;
}

/** Applied revision of an account's stream; -1 when it has no row yet. */
export async function appliedRevision(db: Db, accountNumber: string, tables: ReadModelTables = LIVE): Promise<bigint> {
  const [row] = await db.execute<{ revision: string }>(sql`select revision::text from ${tables.accounts} where number = ${accountNumber}`);
  return row ? BigInt(row.revision) : -1n;
}

// ---- holds -------------------------------------------------------------------------------------

export type Hold = { stream: string; accountNumber: string; revision: bigint; eventId: string; reason: string };

/** The reason as projection_holds keeps it. */
export function storedHoldReason(reason: string): string {
  // Cut first, so that half a surrogate pair left by the cut is made storable too.
  return storableText(reason.slice(0, 2000));
}

/** Records (or moves) the hold of a stream, indexes the held event and tells waiters, in one transaction. */
export async function recordHold(db: Db, hold: Hold, indexEntry: IndexEntry | null, tables: ReadModelTables = LIVE): Promise<void> {
  const reason = storedHoldReason(hold.reason);
  await db.transaction(async (tx) => {
    await tx.execute(sql`
      insert into ${tables.holds} (stream, account_number, revision, event_id, reason)
      values (${hold.stream}, ${hold.accountNumber}, ${text(hold.revision)}::bigint, ${hold.eventId}::uuid, ${reason})
      on conflict (stream) do update set revision = excluded.revision, event_id = excluded.event_id, reason = excluded.reason, held_at = now()`);
    if (indexEntry) await insertIndex(tx, tables, [indexEntry]);
    if (tables.schema === READ_MODEL_SCHEMA) {
      await tx.execute(
        sql`select pg_notify(${PROJECTION_CHANNEL}, ${formatProjectionNotice({ accountNumber: hold.accountNumber, held: true })})`,
      );
      if (indexEntry) await tx.execute(sql`select pg_notify(${EVENTS_CHANNEL}, ${text(indexEntry.position)})`);
    }
  });
}

/** Index rows for events acknowledged without being applied (later events of a held stream). */
export async function recordIndexOnly(db: Db, entries: readonly IndexEntry[], tables: ReadModelTables = LIVE): Promise<void> {
  if (entries.length === 0) return;
  await db.transaction(async (tx) => {
    await insertIndex(tx, tables, entries);
    // The event log shows them: ring the live views' doorbell.
    if (tables.schema === READ_MODEL_SCHEMA) {
      const highest = entries.reduce((max, e) => (e.position > max ? e.position : max), -1n); // entries is not empty (returned above)
      await tx.execute(sql`select pg_notify(${EVENTS_CHANNEL}, ${text(highest)})`);
    }
  });
}

/** Every held stream, oldest hold first. */
export async function listHolds(db: Db, tables: ReadModelTables = LIVE): Promise<{ stream: string }[]> {
  if (tables.schema === READ_MODEL_SCHEMA) {
    return db.select({ stream: projectionHolds.stream }).from(projectionHolds).orderBy(asc(projectionHolds.heldAt));
  }
  return db.execute<{ stream: string }>(sql`select stream from ${tables.holds} order by held_at`);
}

export async function findHold(db: Db, stream: string, tables: ReadModelTables = LIVE) {
  if (tables.schema === READ_MODEL_SCHEMA) {
    const [row] = await db.select().from(projectionHolds).where(eq(projectionHolds.stream, stream));
    return row ?? null;
  }
  const [row] = await db.execute<{ stream: string; revision: string; reason: string }>(
    sql`select stream, revision::text, reason from ${tables.holds} where stream = ${stream}`,
  );
  return row ? { stream: row.stream, revision: BigInt(row.revision), reason: row.reason } : null;
}

/** The holds among these streams, in one query (a batch checks all its streams at once). */
export async function findHolds(db: Db, streams: readonly string[], tables: ReadModelTables = LIVE): Promise<Map<string, bigint>> {
  if (streams.length === 0) return new Map();
  const rows = await db.execute<{ stream: string; revision: string }>(
    sql`select stream, revision::text from ${tables.holds} where stream = any(${array([...streams])}::text[])`,
  );
  return new Map(rows.map((r) => [r.stream, BigInt(r.revision)]));
}

export async function deleteHold(db: Db, stream: string, tables: ReadModelTables = LIVE): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.execute(sql`delete from ${tables.holds} where stream = ${stream}`);
    // Live views showing the hold refresh: the doorbell names a position of the stream, which
    // they have seen already, so they know which account changed without anything new to list.
    if (tables.schema === READ_MODEL_SCHEMA) {
      await tx.execute(sql`
        select pg_notify(${EVENTS_CHANNEL}, position::text)
        from (select max(position) as position from ${tables.index} where stream = ${stream}) newest
        where position is not null`);
    }
  });
}
