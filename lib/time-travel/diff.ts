import { SNAPSHOT_FIELDS, type SnapshotField } from './fields';
import { snapshotValues, type AccountSnapshot } from './snapshot';

/** One field that differs between two points: its value at the first (null: no account yet) and at the second. */
export type FieldChange = { field: SnapshotField; from: string | null; to: string | null };

/** Every field whose value differs from `before` to `after`, in display order. Pure. */
export function diffSnapshots(before: AccountSnapshot, after: AccountSnapshot): FieldChange[] {
  const from = snapshotValues(before);
  const to = snapshotValues(after);
  return SNAPSHOT_FIELDS.filter((field) => from[field] !== to[field]).map((field) => ({ field, from: from[field], to: to[field] }));
}
