// The data-directory lock (issue 8, point 6): a stale LOCK never blocks start-up, two processes
// never open one directory (not even at the same moment), and a killed holder frees it at once.
import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { linkSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { hostname, tmpdir, uptime } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { createStore } from '../src/core/store.js';
import type { Store } from '../src/core/types.js';
import { DataDirInUseError, lockDataDir } from '../src/storage/lock.js';

const CHILD = fileURLToPath(new URL('./fixtures/storage-lock-child.ts', import.meta.url));
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const TRIALS = 20;

const dirs: string[] = [];
const stores: Store[] = [];
const children: Child[] = [];
afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close()));
});
afterAll(() => {
  for (const c of children) c.kill();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function freshDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'es-lock-'));
  dirs.push(d);
  return d;
}

async function open(dataDir: string): Promise<Store> {
  const s = await createStore({ dataDir });
  stores.push(s);
  return s;
}

type Mode = 'store' | 'socket-file' | 'file';

interface Answer {
  won?: boolean;
  closed?: boolean;
  name?: string;
  message?: string;
}

/** A child process that opens directories on command (fixtures/storage-lock-child.ts). */
class Child {
  readonly pid: Promise<number>;
  private readonly proc: ChildProcessWithoutNullStreams;
  private readonly waiting: ((a: Answer & { pid?: number }) => void)[] = [];
  private stderr = '';
  readonly exited: Promise<void>;

  /** `ownNetwork`: in a network namespace of its own, where our abstract socket names are not seen. */
  constructor(mode: Mode = 'store', ownNetwork = false) {
    const command = [process.execPath, '--import', TSX, CHILD, mode];
    this.proc = ownNetwork
      ? spawn('unshare', ['--net', ...command], { stdio: 'pipe' })
      : spawn(command[0], command.slice(1), { stdio: 'pipe' });
    this.proc.stderr.on('data', (d: Buffer) => (this.stderr += d.toString()));
    let buffered = '';
    this.proc.stdout.on('data', (d: Buffer) => {
      buffered += d.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) this.waiting.shift()?.(JSON.parse(line) as Answer);
    });
    this.exited = new Promise((resolve) => this.proc.on('exit', () => resolve()));
    this.proc.on('exit', () => {
      for (const w of this.waiting.splice(0)) w({ won: false, message: `child exited; stderr: ${this.stderr}` });
    });
    this.pid = this.next().then((a) => a.pid!);
    children.push(this);
  }

  private next(): Promise<Answer & { pid?: number }> {
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** Sends a command; the answer comes back in order. */
  send(command: string): Promise<Answer> {
    const answer = this.next();
    this.proc.stdin.write(`${command}\n`);
    return answer;
  }

  kill(signal: NodeJS.Signals = 'SIGTERM'): void {
    if (this.proc.exitCode === null && this.proc.signalCode === null) this.proc.kill(signal);
  }
}

/** Two children told to open one fresh directory in the same tick, `TRIALS` times over. */
async function raceTrials(mode: Mode, secondOwnNetwork = false, makeDir = freshDir): Promise<void> {
  const a = new Child(mode);
  const b = new Child(mode, secondOwnNetwork);
  const pids = await Promise.all([a.pid, b.pid]);
  for (let trial = 0; trial < TRIALS; trial++) {
    const dir = makeDir();
    const answers = await Promise.all([a.send(`open ${dir}`), b.send(`open ${dir}`)]);
    const winners = answers.flatMap((x, i) => (x.won === true ? [i] : []));
    expect(winners, `trial ${trial}: ${JSON.stringify(answers)}`).toHaveLength(1);
    const w = winners[0];
    const loser = answers[1 - w];
    expect(loser.name, loser.message).toBe('DataDirInUseError');
    expect(loser.message).toContain(dir);
    expect(loser.message, `loser: ${loser.message}`).toContain(`pid ${pids[w]}`);
    expect(await [a, b][w].send('close')).toEqual({ closed: true });
  }
  a.kill();
  b.kill();
}

/** A directory holding a socket file nobody listens on, as a killed holder leaves it: bind, link, close. */
async function dirWithStaleSocket(): Promise<string> {
  const dir = freshDir();
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(join(dir, 'bound'), resolve));
  linkSync(join(dir, 'bound'), join(dir, 'LOCK.sock'));
  await new Promise<void>((resolve) => server.close(() => resolve()));
  expect(readdirSync(dir)).toEqual(['LOCK.sock']);
  return dir;
}

