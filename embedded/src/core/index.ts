// In-memory indexes over the log. Payloads stay on disk; per event we keep one position in its
// stream's array, one in the `$all` array, and one id-table slot.
//
// Two views: the write model sees every reserved commit (so concurrent appenders are checked
// against each other), readers see only durable ones (`committed` counters, `metaCommitted`).
import { IdTable, idHash } from './id-table.js';
import { isMetastream, ownerOf, type MetaInfo } from './metadata.js';
import { TOMBSTONE_REVISION } from './types.js';

export class StreamEntry {
  /** positions[revision], reserved commits included. */
  readonly positions: number[] = [];
  /** Number of durable events (readers see revisions < committed). */
  committed = 0;
  /** Position of the tombstone record, 0 when none (write model). */
  tombstone = 0;
  tombstoneCommitted = false;
  /** Latest metadata of this stream, from its `$$` metastream (write model / readers). */
  meta: MetaInfo | undefined;
  metaCommitted: MetaInfo | undefined;
  /** Whether `$$stream` has events (write model / readers). */
  hasMeta = false;
  hasMetaCommitted = false;

  constructor(readonly name: string) {}

  get lastRevision(): number {
    return this.positions.length - 1;
  }
}

/** Growable sorted array of every record position, for `$all` reads. */
export class PositionList {
  private data = new Float64Array(1 << 16);
  length = 0;
  committed = 0;

  push(pos: number): void {
    if (this.length === this.data.length) {
      const next = new Float64Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = pos;
  }

  at(i: number): number {
    return this.data[i];
  }

  /** Index of the first position >= pos (may be `length`). */
  lowerBound(pos: number): number {
    let lo = 0;
    let hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.data[mid] < pos) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/** What the index needs to know about one record. */
export interface IndexedRecord {
  streamId: string;
  revision: bigint;
  eventId: string;
  position: number;
  /** Parsed metadata when the record is in a metastream. */
  meta?: MetaInfo;
}

export class StoreIndex {
  readonly streams = new Map<string, StreamEntry>();
  readonly all = new PositionList();
  readonly ids = new IdTable();

  get(streamId: string): StreamEntry | undefined {
    return this.streams.get(streamId);
  }

  ensure(streamId: string): StreamEntry {
    let e = this.streams.get(streamId);
    if (!e) {
      e = new StreamEntry(streamId);
      this.streams.set(streamId, e);
    }
    return e;
  }

  /** Write side: the record exists (maybe not yet durable). */
  reserve(r: IndexedRecord): void {
    const entry = this.ensure(r.streamId);
    this.all.push(r.position);
    if (r.revision === TOMBSTONE_REVISION) {
      entry.tombstone = r.position;
      return;
    }
    if (r.revision !== BigInt(entry.positions.length)) {
      throw new Error(`Index out of order: ${r.streamId}@${r.revision} after ${entry.lastRevision}`);
    }
    entry.positions.push(r.position);
    this.ids.insert(idHash(r.streamId, r.eventId), r.position);
    if (isMetastream(r.streamId)) {
      const owner = this.ensure(ownerOf(r.streamId));
      owner.meta = r.meta;
      owner.hasMeta = true;
    }
  }

  /** Read side: the record is durable; called in log order. */
  publish(r: IndexedRecord): void {
    const entry = this.streams.get(r.streamId)!;
    this.all.committed++;
    if (r.revision === TOMBSTONE_REVISION) {
      entry.tombstoneCommitted = true;
      return;
    }
    entry.committed++;
    if (isMetastream(r.streamId)) {
      const owner = this.streams.get(ownerOf(r.streamId))!;
      owner.metaCommitted = r.meta;
      owner.hasMetaCommitted = true;
    }
  }
}
