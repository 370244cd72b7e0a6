// The storage core behind the gRPC layers: ESDB's write model over an append-only log.
//
// Every write (append, delete, tombstone) is one synchronous step — commit check, position
// assignment, index reservation — followed by an asynchronous wait for fsync. Doing the check
// and the reservation in one tick is what serialises concurrent writers (exactly one winner
// per revision) while the log batches their fsyncs.
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import { BadRequestError, StreamAlreadyInAppendError, StreamDeletedError, WrongExpectedVersionError } from './errors.js';
import { StoreIndex, type IndexedRecord } from './index.js';
import {
  METADATA_EVENT_TYPE,
  TOMBSTONE_EVENT_TYPE,
  isMetastream,
  isSoftDeletedMeta,
  metastreamOf,
  ownerOf,
  parseMetadata,
  softDeleteMetadataJson,
  toStreamMetadata,
  undeleteMetadataJson,
  type MetaInfo,
} from './metadata.js';
import { nowTicks, readAll, readStream } from './reads.js';
import {
  TOMBSTONE_REVISION,
  type AppendResult,
  type CommitListener,
  type DeleteResult,
  type ExpectedRevision,
  type MultiAppendResult,
  type Position,
  type ProposedEvent,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type Store,
  type StreamMetadata,
  type StartupInfo,
  type StreamAppend,
  type StreamState,
} from './types.js';
import { checkAppendSize, validateEvents, validateExpected, validateStreamId } from './validate.js';
import { checkCommit, type Decision, type StreamView } from './write-model.js';
import { FileBackend, MemoryBackend, type LogBackend } from '../storage/backend.js';
import { LOG_START, Log } from '../storage/log.js';
import { writeIndexFile } from '../storage/index-file.js';
import { encodeSnapshot } from './index-snapshot.js';
import { SNAPSHOT_EVERY_BYTES, fingerprintOf, loadSnapshot } from './saved-index.js';
import { dataView, decodeKey, encodeRecord, eventIdOffset, revisionNumber, streamIdOf } from '../storage/record-codec.js';

export type StoreOptions =
  | {
      dataDir: string;
      /** Log growth after which the index is saved again (default 128 MiB; tests use less). */
      snapshotEveryBytes?: number;
    }
  | { mem: true };

export const LOG_FILE_NAME = 'events.log';

const EMPTY = new Uint8Array(0);

/** A record about to be written. */
type Draft = Omit<RecordedEvent, 'position' | 'created'>;

export async function createStore(options: StoreOptions): Promise<Store> {
  let backend: LogBackend;
  let dataDir: string | undefined;
  if (options && 'mem' in options && options.mem === true) backend = new MemoryBackend();
  else if (options && 'dataDir' in options && typeof options.dataDir === 'string' && options.dataDir.length > 0) {
    dataDir = options.dataDir;
    backend = await FileBackend.open(path.join(dataDir, LOG_FILE_NAME));
  } else throw new BadRequestError('createStore needs { dataDir } or { mem: true }');

  let opened: Awaited<ReturnType<typeof Log.open>>;
  let index: StoreIndex;
  let snapshotEnd: number;
  try {
    // With a usable snapshot only the log after it is read; without one, all of it.
    const snapshot = dataDir === undefined ? undefined : loadSnapshot(dataDir, backend);
    index = snapshot?.index ?? new StoreIndex();
    snapshotEnd = snapshot?.coveredEnd ?? 0;
    const idx = index;
    opened = await Log.open(
      backend,
      (chunk, off, position) => {
        const streamId = streamIdOf(chunk, off);
        const revision = revisionNumber(chunk, off);
        const rec: IndexedRecord = { streamId, revision, idHash: idx.ids.hashBytes(streamId, chunk, eventIdOffset(off)), position };
        if (revision >= 0 && isMetastream(streamId)) rec.meta = parseMetadata(dataView(chunk, off));
        idx.reserve(rec);
        idx.publish(rec);
      },
      snapshot?.coveredEnd ?? LOG_START,
    );
  } catch (e) {
    // Release the file and the data-dir lock: the caller may fix the directory and retry.
    await backend.close();
    throw e;
  }
  const { log } = opened;
  index.publishedEnd = log.end;
  const startup: StartupInfo = { index: snapshotEnd > 0 ? 'snapshot' : 'log', scannedBytes: log.end - (snapshotEnd || LOG_START) };
  const every =
    options && 'dataDir' in options && options.snapshotEveryBytes !== undefined ? options.snapshotEveryBytes : SNAPSHOT_EVERY_BYTES;
  const store = new EmbeddedStore(index, log, dataDir, snapshotEnd, startup, every);
  if (index.all.length === 0) {
    try {
      await store.seed();
    } catch (e) {
      // A store that could not even write its first records must not keep the directory locked.
      await store.close().catch(() => undefined);
      throw e;
    }
  }
  return store;
}

