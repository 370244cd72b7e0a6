// One data directory, one server: two processes appending to one log would interleave commits
// and corrupt it.
//
// Why not a pid file: after kill -9 or a container restart the pid in it usually belongs to some
// other live process (often pid 1), so "is that pid alive?" blocks start-up forever; and
// read-then-write lets two openers starting at the same moment both win.
//
// So the lock is held by the kernel, not by a file. On Linux it is a Unix-domain socket bound in
// the abstract namespace (a name, no file); on Windows a named pipe. Binding a name is atomic
// (EADDRINUSE = held by a live process) and the kernel frees it the moment the holder dies, however
// it dies. The name is derived from the directory's device and inode, so symlinks, bind mounts
// and different spellings of one directory all map to one lock. The holder answers a connection
// with who it is (pid, host, start time), which is what a refused opener reports. Sockets are
// close-on-exec, so a child process the server starts never inherits the lock.
//
// Abstract names live in a network namespace, so on Linux the holder also listens on a socket file
// in the directory, LOCK.sock (see acquireSocketFile): two containers that share the volume but not
// a network still exclude each other. Limits: nothing protects a directory shared between hosts
// (NFS); three openers in three namespaces taking over one stale LOCK.sock at the same moment can
// race; abstract names have no permissions, so another local user who knows the directory's inode
// can hold the name and keep the store from starting (the error then names that process).
//
// `LOCK` in the directory is only informative (who holds it, for humans): it is never trusted, so a
// stale one never blocks anything.
//
// Elsewhere (macOS, BSD: no abstract sockets) the lock is LOCK.sock alone, with the same takeover
// of a stale one (there two openers taking over one stale LOCK.sock at the same moment are
// safe, three can race). Only where even that cannot be bound (a directory path too long for a
// socket address, without /proc) is the lock the LOCK file itself, created atomically (written to
// a temporary name, then hard-linked to LOCK, which fails if it exists), and taken over only when
// its owner is verifiably gone: same host, and the pid is dead or the host has rebooted since.
// That last fallback is best effort: a LOCK whose pid now belongs to a live process blocks
// start-up (the message says to delete it), and two openers taking over one stale file at the very
// same moment can race.
import { createHash, randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

export const LOCK_FILE_NAME = 'LOCK';

/**
 * socket: the abstract socket (Linux, plus LOCK.sock) or named pipe (Windows); socket-file: LOCK.sock
 * alone (other Unixes); file: the LOCK file alone (where a socket address cannot be made).
 */
export type LockStrategy = 'socket' | 'socket-file' | 'file';

export class DataDirInUseError extends Error {
  constructor(
    readonly dir: string,
    readonly holder: string,
  ) {
    super(`Data directory ${dir} is in use by another event store (${holder}); stop it first, or use another directory`);
    this.name = 'DataDirInUseError';
  }
}

/** The directory's filesystem cannot hold a socket file (some FUSE and host-shared mounts). */
class SocketFileUnsupported extends Error {
  constructor(
    readonly dir: string,
    cause: unknown,
  ) {
    super(`${dir} cannot hold the lock socket ${SOCKET_FILE_NAME} (${(cause as Error).message})`, { cause });
  }
}

interface LockInfo {
  pid: number;
  host: string;
  started: string;
  /** Boot time of the host (ms since epoch, approximate): a pid from before a reboot is meaningless. */
  boot: number;
  token: string;
}

export function defaultLockStrategy(): LockStrategy {
  return process.platform === 'linux' || process.platform === 'win32' ? 'socket' : 'socket-file';
}

/**
 * Creates the directory if needed (0700), takes its lock or throws DataDirInUseError, and returns
 * the release function. A second open in the same process is refused like any other.
 */
export async function lockDataDir(dir: string, strategy: LockStrategy = defaultLockStrategy()): Promise<() => Promise<void>> {
  ensurePrivateDir(dir);
  // Without /proc/self/fd a directory too long for a socket address can only have the file lock.
  if (strategy === 'socket-file' && process.platform !== 'linux' && socketPathTooLong(dir)) strategy = 'file';
  if (strategy === 'file') return acquireFile(dir);
  if (strategy === 'socket-file') {
    const info = newInfo();
    const local = await acquireSocketFile(dir, info, '').catch((e: unknown) => {
      if (!(e instanceof SocketFileUnsupported)) throw e;
      console.warn(`embedded store: ${e.message}: locking with the LOCK file instead`);
      return undefined;
    });
    if (local === undefined) return acquireFile(dir);
    writeInfo(dir, info);
    return async () => {
      removeIfOurs(dir, info);
      await local.close();
    };
  }
  const st = fs.statSync(dir, { bigint: true });
  return acquireSocket(dir, `${st.dev}:${st.ino}`);
}

/** Creates `dir` 0700; tightens an existing one we own (never a shared sticky directory like /tmp). */
function ensurePrivateDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (process.platform === 'win32') return;
  try {
    const st = fs.statSync(dir);
    const ours = typeof process.getuid === 'function' && st.uid === process.getuid();
    if (ours && (st.mode & 0o077) !== 0 && (st.mode & 0o1000) === 0) fs.chmodSync(dir, st.mode & 0o700);
  } catch {
    // Best effort: the files themselves are 0600 whatever the directory allows.
  }
}

