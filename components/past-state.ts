/** Where an account's state right after one of its own events is shown. */
export function pastStateHref(accountNumber: string, revision: bigint | string): string {
  return `/accounts/${accountNumber}/at/${revision.toString()}`;
}

// Revisions are uint64 on the wire, but real ones never reach 2^63 (that number marks a deleted stream).
const MAX_REVISION = 2n ** 63n - 1n;

/** The `[revision]` route segment -> revision, or a message saying what is wrong with it. */
export function parsePastRevision(value: string): { ok: true; revision: bigint } | { ok: false; message: string } {
  if (!/^\d{1,19}$/.test(value)) {
    return { ok: false, message: `“${value}” is not a revision: revisions are whole numbers counting the account's events from 0.` };
  }
  const revision = BigInt(value);
  if (revision > MAX_REVISION) return { ok: false, message: `Revision ${value} is beyond any possible revision.` };
  return { ok: true, revision };
}
