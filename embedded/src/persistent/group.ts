// One running persistent subscription group: reads its source, hands messages to consumers within
// their in-flight limits, handles ack/nack/timeouts, parks, replays parked messages and checkpoints.
// Protocol notes: embedded/PROTOCOL.md §14.8–§14.10.
import type { RecordedEvent, Store } from '../core/types.js';
import { TOMBSTONE_REVISION } from '../core/types.js';
import {
  countParked,
  loadCheckpoint,
  markReplayed,
  parkedLink,
  parseLink,
  readForwards,
  recordBytes,
  replayFrom,
  resolveLink,
  writeCheckpoint,
} from './bookkeeping.js';
import { CheckpointTracker } from './checkpoints.js';
import { ALL, checkpointStreamOf, groupKey, parkedStreamOf, type GroupDefinition } from './definition.js';
import { GroupDroppedError, MaxSubscribersReachedError } from './errors.js';
import { Fifo } from './fifo.js';
import { LatencyStats } from './latency.js';
import { Rate } from './rate.js';
import { compileFilter, hiddenFromAllGroups, type RecordMatcher } from './filter.js';
import { createStrategy, type Slotted, type Strategy } from './strategies.js';

/** What a consumer receives: `event` and/or `link` as in ReadResp.ReadEvent (§14.8). */
export interface Delivery {
  event?: RecordedEvent;
  link?: RecordedEvent;
  retryCount: number;
}

export interface ConsumerSink {
  deliver(delivery: Delivery): void;
  /**
   * The consumer's connection has more unsent bytes than it may hold: it gets nothing new (as if
   * its slots were full) until it drains and its handle's resume() is called.
   */
  congested?(): boolean;
  /** The group went away (update, delete, restart, shutdown): end the call with this error. */
  drop(error: GroupDroppedError): void;
}

export type NackAction = 'park' | 'retry' | 'skip' | 'stop' | 'unknown';

interface Message {
  /** checkpoint sequence; -1 for replayed parked messages, which never hold checkpoints back */
  seq: number;
  event?: RecordedEvent;
  link?: RecordedEvent;
  /** the id the client acks with: the link's when there is one (§14.8) */
  ackId: string;
  /** memory it holds while in the read-ahead buffer */
  bytes: number;
  /** revision in the source stream, or `$all` position */
  value: bigint;
  retryCount: number;
  pinKey: string;
}

interface InFlight {
  msg: Message;
  consumer: Consumer;
  sentAt: number;
}

export class Consumer implements Slotted {
  readonly ids = new Set<string>();
  readonly latency = new LatencyStats();
  readonly rate = new Rate();
  constructor(
    readonly id: number,
    readonly connectionName: string,
    readonly bufferSize: number,
    readonly sink: ConsumerSink,
  ) {}
  freeSlots(): number {
    if (this.sink.congested?.()) return 0;
    return this.bufferSize - this.ids.size;
  }
}

/**
 * Byte limit on a group's read-ahead (history and live buffers), and where the server's total is
 * kept. The count limits of the settings still apply; whichever is reached first stops reading.
 */
export interface ReadAheadBudget {
  readonly bytesPerGroup: number;
  add(delta: number): void;
}

const UNBOUNDED: ReadAheadBudget = { bytesPerGroup: Infinity, add() {} };

export interface GroupInfo {
  def: GroupDefinition;
  status: string;
  consumers: {
    connectionName: string;
    totalItems: number;
    averagePerSecond: number;
    countSinceLastMeasurement: number;
    availableSlots: number;
    inFlight: number;
    /** ack/nack latency in ms; empty unless extra_statistics */
    measurements: { key: string; value: number }[];
  }[];
  totalItems: number;
  averagePerSecond: number;
  countSinceLastMeasurement: number;
  lastCheckpoint?: bigint;
  lastKnown?: bigint;
  readBufferCount: number;
  liveBufferCount: number;
  retryBufferCount: number;
  inFlight: number;
  parkedCount: number;
}

/** Internal read chunk: bigger than read_batch_size costs nothing visible and saves round trips. */
const MAX_READ = 1000;
let nextConsumerId = 1;

export class Group {
  readonly key: string;
  readonly isAll: boolean;
  private readonly checkpointStream: string;
  private readonly parkedStream: string;
  private readonly matcher: RecordMatcher;
  private readonly strategy: Strategy<Consumer>;

