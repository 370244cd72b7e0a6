// The append-only log: a file header, then records (record-codec.ts) back to back.
//
// Appends get their offset synchronously (so the caller's commit check and index reservation
// happen in the same tick, which serialises concurrent appenders) and are acknowledged only
// after fdatasync. Group commit: while one write+sync runs, new commits queue up and all of
// them go out in the next single write+sync.
import type { LogBackend } from './backend.js';
import { checkRecord, recordLength, HEADER_SIZE } from './record-codec.js';
import { LogCorruptError, recover, type RecordVisitor } from './recovery.js';

export { LogCorruptError, type RecordVisitor } from './recovery.js';

const MAGIC = Buffer.from('ESEMBLOG', 'ascii');
const FORMAT_VERSION = 1;
/** First record offset. Non-zero, so no real record ever gets `$all` position 0. */
export const LOG_START = 16;

/** One group commit writes at most this much (plus one commit), which bounds what a crash can tear. */
const MAX_GROUP_BYTES = 16 * 1024 * 1024;
/**
 * A crash can only damage bytes written after the last fsync: at most one group (plus the one
 * commit that may exceed it). A damaged region larger than this is not a torn write.
 */
export const MAX_TORN_TAIL = 2 * MAX_GROUP_BYTES;

interface PendingCommit {
  offset: number;
  buf: Buffer;
  onDurable: () => void;
  resolve: () => void;
  reject: (e: unknown) => void;
}

export class Log {
  /** Offset where the next commit goes (includes commits not yet durable). */
  private reserved: number;
  /** Bytes handed to the backend and readable from it. */
  private written: number;
  /** Bytes made durable. */
  private durable: number;
  private queue: PendingCommit[] = [];
  /** Commits not yet readable from the backend (queued or being written), for reads of pending records. */
  private unwritten: PendingCommit[] = [];
  private flushing = false;
  private failure: unknown;
  private durableWaiters: { pos: number; resolve: () => void; reject: (e: unknown) => void }[] = [];
  private closed = false;
  private backendClosed = false;

  private constructor(
    private readonly backend: LogBackend,
    end: number,
  ) {
    this.reserved = this.written = this.durable = end;
  }

  /**
   * Opens a log, replaying every complete commit from offset `from` on (a commit boundary: the
   * start, or where a verified index snapshot ends) to `visit`. A torn tail (recovery.ts) is cut
   * off, with a warning; any other damage throws LogCorruptError and leaves the file as it is.
   */
  static async open(backend: LogBackend, visit: RecordVisitor, from = LOG_START): Promise<{ log: Log; truncatedBytes: number }> {
    const size = backend.size();
    const header = Buffer.alloc(LOG_START);
    MAGIC.copy(header, 0);
    header.writeUInt32LE(FORMAT_VERSION, 8);
    const found = Buffer.alloc(Math.min(size, LOG_START));
    backend.readInto(found, 0, found.length, 0);
    const bad = firstDifference(found, header);
    if (size < LOG_START) {
      // New log, or a crash while its header was being written (before anything could have been
      // acknowledged): then what is there is a prefix of the header, or zeros. Anything else is
      // not ours to overwrite.
      if (bad !== undefined && found.some((b) => b !== 0)) throw badHeader(backend, bad, size);
      backend.truncate(0);
      await backend.write(header, 0);
      await backend.sync();
      return { log: new Log(backend, LOG_START), truncatedBytes: 0 };
    }
    if (bad !== undefined) throw badHeader(backend, bad, size);
    if (from < LOG_START || from > size) throw new Error(`Log.open: cannot resume at ${from} in a log of ${size} bytes`);
    const end = recover(backend, from, size, MAX_TORN_TAIL, visit);
    if (end < size) {
      backend.truncate(end);
      console.warn(
        `embedded store: ${backend.name}: cut ${size - end} bytes of a torn write at byte offset ${end} (an unfinished commit from a crash)`,
      );
    }
    return { log: new Log(backend, end), truncatedBytes: size - end };
  }

  /** Offset of the end of everything appended, durable or not. */
  get end(): number {
    return this.reserved;
  }

  get durableEnd(): number {
    return this.durable;
  }

  /**
   * Appends one commit. Its offset is fixed immediately; `onDurable` runs after sync, in log order,
   * before the returned promise resolves.
   */
  append(buf: Buffer, onDurable: () => void): { offset: number; done: Promise<void> } {
    if (this.closed) throw new Error('Log is closed');
    if (this.failure !== undefined) throw this.failure;
    const offset = this.reserved;
    this.reserved += buf.length;
    let resolve!: () => void;
    let reject!: (e: unknown) => void;
    const done = new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    const pending: PendingCommit = { offset, buf, onDurable, resolve, reject };
    this.queue.push(pending);
    this.unwritten.push(pending);
    void this.flush();
    return { offset, done };
  }

