// What the bench writes: small JSON events shaped like the app's, and a timer that reads the
// server's and the client's CPU use over a phase (on 2 cores, who burns the CPU matters).
import { jsonEvent } from '@eventstore/db-client';
import type { ServerProcess } from './server-process.js';

let sequence = 0;

/** ~150 bytes of JSON, like a MoneyDeposited event. */
export function benchEvent() {
  const n = sequence++;
  return jsonEvent({
    type: 'MoneyDeposited',
    data: {
      accountId: `acc-${n % 10_000}`,
      amountMinor: 1000 + (n % 997),
      currency: 'EUR',
      reference: `bench-${n}`,
      at: '2026-01-01T00:00:00.000Z',
    },
  });
}

export function benchBatch(size: number) {
  return Array.from({ length: size }, benchEvent);
}

export interface Timed<T> {
  result: T;
  seconds: number;
  /** cores used on average during the phase (1.0 = one core busy) */
  serverCpu: number;
  clientCpu: number;
}

/** Several timed runs as one: total time, CPU averaged over it. */
export function combine<T>(runs: readonly Timed<T>[]): Timed<T[]> {
  const seconds = runs.reduce((n, t) => n + t.seconds, 0);
  const cores = (pick: (t: Timed<T>) => number) => runs.reduce((n, t) => n + pick(t) * t.seconds, 0) / seconds;
  return { result: runs.map((t) => t.result), seconds, serverCpu: cores((t) => t.serverCpu), clientCpu: cores((t) => t.clientCpu) };
}

/**
 * CPU microseconds per event on each side: unlike a rate, this barely moves when other processes
 * share the machine, and 1e6 / max(server, client) bounds the rate on two free cores.
 */
export function cpuPerEvent(t: Timed<unknown>, events: number): { serverUsPerEvent: number; clientUsPerEvent: number; cpuCeiling: number } {
  const per = (cores: number) => (events > 0 ? (cores * t.seconds * 1e6) / events : NaN);
  const serverUsPerEvent = per(t.serverCpu);
  const clientUsPerEvent = per(t.clientCpu);
  // events/s if server and client each had a core of their own and nothing else waited (an upper bound)
  return { serverUsPerEvent, clientUsPerEvent, cpuCeiling: 1e6 / Math.max(serverUsPerEvent, clientUsPerEvent) };
}

export async function timed<T>(server: ServerProcess, fn: () => Promise<T>): Promise<Timed<T>> {
  const serverBefore = server.cpuSeconds();
  const clientBefore = process.cpuUsage();
  const start = performance.now();
  const result = await fn();
  const seconds = (performance.now() - start) / 1000;
  const client = process.cpuUsage(clientBefore);
  return {
    result,
    seconds,
    serverCpu: (server.cpuSeconds() - serverBefore) / seconds,
    clientCpu: (client.user + client.system) / 1e6 / seconds,
  };
}

/** Several timed rounds of one measurement, ordered by rate; the median is the figure reported. */
export interface Rounds<T> {
  median: Timed<T>;
  slowest: Timed<T>;
  fastest: Timed<T>;
  all: Timed<T>[];
}

/**
 * Runs `measure` `count` times. One burst of other work on a 2-core machine moves a single round
 * a lot, so the median round is reported, with the slowest and fastest beside it.
 */
export async function inRounds<T>(count: number, measure: () => Promise<Timed<T>>, rate: (t: Timed<T>) => number): Promise<Rounds<T>> {
  const all: Timed<T>[] = [];
  for (let r = 0; r < count; r++) all.push(await measure());
  const sorted = [...all].sort((a, b) => rate(a) - rate(b));
  return { median: sorted[Math.floor(sorted.length / 2)], slowest: sorted[0], fastest: sorted[sorted.length - 1], all };
}