describe('data directory lock', () => {
  it('never lets a stale LOCK block start-up, whatever it says', async () => {
    const dir = freshDir();
    const boot = Math.round(Date.now() - uptime() * 1000);
    const stale = [
      '1', // the old pid file, naming a process that is always alive
      String(process.pid), // our own pid
      '2147483646', // a pid that cannot exist
      JSON.stringify({ pid: 1, host: hostname(), started: new Date().toISOString(), boot, token: 'x' }),
      'garbage \u0000\n',
      '',
    ];
    for (const text of stale) {
      writeFileSync(join(dir, 'LOCK'), text);
      const s = await open(dir);
      // While it runs, LOCK says who holds the directory.
      expect(JSON.parse(readFileSync(join(dir, 'LOCK'), 'utf8'))).toMatchObject({ pid: process.pid, host: hostname() });
      await stores.pop()!.close();
      expect(() => readFileSync(join(dir, 'LOCK'))).toThrow(/ENOENT/);
      expect(s).toBeDefined();
    }
  });

  it('refuses a second open in the same process, under any spelling of the directory, and reopens after close', async () => {
    const dir = freshDir();
    const link = join(freshDir(), 'link');
    symlinkSync(dir, link);
    const s = await open(dir);
    await s.append('a', { kind: 'any' }, [
      { eventId: crypto.randomUUID(), type: 'T', isJson: true, data: Buffer.from('{}'), metadata: Buffer.alloc(0) },
    ]);
    for (const spelling of [dir, `${dir}/`, join(dir, '..', dir.split('/').pop()!), link]) {
      const err = await createStore({ dataDir: spelling }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(DataDirInUseError);
      expect((err as Error).message).toContain(resolve(spelling));
      expect((err as Error).message).toContain(`pid ${process.pid}`);
    }
    await stores.pop()!.close();
    const again = await open(link);
    expect(again.streamState('a').lastRevision).toBe(0n);
  });

  it(`lets exactly one of two processes opening at the same moment win, ${TRIALS} times`, async () => {
    await raceTrials('store');
  }, 120_000);

  it('is free the moment its holder is killed with SIGKILL, even with its LOCK left behind or rewritten', async () => {
    const dir = freshDir();
    const child = new Child();
    const pid = await child.pid;
    expect(await child.send(`open ${dir}`)).toEqual({ won: true });
    await expect(createStore({ dataDir: dir })).rejects.toThrow(new RegExp(`in use by another event store \\(held by pid ${pid} on `));
    child.kill('SIGKILL');
    await child.exited;
    // What kill -9 leaves behind is the dead child's LOCK; the first attempt after its exit succeeds.
    expect(JSON.parse(readFileSync(join(dir, 'LOCK'), 'utf8'))).toMatchObject({ pid });
    const s = await open(dir);
    await stores.pop()!.close();
    expect(s).toBeDefined();

    // The same after `echo 1 > LOCK` (pid 1 is alive: the old pid-file lock blocked forever here).
    const second = new Child();
    expect(await second.send(`open ${dir}`)).toEqual({ won: true });
    second.kill('SIGKILL');
    await second.exited;
    writeFileSync(join(dir, 'LOCK'), '1\n');
    await open(dir);
  }, 60_000);

  it('leaves the directory usable after a refused open (the loser holds nothing)', async () => {
    const dir = freshDir();
    const first = await open(dir);
    await expect(open(dir)).rejects.toBeInstanceOf(DataDirInUseError);
    await stores.pop()!.close();
    expect(first).toBeDefined();
    await open(dir);
  });
});

describe('data directory lock across network namespaces (containers sharing a volume)', () => {
  it(`lets exactly one of two processes in different network namespaces win, ${TRIALS} times`, async () => {
    await raceTrials('store', true);
  }, 120_000);

  it('does the same for a directory whose path is too long for a socket address', async () => {
    await raceTrials('store', true, () => {
      const d = join(freshDir(), 'a-directory-name-long-enough-to-push-the-socket-path-past-the-107-bytes-of-sun-path');
      mkdirSync(d);
      return d;
    });
  }, 120_000);

  it(`lets exactly one win when both find a stale socket file and take it over at once, ${TRIALS} times`, async () => {
    const stale: string[] = [];
    for (let i = 0; i < TRIALS; i++) stale.push(await dirWithStaleSocket());
    await raceTrials('store', true, () => stale.shift()!);
  }, 120_000);

  it('takes over the socket file a killed holder left behind, from either namespace', async () => {
    const dir = freshDir();
    for (const ownNetwork of [true, false, true]) {
      const child = new Child('store', ownNetwork);
      const pid = await child.pid;
      expect(await child.send(`open ${dir}`)).toEqual({ won: true });
      await expect(createStore({ dataDir: dir })).rejects.toThrow(`held by pid ${pid}`);
      child.kill('SIGKILL');
      await child.exited;
      expect(readdirSync(dir)).toContain('LOCK.sock'); // left behind, stale
    }
    const s = await open(dir);
    expect(s).toBeDefined();
    const other = new Child('store', true);
    const answer = await other.send(`open ${dir}`);
    expect(answer.name).toBe('DataDirInUseError');
    expect(answer.message).toContain(`held by pid ${process.pid}`);
  }, 60_000);
});

describe('a filesystem that cannot hold a socket file (some FUSE and host-shared mounts)', () => {
  it('falls back to the abstract lock alone, says so, and still refuses a second opener', async () => {
    // A read-only bind mount refuses to create LOCK.sock, as such filesystems do.
    const base = freshDir();
    const ro = join(base, 'ro');
    mkdirSync(join(base, 'src'));
    mkdirSync(ro);
    execFileSync('mount', ['--bind', join(base, 'src'), ro]);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      execFileSync('mount', ['-o', 'remount,bind,ro', ro]);
      const release = await lockDataDir(ro, 'socket');
      expect(warn.mock.calls.map((c) => String(c[0]))).toEqual([
        expect.stringMatching(
          new RegExp(
            `^embedded store: ${ro} cannot hold the lock socket LOCK.sock \\(listen EROFS.*: the data-directory lock covers this network namespace only$`,
          ),
        ),
      ]);
      await expect(lockDataDir(ro, 'socket')).rejects.toThrow(`held by pid ${process.pid}`);
      await release();
      await (
        await lockDataDir(ro, 'socket')
      )();
    } finally {
      warn.mockRestore();
      execFileSync('umount', [ro]);
    }
  });
});

