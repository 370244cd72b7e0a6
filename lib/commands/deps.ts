import 'server-only';
import type { EventStoreDBClient } from '@eventstore/db-client';
import { loadConfig, type PaymentDecisionSource } from '@/lib/config';
import { getDb, type Db } from '@/lib/db/client';
import { getEventStore } from '@/lib/eventstore/connection/client';
import { PayerStateCache } from '@/lib/eventstore/write-model/payer-state-cache';
import type { StreamQueue } from './stream-queue';

/** What handlers talk to. Server actions use the process-wide defaults; tests pass their own. */
export type CommandDeps = {
  eventStore: EventStoreDBClient;
  db: Db;
  /** How long MakePayment waits for the projection to catch up after a revision conflict. */
  catchUpTimeoutMs?: number;
  /** Where MakePayment decides from (see make-payment.ts); default 'read-model'. */
  decisionSource?: PaymentDecisionSource;
  /** The event-store source's per-account state cache; one per process by default. */
  payerCache?: PayerStateCache;
  /** How long one query-model read may take before the command answers "unavailable". */
  dbDeadlineMs?: number;
  /** Payments from one payer run one at a time (see stream-queue.ts); one per process by default. */
  streamQueue?: StreamQueue;
};

const globalForCache = globalThis as unknown as { __eventbankPayerCache?: PayerStateCache };

export function defaultDeps(): CommandDeps {
  globalForCache.__eventbankPayerCache ??= new PayerStateCache();
  return {
    eventStore: getEventStore(),
    db: getDb(),
    decisionSource: loadConfig().paymentDecisionSource,
    payerCache: globalForCache.__eventbankPayerCache,
  };
}
