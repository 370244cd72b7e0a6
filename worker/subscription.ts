/**
 * The projection worker's policy: one bad event never blocks everyone.
 *
 *  - Events come in batches (whatever the subscription has buffered, up to batchSize): the
 *    batch is applied in ONE transaction (worker/projector.ts: rows, timelines, event index and
 *    checkpoint), each event revision-checked against accounts.revision (apply | duplicate |
 *    ahead) as if alone, then acked together. The transaction sends
 *    pg_notify('eventbank_projection', `${account}:${revision}`) per account it moved, so
 *    read-your-writes waiters wake, and pg_notify('eventbank_events', <position>) for live views
 *    (lib/db/projection-channel.ts). Whatever a batch cannot decide alone (the cases below) is
 *    then handled one event at a time, in delivery order.
 *  - Text and jsonb copied from events are made storable (U+0000 and lone surrogates become
 *    U+FFFD); the event in the store is untouched.
 *  - Events of non-account streams (e.g. command-<id>) are acked and ignored. An unknown event
 *    type on an account stream only advances that stream's applied revision.
 *  - An event that cannot be applied (invalid payload, inconsistent with its stream, a payment
 *    whose payee has no row because its opening is held, a data/integrity error: SQLSTATE
 *    class 22/23) HOLDS ITS OWN STREAM: a row in projection_holds (revision, event id, reason),
 *    a `${account}:held` notice, and the event is parked once (nack PARK with the reason).
 *    Later events of a held stream are acked unapplied: they are read from the store on resume.
 *    Other streams keep projecting. Transient database errors are retried locally, then nacked
 *    for redelivery (the server parks after maxRetryCount).
 *  - Resume: when the parked event is replayed (replayParkedMessagesToAll) and now applies, the
 *    stream is caught up from the store (readStream from revision+1, pages of 100) and the hold
 *    is deleted. worker.resume(stream) does the same on demand, reading the held event from the
 *    store. A later event that fails during catch-up moves the hold to itself (it is not parked:
 *    resume it with worker.resume).
 *  - Held streams are also retried from the store by the worker itself: once it is subscribed
 *    (so a deployed fix heals them at start, without a replay) and every holdRetryMs after
 *    that (a payee whose opening was held and has since resumed, a hold that moved during a
 *    catch-up and so has no parked event to replay). The retries and the event handling run
 *    one at a time, so they never race on a stream.
 *  - 'ahead' (an event before its predecessor): never waits; the gap is filled from the store
 *    (row.revision+1 up to it), then it is applied. A gap the store cannot fill holds the stream.
 *  - A payment to a payee whose stream is held but whose row exists credits the payee's row
 *    (incoming payments do not depend on the payee's own stream).
 */
import {
  FORWARDS,
  PARK,
  StreamNotFoundError,
  type RecordedEvent,
  PersistentSubscriptionExistsError,
  START,
  streamNameFilter,
  persistentSubscriptionToAllSettingsFromDefaults,
  type EventStoreDBClient,
  type PersistentSubscriptionToAll,
  type PersistentSubscriptionToAllResolvedEvent,
  type Position,
} from '@eventstore/db-client';
import { isDataError, isDatabaseUnavailable, type Db } from '@/lib/db/client';
import { fromRecorded } from '@/lib/eventstore/serialization/events';
import { getLogger, messageFirst, type LogFields, type MessageLogger } from '@/lib/log';
import { retryWithBackoff } from '@/lib/retry';
import type { BatchEvent, BatchOutcome } from '@/lib/projections/batch';
import { fillEmptyReadModel } from './empty-read-model';
import {
  databaseRefused,
  indexEntryOfRecorded as indexEntryWith,
  isProjected,
  MISSING_PREDECESSOR,
  payeeMissing,
  payeeOf,
  toBatchEvent as toBatchEventWith,
} from './delivered';
import { ACCOUNT_STREAM_PREFIX, accountNumberFromStream } from '@/lib/eventstore/serialization/streams';
import {
  applyBatch,
  appliedOutcome,
  appliedRevision,
  deleteHold,
  findHold,
  listHolds,
  recordHold,
  recordIndexOnly,
  storedHoldReason,
  type ApplyBatchOptions,
  type ApplyOutcome,
} from './projector';

