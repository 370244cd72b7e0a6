// In-memory indexes over the log. Payloads stay on disk; per event we keep one position in its
// stream, one in the `$all` array and one id-table slot.
//
// Memory matters (target: 1,000,000 events in < 300 MB, possibly one stream each), so a stream
// with exactly one event and nothing special is stored as a bare number (its position) in the
// stream map; only longer or special streams get a StreamEntry object.
//
// Two views: the write model sees every reserved commit (so concurrent appenders are checked
// against each other); readers see only durable ones. Because commits become durable in log
// order, "durable" is simply "position < publishedEnd", so no per-stream counters are needed.
import { IdTable } from './id-table.js';
import { isMetastream, metastreamOf, ownerOf, type MetaInfo } from './metadata.js';

export class StreamEntry {
  /** Position of the tombstone record, 0 when none. */
  tombstone = 0;
  /** Latest metadata of this stream from its `$$` metastream: reserved (write model) and durable (readers). */
  meta: MetaInfo | undefined = undefined;
  metaCommitted: MetaInfo | undefined = undefined;

  /** positions[revision], reserved commits included. */
  constructor(readonly positions: number[]) {}
}

/** Growable sorted array of every record position, for `$all` reads. */
export class PositionList {
  private data = new Float64Array(1 << 16);
  length = 0;
  /** Records durable and visible to readers: indexes < committed. */
  committed = 0;

  /** A list over saved positions (all durable); takes ownership of `data`. */
  static fromArray(data: Float64Array<ArrayBuffer>, length: number): PositionList {
    const list = new PositionList();
    list.data = data.length > 0 ? data : list.data;
    list.length = list.committed = length;
    return list;
  }

  /** The first `length` positions (a view: copy before the list changes). */
  view(): Float64Array {
    return this.data.subarray(0, this.length);
  }

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
  /** Event number; -1 for the tombstone record. */
  revision: number;
  /** idHash(streamId, eventId) */
  idHash: number;
  position: number;
  /** Parsed metadata when the record is in a metastream. */
  meta?: MetaInfo;
}

export class StoreIndex {
  private readonly streams = new Map<string, number | StreamEntry>();
  /** Log offset up to which commits are durable and visible to readers. */
  publishedEnd = 0;

  constructor(
    readonly all = new PositionList(),
    readonly ids = new IdTable(),
  ) {}

  /** Every stream: its single position, or its entry (index-snapshot.ts saves and restores these). */
  streamEntries(): IterableIterator<[string, number | StreamEntry]> {
    return this.streams.entries();
  }

  get streamCount(): number {
    return this.streams.size;
  }

  /** Restores one saved stream (snapshot loading only, before anything else uses the index). */
  restoreStream(streamId: string, value: number | StreamEntry): void {
    this.streams.set(streamId, value);
  }

  /** Last reserved revision, -1 when none (write model). */
  lastRevision(streamId: string): number {
    const v = this.streams.get(streamId);
    if (v === undefined) return -1;
    return typeof v === 'number' ? 0 : v.positions.length - 1;
  }

  /** Number of durable events (readers see revisions below it). */
  committedCount(streamId: string): number {
    const v = this.streams.get(streamId);
    if (v === undefined) return 0;
    if (typeof v === 'number') return v < this.publishedEnd ? 1 : 0;
    let n = v.positions.length;
    while (n > 0 && v.positions[n - 1] >= this.publishedEnd) n--;
    return n;
  }

  positionAt(streamId: string, revision: number): number {
    const v = this.streams.get(streamId)!;
    return typeof v === 'number' ? v : v.positions[revision];
  }

  details(streamId: string): StreamEntry | undefined {
    const v = this.streams.get(streamId);
    return typeof v === 'object' ? v : undefined;
  }

  /** A tombstone on the stream, or on the stream a metastream belongs to, deletes both. */
  isTombstoned(streamId: string, durableOnly: boolean): boolean {
    const check = (e: StreamEntry | undefined) => !!e && e.tombstone > 0 && (!durableOnly || e.tombstone < this.publishedEnd);
    return check(this.details(streamId)) || (isMetastream(streamId) && check(this.details(ownerOf(streamId))));
  }

  metaOf(streamId: string, durableOnly: boolean): MetaInfo | undefined {
    const e = this.details(streamId);
    return durableOnly ? e?.metaCommitted : e?.meta;
  }

  hasMetastream(streamId: string, durableOnly: boolean): boolean {
    const meta = metastreamOf(streamId);
    return durableOnly ? this.committedCount(meta) > 0 : this.lastRevision(meta) >= 0;
  }

  /** Write side: the record exists (maybe not yet durable). Must be called in log order. */
  reserve(r: IndexedRecord): void {
    this.all.push(r.position);
    if (r.revision < 0) {
      this.promote(r.streamId).tombstone = r.position;
      return;
    }
    const v = this.streams.get(r.streamId);
    const expected = v === undefined ? 0 : typeof v === 'number' ? 1 : v.positions.length;
    if (r.revision !== expected) {
      throw new Error(`Index out of order: ${r.streamId}@${r.revision}, expected ${expected}`);
    }
    if (v === undefined) this.streams.set(r.streamId, r.position);
    else this.promote(r.streamId).positions.push(r.position);
    this.ids.insert(r.idHash, r.position);
    if (isMetastream(r.streamId)) this.promote(ownerOf(r.streamId)).meta = r.meta;
  }

  /** Read side: the record is durable. Called in log order; `publishedEnd` is advanced by the caller per commit. */
  publish(r: IndexedRecord): void {
    this.all.committed++;
    if (r.revision >= 0 && isMetastream(r.streamId)) {
      this.promote(ownerOf(r.streamId)).metaCommitted = r.meta;
    }
  }

  private promote(streamId: string): StreamEntry {
    const v = this.streams.get(streamId);
    if (typeof v === 'object') return v;
    const e = new StreamEntry(v === undefined ? [] : [v]);
    this.streams.set(streamId, e);
    return e;
  }
}
