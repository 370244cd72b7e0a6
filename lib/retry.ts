import pRetry from 'p-retry';

/**
 * The one retry-with-backoff of the code base, on p-retry: every attempt after a failure waits
 * minDelayMs × factor^(retries so far), capped at maxDelayMs. Stopping (signal) ends the wait at
 * once; the attempt in flight is never interrupted. Whatever gives up rejects with the last
 * failure of the operation itself.
 */
export type RetryOptions = {
  /** Retries after the first attempt; Infinity for "until it works or is stopped". */
  retries: number;
  /** Wait before the first retry. */
  minDelayMs: number;
  /** Longest wait between two attempts (default: no cap). */
  maxDelayMs?: number;
  /** Growth of the wait per retry; 1 keeps it constant (default 2). */
  factor?: number;
  /** Gives up once this much time has gone by since the first attempt (default: never). */
  maxTotalMs?: number;
  /** Whether this failure is worth another attempt (default: every failure is). */
  shouldRetry?: (error: unknown, attempt: number) => boolean;
  /** Told of each failure that will be retried, before the wait (for logs). */
  onRetry?: (error: unknown, attempt: number) => void;
  /** Aborting it stops retrying: the wait ends and the last failure is thrown. */
  signal?: AbortSignal;
};

export async function retryWithBackoff<T>(operation: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  let lastError: unknown;
  try {
    return await pRetry(
      async (attempt) => {
        try {
          return await operation(attempt);
        } catch (error) {
          lastError = error;
          // p-retry never retries a TypeError (it takes it for a programming error) and wants Errors.
          throw error instanceof Error && !(error instanceof TypeError) ? error : new RetriedFailure(error);
        }
      },
      {
        retries: options.retries,
        minTimeout: options.minDelayMs,
        maxTimeout: options.maxDelayMs ?? Number.POSITIVE_INFINITY,
        factor: options.factor ?? 2,
        maxRetryTime: options.maxTotalMs ?? Number.POSITIVE_INFINITY,
        signal: options.signal,
        shouldRetry: ({ attemptNumber }) => {
          if (options.signal?.aborted) return false;
          const again = options.shouldRetry?.(lastError, attemptNumber) ?? true;
          if (again) options.onRetry?.(lastError, attemptNumber);
          return again;
        },
      },
    );
  } catch (error) {
    // Whether it ran out, was told not to retry or was stopped: the operation's own failure.
    throw lastError !== undefined ? lastError : error;
  }
}

/** Carries a failure p-retry would not retry as it is (a non-Error, a TypeError). */
class RetriedFailure extends Error {
  constructor(readonly failure: unknown) {
    super(failure instanceof Error ? failure.message : String(failure));
  }
}