class EmbeddedStore implements Store {
  private readonly listeners = new Set<CommitListener>();
  private closed = false;
  private lastCreated = 0n;
  /** The snapshot being written, if any (one at a time). */
  private snapshotWrite: Promise<void> | undefined;

  constructor(
    private readonly index: StoreIndex,
    private readonly log: Log,
    /** where the index snapshot is kept; undefined in memory */
    private readonly dataDir: string | undefined,
    /** log offset the last snapshot covers */
    private snapshotEnd: number,
    readonly startup: StartupInfo,
    private readonly snapshotEvery: number,
  ) {}

  /** A fresh ESDB log starts with system records; so does ours (protocol §4.3). */
  async seed(): Promise<void> {
    const json = (v: unknown) => Buffer.from(JSON.stringify(v), 'utf8');
    const sys = (type: string, data: Uint8Array): ProposedEvent => ({ eventId: randomUUID(), type, isJson: true, data, metadata: EMPTY });
    await this.append('$$$scavenges', { kind: 'no_stream' }, [sys(METADATA_EVENT_TYPE, json({ $maxAge: 2592000 }))]);
    const all = { $r: '$all', $w: '$all', $d: '$all', $mr: '$all', $mw: '$all' };
    const admins = { $r: '$admins', $w: '$admins', $d: '$admins', $mr: '$admins', $mw: '$admins' };
    await this.append('$settings', { kind: 'no_stream' }, [sys('$settings', json({ $userStreamAcl: all, $systemStreamAcl: admins }))]);
    await this.append('$$$settings', { kind: 'no_stream' }, [sys(METADATA_EVENT_TYPE, json({ $maxCount: 1 }))]);
  }

  async append(streamId: string, expected: ExpectedRevision, events: readonly ProposedEvent[]): Promise<AppendResult> {
    this.assertOpen();
    validateStreamId(streamId);
    validateExpected(expected);
    validateEvents(events);
    checkAppendSize(events);

    const view = this.view(streamId);
    const ids: string[] = new Array(events.length);
    for (let i = 0; i < events.length; i++) ids[i] = events[i].eventId;
    const decision = checkCommit(view, expected, ids);
    if (decision.kind === 'idempotent') {
      // The original commit may still be waiting for its fsync: acknowledge only once it is durable.
      await this.log.whenDurable(decision.position);
      return { currentRevision: BigInt(decision.revision), position: BigInt(decision.position) };
    }
    if (events.length === 0) return { currentRevision: BigInt(view.cur) };

    const drafts = this.draftsFor(streamId, view, events);
    const { recorded, done } = this.commit(drafts);
    await done;
    const last = recorded[recorded.length - 1];
    return { currentRevision: last.revision, position: last.position };
  }

  /** The records an append of `events` to `streamId` writes, given its write-model view. */
  private draftsFor(streamId: string, view: StreamView, events: readonly ProposedEvent[]): Draft[] {
    const drafts: Draft[] = [];
    const owner = isMetastream(streamId) ? ownerOf(streamId) : undefined;
    if (!owner && view.softDeleted) {
      // Re-creation of a soft-deleted stream: hide the old events behind a new `$tb` (§5.2).
      const meta = this.index.metaOf(streamId, false);
      drafts.push(this.metadataDraft(streamId, undeleteMetadataJson(meta?.raw, BigInt(view.cur + 1))));
    }
    const ownerSoftDeleted = owner !== undefined && isSoftDeletedMeta(this.index.metaOf(owner, false));
    let revision = BigInt(view.cur);
    for (let i = 0; i < events.length; i++) {
      const e = events[i];
      let data = e.data;
      if (ownerSoftDeleted && i === events.length - 1) data = undeleteByMetadataWrite(data, this.index.lastRevision(owner!));
      drafts.push({ streamId, revision: ++revision, eventId: e.eventId, type: e.type, isJson: e.isJson, data, metadata: e.metadata });
    }
    return drafts;
  }

