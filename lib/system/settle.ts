import 'server-only';
import { CancelledError, DeadlineExceededError, TimeoutError, UnavailableError } from '@eventstore/db-client';
import { isDatabaseUnavailable } from '@/lib/db/client';

/**
 * What a section of the operations page shows when its source fails: a sentence naming what
 * could not be read and why, never a 500. Each section settles on its own, so PostgreSQL down
 * still shows the store's side, and the other way round.
 */
export type Settled<T> = { ok: true; value: T } | { ok: false; message: string };

export type Source = 'store' | 'read-model';

const UNREACHABLE: Record<Source, string> = {
  store: 'The event store is not answering',
  'read-model': 'The read model (PostgreSQL) is not answering',
};

/** gRPC status codes a call fails with when the store is out of reach: DEADLINE_EXCEEDED, UNAVAILABLE. */
const UNREACHABLE_CODES = new Set([4, 14]);

export function isStoreUnavailable(error: unknown): boolean {
  if (
    error instanceof UnavailableError ||
    error instanceof DeadlineExceededError ||
    error instanceof TimeoutError ||
    error instanceof CancelledError
  ) {
    return true;
  }
  // Some calls (the persistent-subscription info among them) surface grpc-js's own error.
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'number' && UNREACHABLE_CODES.has(code);
}

export async function settle<T>(source: Source, what: string, work: () => Promise<T>): Promise<Settled<T>> {
  try {
    return { ok: true, value: await work() };
  } catch (error) {
    if ((source === 'store' && isStoreUnavailable(error)) || (source === 'read-model' && isDatabaseUnavailable(error))) {
      return { ok: false, message: `${UNREACHABLE[source]}, so ${what} cannot be shown right now. Reload the page to try again.` };
    }
    console.error(`[system] reading ${what} failed`, error);
    const detail = error instanceof Error ? error.message.slice(0, 200) : String(error).slice(0, 200);
    return {
      ok: false,
      message: `${what.charAt(0).toUpperCase()}${what.slice(1)} could not be read (${detail}). Reload the page to try again.`,
    };
  }
}