  private state: 'loading' | 'catchup' | 'live' | 'stopped' = 'loading';
  /** next revision (stream group) or position (`$all` group) to consider */
  private cursor = 0n;
  private readonly buffer = new Fifo<Message>();
  private liveQueue: RecordedEvent[] = [];
  /** bytes held by `buffer` and `liveQueue` */
  private readAheadBytes = 0;
  /** retried messages, ordered by sequence so older ones go first */
  private readonly retry: Message[] = [];
  private readonly replay = new Fifo<Message>();
  private readonly inFlight = new Map<string, InFlight>();
  private consumers: Consumer[] = [];
  private readonly tracker = new CheckpointTracker();
  private checkpointWrite?: Promise<void>;
  private lastCheckpointAt = Date.now();
  private readonly pendingWrites = new Set<Promise<void>>();
  private pumping = false;
  private wantPump = false;
  private stalls = 0;
  private replaying = false;
  /** a catch-up read of the log is in progress */
  private reading = false;

  private lastCheckpoint?: bigint;
  private lastKnown?: bigint;
  private parkedCount = 0;
  private readonly rate = new Rate();

  constructor(
    private readonly store: Store,
    readonly def: GroupDefinition,
    private readonly readAhead: ReadAheadBudget = UNBOUNDED,
  ) {
    this.key = groupKey(def.stream, def.group);
    this.isAll = def.stream === ALL;
    this.checkpointStream = checkpointStreamOf(def);
    this.parkedStream = parkedStreamOf(def);
    this.matcher = compileFilter(def.filter);
    this.strategy = createStrategy<Consumer>(def.settings.strategy);
  }

  /**
   * Loads the checkpoint and parked count, then starts reading. `notBefore` lets a new group skip
   * records it must not see, such as the configuration record written while creating it.
   */
  async start(notBefore = 0n): Promise<void> {
    const checkpoint = await loadCheckpoint(this.store, this.checkpointStream, this.isAll);
    this.parkedCount = await countParked(this.store, this.parkedStream);
    if (this.state === 'stopped') return;
    this.lastCheckpoint = checkpoint;
    // With a checkpoint, strictly after it; without, from the resolved start inclusive (§14.9).
    const start = this.def.resolvedStart > notBefore ? this.def.resolvedStart : notBefore;
    this.cursor = checkpoint !== undefined ? checkpoint + 1n : start < 0n ? 0n : start;
    this.state = 'catchup';
    this.kick();
  }

  // ---------------------------------------------------------------- consumers

  connect(connectionName: string, bufferSize: number, sink: ConsumerSink): Consumer {
    const max = this.def.settings.maxSubscriberCount;
    if (this.state === 'stopped') throw new GroupDroppedError(this.def.stream, this.def.group);
    if (max > 0 && this.consumers.length >= max) throw new MaxSubscribersReachedError(this.def.stream, this.def.group);
    const consumer = new Consumer(nextConsumerId++, connectionName, Math.max(1, bufferSize), sink);
    this.consumers.push(consumer);
    this.strategy.rebalance(this.consumers);
    this.dispatch();
    return consumer;
  }

  /** Consumer loss: its in-flight messages are retried elsewhere, without the park check (§14.9). */
  disconnect(consumer: Consumer): void {
    const index = this.consumers.indexOf(consumer);
    if (index < 0) return;
    this.consumers.splice(index, 1);
    this.strategy.rebalance(this.consumers);
    for (const id of [...consumer.ids]) {
      const entry = this.inFlight.get(id);
      if (!entry) continue;
      this.release(entry);
      entry.msg.retryCount++;
      this.enqueueRetry(entry.msg);
    }
    this.dispatch();
  }

  /** A consumer's connection drained: it may take messages again. */
  resume(): void {
    this.dispatch();
  }

  ack(ids: readonly string[]): void {
    // A stopped group's consumers were dropped; late answers change nothing (its successor redelivers).
    if (this.state === 'stopped') return;
    for (const id of ids) {
      const entry = this.inFlight.get(id);
      if (!entry) continue;
      this.release(entry);
      this.measure(entry);
      this.done(entry.msg);
    }
    this.afterAckOrNack();
  }

