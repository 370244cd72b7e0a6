import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { loadConfig, requireConnections } from '@/lib/config';
import * as schema from './schema';

/** The one way to reach the query model. */
export type Db = PostgresJsDatabase<typeof schema>;

export type DbHandle = { db: Db; close: () => Promise<void> };

export function createDb(databaseUrl: string, options: { max?: number } = {}): DbHandle {
  const sql = postgres(databaseUrl, {
    max: options.max ?? 10,
    // Drizzle maps bigint columns itself; keep the driver quiet about NOTICEs (e.g. "already exists").
    onnotice: () => {},
  });
  return { db: drizzle(sql, { schema }), close: () => sql.end({ timeout: 5 }) };
}

// Kept on globalThis so Next's dev-mode module reloading does not open a new pool per edit.
const globalForDb = globalThis as unknown as { __eventbankDb?: DbHandle };

/** The process-wide client, configured from DATABASE_URL. */
export function getDb(): Db {
  if (!globalForDb.__eventbankDb) {
    const { databaseUrl } = requireConnections(loadConfig());
    globalForDb.__eventbankDb = createDb(databaseUrl);
  }
  return globalForDb.__eventbankDb.db;
}

export async function closeDb(): Promise<void> {
  const handle = globalForDb.__eventbankDb;
  globalForDb.__eventbankDb = undefined;
  await handle?.close();
}
