import { sql } from 'drizzle-orm';
import { bigint, index, integer, jsonb, pgSchema, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

/**
 * The one schema file of the query model. Written only by the projection worker (and by a
 * rebuild), read by lib/queries.ts and by MakePayment's consistency rule.
 *
 * Every table the projection derives from the store lives in the PostgreSQL schema `readmodel`,
 * so a rebuild can fill a fresh copy (`readmodel_next`, made with CREATE TABLE ... LIKE) while
 * this one keeps serving, and swap the two by renaming schemas in one transaction
 * (lib/rebuild). Nothing here may therefore depend on objects outside the schema: no serial
 * sequences (a LIKE copy would share them), no foreign keys (LIKE does not copy them).
 */
export const READ_MODEL_SCHEMA = 'readmodel';
export const readModel = pgSchema(READ_MODEL_SCHEMA);

export const accounts = readModel.table(
  'accounts',
  {
    number: text('number').primaryKey(),
    holderName: text('holder_name').notNull(),
    /** Cents. Deliberately no "balance >= 0" check: projections record facts, they never reject them. */
    balance: bigint('balance', { mode: 'bigint' }).notNull(),
    /** Last applied revision of this account's own stream (incoming payments do not change it). */
    revision: bigint('revision', { mode: 'bigint' }).notNull(),
    openedAt: timestamp('opened_at', { withTimezone: true }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  // The accounts list pages by opening time (newest first).
  (t) => [index('accounts_opened_number_idx').on(t.openedAt, t.number)],
);

/** One row per event that touched an account; incoming payments get a row on the payee. */
export const accountHistory = readModel.table(
  'account_history',
  {
    accountNumber: text('account_number').notNull(),
    /** Event type, or PaymentReceived for the payee's side of a PaymentMade. */
    kind: text('kind').notNull(),
    /** Signed cents: negative for outgoing payments, zero for a rename. */
    amount: bigint('amount', { mode: 'bigint' }).notNull(),
    balanceAfter: bigint('balance_after', { mode: 'bigint' }).notNull(),
    counterparty: text('counterparty'),
    eventId: uuid('event_id').notNull(),
    eventType: text('event_type').notNull(),
    stream: text('stream').notNull(),
    revision: bigint('revision', { mode: 'bigint' }).notNull(),
    /** Commit position in $all: orders the timeline and makes balance_after deterministic. */
    position: bigint('position', { mode: 'bigint' }).notNull(),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull(),
    data: jsonb('data').notNull(),
    metadata: jsonb('metadata'),
  },
  (t) => [
    // An event touches an account once, and events have distinct positions.
    primaryKey({ columns: [t.accountNumber, t.position] }),
    uniqueIndex('account_history_event_account_idx').on(t.eventId, t.accountNumber),
  ],
);

/** Progress of a projection through $all, for lag reporting. */
export const projectionCheckpoint = readModel.table('projection_checkpoint', {
  projection: text('projection').primaryKey(),
  /** Highest $all commit position applied (with out-of-order delivery, earlier ones may still be pending). */
  position: bigint('position', { mode: 'bigint' }).notNull(),
  eventsApplied: integer('events_applied').notNull().default(0),
  updatedAt: timestamp('updated_at', { withTimezone: true })
    .notNull()
    .default(sql`now()`),
});

/**
 * Streams the projection holds back: the event at `revision` could not be applied, so it is
 * parked and the stream's later events wait (acked unapplied) until it is replayed and applies.
 * Other streams keep projecting.
 */
export const projectionHolds = readModel.table('projection_holds', {
  stream: text('stream').primaryKey(),
  accountNumber: text('account_number').notNull(),
  revision: bigint('revision', { mode: 'bigint' }).notNull(),
  eventId: uuid('event_id').notNull(),
  reason: text('reason').notNull(),
  heldAt: timestamp('held_at', { withTimezone: true })
    .notNull()
    .default(sql`now()`),
});

/**
 * One row per event of an account stream, whatever became of it (applied, unknown type, held):
 * what the global log filters and pages through, and how an event id, a command id or a
 * correlation id finds its events. The payload itself stays in the store.
 */
export const eventIndex = readModel.table(
  'event_index',
  {
    /** Commit position in $all: the log's order and its cursor. */
    position: bigint('position', { mode: 'bigint' }).primaryKey(),
    eventId: uuid('event_id').notNull(),
    stream: text('stream').notNull(),
    revision: bigint('revision', { mode: 'bigint' }).notNull(),
    type: text('type').notNull(),
    /** The account whose stream holds the event. */
    accountNumber: text('account_number').notNull(),
    /** The other account of a payment (its payee). */
    counterparty: text('counterparty'),
    /** Cents the event moves (opening balance, deposit, payment); null for others. */
    amount: bigint('amount', { mode: 'bigint' }),
    /** Holder name or payment reference, for text search. */
    searchText: text('search_text'),
    commandId: text('command_id'),
    correlationId: text('correlation_id'),
    causationId: text('causation_id'),
    created: timestamp('created', { withTimezone: true }).notNull(),
  },
  (t) => [
    uniqueIndex('event_index_event_id_idx').on(t.eventId),
    index('event_index_type_position_idx').on(t.type, t.position),
    index('event_index_account_position_idx').on(t.accountNumber, t.position),
    index('event_index_counterparty_position_idx').on(t.counterparty, t.position),
    // (created, position): a date range's first and last position are one probe each (lib/queries/events.ts).
    index('event_index_created_position_idx').on(t.created, t.position),
    // Selective amount ranges (a large payment, an exact amount) without walking the whole log.
    index('event_index_amount_idx').on(t.amount),
    index('event_index_command_idx').on(t.commandId),
    index('event_index_correlation_idx').on(t.correlationId),
    index('event_index_causation_idx').on(t.causationId),
    // fastupdate off: with it on, new rows wait in a pending list that every text search scans
    // linearly (2 MB of it made a rare-text search take 22-33 ms instead of 1.3 ms at 560,000
    // events); the worker pays a little more per insert instead.
    index('event_index_search_idx')
      .using('gin', sql`${t.searchText} gin_trgm_ops`)
      .with({ fastupdate: false }),
  ],
);

/**
 * Operations, outside the read model (a rebuild replaces the read model, not these): one row per
 * rebuild, kept up to date while it runs, so the terminal and /system show its progress and a
 * second one knows what it waits for.
 */
export const rebuildRuns = pgTable(
  'rebuild_runs',
  {
    id: uuid('id').primaryKey(),
    /** requested (from /system, for the worker to run) | running | done | failed */
    status: text('status').notNull(),
    startedAt: timestamp('started_at', { withTimezone: true })
      .notNull()
      .default(sql`now()`),
    updatedAt: timestamp('updated_at', { withTimezone: true })
      .notNull()
      .default(sql`now()`),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
    /** Events of $all read so far. */
    events: bigint('events', { mode: 'bigint' })
      .notNull()
      .default(sql`0`),
    /** $all position reached, and the store's last position when last looked at: progress is their ratio. */
    position: bigint('position', { mode: 'bigint' })
      .notNull()
      .default(sql`0`),
    target: bigint('target', { mode: 'bigint' })
      .notNull()
      .default(sql`0`),
    /** Where it is (reading, catching up, swapping) or, when failed, why. */
    message: text('message').notNull().default(''),
  },
  // At most one rebuild requested or running: a second request finds the first.
  (t) => [
    uniqueIndex('rebuild_runs_one_active_idx')
      .on(sql`(true)`)
      .where(sql`${t.status} in ('requested', 'running')`),
  ],
);

export type RebuildRunRecord = typeof rebuildRuns.$inferSelect;

/** One row per reconciliation (lib/reconciliation): its progress while it runs, then its report. */
export const reconciliationRuns = pgTable(
  'reconciliation_runs',
  {
    id: uuid('id').primaryKey(),
    /** requested (from the app, for the worker to run) | running | done | failed */
    status: text('status').notNull(),
    startedAt: timestamp('started_at', { withTimezone: true })
      .notNull()
      .default(sql`now()`),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
    /** The $all position the replay went up to: the report describes the bank as of that point. */
    position: bigint('position', { mode: 'bigint' }),
    events: bigint('events', { mode: 'bigint' })
      .notNull()
      .default(sql`0`),
    accounts: integer('accounts').notNull().default(0),
    /** Accounts changed while the check ran: left for the next run rather than reported. */
    skipped: integer('skipped').notNull().default(0),
    /** lib/reconciliation/compare.ts Difference[] */
    differences: jsonb('differences')
      .notNull()
      .default(sql`'[]'::jsonb`),
    message: text('message').notNull().default(''),
  },
  (t) => [
    uniqueIndex('reconciliation_runs_one_active_idx')
      .on(sql`(true)`)
      .where(sql`${t.status} in ('requested', 'running')`),
  ],
);

export type ReconciliationRunRecord = typeof reconciliationRuns.$inferSelect;

export type AccountRecord = typeof accounts.$inferSelect;
export type AccountHistoryRecord = typeof accountHistory.$inferSelect;
export type ProjectionHoldRecord = typeof projectionHolds.$inferSelect;
export type EventIndexRecord = typeof eventIndex.$inferSelect;