  nack(ids: readonly string[], action: NackAction, reason: string): void {
    if (this.state === 'stopped') return;
    for (const id of ids) {
      const entry = this.inFlight.get(id);
      if (!entry) continue;
      this.release(entry);
      this.measure(entry);
      switch (action) {
        case 'park':
          this.park(entry.msg, `Client explicitly NAK'ed message.\n${reason}`);
          break;
        case 'retry':
        case 'unknown':
          this.retryOrPark(entry.msg);
          break;
        case 'skip':
        case 'stop':
          this.done(entry.msg);
          break;
        default: {
          const never: never = action;
          throw new Error(`unknown nack action ${String(never)}`);
        }
      }
    }
    this.afterAckOrNack();
  }

  // ---------------------------------------------------------------- timer, replay, stop

  /** Called every second: message timeouts and time-based checkpoints. */
  tick(now: number): void {
    if (this.state === 'stopped' || this.state === 'loading') return;
    this.rate.measure(now);
    for (const c of this.consumers) c.rate.measure(now);
    const timeout = this.def.settings.messageTimeoutMs;
    if (timeout > 0) {
      // The map is in send order, so the expired entries are at its front.
      for (const entry of this.inFlight.values()) {
        if (now - entry.sentAt < timeout) break;
        this.release(entry);
        this.retryOrPark(entry.msg);
      }
    }
    const { checkpointAfterMs, minCheckpointCount } = this.def.settings;
    if (
      checkpointAfterMs > 0 &&
      now - this.lastCheckpointAt >= checkpointAfterMs &&
      this.tracker.pendingCount() >= Math.max(1, minCheckpointCount)
    ) {
      void this.checkpoint();
    }
    this.dispatch();
  }

  /** Moves parked messages (parked-stream number < stopAt) to the end of the retry queue (§14.6). */
  async replayParked(stopAt: bigint | undefined): Promise<void> {
    if (this.replaying || this.state === 'stopped') return;
    this.replaying = true;
    try {
      const from = replayFrom(this.store, this.parkedStream);
      let next = from;
      let replayed = 0;
      for (let more = true; more && !this.stopped();) {
        const batch = await readForwards(this.store, this.parkedStream, next, MAX_READ);
        more = batch.length === MAX_READ;
        for (const link of batch) {
          if (stopAt !== undefined && link.revision >= stopAt) {
            more = false;
            break;
          }
          const original = await resolveLink(this.store, link);
          this.replay.push({
            seq: -1,
            event: original,
            link,
            ackId: link.eventId,
            bytes: 0,
            value: -1n,
            retryCount: 0,
            pinKey: this.pinKeyOf(original, link),
          });
          next = link.revision + 1n;
          replayed++;
        }
        this.dispatch();
      }
      // A group stopped meanwhile has dropped what it queued: leave the parked messages parked.
      if (next > from && !this.stopped()) {
        await markReplayed(this.store, this.parkedStream, next);
        this.parkedCount = Math.max(0, this.parkedCount - replayed);
      }
    } finally {
      this.replaying = false;
      this.dispatch();
    }
  }

  /** Stops the group: consumers are dropped; optionally the safe checkpoint is written first. */
  async stop(flushCheckpoint: boolean): Promise<void> {
    if (this.state === 'stopped') return;
    this.state = 'stopped';
    this.hold(-this.readAheadBytes);
    this.buffer.clear();
    this.liveQueue = [];
    const consumers = this.consumers;
    this.consumers = [];
    for (const c of consumers) c.sink.drop(new GroupDroppedError(this.def.stream, this.def.group));
    await Promise.allSettled([...this.pendingWrites]);
    if (this.checkpointWrite) await this.checkpointWrite;
    if (flushCheckpoint && this.tracker.pendingCount() > 0) await this.checkpoint();
  }

  onCommit(records: readonly RecordedEvent[]): void {
    if (this.state === 'catchup') {
      this.kick();
      return;
    }
    if (this.state !== 'live') return;
    for (const r of records) {
      if (this.isAll ? r.position >= this.cursor : r.streamId === this.def.stream && r.revision >= this.cursor) {
        this.liveQueue.push(r);
        this.hold(recordBytes(r));
      }
    }
    const overCount = this.liveQueue.length + this.buffer.length > Math.max(1, this.def.settings.liveBufferSize);
    const overBytes = this.liveQueue.length > 0 && this.readAheadBytes > this.readAhead.bytesPerGroup;
    if (overCount || overBytes) {
      // Too far behind for the live buffer: drop it and read the same records from the log.
      this.hold(-this.liveQueue.reduce((n, r) => n + recordBytes(r), 0));
      this.liveQueue = [];
      this.state = 'catchup';
    }
    this.kick();
  }

