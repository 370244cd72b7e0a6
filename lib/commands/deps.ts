import type { EventStoreDBClient } from '@eventstore/db-client';
import { getDb, type Db } from '@/lib/db/client';
import { getEventStore } from '@/lib/eventstore/client';

/** What handlers talk to. Server actions use the process-wide defaults; tests pass their own. */
export type CommandDeps = {
  eventStore: EventStoreDBClient;
  db: Db;
  /** How long MakePayment waits for the projection to catch up after a version conflict. */
  catchUpTimeoutMs?: number;
};

export function defaultDeps(): CommandDeps {
  return { eventStore: getEventStore(), db: getDb() };
}
