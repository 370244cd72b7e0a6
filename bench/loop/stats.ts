// Latency samples and their summaries, shared by the loop benchmark's phases.

export type Summary = { count: number; p50: number; p95: number; p99: number; max: number; mean: number };

export function summarize(samples: readonly number[]): Summary {
  if (samples.length === 0) return { count: 0, p50: NaN, p95: NaN, p99: NaN, max: NaN, mean: NaN };
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return {
    count: sorted.length,
    p50: at(0.5),
    p95: at(0.95),
    p99: at(0.99),
    max: sorted[sorted.length - 1]!,
    mean: sorted.reduce((a, b) => a + b, 0) / sorted.length,
  };
}

/** Milliseconds since an hrtime mark. */
export const since = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;

/** Resident memory of a process in MB (Linux /proc), or undefined when it cannot be read. */
export async function rssMb(pid: number | undefined): Promise<number | undefined> {
  if (pid === undefined) return undefined;
  try {
    const { readFile } = await import('node:fs/promises');
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
    return kb ? Number(kb) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Samples a process's RSS every `everyMs` until stopped; returns the peak and the samples. */
export function sampleRss(pid: number | undefined, everyMs = 250) {
  const samples: number[] = [];
  const timer = setInterval(() => {
    void rssMb(pid).then((mb) => mb !== undefined && samples.push(mb));
  }, everyMs);
  return {
    stop: () => {
      clearInterval(timer);
      return {
        peakMb: samples.length ? Math.max(...samples) : NaN,
        firstMb: samples[0] ?? NaN,
        lastMb: samples.at(-1) ?? NaN,
        samples: samples.length,
      };
    },
  };
}
