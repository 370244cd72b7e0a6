// Per-call accounting of outbound bytes: what a subscriber call has handed to grpc-js or to its
// HTTP/2 stream that has not been sent yet (a write's callback runs once HTTP/2 has sent it,
// which a client that stops reading holds back through flow control), plus events held in the
// call's live buffer. Writers wait while a call is over its limit, so a client that never reads
// costs about one limit of memory, not everything it subscribed to.
import type { MemoryBudget } from './limits.js';

interface Closable {
  once(event: string, listener: () => void): unknown;
}

export class OutboundTracker {
  /** written, not yet sent */
  queued = 0;
  /** live events held for the call, not yet written */
  buffered = 0;
  private closed = false;
  private readonly waiters: { resolve: () => void; reject: (err: Error) => void }[] = [];
  private readonly listeners = new Set<() => void>();

  constructor(
    readonly budget: MemoryBudget,
    call: Closable,
  ) {
    // grpc-js drops the callbacks of writes it never makes once a call is cancelled: settle here.
    const close = () => this.close();
    call.once('close', close);
    call.once('cancelled', close);
    call.once('finish', close);
    call.once('error', close);
  }

  get limit(): number {
    return this.budget.limits.subscriberBufferBytes;
  }

  /** Over the limit: write nothing more until enough has been sent. */
  get full(): boolean {
    return this.queued > this.limit;
  }

  private note(delta: number): void {
    this.budget.subscribers += delta;
    const total = this.queued + this.buffered;
    if (total > this.budget.subscriberPeakPerCall) this.budget.subscriberPeakPerCall = total;
  }

  /** Counts a write; returns the callback to run once it is sent. */
  wrote(bytes: number): () => void {
    if (this.closed) return () => {};
    this.queued += bytes;
    this.note(bytes);
    let settled = false;
    return () => {
      if (settled || this.closed) return;
      settled = true;
      this.queued -= bytes;
      this.note(-bytes);
      if (this.queued <= this.limit / 2) {
        for (const w of this.waiters.splice(0)) w.resolve();
        for (const l of this.listeners) l();
      }
    };
  }

  /** Live buffer bookkeeping (subscribe.ts). */
  hold(bytes: number): void {
    if (this.closed) return;
    this.buffered += bytes;
    this.note(bytes);
  }

  release(bytes: number): void {
    if (this.closed) return;
    this.buffered -= bytes;
    this.note(-bytes);
  }

  /** Runs `listener` each time the queue falls to half the limit; returns the way to stop. */
  onDrained(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves once the queue is down to half the limit; rejects when the call goes first. */
  low(): Promise<void> {
    if (this.closed) return Promise.reject(new Error('call closed'));
    if (!this.full) return Promise.resolve();
    return new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    this.note(-(this.queued + this.buffered));
    this.queued = 0;
    this.buffered = 0;
    for (const w of this.waiters.splice(0)) w.reject(new Error('call closed'));
    this.listeners.clear();
  }

  get isClosed(): boolean {
    return this.closed;
  }
}

const trackers = new WeakMap<object, OutboundTracker>();

/** Starts counting `call`'s outbound bytes against `budget`. */
export function trackOutbound(call: Closable & object, budget: MemoryBudget): OutboundTracker {
  let t = trackers.get(call);
  if (!t) {
    t = new OutboundTracker(budget, call);
    trackers.set(call, t);
  }
  return t;
}

export function outboundOf(call: object): OutboundTracker | undefined {
  return trackers.get(call);
}

/** Bytes a message will take on the wire, for pre-encoded messages; 0 for small generated ones. */
export function wireSize(message: unknown): number {
  return message instanceof Uint8Array ? message.length : 0;
}