// ---- the kernel-held lock ----

function socketName(key: string): string {
  const hash = createHash('sha256').update(key).digest('hex').slice(0, 40);
  const name = `eventstore-embedded-datadir-${hash}`;
  return process.platform === 'win32' ? `\\\\?\\pipe\\${name}` : `\0${name}`;
}

async function acquireSocket(dir: string, key: string): Promise<() => Promise<void>> {
  const info = newInfo();
  const name = socketName(key);
  const global = await listen(name, info).catch(async (e: unknown) => {
    if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE')
      throw new Error(`Could not lock data directory ${dir}: ${(e as Error).message}`, { cause: e });
    throw new DataDirInUseError(dir, (await whoHolds(name)) ?? describeLockFile(dir));
  });
  let local: { server: net.Server; close: () => Promise<void> } | undefined;
  try {
    if (process.platform === 'linux') local = await acquireSocketFile(dir, info, ', in another network namespace');
  } catch (e) {
    if (e instanceof SocketFileUnsupported) {
      console.warn(`embedded store: ${e.message}: the data-directory lock covers this network namespace only`);
    } else {
      await closeServer(global);
      throw e;
    }
  }
  writeInfo(dir, info);
  return async () => {
    // Remove our LOCK before letting go: once the lock is free, LOCK may be the next holder's.
    removeIfOurs(dir, info);
    await local?.close();
    await closeServer(global);
  };
}

/** Listens on a socket that answers every connection with who holds the lock. */
async function listen(where: string, info: LockInfo): Promise<net.Server> {
  const server = net.createServer((socket) => {
    socket.on('error', () => undefined);
    socket.end(`${JSON.stringify(info)}\n`);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    // exclusive: in a cluster worker the primary would otherwise own (and share) the handle.
    server.listen({ path: where, exclusive: true }, () => resolve());
  });
  // The lock must not keep the process alive on its own.
  server.unref();
  return server;
}

function closeServer(server: net.Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

/**
 * Who holds the abstract name. A holder caught between bind and listen refuses connections for a
 * moment (and has not written LOCK yet either), so ask a few times.
 */
async function whoHolds(name: string): Promise<string | undefined> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const holder = await askHolder(name);
    if (holder.who !== undefined || holder.alive) return holder.who;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return undefined;
}

/**
 * Asks whoever listens at `where` who it is. `alive` is false only when nobody listens there
 * (the socket file of a process that died); a listener that does not answer within a second
 * is alive but anonymous.
 */
function askHolder(where: string): Promise<{ alive: boolean; who?: string }> {
  return new Promise((resolve) => {
    let text = '';
    const socket = net.connect({ path: where });
    const done = (v: { alive: boolean; who?: string }) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(v);
    };
    const timer = setTimeout(() => done({ alive: true }), 1000);
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => {
      text += d;
      if (text.length > 4096) done({ alive: true });
    });
    socket.on('end', () => done({ alive: true, who: describeInfo(parseInfo(text), 'held by') }));
    socket.on('error', (e: NodeJS.ErrnoException) => done({ alive: !(e.code === 'ECONNREFUSED' || e.code === 'ENOENT') }));
  });
}

