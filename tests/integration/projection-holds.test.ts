import { jsonEvent, PARK, RETRY, type RecordedEvent } from '@eventstore/db-client';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deposit, openAccount } from '@/lib/commands';
import { PROJECTION_CHANNEL } from '@/lib/db/projection-channel';
import type { AccountEvent } from '@/lib/domain';
import { accountNumberFor } from '@/lib/eventstore/serialization/ids';
import { fromRecorded } from '@/lib/eventstore/serialization/events';
import { accountStream } from '@/lib/eventstore/serialization/streams';
import { getAccount, getStreamHold, listStreamHolds, waitForAccountRevision } from '@/lib/queries';
import { startProjectionWorker, type ProjectionWorker } from '@/worker/subscription';
import { eventually, newCommandId, quietLogger, startTestEnvironment, type TestEnvironment } from './support/environment';

const GROUP = 'holds-test';
let env: TestEnvironment;
let worker: ProjectionWorker;

/** The "deployed fix": an AccountOpened the domain schema refuses is taken with its raw payload. */
function lenientDecode(recorded: RecordedEvent) {
  const decoded = fromRecorded(recorded);
  if (decoded.kind !== 'invalid' || recorded.type !== 'AccountOpened') return decoded;
  return {
    kind: 'account' as const,
    value: {
      id: recorded.id,
      streamId: recorded.streamId,
      revision: recorded.revision,
      position: recorded.position?.commit,
      created: recorded.created,
      event: { type: 'AccountOpened', data: recorded.data } as AccountEvent,
      metadata: null,
      rawData: recorded.data,
      rawMetadata: null,
    },
  };
}

const start = (decode?: typeof fromRecorded, holdRetryMs?: number) =>
  startProjectionWorker({ client: env.client, db: env.db, group: GROUP, logger: quietLogger, decode, holdRetryMs });

beforeAll(async () => {
  env = await startTestEnvironment();
  worker = start();
});

afterAll(async () => {
  await worker?.stop();
  await env?.stop();
});

const parkedCount = async () => (await env.client.getPersistentSubscriptionToAllInfo(GROUP)).stats.parkedMessageCount;

async function openProjected(holderName: string, openingBalanceCents = 0) {
  const result = await openAccount({ commandId: newCommandId(), holderName, openingBalanceCents }, env.deps);
  if (!result.ok) throw new Error(result.message);
  expect(await waitForAccountRevision(result.accountNumber, result.streamRevision, { timeoutMs: 15_000 }, env.db)).toBe(true);
  return result.accountNumber;
}

async function depositProjected(accountNumber: string, amountCents: number) {
  const result = await deposit({ commandId: newCommandId(), accountNumber, amountCents }, env.deps);
  if (!result.ok) throw new Error(result.message);
  expect(await waitForAccountRevision(accountNumber, result.streamRevision, { timeoutMs: 15_000 }, env.db)).toBe(true);
}

