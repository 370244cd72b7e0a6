// One command for the whole app: `npm run dev` (next dev) or `npm start` (next start on a
// production build).
//
// With no configuration it runs the embedded event store and embedded PostgreSQL (data under
// DATA_DIR, so a restart keeps everything), applies migrations, then starts the projection worker
// and Next.js with EVENTSTORE_CONNECTION_STRING and DATABASE_URL in their environment. Either
// variable set means "use that server instead".
//
// Every child runs in its own process group, so a terminal Ctrl-C reaches only this script, which
// then stops them in order: Next (no new commands), the worker (finishes in-flight events), and
// the databases last.
//
// If this script dies without doing that (kill -9, a crash of Node itself), nothing it started may
// stay behind holding ports and data directories: scripts/stack-watchdog.ts, started first, learns
// every child's process group and stops them all when its pipe from this process closes, which the
// kernel does on any death. The embedded services also watch a pipe of their own and stop their
// servers cleanly before the watchdog would have to. See that file for why it takes a process.
//
// The app has no sign-in yet, so Next listens on HOST (default 127.0.0.1, this machine only); the
// embedded servers always listen on 127.0.0.1, as only this stack's processes talk to them.

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import readline from 'node:readline';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { commandLineOrExit, parseCommandLine, UsageError } from '@/lib/cli/command-line';
import { ConfigError, loadConfig, type Config } from '@/lib/config';
import { retryWithBackoff } from '@/lib/retry';
import { whenParentExits } from '@/lib/when-parent-exits';
import { STANDALONE_SERVER, WORKER_BUNDLE } from './build-output';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const STOP_TIMEOUT_MS = 15_000;
/** First stdout line of scripts/embedded-services.ts once its servers are up. */
const READY_PREFIX = 'READY ';
const SERVICES_TIMEOUT_MS = 120_000;
const NEXT_READY_TIMEOUT_MS = 300_000;
const require = createRequire(import.meta.url);

type Child = {
  name: string;
  process: ChildProcess;
  exited: Promise<void>;
  hasExited: () => boolean;
};

const children: Child[] = [];
let shuttingDown = false;
let watchdog: ChildProcess | undefined;

/** Starts scripts/stack-watchdog.ts: detached, so only the end of our pipe to it stops it. */
function startWatchdog() {
  watchdog = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'scripts/stack-watchdog.ts')], {
    cwd: ROOT,
    detached: true,
    stdio: ['pipe', 'ignore', 'inherit'],
  });
  watchdog.stdin!.on('error', () => {}); // it died: nothing better to do than carry on
  watchdog.once('error', (error) => console.error('[stack] could not start the watchdog:', error));
  watchdog.unref();
}

function tellWatchdog(line: string) {
  watchdog?.stdin?.write(`${line}\n`);
}

function log(message: string) {
  console.log(`[stack] ${message}`);
}

/**
 * Starts `node <args>` in its own process group, with its output prefixed by its name, and tells
 * the watchdog. `stdinPipe` gives the child a pipe it can watch for our death.
 */
function startChild(name: string, args: string[], env: NodeJS.ProcessEnv, stdinPipe = false): Child {
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env,
    detached: true,
    stdio: [stdinPipe ? 'pipe' : 'ignore', 'pipe', 'pipe'],
  });
  if (child.pid !== undefined) tellWatchdog(`group ${child.pid} ${name}`);
  child.stdin?.on('error', () => {});
  let exited = false;
  const exitedPromise = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exited = true;
      if (!shuttingDown) {
        console.error(`[stack] ${name} exited unexpectedly (${signal ?? `code ${code}`}); stopping everything`);
        void shutdown(1);
      }
      resolve();
    });
  });
  child.once('error', (error) => console.error(`[stack] could not start ${name}:`, error));
  for (const stream of [child.stdout!, child.stderr!]) {
    const out = stream === child.stdout ? process.stdout : process.stderr;
    const prefix = `[${name}] `;
    readline.createInterface({ input: stream }).on('line', (line) => {
      if (line.startsWith(READY_PREFIX)) return; // protocol line of embedded-services, not for people
      out.write(line.startsWith(prefix) ? `${line}\n` : `${prefix}${line}\n`);
    });
  }
  const handle = { name, process: child, exited: exitedPromise, hasExited: () => exited };
  children.push(handle);
  return handle;
}

