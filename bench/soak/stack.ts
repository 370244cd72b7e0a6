// The stack under soak: everything in one temporary directory, on free ports, stopped at the end.
// EVENTSTORE_CONNECTION_STRING / DATABASE_URL in the environment mean "use that server": the soak
// cannot kill or restart what it did not start, so those faults are skipped (and reported so).
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { freePort } from '../../tests/support/free-port';
import { buildWorker } from '../../scripts/build-bundles';
import { ROOT, ServiceProcess, type UnexpectedExit } from './services';

/** The embedded store's CLI, found through its package like any dependency (ServiceProcess takes paths from ROOT). */
const EVENTSTORE_CLI = path.relative(ROOT, createRequire(import.meta.url).resolve('@eventbank/embedded-eventstore/cli'));

export type SoakStack = {
  dir: string;
  eventStoreConnectionString: string;
  databaseUrl: string;
  projectionGroup: string;
  /** null when the server is external. */
  store: ServiceProcess | null;
  postgres: ServiceProcess | null;
  worker: ServiceProcess;
  unexpectedExits: UnexpectedExit[];
  logs: Record<string, string>;
  stop: () => Promise<void>;
};

export async function startStack(options: {
  env?: NodeJS.ProcessEnv;
  log: (message: string) => void;
  /** Writes a CPU profile of each Node service (store, worker) under <dir>/<service>/ when it exits. */
  cpuProfileDir?: string;
}): Promise<SoakStack> {
  const env = options.env ?? process.env;
  const dir = fs.mkdtempSync(path.join(tmpdir(), 'eventbank-soak-'));
  // As root, embedded PostgreSQL runs as an unprivileged user that must traverse this directory.
  fs.chmodSync(dir, 0o755);
  const unexpectedExits: UnexpectedExit[] = [];
  const onUnexpectedExit = (exit: UnexpectedExit) => {
    unexpectedExits.push(exit);
    options.log(`${exit.service} exited by itself (${exit.signal ?? `code ${exit.code}`}); see ${logs[exit.service]}`);
  };
  const logs: Record<string, string> = {
    'event store': path.join(dir, 'eventstore.log'),
    postgres: path.join(dir, 'postgres.log'),
    worker: path.join(dir, 'worker.log'),
  };
  const started: ServiceProcess[] = [];
  const profile = (service: string) =>
    options.cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${path.join(options.cpuProfileDir, service)}`] : [];
  const stop = async () => {
    // Worker first (it writes to both), the databases last.
    for (const service of [...started].reverse()) await service.stop().catch(() => {});
  };

  try {
    let store: ServiceProcess | null = null;
    let eventStoreConnectionString = env.EVENTSTORE_CONNECTION_STRING?.trim() || '';
    if (!eventStoreConnectionString) {
      const port = await freePort();
      const dataDir = path.join(dir, 'eventstore');
      store = new ServiceProcess(
        'event store',
        EVENTSTORE_CLI,
        () => ['--port', String(port), '--data-dir', dataDir],
        () => ({}),
        logs['event store'],
        /^(esdb:\/\/\S+)$/,
        onUnexpectedExit,
        false,
        profile('store'),
      );
      started.push(store);
      eventStoreConnectionString = await store.start();
    }

    let postgres: ServiceProcess | null = null;
    let databaseUrl = env.DATABASE_URL?.trim() || '';
    if (!databaseUrl) {
      const port = await freePort();
      postgres = new ServiceProcess(
        'postgres',
        'scripts/embedded-services.ts',
        () => ['--exit-with-stdin', '--postgres'],
        () => ({ DATA_DIR: dir, POSTGRES_PORT: String(port) }),
        logs.postgres,
        /^READY (.*)$/,
        onUnexpectedExit,
        true,
      );
      started.push(postgres);
      const ready = JSON.parse(await postgres.start(120_000)) as { databaseUrl?: string };
      if (!ready.databaseUrl) throw new Error('embedded PostgreSQL did not announce its URL');
      databaseUrl = ready.databaseUrl;
    }

    // A group of its own: against a shared store, another stack's worker must not take our events.
    const projectionGroup = `eventbank-soak-${randomUUID().slice(0, 8)}`;
    // The bundled worker, as `npm start` runs it: a killed worker is back within moments.
    const workerBundle = path.relative(ROOT, await buildWorker());
    const worker = new ServiceProcess(
      'worker',
      workerBundle,
      () => [],
      () => ({ EVENTSTORE_CONNECTION_STRING: eventStoreConnectionString, DATABASE_URL: databaseUrl, PROJECTION_GROUP: projectionGroup }),
      logs.worker,
      undefined,
      onUnexpectedExit,
      false,
      profile('worker'),
    );
    started.push(worker);
    return { dir, eventStoreConnectionString, databaseUrl, projectionGroup, store, postgres, worker, unexpectedExits, logs, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