describe('projection holds', () => {
  it('sends `${number}:${revision}` on the projection channel when an event is applied', async () => {
    const sql = postgres(env.databaseUrl, { max: 1 });
    const notices: string[] = [];
    try {
      await sql.listen(PROJECTION_CHANNEL, (payload) => notices.push(payload));
      const account = await openProjected('Notified', 5);
      await depositProjected(account, 1);
      await eventually('both notices', () => notices.includes(`${account}:0`) && notices.includes(`${account}:1`));
    } finally {
      await sql.end({ timeout: 5 });
    }
  });

  it('a NUL in a holder name holds only that stream; it resumes by itself once a fix is deployed and the parked event replayed', async () => {
    await eventually('the group to exist', async () => (await parkedCount()) >= 0);
    const before = await parkedCount();
    const poisoned = accountNumberFor(`nul-${newCommandId()}`);
    const stream = accountStream(poisoned);
    await env.client.appendToStream(
      stream,
      jsonEvent({ type: 'AccountOpened', data: { accountNumber: poisoned, holderName: 'Ada\u0000Lovelace', openingBalanceCents: 100 } }),
    );
    const hold = await eventually('the hold', () => getStreamHold(poisoned, env.db));
    expect(hold).toMatchObject({ stream, revision: 0n });
    expect(hold.reason.length).toBeGreaterThan(0);
    expect((await listStreamHolds(env.db)).map((h) => h.stream)).toContain(stream);

    // Later events of the held stream are acked unapplied, not parked one by one.
    for (const amountCents of [10, 20, 30]) {
      await env.client.appendToStream(stream, jsonEvent({ type: 'MoneyDeposited', data: { accountNumber: poisoned, amountCents } }));
    }
    // Other accounts keep projecting meanwhile (after the deposits above in $all order).
    const healthy = await openProjected('Healthy', 1);
    await depositProjected(healthy, 2);
    expect((await getAccount(healthy, env.db))?.balanceCents).toBe(3n);
    expect(await parkedCount()).toBe(before + 1n);
    expect(await getAccount(poisoned, env.db)).toBeNull();

    // "Deploy" a fix and replay the parked event: the stream catches up from the store.
    await worker.stop();
    worker = start(lenientDecode);
    await env.client.replayParkedMessagesToAll(GROUP);
    // (The new worker may heal it by itself first, retrying its holds as it subscribes: either way.)
    const account = await eventually('the stream to resume', async () => {
      const row = await getAccount(poisoned, env.db);
      return row && row.revision === 3n && (await getStreamHold(poisoned, env.db)) === null ? row : null;
    });
    expect(account.balanceCents).toBe(160n);
    expect(account.holderName).toBe('Ada\uFFFDLovelace'); // stored in PostgreSQL without the NUL
    expect(await getStreamHold(poisoned, env.db)).toBeNull();
  });

  it('an event delivered before its predecessor is applied by filling the gap from the store', async () => {
    const account = await openProjected('Gap', 0);
    await worker.stop();
    await env.client.appendToStream(
      accountStream(account),
      jsonEvent({ type: 'MoneyDeposited', data: { accountNumber: account, amountCents: 1 } }),
    );
    // A stand-in consumer parks the first deposit, so the worker sees the second one first.
    const consumer = env.client.subscribeToPersistentSubscriptionToAll(GROUP, { bufferSize: 1 });
    for await (const resolved of consumer) {
      if (resolved.event?.streamId === accountStream(account) && resolved.event.revision === 1n) {
        await consumer.nack(PARK, 'test: deliver later', resolved);
        break;
      }
      await consumer.nack(RETRY, 'test: not mine', resolved);
    }
    await consumer.unsubscribe();
    await env.client.appendToStream(
      accountStream(account),
      jsonEvent({ type: 'MoneyDeposited', data: { accountNumber: account, amountCents: 2 } }),
    );
    worker = start();
    await eventually('both deposits applied', async () => (await getAccount(account, env.db))?.revision === 2n);
    expect((await getAccount(account, env.db))?.balanceCents).toBe(3n);
    // The parked predecessor, replayed, is a duplicate: nothing changes and nothing is held.
    await env.client.replayParkedMessagesToAll(GROUP);
    await depositProjected(account, 4);
    expect(await getAccount(account, env.db)).toMatchObject({ balanceCents: 7n, revision: 3n });
    expect(await getStreamHold(account, env.db)).toBeNull();
  });
  it('a payment to a payee whose opening is held holds the payer too, naming the payee', async () => {
    const payee = accountNumberFor(`held-payee-${newCommandId()}`);
    await env.client.appendToStream(
      accountStream(payee),
      jsonEvent({ type: 'AccountOpened', data: { accountNumber: payee, holderName: 'Bad\u0000Name', openingBalanceCents: 0 } }),
    );
    await eventually('the payee hold', () => getStreamHold(payee, env.db));
    const payer = await openProjected('Payer', 500);
    await env.client.appendToStream(
      accountStream(payer),
      jsonEvent({ type: 'PaymentMade', data: { payerAccountNumber: payer, payeeAccountNumber: payee, amountCents: 100 } }),
    );
    const hold = await eventually('the payer hold', () => getStreamHold(payer, env.db));
    expect(hold.revision).toBe(1n);
    expect(hold.reason).toContain(payee);
    expect((await getAccount(payer, env.db))?.balanceCents).toBe(500n);
  });

  it('held streams heal by themselves once a fix is deployed, without a replay: the payee, then the payer held on it', async () => {
    const payee = accountNumberFor(`heal-payee-${newCommandId()}`);
    await env.client.appendToStream(
      accountStream(payee),
      jsonEvent({ type: 'AccountOpened', data: { accountNumber: payee, holderName: 'Heal\u0000Me', openingBalanceCents: 0 } }),
    );
    await eventually('the payee hold', () => getStreamHold(payee, env.db));
    const payer = await openProjected('Heal payer', 500);
    await env.client.appendToStream(
      accountStream(payer),
      jsonEvent({ type: 'PaymentMade', data: { payerAccountNumber: payer, payeeAccountNumber: payee, amountCents: 100 } }),
    );
    await eventually('the payer hold', () => getStreamHold(payer, env.db));
    const parked = await parkedCount();

    // "Deploy" the fix: the new worker retries its holds from the store when it subscribes, and
    // every holdRetryMs; nobody replays the parked events.
    await worker.stop();
    worker = start(lenientDecode, 200);
    await eventually('both streams healed', async () =>
      (await getStreamHold(payee, env.db)) === null && (await getStreamHold(payer, env.db)) === null ? true : null,
    );
    expect(await getAccount(payee, env.db)).toMatchObject({ balanceCents: 100n, revision: 0n });
    expect(await getAccount(payer, env.db)).toMatchObject({ balanceCents: 400n, revision: 1n });
    expect(await parkedCount()).toBe(parked);
  });
});