  async appendMulti(appends: readonly StreamAppend[]): Promise<MultiAppendResult> {
    this.assertOpen();
    if (!Array.isArray(appends) || appends.length === 0) throw new BadRequestError('A multi-stream append needs at least one stream');
    const seen = new Set<string>();
    for (const a of appends) {
      validateStreamId(a?.streamId);
      validateExpected(a.expected);
      validateEvents(a.events);
      // KurrentDB compares stream names of one append session ignoring case
      const key = a.streamId.toLowerCase();
      if (seen.has(key)) throw new StreamAlreadyInAppendError(a.streamId);
      seen.add(key);
    }
    for (const a of appends) {
      // a stream and its metastream in one commit would both write the metastream (re-creation, undelete)
      if (!isMetastream(a.streamId) && seen.has(metastreamOf(a.streamId).toLowerCase()))
        throw new StreamAlreadyInAppendError(metastreamOf(a.streamId));
    }
    checkAppendSize(appends.flatMap((a) => a.events));

    // Every stream's check runs in this one synchronous step, before anything is reserved: a
    // failure on any stream writes nothing on all of them.
    const decisions = appends.map((a: StreamAppend) => {
      const view = this.view(a.streamId);
      const ids = a.events.map((e: ProposedEvent) => e.eventId);
      return { a, view, decision: checkCommit(view, a.expected, ids) };
    });
    const idempotent = decisions.filter((d) => d.decision.kind === 'idempotent');
    if (idempotent.length === decisions.length) {
      // a retry of a whole multi-stream append that is already written
      let position = 0;
      const streams = decisions.map(({ a, decision }) => {
        const d = decision as Extract<Decision, { kind: 'idempotent' }>;
        if (d.position > position) position = d.position;
        return { streamId: a.streamId, currentRevision: BigInt(d.revision) };
      });
      await this.log.whenDurable(position);
      return { position: BigInt(position), streams };
    }
    if (idempotent.length > 0) {
      // part of it written before, part not: not a retry of one append, so not idempotent
      const { a, view } = idempotent[0];
      throw new WrongExpectedVersionError(a.streamId, a.expected, BigInt(view.cur));
    }
    const drafts: Draft[] = [];
    const streams: MultiAppendResult['streams'] = [];
    for (const { a, view } of decisions) {
      drafts.push(...this.draftsFor(a.streamId, view, a.events));
      streams.push({ streamId: a.streamId, currentRevision: BigInt(view.cur + a.events.length) });
    }
    if (drafts.length === 0) return { position: this.lastPosition(), streams };
    const { recorded, done } = this.commit(drafts);
    await done;
    return { position: recorded[recorded.length - 1].position, streams };
  }

  async deleteStream(streamId: string, expected: ExpectedRevision): Promise<DeleteResult> {
    this.assertOpen();
    this.validateDeletable(streamId, expected);
    const view = this.view(streamId);
    if (view.tombstoned) throw new StreamDeletedError(streamId);
    // ESDB refuses to delete a stream that has neither events nor metadata, whatever was expected (§12).
    if (view.cur < 0 && !view.hasMeta) throw new WrongExpectedVersionError(streamId, expected, -1n);
    checkCommit(view, expected, [randomUUID()]);
    const { recorded, done } = this.commit([this.metadataDraft(streamId, softDeleteMetadataJson())]);
    await done;
    return { position: recorded[0].position };
  }

  async tombstoneStream(streamId: string, expected: ExpectedRevision): Promise<DeleteResult> {
    this.assertOpen();
    this.validateDeletable(streamId, expected);
    const view = this.view(streamId);
    checkCommit(view, expected, [randomUUID()]);
    const { recorded, done } = this.commit([
      {
        streamId,
        revision: TOMBSTONE_REVISION,
        eventId: randomUUID(),
        type: TOMBSTONE_EVENT_TYPE,
        isJson: false,
        data: EMPTY,
        metadata: EMPTY,
      },
    ]);
    await done;
    return { position: recorded[0].position };
  }