const errorMessage = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** The worker's log (pino through messageFirst by default): a message and, where known, the event's ids. */
export type Logger = MessageLogger;

/** Where an event is and which command and conversation it came from, for log lines about it. */
function eventFields(recorded: RecordedEvent): LogFields {
  const metadata = (recorded.metadata ?? {}) as Partial<Record<'commandId' | 'correlationId' | 'causationId', unknown>>;
  const id = (value: unknown) => (typeof value === 'string' ? value : undefined);
  return {
    stream: recorded.streamId,
    revision: recorded.revision,
    eventId: recorded.id,
    eventType: recorded.type,
    commandId: id(metadata.commandId),
    correlationId: id(metadata.correlationId),
  };
}

export type ProjectionWorkerOptions = {
  client: EventStoreDBClient;
  db: Db;
  group: string;
  logger?: Logger;
  /** Deliveries of one event before the server parks it (events waiting for a predecessor count too). */
  maxRetryCount?: number;
  /** Cap for the reconnect backoff. */
  maxBackoffMs?: number;
  /** How often held streams are retried from the store (default 60 s); also once on every subscription. */
  holdRetryMs?: number;
  /** How a recorded event is decoded; tests swap it to simulate a deployed fix. */
  decode?: typeof fromRecorded;
  /** Most events applied in one transaction (also the subscription's buffer on the server). */
  batchSize?: number;
  /** How often it logs what it applied lately (when it applied anything). */
  statsEveryMs?: number;
  /**
   * Before it first subscribes, fill an empty read model from the store with a rebuild
   * (worker/empty-read-model.ts); a group it then creates starts where the rebuild ended.
   * The worker process does; tests that project through the group itself do not.
   */
  fillEmptyReadModel?: boolean;
};

export type ProjectionWorker = {
  /** Finishes the event in hand, acks it, unsubscribes. Resolves when the loop has exited. */
  stop: () => Promise<void>;
  /** Resolves when the worker loop exits (after stop()). */
  done: Promise<void>;
  /** Operator tool: retry a held stream from the store now (after a fix); true when it is no longer held. */
  resume: (stream: string) => Promise<boolean>;
};

/**
 * The group's settings. The defaults read 20 events per catch-up read and buffer 500, which
 * paces a worker catching up on a backlog far below what it can apply; these keep two batches
 * on their way while one is applied.
 */
export const GROUP_SETTINGS = { readBatchSize: 500, historyBufferSize: 2_000, liveBufferSize: 2_000 } as const;

/**
 * Creates the $all consumer group from `startFrom` (default: the start of $all) if it does not exist yet, delivering
 * account streams only (filtered server-side: command records are half of all events and the
 * worker has nothing to do with them); a group made with other buffer settings is brought to
 * these. A filter cannot be changed on an existing group: one made by an earlier version
 * (system events excluded, command records delivered and acked unapplied) keeps working.
 */
export async function ensureGroup(
  client: EventStoreDBClient,
  group: string,
  maxRetryCount = 50,
  startFrom: Position | typeof START = START,
): Promise<void> {
  const settings = persistentSubscriptionToAllSettingsFromDefaults({ startFrom, maxRetryCount, ...GROUP_SETTINGS });
  try {
    await client.createPersistentSubscriptionToAll(group, settings, { filter: streamNameFilter({ prefixes: [ACCOUNT_STREAM_PREFIX] }) });
  } catch (error) {
    if (!(error instanceof PersistentSubscriptionExistsError)) throw error;
    const current = (await client.getPersistentSubscriptionToAllInfo(group)).settings;
    const stale = (Object.keys(GROUP_SETTINGS) as (keyof typeof GROUP_SETTINGS)[]).some((key) => current[key] !== GROUP_SETTINGS[key]);
    // Updating restarts the group's subscriptions, so only when something differs; its start point stays.
    if (stale) await client.updatePersistentSubscriptionToAll(group, { ...current, ...GROUP_SETTINGS, maxRetryCount });
  }
}

