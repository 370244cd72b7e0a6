// The fields a time-travel view shows and diffs. No imports: client components use these.

export type SnapshotField = 'holderName' | 'balanceCents' | 'deposits' | 'paymentsMade' | 'paymentsReceived' | 'renames';

export const SNAPSHOT_FIELDS: readonly SnapshotField[] = [
  'holderName',
  'balanceCents',
  'deposits',
  'paymentsMade',
  'paymentsReceived',
  'renames',
];

/**
 * The snapshot as plain strings (bigint-safe, serialisable to a client component or JSON);
 * null fields before the account was opened.
 */
export type SnapshotValues = Record<SnapshotField, string | null>;