describe('socket file alone (macOS, BSD: no abstract sockets)', () => {
  it(`lets exactly one of two processes opening at the same moment win, with and without a stale socket file, ${TRIALS} times each`, async () => {
    await raceTrials('socket-file');
    const stale: string[] = [];
    for (let i = 0; i < TRIALS; i++) stale.push(await dirWithStaleSocket());
    await raceTrials('socket-file', false, () => stale.shift()!);
  }, 120_000);

  it('ignores a stale LOCK, refuses while held, and is free the moment its holder is killed', async () => {
    const dir = freshDir();
    writeFileSync(join(dir, 'LOCK'), '1');
    const child = new Child('socket-file');
    const pid = await child.pid;
    expect(await child.send(`open ${dir}`)).toEqual({ won: true });
    await expect(lockDataDir(dir, 'socket-file')).rejects.toThrow(`in use by another event store (held by pid ${pid} on `);
    child.kill('SIGKILL');
    await child.exited;
    const release = await lockDataDir(dir, 'socket-file');
    await expect(lockDataDir(dir, 'socket-file')).rejects.toThrow(`held by pid ${process.pid}`);
    await release();
    expect(readdirSync(dir)).toEqual([]);
  }, 60_000);
});

describe('fallback lock file (platforms without abstract sockets)', () => {
  it('takes over a LOCK whose process is gone and refuses one whose process lives, naming it', async () => {
    const dir = freshDir();
    writeFileSync(join(dir, 'LOCK'), '2147483646');
    const release = await lockDataDir(dir, 'file');
    expect(JSON.parse(readFileSync(join(dir, 'LOCK'), 'utf8'))).toMatchObject({ pid: process.pid });
    await expect(lockDataDir(dir, 'file')).rejects.toThrow(new RegExp(`in use by another event store \\(LOCK says pid ${process.pid}`));
    await release();
    expect(() => readFileSync(join(dir, 'LOCK'))).toThrow(/ENOENT/);
    // A rebooted host: any pid in a LOCK from before the boot is stale.
    writeFileSync(join(dir, 'LOCK'), JSON.stringify({ pid: 1, host: hostname(), boot: 0, token: 't' }));
    await (
      await lockDataDir(dir, 'file')
    )();
    // A live pid cannot be told from a live holder: refused, with the way out in the message.
    writeFileSync(join(dir, 'LOCK'), '1');
    await expect(lockDataDir(dir, 'file')).rejects.toThrow(`if no server runs there, delete ${join(dir, 'LOCK')}`);
  });

  it(`lets exactly one of two processes creating it at the same moment win, ${TRIALS} times`, async () => {
    await raceTrials('file');
  }, 120_000);
});