/** Acks per request: each id is 16 bytes, so a chunk stays far below any message limit. */
const ACK_CHUNK = 500;

export type Handled = 'applied' | 'duplicate' | 'ahead' | 'skipped' | 'unknown' | 'parked' | 'failed' | 'held';

/**
 * Runs the projection: subscribe, apply each event, ack/nack, and on any drop reconnect with
 * exponential backoff until stop() is called.
 */
export function startProjectionWorker(options: ProjectionWorkerOptions): ProjectionWorker {
  const { client, db, group } = options;
  const decode = options.decode ?? fromRecorded;
  const logger = options.logger ?? messageFirst(getLogger().child({ component: 'worker', group }));
  const maxBackoffMs = options.maxBackoffMs ?? 1000;
  let groupEnsured = false;
  let resumeHeld: (stream: string) => Promise<boolean> = async () => false;
  const maxRetryCount = options.maxRetryCount ?? 50;
  const batchSize = options.batchSize ?? 500;

  let stopping = false;
  let subscription: PersistentSubscriptionToAll | undefined;
  // Event handling and hold retries, one at a time.
  let exclusiveTail: Promise<unknown> = Promise.resolve();
  function exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = exclusiveTail.then(work, work);
    exclusiveTail = run.catch(() => {});
    return run;
  }
  let inFlight: Promise<unknown> = Promise.resolve();
  // Ends every backoff wait at once when the worker stops.
  const stopped = new AbortController();

  /** The event's fate, without touching the subscription: what to do is decided by the caller. */
  type Attempt = Exclude<ApplyOutcome, 'payee-missing'> | 'ignored' | { cannot: string };

  const toBatchEvent = (recorded: RecordedEvent, position: bigint | undefined) => toBatchEventWith(decode, recorded, position);
  const indexEntryOfRecorded = (recorded: RecordedEvent, position: bigint | undefined) => indexEntryWith(decode, recorded, position);

  async function attempt(recorded: RecordedEvent, position: bigint | undefined): Promise<Attempt> {
    const owner = accountNumberFromStream(recorded.streamId);
    if (owner === null) return 'ignored';
    const event = toBatchEvent(recorded, position);
    if ('cannot' in event) return event;
    if (event.kind === 'unknown') {
      logger.info(
        `ignoring unknown event type ${event.type} (${recorded.streamId}@${recorded.revision}); only its revision is recorded`,
        eventFields(recorded),
      );
    }
    try {
      const outcome = appliedOutcome(
        (await applyWithLocalRetries([event], `${recorded.streamId}@${recorded.revision}`, eventFields(recorded))).get(
          recorded.id,
        ) as BatchOutcome,
      );
      if (outcome === 'payee-missing') {
        return { cannot: payeeMissing(payeeOf(event)) };
      }
      return outcome;
    } catch (error) {
      if (isDataError(error)) return { cannot: databaseRefused(error) };
      throw error;
    }
  }

  /** Events of `stream` from the store, revisions [from, to) (to undefined: to the end), in pages. */
  async function* readFromStore(stream: string, from: bigint, to?: bigint) {
    let next = from;
    for (;;) {
      const page: RecordedEvent[] = [];
      try {
        for await (const r of client.readStream(stream, { fromRevision: next, direction: FORWARDS, maxCount: 100 })) {
          if (r.event) page.push(r.event);
        }
      } catch (error) {
        if (error instanceof StreamNotFoundError) return;
        throw error;
      }
      for (const e of page) {
        if (to !== undefined && e.revision >= to) return;
        yield e;
      }
      const last = page.at(-1);
      if (!last || page.length < 100) return;
      next = last.revision + 1n;
    }
  }

  /**
   * Applies the stream's events from the store from `from` on (bounded by `to`), in order.
   * Returns the first one that cannot be applied, or null.
   */
  async function catchUp(stream: string, from: bigint, to?: bigint): Promise<{ recorded: RecordedEvent; reason: string } | null> {
    for await (const recorded of readFromStore(stream, from, to)) {
      const result = await attempt(recorded, recorded.position?.commit);
      if (typeof result === 'object') return { recorded, reason: result.cannot };
      if (result === 'ahead') return { recorded, reason: MISSING_PREDECESSOR };
    }
    return null;
  }

  async function hold(recorded: RecordedEvent, reason: string): Promise<void> {
    const accountNumber = accountNumberFromStream(recorded.streamId)!;
    const current = await findHold(db, recorded.streamId);
    // A retry that fails as before changes nothing: keep the hold's time, say nothing new.
    if (current && current.revision === recorded.revision && current.reason === storedHoldReason(reason)) return;
    logger.warn(`parking ${recorded.streamId}@${recorded.revision} and holding the stream: ${reason}`, {
      ...eventFields(recorded),
      reason,
    });
    await recordHold(
      db,
      { stream: recorded.streamId, accountNumber, revision: recorded.revision, eventId: recorded.id, reason },
      indexEntryOfRecorded(recorded, recorded.position?.commit),
    );
  }

  async function handle(sub: PersistentSubscriptionToAll, resolved: PersistentSubscriptionToAllResolvedEvent): Promise<Handled> {
    const recorded = resolved.event;
    // System records ($-types or $-streams) are not ours; the server filter should already drop them.
    if (!recorded || recorded.type.startsWith('$') || recorded.streamId.startsWith('$')) {
      await sub.ack(resolved);
      return 'skipped';
    }
    const owner = accountNumberFromStream(recorded.streamId);
    if (owner === null) {
      await sub.ack(resolved);
      return 'skipped';
    }
    const existing = await findHold(db, recorded.streamId);
    if (existing && recorded.revision > existing.revision) {
      // Read from the store when the stream resumes; not parked one by one. Indexed now, so the
      // event log shows it while the account's history waits.
      const entry = indexEntryOfRecorded(recorded, resolved.commitPosition);
      if (entry) await recordIndexOnly(db, [entry]);
      await sub.ack(resolved);
      return 'held';
    }
    if (existing && recorded.revision === existing.revision) {
      const resumed = await resumeStream(recorded.streamId, recorded, resolved.commitPosition);
      if (resumed) await sub.ack(resolved);
      else await sub.nack(PARK, (await findHold(db, recorded.streamId))?.reason ?? 'held', resolved);
      return resumed ? 'applied' : 'parked';
    }
    let result = await attempt(recorded, resolved.commitPosition);
    if (result === 'ahead') {
      // Fill the gap from the store instead of waiting for the predecessor's delivery.
      const failed = await catchUp(recorded.streamId, (await appliedRevision(db, owner)) + 1n, recorded.revision);
      if (failed) {
        await hold(failed.recorded, failed.reason);
        await sub.ack(resolved);
        return 'held';
      }
      result = await attempt(recorded, resolved.commitPosition);
      if (result === 'ahead') result = { cannot: MISSING_PREDECESSOR };
    }
    if (typeof result === 'object') {
      await hold(recorded, result.cannot);
      await sub.nack(PARK, result.cannot, resolved);
      return 'parked';
    }
    await sub.ack(resolved);
    return result === 'ignored' ? 'unknown' : result;
  }

  /**
   * Tries the held event again (as delivered, or read from the store) and, if it applies now,
   * catches the stream up from the store and lifts the hold. False when it is still held.
   */
  async function resumeStream(stream: string, heldEvent?: RecordedEvent, position?: bigint): Promise<boolean> {
    const current = await findHold(db, stream);
    if (!current) return true;
    let from = current.revision;
    if (heldEvent) {
      const result = await attempt(heldEvent, position);
      if (typeof result === 'object' || result === 'ahead') {
        await hold(heldEvent, typeof result === 'object' ? result.cannot : 'an earlier event of this stream is missing');
        return false;
      }
      from = current.revision + 1n;
    }
    const failed = await catchUp(stream, from);
    if (failed) {
      await hold(failed.recorded, failed.reason);
      return false;
    }
    await deleteHold(db, stream);
    logger.info(`${stream} resumed`, { stream });
    return true;
  }
  resumeHeld = (stream) => exclusive(() => resumeStream(stream));

  async function retryHolds(): Promise<void> {
    if (stopping) return;
    try {
      for (const held of await listHolds(db)) {
        if (stopping) return;
        await resumeStream(held.stream);
      }
    } catch (error) {
      logger.warn(`retrying held streams failed (${errorMessage(error)}); trying again later`, { err: error });
    }
  }
  const holdRetryTimer = setInterval(() => void exclusive(retryHolds), options.holdRetryMs ?? 60_000);
  // What it did lately, when it did anything: how busy it is, and how well batches fill.
  const throughput = { events: 0, batches: 0, since: Date.now() };
  const throughputTimer = setInterval(() => {
    if (throughput.events === 0) return;
    const seconds = (Date.now() - throughput.since) / 1000;
    const memory = process.memoryUsage();
    const mb = (bytes: number) => Math.round(bytes / 1_048_576);
    logger.info(
      `${throughput.events} events in ${throughput.batches} batches over ${seconds.toFixed(0)} s (${Math.round(throughput.events / seconds)}/s, ${Math.round(throughput.events / throughput.batches)} per batch)`,
      { rssMb: mb(memory.rss), heapUsedMb: mb(memory.heapUsed), heapTotalMb: mb(memory.heapTotal), externalMb: mb(memory.external) },
    );
    Object.assign(throughput, { events: 0, batches: 0, since: Date.now() });
  }, options.statsEveryMs ?? 10_000);
  throughputTimer.unref();
  holdRetryTimer.unref();

  /**
   * A database hiccup should not spend the event's server-side retries (and get it parked),
   * so transient failures are retried here first, with backoff.
   */
  async function applyWithLocalRetries(
    events: BatchEvent[],
    label: string,
    fields: LogFields = { events: events.length },
    options: ApplyBatchOptions = {},
  ) {
    return retryWithBackoff(() => applyBatch(db, events, undefined, options), {
      retries: Infinity,
      minDelayMs: 50,
      maxDelayMs: 500,
      signal: stopped.signal,
      // A data error will fail the same way again: straight to the hold, no retries. While
      // PostgreSQL is unreachable keep retrying here (every ≤ 500 ms), so the event's server-side
      // retries are not spent and it applies within moments of PostgreSQL's return.
      shouldRetry: (error, attempt) => !isDataError(error) && !stopping && (attempt < 5 || isDatabaseUnavailable(error)),
      onRetry: (error, attempt) => logger.error(`failed to apply ${label} (attempt ${attempt})`, { ...fields, attempt, err: error }),
    });
  }

  /**
   * Applies what it can of a delivered batch in one transaction and acks it together; every
   * event the batch cannot decide alone (held streams, invalid or inconsistent payloads, an
   * event ahead of its predecessor, a payment to a payee not projected yet) then goes through
   * handle(), one at a time and in order. A batch the database refuses as a whole (a value it
   * cannot store) is handled one event at a time too, so only the culprit's stream is held.
   */
  async function handleBatch(sub: PersistentSubscriptionToAll, batch: PersistentSubscriptionToAllResolvedEvent[]): Promise<void> {
    throughput.events += batch.length;
    throughput.batches += 1;
    const toAck: PersistentSubscriptionToAllResolvedEvent[] = [];
    const single: PersistentSubscriptionToAllResolvedEvent[] = [];
    const candidates: Array<{ resolved: PersistentSubscriptionToAllResolvedEvent; event: BatchEvent }> = [];
    for (const resolved of batch) {
      const recorded = resolved.event;
      if (!recorded || !isProjected(recorded)) {
        toAck.push(resolved);
        continue;
      }
      const event = toBatchEvent(recorded, resolved.commitPosition);
      if ('cannot' in event) single.push(resolved);
      else candidates.push({ resolved, event });
    }
    if (candidates.length > 0) {
      let outcomes: Map<string, string> | null = null;
      try {
        // Events of held streams are left out ('held') and go through handle() below.
        outcomes = await applyWithLocalRetries(
          candidates.map((c) => c.event),
          `a batch of ${candidates.length} events`,
          undefined,
          { skipHeld: true },
        );
      } catch (error) {
        if (!isDataError(error)) throw error;
        logger.warn(`the database refused a batch of ${candidates.length} events (${errorMessage(error)}); applying them one by one`, {
          err: error,
        });
      }
      for (const { resolved, event } of candidates) {
        const outcome = outcomes?.get(resolved.event!.id);
        if (outcome === 'apply' || outcome === 'duplicate') {
          toAck.push(resolved);
          if (outcome === 'apply' && event.kind === 'unknown') {
            logger.info(
              `ignoring unknown event type ${event.type} (${event.streamId}@${event.revision}); only its revision is recorded`,
              eventFields(resolved.event!),
            );
          }
        } else single.push(resolved);
      }
    }
    for (let i = 0; i < toAck.length; i += ACK_CHUNK) await sub.ack(...toAck.slice(i, i + ACK_CHUNK));
    // In delivery order, which for one stream is its revision order.
    const order = new Map(batch.map((resolved, i) => [resolved, i]));
    for (const resolved of single.sort((a, b) => order.get(a)! - order.get(b)!)) {
      if (stopping) return;
      await handle(sub, resolved);
    }
  }

  /** A subscription that dropped after it had applied something: reconnect with the backoff started over. */
  class DroppedAfterProgress extends Error {}

  /** One subscription, from connecting to its end; throws when it drops. */
  async function subscribeAndProject(): Promise<void> {
    let progressed = false;
    try {
      if (!groupEnsured) {
        const filledTo = options.fillEmptyReadModel ? await fillEmptyReadModel(client, db, logger) : null;
        await ensureGroup(client, group, maxRetryCount, filledTo ?? START);
        groupEnsured = true;
      }
      if (stopping) return;
      // One batch in flight beside the one being applied: the next is on its way meanwhile. (Two
      // ahead kept the worker's memory above 200 MB in a catch-up, for no gain in rate.)
      const sub = client.subscribeToPersistentSubscriptionToAll(group, { bufferSize: batchSize }, { highWaterMark: batchSize });
      subscription = sub;
      sub.on('confirmation', () => {
        logger.info(`subscribed to $all as group "${group}" (process up ${Math.round(process.uptime() * 1000)} ms)`);
        void exclusive(retryHolds);
      });
      for await (const resolved of sub) {
        // Whatever else has arrived goes into the same batch (read() never waits).
        const batch = [resolved];
        for (let next; batch.length < batchSize && (next = sub.read() as PersistentSubscriptionToAllResolvedEvent | null) !== null;) {
          batch.push(next);
        }
        const work = exclusive(() => handleBatch(sub, batch));
        inFlight = work.catch(() => {});
        await work;
        progressed = true;
        if (stopping) break;
      }
      if (!stopping) throw new Error('subscription ended');
    } catch (error) {
      if (stopping) return;
      logger.warn(`subscription dropped (${errorMessage(error)}); reconnecting`, { err: error });
      await subscription?.unsubscribe().catch(() => {});
      subscription = undefined;
      throw progressed ? new DroppedAfterProgress('dropped after progress', { cause: error }) : error;
    }
  }

  async function loop(): Promise<void> {
    while (!stopping) {
      try {
        // Reconnects with exponential backoff (50 ms up to maxBackoffMs) while no subscription
        // gets anything done, e.g. PostgreSQL down fails every first batch.
        await retryWithBackoff(subscribeAndProject, {
          retries: Infinity,
          minDelayMs: 50,
          maxDelayMs: maxBackoffMs,
          signal: stopped.signal,
          shouldRetry: (error) => !stopping && !(error instanceof DroppedAfterProgress),
          onRetry: (_error, attempt) => {
            if (attempt > 3) groupEnsured = false; // it may have been deleted
          },
        });
      } catch (error) {
        if (stopping) break;
        // A subscription that got work done dropped: start the backoff over, reconnecting at once.
        if (!(error instanceof DroppedAfterProgress)) logger.error('subscription loop failed', { err: error });
      }
    }
  }

  const done = loop();

  return {
    done,
    resume: (stream: string) => resumeHeld(stream),
    stop: async () => {
      if (!stopping) {
        stopping = true;
        clearInterval(holdRetryTimer);
        clearInterval(throughputTimer);
        stopped.abort();
        await inFlight;
        await subscription?.unsubscribe().catch(() => {});
      }
      await done;
    },
  };
}