// The abstract name is per network namespace. So that two containers sharing the volume (but not a
// network) still exclude each other, the holder also listens on a socket file in the directory: it
// can be connected to from any namespace on the host. The socket is bound and listening under a
// private name first and only then hard-linked to LOCK.sock (link fails if it exists), so LOCK.sock
// is never a socket that is bound but not yet listening: nobody listening on it means its holder is
// dead. Taking over such a stale one is serialised by the abstract lock within a namespace; across
// namespaces the stale file is first renamed away and checked again, so a live socket moved by a
// racing opener is put back.
export const SOCKET_FILE_NAME = 'LOCK.sock';

function socketPathTooLong(dir: string): boolean {
  // sun_path holds 103 bytes on macOS and BSD, 107 on Linux; the longest name used is LOCK.sock.<uuid>.stale.
  return Buffer.byteLength(path.join(dir, `${SOCKET_FILE_NAME}.${randomUUID()}.stale`)) > 100;
}

async function acquireSocketFile(
  dir: string,
  info: LockInfo,
  elsewhere: string,
): Promise<{ server: net.Server; close: () => Promise<void> }> {
  // A directory too long for a socket address is reached through its descriptor (Linux).
  let dirFd: number | undefined;
  let base = dir;
  if (socketPathTooLong(dir)) {
    dirFd = fs.openSync(dir, 'r');
    base = `/proc/self/fd/${dirFd}`;
  }
  const closeDir = () => {
    if (dirFd !== undefined) fs.closeSync(dirFd);
    dirFd = undefined;
  };
  const file = path.join(base, SOCKET_FILE_NAME);
  const own = path.join(base, `${SOCKET_FILE_NAME}.${info.token}`);
  let server: net.Server;
  try {
    server = await listen(own, info);
  } catch (e) {
    closeDir();
    // Our own unique name cannot be in use: the filesystem refuses sockets here.
    throw new SocketFileUnsupported(dir, e);
  }
  const ino = fs.statSync(own, { bigint: true }).ino;
  const giveUp = async (e: unknown): Promise<never> => {
    await closeServer(server); // libuv unlinks `own` here
    closeDir();
    throw e;
  };
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      fs.linkSync(own, file);
      fs.rmSync(own, { force: true });
      return {
        server,
        close: async () => {
          // Unlink LOCK.sock only while it is still ours, and before the socket stops listening.
          try {
            if (fs.statSync(file, { bigint: true }).ino === ino) fs.rmSync(file, { force: true });
          } catch {
            // already gone
          }
          await closeServer(server);
          closeDir();
        },
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') return giveUp(new SocketFileUnsupported(dir, e)); // no hard links here
    }
    const holder = await askHolder(file);
    if (holder.alive) return giveUp(new DataDirInUseError(dir, `${holder.who ?? describeLockFile(dir)}${elsewhere}`));
    const stale = path.join(base, `${SOCKET_FILE_NAME}.${info.token}.stale`);
    try {
      fs.renameSync(file, stale);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue; // someone else moved it: look again
      return giveUp(e);
    }
    const moved = await askHolder(stale);
    if (moved.alive) {
      // Another opener took over between our look and our rename: give its socket back.
      try {
        fs.linkSync(stale, file);
      } catch {
        // a third opener is there now; it will find the holder alive
      }
      fs.rmSync(stale, { force: true });
      return giveUp(new DataDirInUseError(dir, `${moved.who ?? describeLockFile(dir)}${elsewhere}`));
    }
    fs.rmSync(stale, { force: true });
  }
  return giveUp(new DataDirInUseError(dir, `${describeLockFile(dir)}; its lock socket ${path.join(dir, SOCKET_FILE_NAME)} keeps changing`));
}

// ---- LOCK: who holds the directory, for humans (and the lock itself in the fallback) ----

function newInfo(): LockInfo {
  return {
    pid: process.pid,
    host: os.hostname(),
    started: new Date().toISOString(),
    boot: Math.round(Date.now() - os.uptime() * 1000),
    token: randomUUID(),
  };
}

