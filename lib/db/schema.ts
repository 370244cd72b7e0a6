import { sql } from 'drizzle-orm';
import { bigint, bigserial, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

/**
 * The one schema file of the query model. Written only by the projection worker, read by
 * lib/queries.ts and by MakePayment's consistency rule.
 */

export const accounts = pgTable('accounts', {
  number: text('number').primaryKey(),
  holderName: text('holder_name').notNull(),
  /** Cents. Deliberately no "balance >= 0" check: projections record facts, they never reject them. */
  balance: bigint('balance', { mode: 'bigint' }).notNull(),
  /** Last applied revision of this account's own stream (incoming payments do not change it). */
  version: bigint('version', { mode: 'bigint' }).notNull(),
  openedAt: timestamp('opened_at', { withTimezone: true }).notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
});

/** One row per event that touched an account; incoming payments get a row on the payee. */
export const accountHistory = pgTable(
  'account_history',
  {
    id: bigserial('id', { mode: 'bigint' }).primaryKey(),
    accountNumber: text('account_number')
      .notNull()
      .references(() => accounts.number),
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
    uniqueIndex('account_history_event_account_idx').on(t.eventId, t.accountNumber),
    index('account_history_account_position_idx').on(t.accountNumber, t.position),
  ],
);

/** Progress of a projection through $all, for lag reporting. */
export const projectionCheckpoint = pgTable('projection_checkpoint', {
  projection: text('projection').primaryKey(),
  /** Highest $all commit position applied (with out-of-order delivery, earlier ones may still be pending). */
  position: bigint('position', { mode: 'bigint' }).notNull(),
  eventsApplied: integer('events_applied').notNull().default(0),
  updatedAt: timestamp('updated_at', { withTimezone: true })
    .notNull()
    .default(sql`now()`),
});

export type AccountRecord = typeof accounts.$inferSelect;
export type AccountHistoryRecord = typeof accountHistory.$inferSelect;

/**
 * Streams the projection holds back: the event at `revision` could not be applied, so it is
 * parked and the stream's later events wait (acked unapplied) until it is replayed and applies.
 * Other streams keep projecting.
 */
export const projectionHolds = pgTable('projection_holds', {
  stream: text('stream').primaryKey(),
  accountNumber: text('account_number').notNull(),
  revision: bigint('revision', { mode: 'bigint' }).notNull(),
  eventId: uuid('event_id').notNull(),
  reason: text('reason').notNull(),
  heldAt: timestamp('held_at', { withTimezone: true })
    .notNull()
    .default(sql`now()`),
});

export type ProjectionHoldRecord = typeof projectionHolds.$inferSelect;
