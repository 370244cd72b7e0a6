// Where log bytes live. The file backend is the durable one; the memory backend gives `--mem`
// the very same code path (framing, group commit, recovery) without touching the disk.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { lockDataDir } from './lock.js';

const writeAsync = promisify(fs.write);
const fdatasyncAsync = promisify(fs.fdatasync);
const closeAsync = promisify(fs.close);

export interface LogBackend {
  /** What to call it in messages: the file's path, or a label for memory. */
  readonly name: string;
  /** Bytes currently stored. */
  size(): number;
  /** Synchronous positional read; returns bytes read (page-cache reads are cheaper than a thread-pool hop). */
  readInto(target: Buffer, targetOffset: number, length: number, position: number): number;
  write(data: Buffer, position: number): Promise<void>;
  /** Makes everything written so far durable. */
  sync(): Promise<void>;
  /** Start-up only: cut a torn tail. */
  truncate(size: number): void;
  close(): Promise<void>;
}

export class FileBackend implements LogBackend {
  private constructor(
    readonly name: string,
    private readonly fd: number,
    private bytes: number,
    private readonly unlock: () => Promise<void>,
  ) {}

  /** Locks the file's directory (see lock.ts) and opens the file, creating both private to the owner. */
  static async open(file: string): Promise<FileBackend> {
    const unlock = await lockDataDir(path.dirname(file));
    let fd: number | undefined;
    try {
      const existed = fs.existsSync(file);
      fd = fs.openSync(file, existed ? 'r+' : 'w+', 0o600);
      // Events are private data: a file created looser (older versions, a copy) is tightened.
      const mode = fs.fstatSync(fd).mode;
      if (process.platform !== 'win32' && (mode & 0o077) !== 0) fs.fchmodSync(fd, mode & 0o700);
      if (!existed) {
        // Make the new directory entry itself durable, or a crash could lose the whole file.
        const dirFd = fs.openSync(path.dirname(file), 'r');
        try {
          fs.fsyncSync(dirFd);
        } finally {
          fs.closeSync(dirFd);
        }
      }
      return new FileBackend(file, fd, fs.fstatSync(fd).size, unlock);
    } catch (e) {
      if (fd !== undefined) fs.closeSync(fd);
      await unlock();
      throw e;
    }
  }

  size(): number {
    return this.bytes;
  }

  readInto(target: Buffer, targetOffset: number, length: number, position: number): number {
    let done = 0;
    while (done < length) {
      const n = fs.readSync(this.fd, target, targetOffset + done, length - done, position + done);
      if (n === 0) break;
      done += n;
    }
    return done;
  }

  async write(data: Buffer, position: number): Promise<void> {
    let done = 0;
    while (done < data.length) {
      const { bytesWritten } = await writeAsync(this.fd, data, done, data.length - done, position + done);
      done += bytesWritten;
    }
    this.bytes = Math.max(this.bytes, position + data.length);
  }

  async sync(): Promise<void> {
    await fdatasyncAsync(this.fd);
  }

  truncate(size: number): void {
    fs.ftruncateSync(this.fd, size);
    fs.fsyncSync(this.fd);
    this.bytes = size;
  }

  async close(): Promise<void> {
    await closeAsync(this.fd);
    await this.unlock();
  }
}

export class MemoryBackend implements LogBackend {
  readonly name: string = 'in-memory log';
  private buf = Buffer.alloc(1 << 20);
  private bytes = 0;

  size(): number {
    return this.bytes;
  }

  readInto(target: Buffer, targetOffset: number, length: number, position: number): number {
    const n = Math.max(0, Math.min(length, this.bytes - position));
    this.buf.copy(target, targetOffset, position, position + n);
    return n;
  }

  async write(data: Buffer, position: number): Promise<void> {
    const end = position + data.length;
    if (end > this.buf.length) {
      let cap = this.buf.length;
      while (cap < end) cap *= 2;
      const next = Buffer.alloc(cap);
      this.buf.copy(next, 0, 0, this.bytes);
      this.buf = next;
    }
    data.copy(this.buf, position);
    this.bytes = Math.max(this.bytes, end);
  }

  async sync(): Promise<void> {}

  truncate(size: number): void {
    this.bytes = size;
  }

  async close(): Promise<void> {
    this.buf = Buffer.alloc(0);
    this.bytes = 0;
  }
}
