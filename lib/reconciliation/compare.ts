import type { ReplayAccount, ReplayHistory } from './replay';

/**
 * Reconciliation, pure: the read model's rows against a replay of the store. A difference
 * names the account, the field, both values, and (filled in by the caller for the accounts that
 * differ) the first event where the two histories part.
 */
export type DifferenceField = 'missing' | 'unexpected' | 'holderName' | 'balance' | 'revision' | 'historyLength';

export type Difference = {
  accountNumber: string;
  field: DifferenceField;
  /** What a replay of the store says, and what the read model holds; null where there is no row. */
  expected: string | null;
  actual: string | null;
  /** The first event where the replayed timeline and the read model's part, if found. */
  firstEvent: { eventId: string; position: string; type: string } | null;
};

export type ReadModelAccount = { number: string; holderName: string; balance: bigint; revision: bigint; historyLength: number };

export function compareAccounts(replayed: ReadonlyMap<string, ReplayAccount>, rows: ReadonlyMap<string, ReadModelAccount>): Difference[] {
  const differences: Difference[] = [];
  const add = (accountNumber: string, field: DifferenceField, expected: string | null, actual: string | null) =>
    differences.push({ accountNumber, field, expected, actual, firstEvent: null });
  for (const [number, expected] of replayed) {
    const actual = rows.get(number);
    if (!actual) {
      add(number, 'missing', `${expected.holderName}, ${expected.balance} cents`, null);
      continue;
    }
    if (actual.holderName !== expected.holderName) add(number, 'holderName', expected.holderName, actual.holderName);
    if (actual.balance !== expected.balance) add(number, 'balance', String(expected.balance), String(actual.balance));
    if (actual.revision !== expected.revision) add(number, 'revision', String(expected.revision), String(actual.revision));
    if (actual.historyLength !== expected.historyLength)
      add(number, 'historyLength', String(expected.historyLength), String(actual.historyLength));
  }
  for (const [number, actual] of rows) {
    if (!replayed.has(number)) add(number, 'unexpected', null, `${actual.holderName}, ${actual.balance} cents`);
  }
  return differences.sort((a, b) => (a.accountNumber < b.accountNumber ? -1 : a.accountNumber > b.accountNumber ? 1 : 0));
}

export type ReadModelEntry = { eventId: string; position: bigint; kind: string; balanceAfter: bigint };

/**
 * The first event where an account's replayed timeline and its read-model timeline part: the
 * first entry (in $all order) that one has and the other lacks, or where kind or running
 * balance differ. Null when the timelines agree entry for entry.
 */
export function firstDivergence(replayed: readonly ReplayHistory[], stored: readonly ReadModelEntry[]): Difference['firstEvent'] {
  const length = Math.max(replayed.length, stored.length);
  for (let i = 0; i < length; i++) {
    const expected = replayed[i];
    const actual = stored[i];
    if (
      expected &&
      actual &&
      expected.position === actual.position &&
      expected.kind === actual.kind &&
      expected.balanceAfter === actual.balanceAfter
    )
      continue;
    // The earlier of the two entries is where they part.
    if (expected && (!actual || expected.position <= actual.position)) {
      return { eventId: expected.eventId, position: String(expected.position), type: expected.eventType };
    }
    return { eventId: actual!.eventId, position: String(actual!.position), type: actual!.kind };
  }
  return null;
}