  /**
   * ESDB's state flags as .NET prints a [Flags] enum: set flags in ascending value order (Behind 1,
   * OutstandingPageRequest 2, ReplayingParkedMessages 4, Live 8), `NotReady` when none is set.
   */
  private status(): string {
    const flags: string[] = [];
    if (this.state === 'catchup') flags.push('Behind');
    if (this.state === 'catchup' && this.reading) flags.push('OutstandingPageRequest');
    if (this.replaying) flags.push('ReplayingParkedMessages');
    if (this.state === 'live') flags.push('Live');
    return flags.length > 0 ? flags.join(', ') : 'NotReady';
  }

  info(): GroupInfo {
    return {
      def: this.def,
      status: this.status(),
      consumers: this.consumers.map((c) => ({
        connectionName: c.connectionName,
        totalItems: c.rate.total,
        averagePerSecond: c.rate.perSecond,
        countSinceLastMeasurement: c.rate.countSinceLastMeasurement,
        availableSlots: Math.max(0, c.freeSlots()),
        inFlight: c.ids.size,
        measurements: this.def.settings.extraStatistics ? c.latency.measurements() : [],
      })),
      totalItems: this.rate.total,
      averagePerSecond: this.rate.perSecond,
      countSinceLastMeasurement: this.rate.countSinceLastMeasurement,
      lastCheckpoint: this.lastCheckpoint,
      lastKnown: this.lastKnown,
      readBufferCount: this.buffer.length,
      liveBufferCount: this.liveQueue.length,
      retryBufferCount: this.retry.length + this.replay.length,
      inFlight: this.inFlight.size,
      parkedCount: this.parkedCount,
    };
  }

  private stopped(): boolean {
    return this.state === 'stopped';
  }

  get consumerCount(): number {
    return this.consumers.length;
  }

  // ---------------------------------------------------------------- reading

  private kick(): void {
    this.wantPump = true;
    if (this.pumping) return;
    this.pumping = true;
    void this.pump();
  }

  private async pump(): Promise<void> {
    try {
      while (this.wantPump && this.state !== 'stopped') {
        this.wantPump = false;
        await this.fill();
      }
    } catch (err) {
      console.error(`persistent subscription ${this.key}: read failed`, err);
      setTimeout(() => this.kick(), 1000).unref();
    } finally {
      this.pumping = false;
    }
  }

  private hold(delta: number): void {
    this.readAheadBytes += delta;
    this.readAhead.add(delta);
  }

  /** The byte limit is reached: read nothing more until consumers take some (one message always fits). */
  private fullOfBytes(): boolean {
    return this.buffer.length > 0 && this.readAheadBytes >= this.readAhead.bytesPerGroup;
  }

  /**
   * Whether there is room to read ahead. Catch-up refills in batches, not one event per freed
   * slot (no per-event log reads): once down to half the count and half the bytes.
   */
  private wantsRead(): boolean {
    if (this.state === 'catchup') {
      if (this.buffer.length === 0) return true;
      return this.buffer.length <= this.lowWater() && this.readAheadBytes <= this.readAhead.bytesPerGroup / 2;
    }
    return this.state === 'live' && this.liveQueue.length > 0 && this.buffer.length < this.capacity() && !this.fullOfBytes();
  }

  private capacity(): number {
    return Math.max(1, this.def.settings.historyBufferSize);
  }

  /** Catch-up reads again once the buffer is down to this. */
  private lowWater(): number {
    return Math.floor(this.capacity() / 2);
  }

  private async fill(): Promise<void> {
    for (;;) {
      if (this.state === 'stopped' || this.state === 'loading') return;
      this.dispatch();
      const space = this.capacity() - this.buffer.length;
      if (space <= 0 || this.fullOfBytes()) return; // dispatch kicks again when slots free up
      if (this.state === 'live') {
        if (this.liveQueue.length === 0) return;
        const taken = this.liveQueue.splice(0, space);
        this.hold(-taken.reduce((n, r) => n + recordBytes(r), 0));
        await this.ingest(taken);
        continue;
      }
      if (!this.wantsRead()) return;
      const n = Math.min(space, MAX_READ);
      this.reading = true;
      let records: RecordedEvent[];
      try {
        records = await this.readSource(n, this.readAhead.bytesPerGroup - this.readAheadBytes);
      } finally {
        this.reading = false;
      }
      if (this.state !== 'catchup') return;
      await this.ingest(records);
      if (records.length === n) {
        this.stalls = 0;
        continue;
      }
      // Checked synchronously after the read: anything committed from here on arrives via onCommit.
      if (this.atEnd()) {
        this.stalls = 0;
        if (this.state === 'catchup') this.state = 'live';
        continue;
      }
      if (records.length === 0) await this.stalled();
    }
  }