  readStream(streamId: string, options: ReadStreamOptions): AsyncIterable<RecordedEvent> {
    this.assertOpen();
    return readStream(this.index, this.log, streamId, options);
  }

  readAll(options: ReadAllOptions): AsyncIterable<RecordedEvent> {
    this.assertOpen();
    return readAll(this.index, this.log, options);
  }

  streamState(streamId: string): StreamState {
    validateStreamId(streamId);
    return {
      lastRevision: BigInt(this.index.committedCount(streamId) - 1),
      tombstoned: this.index.isTombstoned(streamId, true),
      softDeleted: isSoftDeletedMeta(this.index.metaOf(streamId, true)),
      hasMetadata: this.index.hasMetastream(streamId, true),
    };
  }

  getMetadata(streamId: string): StreamMetadata | undefined {
    validateStreamId(streamId);
    if (this.index.isTombstoned(streamId, true)) return undefined;
    return toStreamMetadata(this.index.metaOf(streamId, true));
  }

  lastPosition(): Position {
    const all = this.index.all;
    return all.committed === 0 ? 0n : BigInt(all.at(all.committed - 1));
  }

  onCommit(listener: CommitListener): () => void {
    if (typeof listener !== 'function') throw new BadRequestError('onCommit needs a function');
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.listeners.clear();
    await this.log.idle();
    await this.snapshotWrite;
    // Save the index for the next start while the directory is still ours (snapshots are optional:
    // a failure to write one is reported, and the next start reads the log instead).
    if (this.log.end > this.snapshotEnd) await this.writeSnapshot();
    await this.log.close();
  }

  /** Writes a snapshot of the index if every commit is durable (else leaves it for later). */
  private writeSnapshot(): Promise<void> {
    if (this.dataDir === undefined || this.snapshotWrite || !this.log.isIdle || this.index.publishedEnd !== this.log.end)
      return Promise.resolve();
    const dataDir = this.dataDir;
    const end = this.log.end;
    const bytes = encodeSnapshot(
      this.index,
      fingerprintOf((pos, length) => this.log.read(pos, length), end),
    );
    this.snapshotWrite = writeIndexFile(dataDir, bytes)
      .then(
        () => {
          this.snapshotEnd = end;
        },
        (err: unknown) =>
          console.warn(
            `embedded store: could not save the index snapshot in ${dataDir}: ${err instanceof Error ? err.message : String(err)}`,
          ),
      )
      .finally(() => {
        this.snapshotWrite = undefined;
      });
    return this.snapshotWrite;
  }

  /** After a commit: a snapshot once the log has grown enough since the last one, when the log is idle. */
  private maybeSnapshot(end: number): void {
    if (this.dataDir === undefined || this.closed || this.snapshotWrite || end - this.snapshotEnd < this.snapshotEvery) return;
    setImmediate(() => {
      if (!this.closed) void this.writeSnapshot();
    });
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('Store is closed');
  }

  private validateDeletable(streamId: string, expected: ExpectedRevision): void {
    validateStreamId(streamId);
    validateExpected(expected);
    if (isMetastream(streamId)) throw new BadRequestError(`Cannot delete metastream ${streamId}; delete ${ownerOf(streamId)} instead`);
  }

  /** The write model's view of a stream: reserved (not only durable) commits count. */
  private view(streamId: string): StreamView {
    return new WriteView(this.index, this.log, streamId);
  }

  private metadataDraft(streamId: string, data: Uint8Array): Draft {
    return {
      streamId: metastreamOf(streamId),
      revision: BigInt(this.index.lastRevision(metastreamOf(streamId)) + 1),
      eventId: randomUUID(),
      type: METADATA_EVENT_TYPE,
      isJson: true,
      data,
      metadata: EMPTY,
    };
  }

