// Timing pages over HTTP, one GET at a time to the last byte (bench:pages, bench:time-travel).
import { isFormPage, searchNeedingNonce } from '@/lib/forms/form-ids';

export type Timing = { samples: number; p50: number; p95: number; max: number; mean: number };
export type PageTiming = Timing & { statuses: Record<string, number>; pass: boolean };

/**
 * A page with forms is redirected (307) to an address carrying the nonce its command ids derive
 * from (proxy.ts): ask for that address directly, as a browser does after the redirect.
 */
export function withFormNonce(pathname: string): string {
  const url = new URL(pathname, 'http://localhost');
  if (!isFormPage(url.pathname)) return pathname;
  url.search = searchNeedingNonce(url.search) ?? url.search;
  return url.pathname + url.search + url.hash;
}

/** Sorts `times` in place and summarizes them. */
export function timing(times: number[]): Timing {
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.ceil(q * times.length) - 1)]!;
  return {
    samples: times.length,
    p50: at(0.5),
    p95: at(0.95),
    max: times[times.length - 1]!,
    mean: times.reduce((a, b) => a + b, 0) / times.length,
  };
}

/** GETs `paths` in turn, `warmup` untimed then `samples` timed; passes when p95 ≤ targetP95Ms and every answer is 200. */
export async function timePages(
  base: string,
  paths: readonly string[],
  options: { samples: number; warmup: number; targetP95Ms: number },
): Promise<PageTiming> {
  const statuses: Record<string, number> = {};
  const times: number[] = [];
  for (let i = 0; i < options.warmup + options.samples; i++) {
    const pathname = paths[i % paths.length]!;
    const started = performance.now();
    const response = await fetch(base + withFormNonce(pathname), { redirect: 'manual' });
    await response.arrayBuffer();
    const elapsed = performance.now() - started;
    if (i < options.warmup) continue;
    times.push(elapsed);
    statuses[response.status] = (statuses[response.status] ?? 0) + 1;
  }
  const result = timing(times);
  return { ...result, statuses, pass: result.p95 <= options.targetP95Ms && Object.keys(statuses).every((s) => s === '200') };
}