function writeInfo(dir: string, info: LockInfo): void {
  const file = path.join(dir, LOCK_FILE_NAME);
  // We hold the lock, so a temporary LOCK.<token> here is left over from a crash mid-write. (Not
  // LOCK.sock.<token>: that may be another namespace's opener checking a socket it moved.)
  for (const entry of safeReaddir(dir)) if (TEMP_LOCK.test(entry)) fs.rmSync(path.join(dir, entry), { force: true });
  const tmp = `${file}.${info.token}`;
  try {
    fs.writeFileSync(tmp, `${JSON.stringify(info)}\n`, { mode: 0o600 });
    fs.renameSync(tmp, file);
  } catch {
    // Informative only: a read-only LOCK must not stop a server that holds the real lock.
    fs.rmSync(tmp, { force: true });
  }
}

const TEMP_LOCK = /^LOCK\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function safeReaddir(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}

function parseInfo(text: string | undefined): Partial<LockInfo> | undefined {
  if (text === undefined) return undefined;
  try {
    const v = JSON.parse(text) as unknown;
    if (typeof v === 'object' && v !== null) return v as Partial<LockInfo>;
    if (typeof v === 'number') return { pid: v }; // the old format: a bare pid
  } catch {
    // torn or foreign content
  }
  return {};
}

function describeInfo(info: Partial<LockInfo> | undefined, prefix: string): string | undefined {
  if (info === undefined || typeof info.pid !== 'number') return undefined;
  const host = typeof info.host === 'string' ? ` on ${info.host}` : '';
  const since = typeof info.started === 'string' ? ` since ${info.started}` : '';
  return `${prefix} pid ${info.pid}${host}${since}`;
}

function describeLockFile(dir: string): string {
  return describeInfo(parseInfo(readText(path.join(dir, LOCK_FILE_NAME))), 'LOCK says') ?? 'held by a process that did not say who it is';
}

function removeIfOurs(dir: string, info: LockInfo): void {
  if (parseInfo(readText(path.join(dir, LOCK_FILE_NAME)))?.token === info.token) fs.rmSync(path.join(dir, LOCK_FILE_NAME), { force: true });
}

function readText(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

// ---- fallback: an atomically created LOCK file with owner verification ----

async function acquireFile(dir: string): Promise<() => Promise<void>> {
  const file = path.join(dir, LOCK_FILE_NAME);
  for (let attempt = 0; ; attempt++) {
    const info = newInfo();
    const tmp = `${file}.${info.token}`;
    fs.writeFileSync(tmp, `${JSON.stringify(info)}\n`, { mode: 0o600 });
    try {
      fs.linkSync(tmp, file); // atomic: fails with EEXIST if LOCK exists, and LOCK is never half-written
      return async () => removeIfOurs(dir, info);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    } finally {
      fs.rmSync(tmp, { force: true });
    }
    const text = readText(file);
    if (text === undefined) continue; // removed in between: try again
    if (attempt >= 3 || !ownerIsGone(text))
      throw new DataDirInUseError(dir, `${describeLockFile(dir)}; if no server runs there, delete ${file}`);
    // Stale: remove it, unless it changed since we judged it.
    if (readText(file) === text) fs.rmSync(file, { force: true });
  }
}

function ownerIsGone(text: string): boolean {
  const parsed = parseInfo(text);
  // A bare number is the old format: a pid written on this host.
  const info =
    parsed !== undefined && parsed.host === undefined && Object.keys(parsed).length === 1 ? { ...parsed, host: os.hostname() } : parsed;
  if (info === undefined || typeof info.pid !== 'number' || !Number.isInteger(info.pid) || info.pid <= 0) return false; // not ours to judge
  if (info.host !== os.hostname()) return false; // cannot check a process on another host
  const boot = Date.now() - os.uptime() * 1000;
  if (typeof info.boot === 'number' && Math.abs(info.boot - boot) > 60_000) return true; // rebooted since
  // Our own pid: this process holds it (a second open here is refused like any other), or, rarely,
  // an earlier process had our pid; either way not provably stale.
  if (info.pid === process.pid) return false;
  try {
    process.kill(info.pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
