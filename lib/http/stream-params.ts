import { unsafeTextProblem } from '@/lib/domain/safe-text';

/**
 * `/streams/<name>?before=<revision>|after=<revision>`: the stream view's address, parsed and
 * validated here (pure), and built here, so every link encodes the name the same way.
 */
export const STREAM_NAME_MAX_LENGTH = 500;
// Revisions are uint64 on the wire, but real ones never reach 2^63 (that number marks a deleted stream).
const MAX_REVISION = 2n ** 63n - 1n;

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

/**
 * The route segment as Next hands it: still percent-encoded (Next 16 leaves `%20`, `%2F`, `%24`
 * … in dynamic params as they came), so it is decoded here, once; streamHref() encodes it.
 */
export function parseStreamName(encoded: string): Parsed<string> {
  let segment: string;
  try {
    segment = decodeURIComponent(encoded);
  } catch {
    return { ok: false, message: 'The stream name in this address is not properly percent-encoded.' };
  }
  if (segment.length === 0) return { ok: false, message: 'A stream name cannot be empty.' };
  if (segment.length > STREAM_NAME_MAX_LENGTH) {
    return { ok: false, message: `A stream name here is at most ${STREAM_NAME_MAX_LENGTH} characters.` };
  }
  const problem = unsafeTextProblem(segment);
  if (problem === 'control' || problem === 'surrogate' || problem === 'bidi') {
    return { ok: false, message: 'A stream name may not hold control characters, text-direction controls or broken characters.' };
  }
  if (segment === '$all') return { ok: false, message: '$all is not a stream: the event log (/events) shows it.' };
  return { ok: true, value: segment };
}

export type StreamCursorParams = { before?: bigint; after?: bigint };

type SearchParams = Record<string, string | string[] | undefined>;

export function parseStreamCursor(search: SearchParams): Parsed<StreamCursorParams> {
  const cursor: StreamCursorParams = {};
  for (const key of ['before', 'after'] as const) {
    const raw = search[key];
    if (raw === undefined || raw === '') continue;
    if (Array.isArray(raw)) return { ok: false, message: `Give “${key}” once.` };
    if (!/^\d{1,19}$/.test(raw) || BigInt(raw) > MAX_REVISION) {
      return { ok: false, message: `“${key}” must be a stream revision: a whole number from 0.` };
    }
    cursor[key] = BigInt(raw);
  }
  if (cursor.before !== undefined && cursor.after !== undefined) return { ok: false, message: 'Use either “before” or “after”, not both.' };
  return { ok: true, value: cursor };
}

export function streamHref(stream: string, cursor: StreamCursorParams = {}): string {
  const path = `/streams/${encodeURIComponent(stream)}`;
  if (cursor.before !== undefined) return `${path}?before=${cursor.before}`;
  if (cursor.after !== undefined) return `${path}?after=${cursor.after}`;
  return path;
}
