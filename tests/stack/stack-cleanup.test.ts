// The whole stack (`npm run dev`) on a DATA_DIR of its own: it listens on loopback only, and
// `kill -9` of npm or of scripts/stack.ts leaves no process of it behind (Next and its children,
// the worker, the embedded services, PostgreSQL's server processes, the watchdog), so the next start
// on the same DATA_DIR works. Linux only: processes are found through /proc.
//
// Next.js refuses to run twice in one checkout (.next), so the test holds the flock that every
// Next.js run in this working tree takes, when the machine has flock.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/free-port';

const root = fileURLToPath(new URL('../..', import.meta.url));
const NEXT_LOCK = '/tmp/eventbank-next.lock';
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'eventbank-stack-cleanup-'));
chmodSync(dataDir, 0o755); // embedded PostgreSQL runs as the unprivileged postgres user under root
const started: ChildProcess[] = [];
let lockHolder: ChildProcess | undefined;
let ports: { web: number; eventStore: number; postgres: number };

/** Pids of every live process whose environment names this test's DATA_DIR. */
function stackProcesses(): number[] {
  const needle = `\0DATA_DIR=${dataDir}\0`;
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (`\0${readFileSync(`/proc/${entry}/environ`, 'latin1')}`.includes(needle)) found.push(Number(entry));
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return found;
}

const describeProcesses = (pids: number[]) =>
  pids.map((pid) => {
    try {
      return `${pid}: ${readFileSync(`/proc/${pid}/cmdline`, 'latin1').replace(/\0/g, ' ').slice(0, 120)}`;
    } catch {
      return `${pid}: (gone)`;
    }
  });

function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port, timeout: 3_000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Local addresses (hex, as the kernel shows them) of TCP sockets listening on port. */
function listenAddresses(port: number): string[] {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  const out: string[] = [];
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/);
      if (state === '0A' && local?.endsWith(`:${hexPort}`)) out.push(local.split(':')[0]);
    }
  }
  return out;
}

async function waitFor<T>(what: string, check: () => Promise<T> | T, ms: number, detail = () => ''): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${detail()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function run(command: string, args: string[]): { child: ChildProcess; output: string[] } {
  const env = {
    ...process.env,
    DATA_DIR: dataDir,
    HOST: '',
    PORT: String(ports.web),
    EVENTSTORE_PORT: String(ports.eventStore),
    POSTGRES_PORT: String(ports.postgres),
    EVENTSTORE_CONNECTION_STRING: '',
    DATABASE_URL: '',
    NEXT_TELEMETRY_DISABLED: '1',
  };
  delete (env as Record<string, string | undefined>).npm_lifecycle_event; // as from a terminal
  const child = spawn(command, args, { cwd: root, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  started.push(child);
  const output: string[] = [];
  for (const stream of [child.stdout!, child.stderr!]) readline.createInterface({ input: stream }).on('line', (l) => output.push(l));
  return { child, output };
}

const tail = (output: string[]) => () => output.slice(-40).join('\n');

/** Waits until Next, the event store and PostgreSQL all listen, and the worker runs. */
async function waitUntilUp(output: string[]) {
  await waitFor('the embedded services and migrations', () => output.some((l) => l.includes('migrations applied')), 240_000, tail(output));
  await waitFor('Next.js to listen', () => accepts('127.0.0.1', ports.web), 240_000, tail(output));
}

async function expectNothingLeft(output: string[]) {
  await waitFor(
    'every process of the stack to exit',
    () => stackProcesses().length === 0,
    90_000,
    () => [...describeProcesses(stackProcesses()), '--- output:', tail(output)()].join('\n'),
  );
  for (const port of Object.values(ports)) expect(await accepts('127.0.0.1', port), `port ${port}`).toBe(false);
}

beforeAll(async () => {
  ports = { web: await freePort(), eventStore: await freePort(), postgres: await freePort() };
  if (spawnSync('flock', ['--version']).status === 0) {
    lockHolder = spawn('flock', [NEXT_LOCK, 'sh', '-c', 'echo locked; exec cat'], { stdio: ['pipe', 'pipe', 'inherit'] });
    const lines: string[] = [];
    readline.createInterface({ input: lockHolder.stdout! }).on('line', (l) => lines.push(l));
    await waitFor('the Next.js lock', () => lines.includes('locked'), 1_500_000);
  }
}, 1_600_000);

afterAll(async () => {
  for (const child of started) {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  // Whatever the kill above could not reach (it is what this test is about) goes too.
  for (const pid of stackProcesses()) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  lockHolder?.stdin?.end();
  rmSync(dataDir, { recursive: true, force: true });
}, 60_000);

describe('the stack after kill -9', () => {
  it('`npm run dev` listens on loopback only, and kill -9 of npm leaves nothing behind', async () => {
    const { child: npm, output } = run('npm', ['run', 'dev']);
    await waitUntilUp(output);

    const processes = stackProcesses();
    // npm, sh, the stack, its watchdog, the services, PostgreSQL (several), the worker, Next (2+)
    expect(processes.length, describeProcesses(processes).join('\n')).toBeGreaterThanOrEqual(9);
    for (const port of Object.values(ports)) {
      expect(listenAddresses(port), `listening sockets on ${port}`).toEqual(['0100007F']); // 127.0.0.1 only
    }
    const outside = Object.values(os.networkInterfaces())
      .flat()
      .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;
    if (outside) for (const port of Object.values(ports)) expect(await accepts(outside, port), `${outside}:${port}`).toBe(false);

    process.kill(npm.pid!, 'SIGKILL');
    await expectNothingLeft(output);
  }, 600_000);

  it('kill -9 of scripts/stack.ts itself leaves nothing behind either', async () => {
    const { child: stack, output } = run(process.execPath, ['--conditions=react-server', '--import', 'tsx', 'scripts/stack.ts', 'dev']);
    await waitUntilUp(output); // the same DATA_DIR and ports as before: nothing of the first run is in the way
    expect(stackProcesses().length).toBeGreaterThanOrEqual(7);

    process.kill(stack.pid!, 'SIGKILL');
    await expectNothingLeft(output);
  }, 600_000);

  it('kill -9 of the stack and the services process at once: the watchdog stops PostgreSQL itself', async () => {
    const { child: stack, output } = run(process.execPath, ['--conditions=react-server', '--import', 'tsx', 'scripts/stack.ts', 'dev']);
    await waitUntilUp(output);
    const services = stackProcesses().filter((pid) => describeProcesses([pid])[0].includes('scripts/embedded-services.ts'));
    expect(services).toHaveLength(1);

    process.kill(services[0], 'SIGKILL'); // PostgreSQL now has no one to stop it but the watchdog
    process.kill(stack.pid!, 'SIGKILL');
    await expectNothingLeft(output);
    expect(output.join('\n')).toMatch(/\[watchdog\] PostgreSQL \(pid \d+\) on .* still running: SIGINT/);
  }, 600_000);

  it('starts again on the same DATA_DIR, serves the app, and stops cleanly on SIGTERM', async () => {
    const { child: stack, output } = run(process.execPath, ['--conditions=react-server', '--import', 'tsx', 'scripts/stack.ts', 'dev']);
    await waitFor(
      'the app to be ready',
      () => output.some((l) => l.includes('Eventbank is ready at http://localhost:')),
      480_000,
      tail(output),
    );
    const exited = new Promise<number | null>((resolve) => stack.once('exit', (code) => resolve(code)));
    process.kill(stack.pid!, 'SIGTERM');
    expect(await exited).toBe(0);
    await expectNothingLeft(output);
  }, 600_000);
});
