import 'server-only';
import path from 'node:path';
import { ConfigError, type Config } from '@/lib/config';
import { embeddedDatabaseUrl } from '@/lib/db/embedded-postgres';

/**
 * Where a command-line tool (rebuild, reconcile, seed) finds the servers: the configured ones,
 * or else the embedded ones a running `npm run dev` / `npm start` started in DATA_DIR, on
 * EVENTSTORE_PORT and POSTGRES_PORT. Tools never start servers of their own: they work on the
 * bank you are running.
 */
export async function toolConnections(config: Config): Promise<{ eventStoreConnectionString: string; databaseUrl: string }> {
  const eventStoreConnectionString = config.eventStoreConnectionString ?? `esdb://127.0.0.1:${config.eventStorePort}?tls=false`;
  const databaseUrl = config.databaseUrl ?? (await embeddedDatabaseUrl(path.join(config.dataDir, 'postgres'), config.postgresPort));
  if (!databaseUrl) {
    throw new ConfigError([
      `DATABASE_URL is not set and ${path.join(config.dataDir, 'postgres')} holds no embedded PostgreSQL: start the bank with \`npm run dev\` (or \`npm start\`) first, or set EVENTSTORE_CONNECTION_STRING and DATABASE_URL`,
    ]);
  }
  return { eventStoreConnectionString, databaseUrl };
}
