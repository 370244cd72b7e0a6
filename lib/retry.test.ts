import { describe, expect, it } from 'vitest';
import { retryWithBackoff } from './retry';

describe('retryWithBackoff', () => {
  it('retries until the operation succeeds, telling onRetry of each failure', async () => {
    const retried: number[] = [];
    const result = await retryWithBackoff(
      async (attempt) => {
        if (attempt < 3) throw new Error(`failure ${attempt}`);
        return attempt;
      },
      { retries: 5, minDelayMs: 1, onRetry: (_error, attempt) => retried.push(attempt) },
    );
    expect(result).toBe(3);
    expect(retried).toEqual([1, 2]);
  });

  it('gives up after `retries` with the last failure', async () => {
    let attempts = 0;
    await expect(
      retryWithBackoff(
        async () => {
          attempts++;
          throw new Error(`failure ${attempts}`);
        },
        { retries: 2, minDelayMs: 1 },
      ),
    ).rejects.toThrow('failure 3');
    expect(attempts).toBe(3);
  });

  it('stops at once when shouldRetry says so, with that failure', async () => {
    let attempts = 0;
    const failure = Object.assign(new Error('refused'), { code: '22P02' });
    await expect(
      retryWithBackoff(
        async () => {
          attempts++;
          throw failure;
        },
        { retries: Infinity, minDelayMs: 1, shouldRetry: (error) => (error as { code?: string }).code !== '22P02' },
      ),
    ).rejects.toBe(failure);
    expect(attempts).toBe(1);
  });

  it('retries TypeErrors and non-errors too, rethrowing them as they were', async () => {
    let attempts = 0;
    await expect(
      retryWithBackoff(
        async () => {
          attempts++;
          throw new TypeError('odd');
        },
        { retries: 1, minDelayMs: 1 },
      ),
    ).rejects.toBeInstanceOf(TypeError);
    expect(attempts).toBe(2);
    await expect(
      retryWithBackoff(
        async () => {
          // eslint-disable-next-line @typescript-eslint/only-throw-error -- what a thrown non-Error becomes is the point
          throw 'text';
        },
        { retries: 1, minDelayMs: 1 },
      ),
    ).rejects.toBe('text');
  });

  it('an abort ends the wait before the next attempt and rethrows the last failure', async () => {
    const controller = new AbortController();
    let attempts = 0;
    const running = retryWithBackoff(
      async () => {
        attempts++;
        throw new Error('still down');
      },
      // A wait far longer than the test: only the abort can end it.
      { retries: Infinity, minDelayMs: 3_600_000, signal: controller.signal, onRetry: () => queueMicrotask(() => controller.abort()) },
    );
    await expect(running).rejects.toThrow('still down');
    expect(attempts).toBe(1);
  });
});
