// npm 11 answers SIGTERM by signalling only the `sh -c` that runs a script, which dies without
// passing it on. Long-running entry points started by npm notice their parent is gone and stop
// (lib/when-parent-exits.ts, and its self-contained copy in embedded/src/cli.ts).

import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../support/free-port';

const root = fileURLToPath(new URL('../..', import.meta.url));
const started: ChildProcess[] = [];

/** Spawns in a process group of its own, so the test can tell whether anything of it is left. */
function spawnGroup(command: string, args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  const child = spawn(command, args, { cwd: root, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  started.push(child);
  return child;
}

function groupAlive(child: ChildProcess): boolean {
  try {
    process.kill(-child.pid!, 0);
    return true;
  } catch {
    return false;
  }
}

/** Every stdout and stderr line of the child, collected as they come. */
function lines(child: ChildProcess): string[] {
  const seen: string[] = [];
  for (const stream of [child.stdout!, child.stderr!]) readline.createInterface({ input: stream }).on('line', (l) => seen.push(l));
  return seen;
}

async function waitFor(what: string, condition: () => boolean, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

afterEach(() => {
  for (const child of started.splice(0)) {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

describe('entry points started by npm stop when npm is terminated', () => {
  it('`npm run eventstore`: SIGTERM to npm stops the server cleanly and frees its port', async () => {
    const port = await freePort();
    const npm = spawnGroup('npm', ['run', 'eventstore', '--', '--mem', '--port', String(port)], process.env);
    const output = lines(npm);
    await waitFor('the connection string', () => output.some((l) => l.includes(`esdb://127.0.0.1:${port}`)));
    expect(await portOpen(port)).toBe(true);

    process.kill(npm.pid!, 'SIGTERM'); // npm alone, as a process manager or `kill` would

    await waitFor('every process of the script to exit', () => !groupAlive(npm));
    expect(await portOpen(port)).toBe(false);
    expect(output.join('\n')).toMatch(/npm is gone, stopping/);
  });

  const watcher = (env: NodeJS.ProcessEnv) =>
    // `; true` keeps sh as the watcher's parent (no exec of a lone command)
    spawnGroup('sh', ['-c', `"${process.execPath}" --import tsx tests/stack/fixtures/watch-parent.ts; true`], env);

  it('whenParentExits: under npm, the parent shell dying is noticed', async () => {
    const sh = watcher({ ...process.env, npm_lifecycle_event: 'test' });
    const output = lines(sh);
    await waitFor('the watcher to start', () => output.includes('ready'));
    process.kill(sh.pid!, 'SIGTERM');
    await waitFor('the watcher to notice', () => output.includes('parent gone'));
    await waitFor('the group to be empty', () => !groupAlive(sh));
    expect(output).not.toContain('orphaned, still running');
  });

  it('whenParentExits: outside npm a new parent is left alone (nohup, detached shells)', async () => {
    const env = { ...process.env };
    delete env.npm_lifecycle_event;
    const sh = watcher(env);
    const output = lines(sh);
    await waitFor('the watcher to start', () => output.includes('ready'));
    process.kill(sh.pid!, 'SIGTERM');
    await waitFor('the watcher to have seen its new parent', () => output.includes('orphaned, still running'));
    expect(groupAlive(sh)).toBe(true);
    expect(output).not.toContain('parent gone');
  });
});
