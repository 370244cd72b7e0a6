import {
  PARK,
  PersistentSubscriptionExistsError,
  RETRY,
  START,
  excludeSystemEvents,
  persistentSubscriptionToAllSettingsFromDefaults,
  type EventStoreDBClient,
  type PersistentSubscriptionToAll,
  type PersistentSubscriptionToAllResolvedEvent,
} from '@eventstore/db-client';
import type { Db } from '@/lib/db/client';
import { fromRecorded } from '@/lib/eventstore/serialization';
import { inconsistency } from '@/lib/projections/accounts';
import { applyEvent } from './projector';

export type Logger = Pick<Console, 'info' | 'warn' | 'error'>;

export type ProjectionWorkerOptions = {
  client: EventStoreDBClient;
  db: Db;
  group: string;
  logger?: Logger;
  /** Deliveries of one event before the server parks it (events waiting for a predecessor count too). */
  maxRetryCount?: number;
  /** Cap for the reconnect backoff. */
  maxBackoffMs?: number;
};

export type ProjectionWorker = {
  /** Finishes the event in hand, acks it, unsubscribes. Resolves when the loop has exited. */
  stop: () => Promise<void>;
  /** Resolves when the worker loop exits (after stop()). */
  done: Promise<void>;
};

/** Creates the $all consumer group from the start of $all if it does not exist yet; system events filtered server-side. */
export async function ensureGroup(client: EventStoreDBClient, group: string, maxRetryCount = 50): Promise<void> {
  try {
    await client.createPersistentSubscriptionToAll(
      group,
      persistentSubscriptionToAllSettingsFromDefaults({ startFrom: START, maxRetryCount }),
      { filter: excludeSystemEvents() },
    );
  } catch (error) {
    if (error instanceof PersistentSubscriptionExistsError) return;
    throw error;
  }
}

export type Handled = 'applied' | 'duplicate' | 'ahead' | 'skipped' | 'unknown' | 'parked' | 'failed';

/**
 * Runs the projection: subscribe, apply each event, ack/nack, and on any drop reconnect with
 * exponential backoff until stop() is called.
 */
export function startProjectionWorker(options: ProjectionWorkerOptions): ProjectionWorker {
  const { client, db, group } = options;
  const logger = options.logger ?? console;
  const maxBackoffMs = options.maxBackoffMs ?? 5000;
  const maxRetryCount = options.maxRetryCount ?? 50;

  let stopping = false;
  let subscription: PersistentSubscriptionToAll | undefined;
  let inFlight: Promise<unknown> = Promise.resolve();
  let wakeSleeper: (() => void) | undefined;

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wakeSleeper = undefined;
        resolve();
      }
      wakeSleeper = done;
    });

  async function handle(sub: PersistentSubscriptionToAll, resolved: PersistentSubscriptionToAllResolvedEvent): Promise<Handled> {
    const recorded = resolved.event;
    // System records ($-types or $-streams) are not ours; the server filter should already drop them.
    if (!recorded || recorded.type.startsWith('$') || recorded.streamId.startsWith('$')) {
      await sub.ack(resolved);
      return 'skipped';
    }
    const decoded = fromRecorded(recorded);
    if (decoded.kind === 'unknown') {
      logger.info(`[worker] ignoring unknown event type ${decoded.type} (${recorded.streamId}@${recorded.revision})`);
      await sub.ack(resolved);
      return 'unknown';
    }
    if (decoded.kind === 'invalid') {
      logger.warn(`[worker] parking ${recorded.streamId}@${recorded.revision}: ${decoded.reason}`);
      await sub.nack(PARK, decoded.reason, resolved);
      return 'parked';
    }
    const projected = {
      ...decoded.value,
      position: resolved.commitPosition ?? decoded.value.position ?? 0n,
    };
    const problem = inconsistency(projected);
    if (problem) {
      logger.warn(`[worker] parking ${recorded.streamId}@${recorded.revision}: ${problem}`);
      await sub.nack(PARK, problem, resolved);
      return 'parked';
    }
    let outcome: Awaited<ReturnType<typeof applyEvent>>;
    try {
      outcome = await applyWithLocalRetries(projected, `${recorded.streamId}@${recorded.revision}`);
    } catch (error) {
      // Still failing after local retries: hand it back to the server, which redelivers it
      // (and parks it once maxRetryCount is spent, so one bad event cannot stall the group forever).
      await sub.nack(RETRY, `projection failed: ${error instanceof Error ? error.message : String(error)}`, resolved);
      return 'failed';
    }
    if (outcome === 'ahead') {
      // Its predecessor is still to come (or being retried): give it time before redelivery.
      await sleep(Math.min(25 * 2 ** Math.min(resolved.retryCount, 6), 1000));
      await sub.nack(RETRY, 'an earlier event of this account is not applied yet', resolved);
    } else {
      await sub.ack(resolved);
    }
    return outcome;
  }

  /**
   * A database hiccup should not spend the event's server-side retries (and get it parked),
   * so transient failures are retried here first, with backoff.
   */
  async function applyWithLocalRetries(projected: Parameters<typeof applyEvent>[1], label: string) {
    for (let attempt = 1; ; attempt++) {
      try {
        return await applyEvent(db, projected);
      } catch (error) {
        logger.error(`[worker] failed to apply ${label} (attempt ${attempt}):`, error);
        if (attempt >= 5 || stopping) throw error;
        await sleep(Math.min(200 * 2 ** (attempt - 1), 3000));
      }
    }
  }

  async function loop(): Promise<void> {
    let failures = 0;
    while (!stopping) {
      try {
        await ensureGroup(client, group, maxRetryCount);
        if (stopping) break;
        const sub = client.subscribeToPersistentSubscriptionToAll(group, { bufferSize: 16 });
        subscription = sub;
        sub.on('confirmation', () => {
          failures = 0;
          logger.info(`[worker] subscribed to $all as group "${group}"`);
        });
        for await (const resolved of sub) {
          failures = 0;
          const work = handle(sub, resolved);
          inFlight = work.catch(() => {});
          await work;
          if (stopping) break;
        }
        if (!stopping) throw new Error('subscription ended');
      } catch (error) {
        if (stopping) break;
        failures++;
        const delay = Math.min(200 * 2 ** Math.min(failures - 1, 8), maxBackoffMs);
        logger.warn(
          `[worker] subscription dropped (${error instanceof Error ? error.message : String(error)}); reconnecting in ${delay} ms`,
        );
        await subscription?.unsubscribe().catch(() => {});
        subscription = undefined;
        await sleep(delay);
      }
    }
  }

  const done = loop();

  return {
    done,
    stop: async () => {
      if (!stopping) {
        stopping = true;
        wakeSleeper?.();
        await inFlight;
        await subscription?.unsubscribe().catch(() => {});
      }
      await done;
    },
  };
}