  /** Resolves once every byte before `pos` is durable (idempotent retries of a pending commit wait here). */
  whenDurable(pos: number): Promise<void> {
    if (pos < this.durable) return Promise.resolve();
    if (this.failure !== undefined) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => this.durableWaiters.push({ pos, resolve, reject }));
  }

  /** Reads `length` bytes at `pos`; may return fewer at the end of the log. Pending commits are readable too. */
  read(pos: number, length: number): Buffer {
    // A reader still iterating after close must not read through a recycled file descriptor.
    if (this.backendClosed) throw new Error('Log is closed');
    if (pos >= this.written) {
      for (const p of this.unwritten) {
        if (pos >= p.offset && pos < p.offset + p.buf.length) {
          return p.buf.subarray(pos - p.offset, Math.min(p.buf.length, pos - p.offset + length));
        }
      }
      return Buffer.alloc(0);
    }
    const n = Math.min(length, this.written - pos);
    const out = Buffer.allocUnsafe(n);
    const got = this.backend.readInto(out, 0, n, pos);
    return got === n ? out : out.subarray(0, got);
  }

  /** Reads the whole record at `pos` (validated). */
  readRecord(pos: number): Buffer {
    // Most records are a few hundred bytes; under 4 KiB Node serves the buffer from its pool.
    let buf = this.read(pos, 1024);
    if (buf.length < HEADER_SIZE) throw new Error(`No record at position ${pos}`);
    const len = recordLength(buf, 0);
    if (len > buf.length) buf = this.read(pos, len);
    const check = checkRecord(buf, 0);
    if (!check.ok) throw new Error(`Corrupt record at position ${pos}: ${check.reason}`);
    return buf;
  }

  /** Resolves once every commit appended so far is durable (or has failed). */
  async idle(): Promise<void> {
    while (this.flushing || this.queue.length > 0) {
      await this.whenDurable(this.reserved - 1).catch(() => undefined);
    }
  }

  /** Whether everything appended is durable: nothing queued, nothing being written, no failure. */
  get isIdle(): boolean {
    return !this.flushing && this.queue.length === 0 && this.failure === undefined && this.durable === this.reserved;
  }

  /** Waits for in-flight commits, then closes the backend. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.idle();
    this.backendClosed = true;
    await this.backend.close();
  }

  private async flush(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    let batch: PendingCommit[] = [];
    try {
      while (this.queue.length > 0) {
        let bytes = 0;
        let n = 0;
        while (n < this.queue.length && (n === 0 || bytes + this.queue[n].buf.length <= MAX_GROUP_BYTES)) {
          bytes += this.queue[n++].buf.length;
        }
        batch = this.queue.splice(0, n);
        const first = batch[0].offset;
        const data = batch.length === 1 ? batch[0].buf : Buffer.concat(batch.map((p) => p.buf));
        await this.backend.write(data, first);
        this.written = first + data.length;
        this.unwritten.splice(0, batch.length);
        await this.backend.sync();
        this.durable = this.written;
        for (const p of batch) {
          // A listener throwing must not stop the acknowledgements of the rest of the batch.
          try {
            p.onDurable();
          } catch (e) {
            console.error('embedded store: commit callback failed', e);
          }
          p.resolve();
        }
        batch = [];
        this.releaseWaiters();
      }
    } catch (e) {
      // A failed write or fsync leaves the file in an unknown state: refuse everything from now on
      // rather than acknowledge commits that may not be durable.
      this.failure = e instanceof Error ? e : new Error(String(e));
      const failed = new Set([...batch, ...this.unwritten.splice(0), ...this.queue.splice(0)]);
      for (const p of failed) p.reject(this.failure);
      for (const w of this.durableWaiters.splice(0)) w.reject(this.failure);
    } finally {
      this.flushing = false;
    }
  }

  private releaseWaiters(): void {
    if (this.durableWaiters.length === 0) return;
    const still: typeof this.durableWaiters = [];
    for (const w of this.durableWaiters) {
      if (w.pos < this.durable) w.resolve();
      else still.push(w);
    }
    this.durableWaiters = still;
  }
}

function firstDifference(found: Buffer, expected: Buffer): number | undefined {
  for (let i = 0; i < found.length; i++) if (found[i] !== expected[i]) return i;
  return undefined;
}

function badHeader(backend: LogBackend, offset: number, size: number): LogCorruptError {
  const version = size >= 12 && offset >= 8 && offset < 12;
  return new LogCorruptError(
    backend.name,
    offset,
    `${backend.name} is not an embedded event store log of format ${FORMAT_VERSION}: bad header at byte offset ${offset}` +
      (version ? ' (unsupported format version)' : '') +
      '; the store refuses to start and leaves the file as it is',
  );
}
