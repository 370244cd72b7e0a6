// ESDB's commit check (protocol §5.1), in its exact order. Pure apart from the lookups it is given.
import { StreamDeletedError, WrongExpectedVersionError } from './errors.js';
import type { ExpectedRevision } from './types.js';

export interface StreamView {
  streamId: string;
  /** Last event number, -1 when none. */
  cur: number;
  tombstoned: boolean;
  softDeleted: boolean;
  hasMeta: boolean;
  /** A stored event of this stream with that id (the latest if several), or undefined. */
  findId(eventId: string): { revision: number; position: number } | undefined;
  /** The event id and position stored at `revision` (0 <= revision <= cur). */
  eventAt(revision: number): { eventId: string; position: number };
}

export type Decision = { kind: 'ok' } | { kind: 'idempotent'; revision: number; position: number };

export function checkCommit(view: StreamView, expected: ExpectedRevision, ids: readonly string[]): Decision {
  const wrong = () => new WrongExpectedVersionError(view.streamId, expected, BigInt(view.cur));
  if (view.tombstoned) throw new StreamDeletedError(view.streamId);

  if (expected.kind === 'stream_exists') {
    if (view.softDeleted) throw new StreamDeletedError(view.streamId);
    if (view.cur < 0 && !view.hasMeta) throw wrong();
    return checkAny(view, ids, wrong);
  }
  if (expected.kind === 'any') return checkAny(view, ids, wrong);

  const n = expected.kind === 'no_stream' ? -1 : Number(expected.revision);
  if (expected.kind === 'exact' && (expected.revision < 0n || expected.revision > BigInt(Number.MAX_SAFE_INTEGER))) {
    throw wrong();
  }
  if (n < view.cur) {
    if (ids.length === 0) throw wrong();
    let last: { revision: number; position: number } | undefined;
    for (let i = 0; i < ids.length; i++) {
      const revision = n + 1 + i;
      if (revision > view.cur) throw wrong(); // the batch runs past the end of the stream
      const stored = view.eventAt(revision);
      if (stored.eventId !== ids[i]) {
        if (i === 0 && expected.kind === 'no_stream' && view.softDeleted) return { kind: 'ok' }; // re-creation
        throw wrong();
      }
      last = { revision, position: stored.position };
    }
    return { kind: 'idempotent', ...last! };
  }
  if (n > view.cur) throw wrong();
  return { kind: 'ok' };
}

function checkAny(view: StreamView, ids: readonly string[], wrong: () => Error): Decision {
  if (ids.length === 0) return { kind: 'ok' };
  const first = view.findId(ids[0]);
  if (!first) return { kind: 'ok' };
  let last = first;
  for (let i = 1; i < ids.length; i++) {
    const found = view.findId(ids[i]);
    if (!found) throw wrong(); // corrupted idempotency: some ids stored, some not
    last = found;
  }
  return { kind: 'idempotent', ...last };
}
