// Stream metadata (`$$stream`, latest event) as the storage core needs it: visibility rules for
// stream reads and the soft-delete marker `$tb` = 2^63-1 (protocol §11, §12).
import { TOMBSTONE_REVISION, type StreamMetadata } from './types.js';

export const METADATA_EVENT_TYPE = '$metadata';
export const TOMBSTONE_EVENT_TYPE = '$streamDeleted';

export interface MetaInfo {
  /** The metadata JSON object as stored (undefined when the latest `$$` event is not a JSON object). */
  raw: Record<string, unknown> | undefined;
  maxAge?: number;
  maxCount?: number;
  truncateBefore?: bigint;
}

export function isMetastream(streamId: string): boolean {
  return streamId.startsWith('$$');
}

export function metastreamOf(streamId: string): string {
  return '$$' + streamId;
}

export function ownerOf(metastreamId: string): string {
  return metastreamId.slice(2);
}

export function parseMetadata(data: Uint8Array): MetaInfo {
  const text = Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('utf8');
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { raw: undefined };
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return { raw: undefined };
  const obj = raw as Record<string, unknown>;
  const info: MetaInfo = { raw: obj };
  const maxAge = obj['$maxAge'];
  if (typeof maxAge === 'number' && Number.isFinite(maxAge) && maxAge > 0) info.maxAge = maxAge;
  const maxCount = obj['$maxCount'];
  if (typeof maxCount === 'number' && Number.isFinite(maxCount) && maxCount > 0) info.maxCount = Math.floor(maxCount);
  const tb = exactTruncateBefore(text, obj['$tb']);
  if (tb !== undefined) info.truncateBefore = tb;
  return info;
}

/**
 * `$tb` is an int64 and the soft-delete marker 2^63-1 does not survive JSON.parse as a double
 * (it becomes 2^63), so large values are re-read from the source text.
 */
function exactTruncateBefore(text: string, parsed: unknown): bigint | undefined {
  if (typeof parsed !== 'number' || !Number.isFinite(parsed) || parsed < 0) return undefined;
  if (Number.isSafeInteger(parsed)) return BigInt(parsed);
  const m = /"\$tb"\s*:\s*(\d+)/.exec(text);
  if (!m) return undefined;
  const v = BigInt(m[1]);
  return v > TOMBSTONE_REVISION ? TOMBSTONE_REVISION : v;
}

export function isSoftDeletedMeta(meta: MetaInfo | undefined): boolean {
  return meta?.truncateBefore === TOMBSTONE_REVISION;
}

/** What `Store.getMetadata` exposes: ESDB keys mapped to numbers, custom keys verbatim. */
export function toStreamMetadata(meta: MetaInfo | undefined): StreamMetadata | undefined {
  if (!meta?.raw) return undefined;
  const out: StreamMetadata = {};
  for (const [k, v] of Object.entries(meta.raw)) {
    if (k !== '$maxAge' && k !== '$maxCount' && k !== '$tb') out[k] = v;
  }
  if (meta.maxAge !== undefined) out.maxAge = meta.maxAge;
  if (meta.maxCount !== undefined) out.maxCount = meta.maxCount;
  if (meta.truncateBefore !== undefined) out.truncateBefore = meta.truncateBefore;
  return out;
}

/** The soft-delete record body: replaces every other key (protocol §12). */
export function softDeleteMetadataJson(): Uint8Array {
  return Buffer.from(`{"$tb":${TOMBSTONE_REVISION}}`, 'utf8');
}

/**
 * Metadata written when a soft-deleted stream is re-created: stored keys kept, `$tb` moved to the
 * first new event number, so the old events stay hidden (protocol §5.2).
 */
export function undeleteMetadataJson(stored: Record<string, unknown> | undefined, firstNew: bigint): Uint8Array {
  const keys = { ...(stored ?? {}) };
  delete keys['$tb'];
  const body = JSON.stringify(keys);
  const tb = `"$tb":${firstNew}`;
  return Buffer.from(body === '{}' ? `{${tb}}` : `${body.slice(0, -1)},${tb}}`, 'utf8');
}