  /** Writes drafts as one atomic commit; synchronous up to the fsync wait. */
  private commit(drafts: Draft[]): { recorded: RecordedEvent[]; done: Promise<void> } {
    // Never earlier than the previous commit: wall-clock ms and monotonic sub-ms parts can disagree.
    const now = nowTicks();
    const created = now > this.lastCreated ? now : this.lastCreated;
    this.lastCreated = created;
    // Plain loops, no per-event closures or spreads: this runs for every appended event.
    const bufs: Buffer[] = new Array(drafts.length);
    for (let i = 0; i < drafts.length; i++) {
      const d = drafts[i];
      bufs[i] = encodeRecord(
        {
          streamId: d.streamId,
          revision: d.revision,
          eventId: d.eventId,
          type: d.type,
          isJson: d.isJson,
          data: d.data,
          metadata: d.metadata,
          created,
        },
        i === drafts.length - 1,
      );
    }
    const start = this.log.end;
    const recorded: RecordedEvent[] = [];
    const indexed: IndexedRecord[] = [];
    let pos = start;
    for (let i = 0; i < drafts.length; i++) {
      const d = drafts[i];
      // Property order as in decodeRecord, so listeners see one object shape.
      recorded.push({
        eventId: d.eventId,
        type: d.type,
        isJson: d.isJson,
        data: d.data,
        metadata: d.metadata,
        streamId: d.streamId,
        revision: d.revision,
        position: BigInt(pos),
        created,
      });
      const tombstone = d.revision === TOMBSTONE_REVISION;
      const rec: IndexedRecord = {
        streamId: d.streamId,
        revision: tombstone ? -1 : Number(d.revision),
        idHash: this.index.ids.hash(d.streamId, d.eventId),
        position: pos,
      };
      if (isMetastream(d.streamId) && d.revision !== TOMBSTONE_REVISION) rec.meta = parseMetadata(d.data);
      indexed.push(rec);
      pos += bufs[i].length;
    }
    const { offset, done } = this.log.append(bufs.length === 1 ? bufs[0] : Buffer.concat(bufs), () => {
      for (const r of indexed) this.index.publish(r);
      this.index.publishedEnd = pos;
      this.notify(recorded);
      this.maybeSnapshot(pos);
    });
    if (offset !== start) throw new Error('Log offset moved during a commit');
    for (const r of indexed) this.index.reserve(r);
    return { recorded, done };
  }

  private notify(records: RecordedEvent[]): void {
    for (const l of this.listeners) {
      try {
        l(records);
      } catch (e) {
        // One broken subscriber must not stop the others, the acknowledgement, or the server.
        console.error('embedded store: commit listener failed', e);
      }
    }
  }
}

/**
 * A metadata write to a soft-deleted stream un-deletes it: `$tb` becomes the next event number,
 * unless the new metadata deletes it again (§5.2).
 */
function undeleteByMetadataWrite(data: Uint8Array, ownerLast: number): Uint8Array {
  const parsed: MetaInfo = parseMetadata(data);
  if (!parsed.raw || isSoftDeletedMeta(parsed)) return data;
  const firstNew = BigInt(ownerLast + 1);
  const tb = parsed.truncateBefore !== undefined && parsed.truncateBefore > firstNew ? parsed.truncateBefore : firstNew;
  return undeleteMetadataJson(parsed.raw, tb);
}

/**
 * StreamView over the index and log. A class rather than an object literal with arrow functions:
 * view() runs on every append, and under tsx each closure created per call also pays for a
 * `__name` wrapper (keepNames), which showed up in append profiles.
 */
class WriteView implements StreamView {
  readonly cur: number;
  readonly tombstoned: boolean;
  readonly softDeleted: boolean;
  readonly hasMeta: boolean;

  constructor(
    private readonly index: StoreIndex,
    private readonly log: Log,
    readonly streamId: string,
  ) {
    this.cur = index.lastRevision(streamId);
    this.tombstoned = index.isTombstoned(streamId, false);
    this.softDeleted = isSoftDeletedMeta(index.metaOf(streamId, false));
    this.hasMeta = index.hasMetastream(streamId, false);
  }

  findId(eventId: string): { revision: number; position: number } | undefined {
    if (this.cur < 0) return undefined;
    const streamId = this.streamId;
    let best: { revision: number; position: number } | undefined;
    for (const pos of this.index.ids.candidates(this.index.ids.hash(streamId, eventId))) {
      // The table holds hashes only: confirm against the record itself.
      const key = decodeKey(this.log.readRecord(pos), 0);
      if (key.streamId === streamId && key.eventId === eventId && (!best || pos > best.position)) {
        best = { revision: Number(key.revision), position: pos };
      }
    }
    return best;
  }

  eventAt(revision: number): { eventId: string; position: number } {
    const position = this.index.positionAt(this.streamId, revision);
    return { eventId: decodeKey(this.log.readRecord(position), 0).eventId, position };
  }
}
