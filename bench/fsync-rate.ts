// The disk's own limit: how many small write+fsync pairs per second it takes. A durable append
// needs at least one fsync, so single-writer appends/s can at best match this; group commit is
// what lets many writers go past it.
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface FsyncResult {
  syncs: number;
  seconds: number;
  perSecond: number;
  /** median and 99th percentile of one write+fsync, ms */
  p50Ms: number;
  p99Ms: number;
}

export function measureFsync(dir: string, durationMs: number, maxSyncs = 1_000_000): FsyncResult {
  const file = path.join(dir, 'fsync-probe.bin');
  const fd = fs.openSync(file, 'w');
  const block = Buffer.alloc(512, 0x61);
  const latencies: number[] = [];
  try {
    const start = performance.now();
    const deadline = start + durationMs;
    let offset = 0;
    let now = start;
    while (now < deadline && latencies.length < maxSyncs) {
      // Appending (not overwriting) like the log does, so the file size changes too.
      fs.writeSync(fd, block, 0, block.length, offset);
      offset += block.length;
      fs.fsyncSync(fd);
      const after = performance.now();
      latencies.push(after - now);
      now = after;
    }
    const seconds = (now - start) / 1000;
    return { syncs: latencies.length, seconds, perSecond: latencies.length / seconds, ...percentiles(latencies) };
  } finally {
    fs.closeSync(fd);
    fs.rmSync(file, { force: true });
  }
}

export function percentiles(values: number[]): { p50Ms: number; p99Ms: number } {
  if (values.length === 0) return { p50Ms: NaN, p99Ms: NaN };
  const sorted = Float64Array.from(values).sort();
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { p50Ms: at(0.5), p99Ms: at(0.99) };
}
