/**
 * The global event log pages through $all by commit position: `?before=P` shows the events
 * older than P, `?after=P` the events newer than P. Parsed here, pure, so the page never hands
 * the store a malformed position.
 */
export type EventLogCursor = { before?: bigint; after?: bigint };

export type ParsedCursor = { ok: true; cursor: EventLogCursor } | { ok: false; message: string };

const MAX_POSITION = 2n ** 64n - 1n;

type SearchParams = Record<string, string | string[] | undefined>;

export function parseEventLogCursor(params: SearchParams): ParsedCursor {
  const before = parsePosition('before', params.before);
  if (!before.ok) return before;
  const after = parsePosition('after', params.after);
  if (!after.ok) return after;
  if (before.value !== undefined && after.value !== undefined) {
    return { ok: false, message: 'Use either “before” or “after”, not both.' };
  }
  const cursor: EventLogCursor = {};
  if (before.value !== undefined) cursor.before = before.value;
  if (after.value !== undefined) cursor.after = after.value;
  return { ok: true, cursor };
}

function parsePosition(
  name: string,
  raw: string | string[] | undefined,
): { ok: true; value: bigint | undefined } | { ok: false; message: string } {
  if (raw === undefined) return { ok: true, value: undefined };
  if (Array.isArray(raw)) return { ok: false, message: `Give “${name}” once.` };
  if (!/^\d{1,20}$/.test(raw)) {
    return { ok: false, message: `“${name}” must be a commit position: a whole number of 0 or more.` };
  }
  const value = BigInt(raw);
  if (value > MAX_POSITION) return { ok: false, message: `“${name}” is beyond the largest possible position.` };
  return { ok: true, value };
}
