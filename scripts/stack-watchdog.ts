// Stops whatever scripts/stack.ts started once the stack is gone, however it went: even
// `kill -9`, which gives the stack no chance to stop anything itself.
//
// Why a process of its own: a SIGKILLed process runs no code, and on its death nothing reaches
// its children by itself. Next.js (and the processes it forks) and the worker don't watch their
// parent; PostgreSQL's postmaster watches nothing at all. So the stack starts this watchdog
// first, detached (own session: a terminal Ctrl-C or a kill of npm's process group doesn't reach
// it), with stdin a pipe whose only writer is the stack. The kernel closes that pipe when the stack
// dies by any means, so end-of-file here means "the stack is gone", with no polling and no pid
// that could be reused.
//
// Protocol on stdin, one line each, sent as the stack starts things:
//   group <pid> <name>   a child started as the leader of its own process group
//   postgres <dir>       an embedded PostgreSQL data directory (its postmaster.pid says the pid)
//   clear                the stack stopped everything itself: forget it all (no pid can be reused)
// On end-of-file: in reverse start order (Next, worker, services), SIGTERM each whole group, but
// only the leader of the services (they stop their PostgreSQL in order), wait, then SIGKILL what is
// left of the group. A PostgreSQL still running on a recorded directory once the services process
// is gone (it was killed too) gets a fast shutdown (SIGINT), then immediate (SIGQUIT), then SIGKILL,
// so it is not SIGKILLed with the group when a clean stop is possible. After a clean stop of the stack
// all of this finds nothing left and the watchdog just exits.
//
// Not covered: the watchdog itself being SIGKILLed too (e.g. `kill -9` of every process). Then
// the next start says which PostgreSQL pid still holds the data directory.

import readline from 'node:readline';
import { setTimeout as delay } from 'node:timers/promises';
import { postmasterPid } from '@/lib/db/postmaster-pid';

const GRACE_MS = 15_000;

type Group = { pid: number; name: string };
const groups: Group[] = [];
const postgresDirs: string[] = [];

function log(message: string) {
  console.error(`[watchdog] ${message}`);
}

function send(target: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(target, signal);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function gone(check: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (check()) {
    if (Date.now() > deadline) return false;
    await delay(100);
  }
  return true;
}

async function stopGroup({ pid, name }: Group) {
  const alive = () => send(-pid, 0);
  if (!alive()) return;
  log(`stopping ${name} (process group ${pid})`);
  if (name === 'services') {
    // It stops its servers in order itself; if it is dead already, PostgreSQL (same group) is next.
    send(pid, 'SIGTERM');
    await gone(() => send(pid, 0), GRACE_MS);
    for (const dir of postgresDirs) await stopPostgres(dir);
  } else {
    send(-pid, 'SIGTERM');
  }
  if (!(await gone(alive, GRACE_MS))) {
    log(`${name} did not stop within ${GRACE_MS / 1000}s; killing it`);
    send(-pid, 'SIGKILL');
    await gone(alive, 5_000);
  }
}

async function stopPostgres(dir: string) {
  for (const [signal, ms] of [
    ['SIGINT', GRACE_MS],
    ['SIGQUIT', 5_000],
    ['SIGKILL', 5_000],
  ] as const) {
    const pid = postmasterPid(dir);
    if (pid === undefined) return;
    log(`PostgreSQL (pid ${pid}) on ${dir} still running: ${signal}`);
    send(pid, signal);
    await gone(() => postmasterPid(dir) === pid, ms);
  }
}

async function cleanUp() {
  for (const group of [...groups].reverse()) await stopGroup(group);
  for (const dir of postgresDirs) await stopPostgres(dir);
  process.exit(0);
}

// Only the end of stdin means anything; a Ctrl-C meant for the stack must not stop us early.
for (const signal of ['SIGINT', 'SIGHUP'] as const) process.on(signal, () => {});

readline
  .createInterface({ input: process.stdin })
  .on('line', (line) => {
    const [kind, ...rest] = line.split(' ');
    if (kind === 'group') {
      const pid = Number(rest[0]);
      if (Number.isInteger(pid) && pid > 1) groups.push({ pid, name: rest.slice(1).join(' ') || String(pid) });
    } else if (kind === 'postgres' && rest.length > 0) {
      postgresDirs.push(rest.join(' '));
    } else if (kind === 'clear') {
      groups.length = 0;
      postgresDirs.length = 0;
    }
  })
  .on('close', () => void cleanUp());
