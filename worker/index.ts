import v8 from 'node:v8';
import { commandLineOrExit, parseCommandLine } from '@/lib/cli/command-line';
import { ConfigError, loadConfig, requireConnections } from '@/lib/config';
import { createDb } from '@/lib/db/client';
import { migrate } from '@/lib/db/migrate';
import { getLogger, messageFirst, redactSecrets } from '@/lib/log';
import { retryWithBackoff } from '@/lib/retry';
import { createEventStoreClient } from '@/lib/eventstore/connection/client';
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

/**
 * By default V8 lets the heap grow to several times what is live before it collects the old
 * generation again, and a catch-up allocates fast (pages of events decoded, planned, serialized):
 * filling an empty read model, the worker peaked at 206-212 MB (bench:loop). Growing by at most
 * 60 % between full collections held it at 147 MB, at no cost measurable in the fill's rate. It is
 * no ceiling, unlike --max-old-space-size: nothing fails when more is live. Set here, it holds
 * however the worker is started (npm, the stack, the seed, Docker).
 */
v8.setFlagsFromString('--heap-growing-percent=60');

async function main(): Promise<void> {
  commandLineOrExit('worker', USAGE, () => parseCommandLine(process.argv.slice(2), {}));
  const config = loadConfig();
  const log = getLogger().child({ component: 'worker', group: config.projectionGroup });
  const { eventStoreConnectionString, databaseUrl } = requireConnections(config);

  // PostgreSQL may be starting or briefly away: retry quickly instead of exiting.
  const started = Date.now();
  await retryWithBackoff(() => migrate(databaseUrl), {
    retries: 239,
    minDelayMs: 250,
    factor: 1,
    onRetry: (error, attempt) => {
      if (attempt === 1) log.warn({ err: error }, 'migrations failed; retrying');
    },
  });
  log.info({ ms: Date.now() - started, uptimeMs: Math.round(process.uptime() * 1000) }, 'migrations done');
  const client = createEventStoreClient(eventStoreConnectionString);
  const { db, close } = createDb(databaseUrl);
  const logger = messageFirst(log);
  const worker = startProjectionWorker({ client, db, group: config.projectionGroup, logger, fillEmptyReadModel: true });
  const operations = startOperationsRunner({ client, db, logger });
  log.info(`projecting $all into PostgreSQL (group "${config.projectionGroup}")`);

  let shuttingDown = false;
  const shutdown = async (signal: string) => {
    if (shuttingDown) return;
    shuttingDown = true;
    log.info({ signal }, 'finishing in-flight work');
    await worker.stop();
    await operations.stop();
    await client.dispose().catch(() => {});
    await close().catch(() => {});
    log.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  whenParentExits(() => void shutdown('parent process gone'));
  await worker.done;
}

main().catch((error) => {
  // A configuration error is for people: plain text. Anything else is a structured fatal line.
  if (error instanceof ConfigError) console.error(`[worker] ${redactSecrets(error.message)}`);
  else getLogger().child({ component: 'worker' }).fatal({ err: error }, 'fatal');
  process.exit(1);
});
