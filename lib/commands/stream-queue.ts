/**
 * One command at a time per account stream, in this process.
 *
 * Commands racing on one stream can only succeed one per append (expectedRevision): the others
 * fail, read again and decide again. With many clients on a few hot accounts that retry storm
 * was the limit (bench:loop's contended phase: 50 clients, 3 hot payers, under 110 payments/s
 * and up to 8 % refused as conflicts), and each round of it cost every waiter a read and an
 * append. Queued here, each command decides on what the one before it wrote and its append
 * succeeds the first time. Other processes still race; the expectedRevision check still
 * settles that, and the handlers still decide again when they lose.
 */
export class StreamQueue {
  private readonly tails = new Map<string, Promise<void>>();

  /**
   * Runs `work` once every command queued before it on `key` has finished; answers `onTimeout()`
   * without running it when that wait outlasts `deadline` (epoch ms).
   */
  async run<T>(key: string, deadline: number, work: () => Promise<T>, onTimeout: () => T | Promise<T>): Promise<T> {
    const before = this.tails.get(key);
    let release = () => {};
    const mine = new Promise<void>((resolve) => (release = resolve));
    // The next in line waits for everyone before it, even if this one gives up early.
    const tail = before ? Promise.all([before, mine]).then(() => {}) : mine;
    this.tails.set(key, tail);
    // Forgotten once everything queued so far has finished (not when this one gives up early).
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    try {
      if (before && !(await settlesBy(before, deadline))) return await onTimeout();
      return await work();
    } finally {
      release();
    }
  }

  /** Streams with a command running or waiting (for tests and diagnostics). */
  get busy(): number {
    return this.tails.size;
  }
}

/** Whether `promise` settles before `deadline`; one that has settled already always does. */
function settlesBy(promise: Promise<void>, deadline: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), Math.max(0, deadline - Date.now()));
    void promise.then(() => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}
