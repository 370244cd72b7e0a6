import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendForCommand } from '@/lib/commands/support';
import type { Db } from '@/lib/db/client';
import type { AccountEvent } from '@/lib/domain';
import { accountNumberFor } from '@/lib/eventstore/serialization/ids';
import { fromRecorded } from '@/lib/eventstore/serialization/events';
import { accountStream } from '@/lib/eventstore/serialization/streams';
import { getAccount, getAccountHistory, getProjectionStatus, listAccounts, waitForAccountRevision } from '@/lib/queries';
import { applyEvent } from '@/worker/projector';
import { newCommandId, readUserEvents, startTestEnvironment, type TestEnvironment } from './support/environment';

let env: TestEnvironment;
let db: Db;
const A = accountNumberFor('queries-a');
const B = accountNumberFor('queries-b');

beforeAll(async () => {
  env = await startTestEnvironment();
  db = env.db;
});

afterAll(async () => {
  await env?.stop();
});

/** One command per event, as the handlers would append them. */
async function append(account: string, events: AccountEvent[]) {
  for (const event of events) {
    await appendForCommand(env.client, accountStream(account), newCommandId(), [event], 'any');
  }
}

/** Projects everything in the store that is not projected yet, in order. */
async function projectAll() {
  for (const recorded of await readUserEvents(env.client)) {
    const decoded = fromRecorded(recorded);
    if (decoded.kind === 'account') await applyEvent(db, { ...decoded.value, position: decoded.value.position! });
  }
}

describe('queries', () => {
  it('report an empty model before anything is projected', async () => {
    expect(await listAccounts(db)).toEqual([]);
    expect(await getAccount(A, db)).toBeNull();
    expect(await getProjectionStatus(db)).toEqual({ lastPosition: null, eventsApplied: 0, updatedAt: null });
    expect(await getAccountHistory(A, { page: 1, pageSize: 5 }, db)).toEqual({ entries: [], total: 0, page: 1, pageSize: 5, pageCount: 1 });
    expect(await waitForAccountRevision(A, 0n, { timeoutMs: 50 }, db)).toBe(false);
  });

  it('list accounts, page history newest first and report projection progress', async () => {
    await append(A, [{ type: 'AccountOpened', data: { accountNumber: A, holderName: 'Ann', openingBalanceCents: 100 } }]);
    await append(B, [{ type: 'AccountOpened', data: { accountNumber: B, holderName: 'Bob', openingBalanceCents: 0 } }]);
    const deposits: AccountEvent[] = Array.from({ length: 11 }, (_, i) => ({
      type: 'MoneyDeposited',
      data: { accountNumber: A, amountCents: i + 1 },
    }));
    await append(A, deposits);
    await append(A, [{ type: 'PaymentMade', data: { payerAccountNumber: A, payeeAccountNumber: B, amountCents: 50 } }]);
    await projectAll();

    expect((await listAccounts(db)).map((a) => [a.number, a.holderName, a.balanceCents])).toEqual([
      [A, 'Ann', 100n + 66n - 50n],
      [B, 'Bob', 50n],
    ]);
    expect(await waitForAccountRevision(A, 12n, { timeoutMs: 1000 }, db)).toBe(true);
    expect(await waitForAccountRevision(A, 13n, { timeoutMs: 50 }, db)).toBe(false);

    const first = await getAccountHistory(A, { page: 1, pageSize: 5 }, db);
    expect(first).toMatchObject({ total: 13, page: 1, pageSize: 5, pageCount: 3 });
    expect(first.entries.map((e) => e.kind)).toEqual([
      'PaymentMade',
      'MoneyDeposited',
      'MoneyDeposited',
      'MoneyDeposited',
      'MoneyDeposited',
    ]);
    expect(first.entries[0]).toMatchObject({ amountCents: -50n, balanceAfterCents: 116n, counterparty: B, revision: 12n });
    const last = await getAccountHistory(A, { page: 3, pageSize: 5 }, db);
    expect(last.entries.map((e) => [e.kind, e.balanceAfterCents])).toEqual([
      ['MoneyDeposited', 103n],
      ['MoneyDeposited', 101n],
      ['AccountOpened', 100n],
    ]);
    const positions = [...first.entries, ...(await getAccountHistory(A, { page: 2, pageSize: 5 }, db)).entries, ...last.entries].map(
      (e) => e.position,
    );
    expect(positions).toEqual([...positions].sort((x, y) => (x > y ? -1 : x < y ? 1 : 0)));

    const status = await getProjectionStatus(db);
    expect(status.eventsApplied).toBe(14);
    expect(status.lastPosition).toBe((await readUserEvents(env.client)).at(-1)!.position!.commit);
  });

  it('clamp silly paging input instead of failing', async () => {
    const page = await getAccountHistory(A, { page: -3, pageSize: 10_000 }, db);
    expect(page).toMatchObject({ page: 1, pageSize: 200 });
    expect(page.entries).toHaveLength(13);
  });
});
