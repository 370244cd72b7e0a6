// Byte limits on what the server holds for clients, and the counters that enforce them.
//
// Two kinds of memory grow with what a client does rather than with what is stored:
// - inbound: BatchAppend chunks of appends not yet final, held until `is_final`;
// - outbound: events read or committed for a subscriber (read, catch-up or persistent) that the
//   client has not taken off the connection yet.
// Both are counted in bytes here, per call and (inbound) in total.

export interface MemoryLimits {
  /** Unfinished BatchAppend chunks held for one call (all its appends), in bytes. */
  pendingAppendBytesPerCall: number;
  /** Unfinished BatchAppend chunks held across all calls, in bytes. */
  pendingAppendBytesTotal: number;
  /**
   * Events queued for one subscriber call and not yet sent (grpc-js and HTTP/2 buffers, live
   * buffers of catch-up subscriptions, a persistent consumer's unsent deliveries), in bytes.
   * Past it a read pauses, a catch-up subscription falls back to reading the log, a persistent
   * consumer gets nothing more until it drains. One event is always let through.
   */
  subscriberBufferBytes: number;
  /** Read-ahead of one persistent subscription group (history and live buffers), in bytes. */
  persistentReadAheadBytes: number;
}

const MiB = 1024 * 1024;

export const DEFAULT_MEMORY_LIMITS: Readonly<MemoryLimits> = Object.freeze({
  pendingAppendBytesPerCall: 32 * MiB,
  pendingAppendBytesTotal: 128 * MiB,
  subscriberBufferBytes: 4 * MiB,
  persistentReadAheadBytes: 16 * MiB,
});

/** Fills in defaults and refuses anything but positive integers. */
export function resolveMemoryLimits(given: Partial<MemoryLimits> | undefined): MemoryLimits {
  if (given === undefined) return { ...DEFAULT_MEMORY_LIMITS };
  if (given === null || typeof given !== 'object') throw new TypeError('limits must be an object');
  const out: MemoryLimits = { ...DEFAULT_MEMORY_LIMITS };
  for (const [key, value] of Object.entries(given)) {
    if (!(key in DEFAULT_MEMORY_LIMITS)) throw new TypeError(`Unknown limit ${key}`);
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
      throw new TypeError(`Invalid limit ${key}: ${String(value)} (a positive number of bytes)`);
    }
    out[key as keyof MemoryLimits] = value;
  }
  return out;
}

/** What the server holds right now, in bytes (for operators and tests). */
export interface BufferedBytes {
  /** unfinished BatchAppend chunks, all calls */
  pendingAppends: number;
  /** the most pendingAppends has been after handling a chunk, since the server started */
  pendingAppendsPeak: number;
  /** events queued for subscribers and not yet sent, all calls */
  subscribers: number;
  /** the largest per-call outbound figure seen since the server started */
  subscriberPeakPerCall: number;
  /** persistent subscription groups' read-ahead buffers */
  persistentReadAhead: number;
}

/** One server's limits and its running totals. */
export class MemoryBudget {
  pendingAppends = 0;
  pendingAppendsPeak = 0;
  subscribers = 0;
  subscriberPeakPerCall = 0;
  persistentReadAhead = 0;

  constructor(readonly limits: MemoryLimits = { ...DEFAULT_MEMORY_LIMITS }) {}

  snapshot(): BufferedBytes {
    return {
      pendingAppends: this.pendingAppends,
      pendingAppendsPeak: this.pendingAppendsPeak,
      subscribers: this.subscribers,
      subscriberPeakPerCall: this.subscriberPeakPerCall,
      persistentReadAhead: this.persistentReadAhead,
    };
  }
}
