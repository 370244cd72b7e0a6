import { describe, expect, it } from 'vitest';
import { progressBar, rebuildProgress } from './rebuild-progress';

describe('rebuildProgress', () => {
  it('measures the fraction in positions and estimates the time left from the rate so far', () => {
    const progress = rebuildProgress({ runId: 'r', phase: 'replaying', events: 5_000, position: 250n, target: 1_000n, elapsedMs: 2_000 });
    expect(progress.fraction).toBe(0.25);
    expect(progress.eventsPerSecond).toBe(2_500);
    expect(progress.secondsLeft).toBe(6);
    expect(progressBar(progress, 8)).toBe('[##------] 25% 5,000 events 2,500/s 6s left (replaying)');
  });

  it('has no estimate before any progress, and is complete when done', () => {
    expect(rebuildProgress({ runId: 'r', phase: 'replaying', events: 0, position: 0n, target: 0n, elapsedMs: 0 })).toMatchObject({
      fraction: 0,
      secondsLeft: null,
      eventsPerSecond: 0,
    });
    expect(rebuildProgress({ runId: 'r', phase: 'done', events: 9, position: 5n, target: 9n, elapsedMs: 10 })).toMatchObject({
      fraction: 1,
      secondsLeft: 0,
    });
  });
});
