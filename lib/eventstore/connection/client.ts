import 'server-only';
import { EventStoreDBClient } from '@eventstore/db-client';
import { loadConfig, requireConnections } from '@/lib/config';

export function createEventStoreClient(connectionString: string): EventStoreDBClient {
  return EventStoreDBClient.connectionString(connectionString);
}

// Kept on globalThis so Next's dev-mode module reloading reuses one gRPC channel.
const globalForStore = globalThis as unknown as { __eventbankEventStore?: EventStoreDBClient };

/** The process-wide client, configured from EVENTSTORE_CONNECTION_STRING. */
export function getEventStore(): EventStoreDBClient {
  if (!globalForStore.__eventbankEventStore) {
    const { eventStoreConnectionString } = requireConnections(loadConfig());
    globalForStore.__eventbankEventStore = createEventStoreClient(eventStoreConnectionString);
  }
  return globalForStore.__eventbankEventStore;
}

export async function closeEventStore(): Promise<void> {
  const client = globalForStore.__eventbankEventStore;
  globalForStore.__eventbankEventStore = undefined;
  await client?.dispose();
}