  /** The log says there is more, yet nothing was readable. */
  private async stalled(): Promise<void> {
    this.stalls++;
    if (!this.isAll && this.stalls >= 3) {
      // Hidden by truncation or a soft delete: those numbers will never be readable.
      const last = this.store.streamState(this.def.stream).lastRevision;
      if (last >= this.cursor) this.cursor = last + 1n;
      this.stalls = 0;
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 5 * this.stalls));
  }

  private atEnd(): boolean {
    if (this.isAll) return this.store.lastPosition() < this.cursor;
    const state = this.store.streamState(this.def.stream);
    return state.tombstoned || state.lastRevision < this.cursor;
  }

  /** Up to n records from the cursor on, stopping once they hold maxBytes (at least one). */
  private async readSource(n: number, maxBytes: number): Promise<RecordedEvent[]> {
    if (!this.isAll) return readForwards(this.store, this.def.stream, this.cursor, n, maxBytes);
    const out: RecordedEvent[] = [];
    const from = this.cursor <= 0n ? 'start' : this.cursor;
    let bytes = 0;
    for await (const r of this.store.readAll({ direction: 'forwards', from, maxCount: BigInt(n) })) {
      out.push(r);
      bytes += recordBytes(r);
      if (bytes >= maxBytes) break;
    }
    return out;
  }

  private async ingest(records: readonly RecordedEvent[]): Promise<void> {
    const resolve = this.def.settings.resolveLinks;
    for (const r of records) {
      if (this.state === 'stopped') return;
      let value: bigint;
      if (this.isAll) {
        if (r.position < this.cursor) continue;
        this.cursor = r.position + 1n;
        value = r.position;
        // Bookkeeping records get no sequence: counting them, a group's own checkpoint write
        // would call for the next one, forever.
        if (hiddenFromAllGroups(r.streamId)) continue;
        if (!this.matcher(r)) {
          // Filtered-out records still advance the checkpoint (§14.10).
          this.tracker.push(value, false);
          continue;
        }
      } else {
        if (r.streamId !== this.def.stream || r.revision < this.cursor || r.revision === TOMBSTONE_REVISION) continue;
        this.cursor = r.revision + 1n;
        value = r.revision;
      }
      let event: RecordedEvent | undefined = r;
      let link: RecordedEvent | undefined;
      if (resolve && r.type === '$>') {
        link = r;
        event = await resolveLink(this.store, r);
      }
      this.lastKnown = value;
      const seq = this.tracker.push(value, true);
      const bytes = (event ? recordBytes(event) : 0) + (link ? recordBytes(link) : 0);
      this.hold(bytes);
      this.buffer.push({
        seq,
        event,
        link,
        ackId: (link ?? r).eventId,
        bytes,
        value,
        retryCount: 0,
        pinKey: this.pinKeyOf(event, link),
      });
    }
  }

  private pinKeyOf(event: RecordedEvent | undefined, link: RecordedEvent | undefined): string {
    const strategy = this.def.settings.strategy;
    if (strategy !== 'Pinned' && strategy !== 'PinnedByCorrelation') return '';
    if (strategy === 'PinnedByCorrelation' && event && event.metadata.length > 0) {
      try {
        const meta: unknown = JSON.parse(Buffer.from(event.metadata).toString('utf8'));
        const id = (meta as { $correlationId?: unknown } | null)?.$correlationId;
        if (typeof id === 'string' && id) return id;
      } catch {
        // not JSON: fall back to the stream
      }
    }
    if (event) return event.streamId;
    return (link && parseLink(link)?.stream) ?? link?.streamId ?? '';
  }

  // ---------------------------------------------------------------- dispatch

  private dispatch(): void {
    if (this.state === 'stopped') return;
    if (this.consumers.length > 0) {
      for (;;) {
        // Retries first, then replayed parked messages, then new events (§14.9).
        const fromRetry = this.retry.length > 0;
        const msg = fromRetry ? this.retry[0] : (this.replay.peek() ?? this.buffer.peek());
        if (!msg) break;
        // The same id twice in flight would make acks ambiguous: wait for the first to settle.
        if (this.inFlight.has(msg.ackId)) break;
        const consumer = this.strategy.pick(this.consumers, msg.pinKey);
        if (!consumer) break;
        if (fromRetry) this.retry.shift();
        else if (this.replay.length > 0) this.replay.shift();
        else {
          this.buffer.shift();
          this.hold(-msg.bytes);
          msg.bytes = 0;
        }
        this.send(consumer, msg);
      }
    }
    if (this.wantsRead()) this.kick();
  }

  private send(consumer: Consumer, msg: Message): void {
    this.inFlight.set(msg.ackId, { msg, consumer, sentAt: Date.now() });
    consumer.ids.add(msg.ackId);
    consumer.rate.add();
    this.rate.add();
    consumer.sink.deliver({ event: msg.event, link: msg.link, retryCount: msg.retryCount });
  }

  private release(entry: InFlight): void {
    this.inFlight.delete(entry.msg.ackId);
    entry.consumer.ids.delete(entry.msg.ackId);
  }

  private measure(entry: InFlight): void {
    if (this.def.settings.extraStatistics) entry.consumer.latency.record(Date.now() - entry.sentAt);
  }

  private done(msg: Message): void {
    if (msg.seq >= 0) this.tracker.done(msg.seq);
  }

  private enqueueRetry(msg: Message): void {
    // Binary insertion keeps the queue ordered by original position.
    let lo = 0;
    let hi = this.retry.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.retry[mid].seq <= msg.seq) lo = mid + 1;
      else hi = mid;
    }
    this.retry.splice(lo, 0, msg);
  }

  private retryOrPark(msg: Message): void {
    const max = this.def.settings.maxRetryCount;
    if (msg.retryCount >= max) {
      this.park(msg, `Reached retry count of ${max}`);
      return;
    }
    msg.retryCount++;
    this.enqueueRetry(msg);
  }

  /**
   * ESDB's `subscriptionEventNumber`: the original record's event number in its stream (the link's
   * when there is one). For a stream group that is the group's own cursor value; an `$all` group's
   * value is a position, so it comes from the record.
   */
  private originalEventNumber(msg: Message): bigint {
    if (!this.isAll) return msg.value;
    return (msg.link ?? msg.event)?.revision ?? msg.value;
  }

  /** The message stays outstanding (holding the checkpoint back) until its parked record is written. */
  private park(msg: Message, reason: string): void {
    const write = this.store
      .append(this.parkedStream, { kind: 'any' }, [parkedLink(msg.event, msg.link, reason, this.originalEventNumber(msg))])
      .then(
        () => {
          this.parkedCount++;
          this.done(msg);
        },
        (err: unknown) => {
          console.error(`persistent subscription ${this.key}: parking failed, retrying the message`, err);
          this.enqueueRetry(msg);
        },
      )
      .finally(() => {
        this.pendingWrites.delete(write);
        this.afterAckOrNack();
      });
    this.pendingWrites.add(write);
  }

  private afterAckOrNack(): void {
    if (this.state === 'stopped') return;
    const d = this.tracker.pendingCount();
    if (d > 0 && d >= this.def.settings.maxCheckpointCount) void this.checkpoint();
    this.dispatch();
  }

  /** Writes the current safe checkpoint; at most one write at a time (§14.10). */
  private checkpoint(): Promise<void> {
    if (this.checkpointWrite) return this.checkpointWrite;
    const candidate = this.tracker.candidate();
    if (!candidate || this.tracker.pendingCount() <= 0) return Promise.resolve();
    this.checkpointWrite = writeCheckpoint(this.store, this.checkpointStream, this.isAll, candidate.value)
      .then(
        () => {
          this.tracker.markWritten(candidate.seq);
          this.lastCheckpoint = candidate.value;
          this.lastCheckpointAt = Date.now();
          return true;
        },
        (err: unknown) => {
          console.error(`persistent subscription ${this.key}: checkpoint failed`, err);
          return false;
        },
      )
      .then((written) => {
        this.checkpointWrite = undefined;
        // Acks that arrived during the write may already call for the next one.
        const d = this.tracker.pendingCount();
        if (written && this.state !== 'stopped' && d > 0 && d >= this.def.settings.maxCheckpointCount) void this.checkpoint();
      });
    return this.checkpointWrite;
  }
}
