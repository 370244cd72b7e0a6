/**
 * How far a rebuild is, in the terms the terminal bar and /system show. Pure, so both agree.
 * Progress is measured in $all positions (they grow with every event's size, so the fraction
 * tracks the work), rates over the whole run so far.
 */
/** indexing: the indexes only the pages use, built once over the filled copy (worker/rebuild-schema.ts). */
export type RebuildPhase = 'replaying' | 'indexing' | 'swapping' | 'done';

export type RebuildProgress = {
  runId: string;
  phase: RebuildPhase;
  events: number;
  position: bigint;
  target: bigint;
  /** 0..1 */
  fraction: number;
  eventsPerSecond: number;
  /** null until there is a rate to go by. */
  secondsLeft: number | null;
  elapsedMs: number;
};

export function rebuildProgress(input: {
  runId: string;
  phase: RebuildPhase;
  events: number;
  position: bigint;
  target: bigint;
  elapsedMs: number;
}): RebuildProgress {
  const { position, target, elapsedMs, events, phase } = input;
  const fraction = phase === 'done' ? 1 : target > 0n ? Math.min(1, Number((position * 10_000n) / target) / 10_000) : 0;
  const seconds = elapsedMs / 1000;
  const eventsPerSecond = seconds > 0 ? events / seconds : 0;
  const secondsLeft = phase === 'done' ? 0 : fraction > 0 && seconds > 0 ? (seconds * (1 - fraction)) / fraction : null;
  return { ...input, fraction, eventsPerSecond, secondsLeft };
}

/** "[#####-----] 50% 12,345 events 4,000/s 3s left", for a terminal. */
export function progressBar(progress: RebuildProgress, width = 30): string {
  const filled = Math.round(progress.fraction * width);
  const left = progress.secondsLeft === null ? '…' : `${Math.ceil(progress.secondsLeft)}s left`;
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${Math.floor(progress.fraction * 100)}% ${progress.events.toLocaleString('en')} events ${Math.round(progress.eventsPerSecond).toLocaleString('en')}/s ${left} (${progress.phase})`;
}