function signalGroup(child: Child, signal: NodeJS.Signals, wholeGroup: boolean): boolean {
  const pid = child.process.pid;
  if (pid === undefined) return false;
  try {
    process.kill(wholeGroup ? -pid : pid, signal);
    return true;
  } catch {
    return false; // already gone
  }
}

function groupAlive(child: Child): boolean {
  return signalGroup(child, 0 as unknown as NodeJS.Signals, true);
}

/**
 * SIGTERM, then wait; SIGKILL the group if it overstays. `wholeGroup` also signals grandchildren
 * (Next's own workers); the services process instead stops its Postgres itself, in order.
 */
async function stopChild(child: Child, wholeGroup: boolean) {
  if (!child.hasExited()) {
    signalGroup(child, 'SIGTERM', wholeGroup);
    const stopped = await Promise.race([child.exited.then(() => true), delay(STOP_TIMEOUT_MS).then(() => false)]);
    if (!stopped) {
      console.error(`[stack] ${child.name} did not stop within ${STOP_TIMEOUT_MS / 1000}s; killing it`);
      signalGroup(child, 'SIGKILL', true);
      await child.exited;
    }
  }
  // Leftover grandchildren (if any) get the same treatment, so no port stays taken. (Signals
  // repeated until a deadline, not a retry of something that failed: no lib/retry.ts here.)
  const deadline = Date.now() + 5_000;
  while (groupAlive(child) && Date.now() < deadline) {
    signalGroup(child, 'SIGTERM', true);
    await delay(100);
  }
  if (groupAlive(child)) signalGroup(child, 'SIGKILL', true);
}

let shutdownPromise: Promise<void> | undefined;
function shutdown(exitCode: number): Promise<void> {
  shuttingDown = true;
  shutdownPromise ??= (async () => {
    log('stopping…');
    const byName = (name: string) => children.find((c) => c.name === name);
    for (const [name, wholeGroup] of [
      ['next', true],
      ['worker', true],
      ['services', false],
    ] as const) {
      const child = byName(name);
      if (child) {
        await stopChild(child, wholeGroup);
        log(`${name} stopped`);
      }
    }
    tellWatchdog('clear');
    log('stopped');
    process.exit(exitCode);
  })();
  return shutdownPromise;
}

let firstSignalAt: number | undefined;
function onSignal(signal: NodeJS.Signals) {
  if (firstSignalAt === undefined) {
    firstSignalAt = Date.now();
    log(`${signal} received`);
    void shutdown(0);
    return;
  }
  // A second Ctrl-C means "now": kill everything without waiting. (Duplicates within a second are
  // the same request arriving twice, e.g. to the whole process group and relayed by a wrapper.)
  if (Date.now() - firstSignalAt < 1_000) return;
  log('stopping now (second signal)');
  for (const child of children) signalGroup(child, 'SIGKILL', true);
  process.exit(130);
}

/** Starts the embedded servers that the configuration doesn't replace, and waits for READY. */
async function startEmbeddedServices(config: Config) {
  const flags: string[] = [];
  if (!config.eventStoreConnectionString) flags.push('--eventstore');
  if (!config.databaseUrl) flags.push('--postgres');
  if (flags.length === 0) return {};

  if (!config.databaseUrl) tellWatchdog(`postgres ${path.resolve(config.dataDir, 'postgres')}`);
  const services = startChild(
    'services',
    ['--conditions=react-server', '--import', 'tsx', path.join(ROOT, 'scripts/embedded-services.ts'), '--exit-with-stdin', ...flags],
    process.env,
    true,
  );
  type Connections = { eventStoreConnectionString?: string; databaseUrl?: string };
  return new Promise<Connections>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`embedded services not ready after ${SERVICES_TIMEOUT_MS / 1000}s`)),
      SERVICES_TIMEOUT_MS,
    );
    readline.createInterface({ input: services.process.stdout! }).on('line', (line) => {
      if (!line.startsWith(READY_PREFIX)) return;
      clearTimeout(timer);
      resolve(JSON.parse(line.slice(READY_PREFIX.length)) as Connections);
    });
    void services.exited.then(() => {
      clearTimeout(timer);
      reject(new Error('embedded services exited before they were ready'));
    });
  });
}

