import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdir } from 'node:fs/promises';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { freePort } from '@/tests/support/free-port';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const READY_PREFIX = 'READY ';

export type Connections = { eventStoreConnectionString: string; databaseUrl: string };

export type OwnServices = Connections & { startWorker: () => void; stop: () => Promise<void> };

/**
 * The seed's own embedded store and PostgreSQL on `dataDir` (the layout `npm start` uses, so
 * `DATA_DIR=<dir> npm start` serves the result), on free ports, plus the projection worker.
 * Children get npm's environment marker, so they stop by themselves if the seed is killed.
 */
export async function startOwnServices(dataDir: string): Promise<OwnServices> {
  await mkdir(dataDir, { recursive: true });
  // Embedded PostgreSQL runs as an unprivileged user when we are root: it must reach its directory.
  await chmod(dataDir, 0o755);
  const env = {
    ...process.env,
    npm_lifecycle_event: process.env.npm_lifecycle_event ?? 'seed',
    DATA_DIR: dataDir,
    EVENTSTORE_PORT: String(await freePort()),
    POSTGRES_PORT: String(await freePort()),
    EVENTSTORE_CONNECTION_STRING: '',
    DATABASE_URL: '',
  };
  const services = spawnNode('services', ['scripts/embedded-services.ts', '--exit-with-stdin', '--eventstore', '--postgres'], env, true);
  const connections = await new Promise<Connections>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('embedded services not ready after 180 s')), 180_000);
    readline.createInterface({ input: services.stdout! }).on('line', (line) => {
      if (!line.startsWith(READY_PREFIX)) return;
      clearTimeout(timer);
      resolve(JSON.parse(line.slice(READY_PREFIX.length)) as Connections);
    });
    services.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`embedded services exited (code ${code}) before they were ready; is another process using ${dataDir}?`));
    });
  });
  let worker: ChildProcess | undefined;
  return {
    ...connections,
    startWorker: () => {
      worker = spawnNode('worker', ['worker/index.ts'], { ...env, ...toEnv(connections) }, false);
    },
    stop: async () => {
      if (worker) await stopChild(worker);
      await stopChild(services);
    },
  };
}

const toEnv = (c: Connections) => ({ EVENTSTORE_CONNECTION_STRING: c.eventStoreConnectionString, DATABASE_URL: c.databaseUrl });

function spawnNode(name: string, args: string[], env: NodeJS.ProcessEnv, stdinPipe: boolean): ChildProcess {
  const child = spawn(process.execPath, ['--conditions=react-server', '--import', 'tsx', ...args], {
    cwd: ROOT,
    env,
    stdio: [stdinPipe ? 'pipe' : 'ignore', 'pipe', 'pipe'],
  });
  child.stdin?.on('error', () => {});
  readline.createInterface({ input: child.stderr! }).on('line', (line) => console.error(`[${name}] ${line}`));
  if (name !== 'services') readline.createInterface({ input: child.stdout! }).on('line', (line) => console.error(`[${name}] ${line}`));
  return child;
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  await exited;
  clearTimeout(timer);
}
