import { commandLineOrExit, parseCommandLine } from '@/lib/cli/command-line';
import { ConfigError, loadConfig, requireConnections } from '@/lib/config';
import { createDb } from '@/lib/db/client';
import { migrate } from '@/lib/db/migrate';
import { retryWithBackoff } from '@/lib/retry';
import { createEventStoreClient } from '@/lib/eventstore/client';
import { whenParentExits } from '@/lib/when-parent-exits';
import { startOperationsRunner } from './operations-runner';
import { startProjectionWorker } from './subscription';

/**
 * `npm run worker`: applies migrations, then projects $all into PostgreSQL until SIGTERM/SIGINT,
 * on which it finishes the event in hand and exits.
 */
const USAGE = `Usage: npm run worker

Projects $all into PostgreSQL until SIGTERM/SIGINT. Configured by the environment
(EVENTSTORE_CONNECTION_STRING, DATABASE_URL, PROJECTION_GROUP; see .env.example). Takes no options.

  --help    show this help`;

async function main(): Promise<void> {
  commandLineOrExit('worker', USAGE, () => parseCommandLine(process.argv.slice(2), {}));
  const config = loadConfig();
  const { eventStoreConnectionString, databaseUrl } = requireConnections(config);

  // PostgreSQL may be starting or briefly away: retry quickly instead of exiting.
  const started = Date.now();
  await retryWithBackoff(() => migrate(databaseUrl), {
    retries: 239,
    minDelayMs: 250,
    factor: 1,
    onRetry: (error, attempt) => {
      if (attempt === 1) console.warn(`[worker] migrations failed (${error instanceof Error ? error.message : String(error)}); retrying`);
    },
  });
  console.info(`[worker] migrations done in ${Date.now() - started} ms (process up ${Math.round(process.uptime() * 1000)} ms)`);
  const client = createEventStoreClient(eventStoreConnectionString);
  const { db, close } = createDb(databaseUrl);
  const worker = startProjectionWorker({ client, db, group: config.projectionGroup });
  const operations = startOperationsRunner({ client, db, logger: console });
  console.info(`[worker] projecting $all into PostgreSQL (group "${config.projectionGroup}")`);

  let shuttingDown = false;
  const shutdown = async (signal: string) => {
    if (shuttingDown) return;
    shuttingDown = true;
    console.info(`[worker] ${signal}: finishing in-flight work`);
    await worker.stop();
    await operations.stop();
    await client.dispose().catch(() => {});
    await close().catch(() => {});
    console.info('[worker] stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  whenParentExits(() => void shutdown('parent process gone'));
  await worker.done;
}

main().catch((error) => {
  if (error instanceof ConfigError) console.error(`[worker] ${error.message}`);
  else console.error('[worker] fatal:', error);
  process.exit(1);
});