async function waitForHttp(url: string, child: Child) {
  class NotYet extends Error {}
  await retryWithBackoff(
    async () => {
      if (child.hasExited()) throw new Error('Next.js exited during start-up');
      try {
        const response = await fetch(url, { signal: AbortSignal.timeout(60_000) });
        await response.body?.cancel();
        if (response.status < 500) return;
      } catch {
        // not listening yet
      }
      throw new NotYet(`Next.js did not answer on ${url} within ${NEXT_READY_TIMEOUT_MS / 1000}s`);
    },
    { retries: Infinity, minDelayMs: 250, factor: 1, maxTotalMs: NEXT_READY_TIMEOUT_MS, shouldRetry: (error) => error instanceof NotYet },
  );
}

/** Where to reach a server listening on `host` from this machine: "every interface" includes loopback. */
function reachableHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '::1';
  return host;
}

const urlHost = (host: string) => (host.includes(':') ? `[${host}]` : host);

const USAGE = `Usage: npm run dev | npm start   (node --conditions=react-server --import tsx scripts/stack.ts dev|start)

  dev     embedded store and PostgreSQL (unless configured), migrations, worker and next dev
  start   the same on the production build (npm run build first)
  --help  show this help`;

async function main() {
  const mode = commandLineOrExit('stack', USAGE, () => {
    const parsed = parseCommandLine(process.argv.slice(2), {}, { allowPositionals: true });
    if (parsed === 'help') return 'help';
    const [mode, ...extra] = parsed.positionals;
    if ((mode !== 'dev' && mode !== 'start') || extra.length > 0) throw new UsageError('give one mode: dev or start');
    return mode;
  });

  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    console.error(error instanceof ConfigError ? error.message : error);
    process.exit(2);
  }

  if (mode === 'start' && (!existsSync(STANDALONE_SERVER) || !existsSync(WORKER_BUNDLE))) {
    console.error('No production build found: run `npm run build` before `npm start`.');
    process.exit(2);
  }

  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, onSignal);
  startWatchdog();
  whenParentExits(() => {
    log('npm is gone (it does not pass SIGTERM on)');
    void shutdown(0);
  });

  const embedded = await startEmbeddedServices(config);
  const eventStoreConnectionString = config.eventStoreConnectionString ?? embedded.eventStoreConnectionString!;
  const databaseUrl = config.databaseUrl ?? embedded.databaseUrl!;
  log(`event store: ${eventStoreConnectionString}`);
  log(`database: ${databaseUrl.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@')}`);

  const { migrate } = await import('@/lib/db/migrate');
  await migrate(databaseUrl);
  log('migrations applied');
  if (shuttingDown) return;

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    EVENTSTORE_CONNECTION_STRING: eventStoreConnectionString,
    DATABASE_URL: databaseUrl,
    PORT: String(config.port),
  };
  // `npm start` runs the worker `npm run build` bundled (it starts in a third of the time);
  // `npm run dev` runs its TypeScript, so an edit takes effect on the next start.
  startChild(
    'worker',
    mode === 'start' ? [WORKER_BUNDLE] : ['--conditions=react-server', '--import', 'tsx', path.join(ROOT, 'worker/index.ts')],
    env,
  );
  // `npm start` runs the standalone server the build made, as the production image does.
  const next = startChild(
    'next',
    mode === 'start'
      ? [STANDALONE_SERVER]
      : [require.resolve('next/dist/bin/next'), 'dev', '--hostname', config.host, '--port', String(config.port)],
    mode === 'start' ? { ...env, HOSTNAME: config.host, PORT: String(config.port) } : env,
  );

  await waitForHttp(`http://${urlHost(reachableHost(config.host))}:${config.port}/`, next);
  if (shuttingDown) return;
  const shown = config.host === '127.0.0.1' ? 'localhost' : urlHost(config.host);
  console.log(`\n  Eventbank is ready at http://${shown}:${config.port}  (Ctrl-C to stop)\n`);
  if (config.host !== '127.0.0.1' && config.host !== 'localhost' && config.host !== '::1') {
    log(`listening on ${config.host}: there is no sign-in yet, so expose this only on a network you trust`);
  }
}

main().catch((error) => {
  console.error('[stack] failed:', error instanceof Error ? error.message : error);
  void shutdown(1);
});
