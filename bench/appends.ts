// Durable append throughput: W concurrent writers, each appending to its own stream with the
// exact expected revision (as a command handler does), one event or a batch per append.
import { randomUUID } from 'node:crypto';
import { NO_STREAM, type EventStoreDBClient } from '@eventstore/db-client';
import { percentiles } from './fsync-rate.js';
import { benchBatch, benchEvent } from './workload.js';

export interface AppendLoad {
  writers: number;
  batchSize: number;
  durationMs: number;
  /** stop after this many appends even if time is left */
  maxAppends: number;
}

export interface AppendOutcome {
  appends: number;
  events: number;
  p50Ms: number;
  p99Ms: number;
}

export async function runAppends(client: EventStoreDBClient, load: AppendLoad): Promise<AppendOutcome> {
  const deadline = performance.now() + load.durationMs;
  let issued = 0;
  const latencies: number[] = [];
  const run = randomUUID().slice(0, 8);

  const writer = async (w: number) => {
    const stream = `bench-${run}-w${w}`;
    let revision: bigint | undefined;
    while (issued < load.maxAppends && performance.now() < deadline) {
      issued++;
      const events = load.batchSize === 1 ? benchEvent() : benchBatch(load.batchSize);
      const start = performance.now();
      const result = await client.appendToStream(stream, events, { expectedRevision: revision ?? NO_STREAM });
      latencies.push(performance.now() - start);
      revision = result.nextExpectedRevision;
    }
  };
  await Promise.all(Array.from({ length: load.writers }, (_, w) => writer(w)));
  return { appends: latencies.length, events: latencies.length * load.batchSize, ...percentiles(latencies) };
}

/**
 * Fills the store up to `events` events in big batches, each to a fresh stream, with a few appends
 * in flight; bounded by time too. Returns how many events it added.
 */
export async function loadEvents(
  client: EventStoreDBClient,
  events: number,
  options: { batchSize: number; concurrency: number; durationMs: number },
): Promise<number> {
  const deadline = performance.now() + options.durationMs;
  const run = randomUUID().slice(0, 8);
  let issued = 0;
  let written = 0;
  let batchNo = 0;
  const loader = async () => {
    while (issued < events && performance.now() < deadline) {
      const size = Math.min(options.batchSize, events - issued);
      issued += size;
      await client.appendToStream(`bench-load-${run}-${batchNo++}`, benchBatch(size), { expectedRevision: NO_STREAM });
      written += size;
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, loader));
  return written;
}
