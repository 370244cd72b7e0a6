// Stream revisions and the accounts' applied revisions travel as decimal strings (bigint-safe, serialisable
// from server to client components).

/** True while the page's account revision hasn't reached the revision our command appended. */
export function isBehind(current: string | null, expected: string): boolean {
  return current === null || BigInt(current) < BigInt(expected);
}

/** `?expect=` search param -> revision string, or undefined when absent or malformed. */
export function parseRevisionParam(value: string | string[] | undefined): string | undefined {
  return typeof value === 'string' && /^\d{1,19}$/.test(value) ? value : undefined;
}
