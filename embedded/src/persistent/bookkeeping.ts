// Reads and writes of a group's internal streams through the Store (§14.1):
// the checkpoint stream, the parked-messages stream and its replay progress.
import { randomUUID } from 'node:crypto';
import type { ProposedEvent, RecordedEvent, Store } from '../core/types.js';
import { StreamDeletedError, StreamNotFoundError } from '../core/errors.js';

const EMPTY = new Uint8Array(0);
const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();

export function jsonEvent(type: string, value: unknown): ProposedEvent {
  return { eventId: randomUUID(), type, isJson: true, data: utf8.encode(JSON.stringify(value)), metadata: EMPTY };
}

function isMissing(err: unknown): boolean {
  return err instanceof StreamNotFoundError || err instanceof StreamDeletedError;
}

/** Reads up to `max` events forwards; a missing or deleted stream reads as empty. */
/** What a record holds in memory, roughly: its payloads and names. */
export function recordBytes(r: RecordedEvent): number {
  return r.data.length + r.metadata.length + 2 * (r.type.length + r.streamId.length) + 64;
}

/** Up to `max` records from `from` on, stopping early once they hold `maxBytes` (at least one record). */
export async function readForwards(store: Store, stream: string, from: bigint, max: number, maxBytes = Infinity): Promise<RecordedEvent[]> {
  const out: RecordedEvent[] = [];
  if (max <= 0) return out;
  let bytes = 0;
  try {
    for await (const e of store.readStream(stream, { direction: 'forwards', from, maxCount: BigInt(max) })) {
      out.push(e);
      bytes += recordBytes(e);
      if (bytes >= maxBytes) break;
    }
  } catch (err) {
    if (!isMissing(err)) throw err;
  }
  return out;
}

export async function readLast(store: Store, stream: string): Promise<RecordedEvent | undefined> {
  try {
    for await (const e of store.readStream(stream, { direction: 'backwards', from: 'end', maxCount: 1n })) return e;
  } catch (err) {
    if (!isMissing(err)) throw err;
  }
  return undefined;
}

/** One event by number, or undefined if it is gone (deleted, truncated, never written). */
export async function readOne(store: Store, stream: string, revision: bigint): Promise<RecordedEvent | undefined> {
  const [e] = await readForwards(store, stream, revision, 1);
  return e && e.revision === revision ? e : undefined;
}

// ---- checkpoints ----

const ALL_POSITION = /^C:(\d+)\/P:(\d+)$/;

export function checkpointText(isAll: boolean, value: bigint): string {
  return isAll ? `C:${value}/P:${value}` : value.toString();
}

/** The last checkpoint: revision, or `$all` commit position. */
export async function loadCheckpoint(store: Store, stream: string, isAll: boolean): Promise<bigint | undefined> {
  const last = await readLast(store, stream);
  if (!last) return undefined;
  try {
    const text: unknown = JSON.parse(fromUtf8.decode(last.data));
    if (typeof text !== 'string') return undefined;
    if (isAll) {
      const m = ALL_POSITION.exec(text);
      return m ? BigInt(m[1]) : undefined;
    }
    return /^\d+$/.test(text) ? BigInt(text) : undefined;
  } catch {
    return undefined;
  }
}

export async function writeCheckpoint(store: Store, stream: string, isAll: boolean, value: bigint): Promise<void> {
  // Only the latest checkpoint matters; ESDB caps the stream the same way.
  if (store.getMetadata(stream) === undefined && store.streamState(stream).lastRevision < 0n) {
    await store.append(`$$${stream}`, { kind: 'any' }, [jsonEvent('$metadata', { $maxCount: 2 })]);
  }
  await store.append(stream, { kind: 'any' }, [jsonEvent('$SubscriptionCheckpoint', checkpointText(isAll, value))]);
}

// ---- parked messages ----

/** The parked link for an event: `"{number}@{stream}"` of the original event, not JSON. */
export function parkedLink(
  target: RecordedEvent | undefined,
  rawLink: RecordedEvent | undefined,
  reason: string,
  eventNumber: bigint,
): ProposedEvent {
  const data = target ? utf8.encode(`${target.revision}@${target.streamId}`) : rawLink!.data;
  const metadata = utf8.encode(JSON.stringify({ added: new Date().toISOString(), reason, subscriptionEventNumber: Number(eventNumber) }));
  return { eventId: randomUUID(), type: '$>', isJson: false, data, metadata };
}

/** Parses a link payload `"{number}@{stream}"`. */
export function parseLink(link: RecordedEvent): { stream: string; revision: bigint } | undefined {
  const text = fromUtf8.decode(link.data);
  const at = text.indexOf('@');
  if (at <= 0) return undefined;
  const num = text.slice(0, at);
  if (!/^\d+$/.test(num)) return undefined;
  return { stream: text.slice(at + 1), revision: BigInt(num) };
}

export async function resolveLink(store: Store, link: RecordedEvent): Promise<RecordedEvent | undefined> {
  const target = parseLink(link);
  if (!target) return undefined;
  return readOne(store, target.stream, target.revision);
}

/** First parked-stream number not yet replayed (the parked stream's `$tb`). */
export function replayFrom(store: Store, parkedStream: string): bigint {
  const tb = store.getMetadata(parkedStream)?.truncateBefore;
  return typeof tb === 'bigint' && tb >= 0n ? tb : 0n;
}

export async function markReplayed(store: Store, parkedStream: string, next: bigint): Promise<void> {
  await store.append(`$$${parkedStream}`, { kind: 'any' }, [jsonEvent('$metadata', { $tb: Number(next) })]);
}

/** Parked messages not yet replayed; counts without keeping them. */
export async function countParked(store: Store, parkedStream: string): Promise<number> {
  let n = 0;
  let from = replayFrom(store, parkedStream);
  for (;;) {
    const batch = await readForwards(store, parkedStream, from, 1000);
    n += batch.length;
    if (batch.length < 1000) return n;
    from = batch[batch.length - 1].revision + 1n;
  }
}
