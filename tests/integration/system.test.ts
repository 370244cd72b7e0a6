import { jsonEvent } from '@eventstore/db-client';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deposit, openAccount } from '@/lib/commands';
import { createDb } from '@/lib/db/client';
import { createEventStoreClient } from '@/lib/eventstore/connection/client';
import { parkedStreamOf, readConsumerGroup, readParkedEvents, replayParkedEvents } from '@/lib/eventstore/operations/consumer-group';
import { accountNumberFor } from '@/lib/eventstore/serialization/ids';
import { readProjectionLag } from '@/lib/eventstore/operations/projection-lag';
import { accountStream } from '@/lib/eventstore/serialization/streams';
import { LiveFeed, type LiveDelivery } from '@/lib/live/feed';
import { getBalanceSeries, getCheckpoint, getEventsPerMinute, getStreamHold, listHeldStreams, waitForAccountRevision } from '@/lib/queries';
import { settle } from '@/lib/system/settle';
import type { ProjectionWorker } from '@/worker/subscription';
import { freePort } from '../support/free-port';
import { eventually, newCommandId, startTestEnvironment, type TestEnvironment } from './support/environment';

// The operations page's data functions against the real embedded store and PostgreSQL, with the
// real worker parking and holding.
const GROUP = 'eventbank-projections';
let env: TestEnvironment;
let worker: ProjectionWorker;

beforeAll(async () => {
  env = await startTestEnvironment();
  worker = env.startWorker({ group: GROUP });
});

afterAll(async () => {
  await env?.stop();
});

async function opened(holderName: string, cents = 0) {
  const result = await openAccount({ commandId: newCommandId(), holderName, openingBalanceCents: cents }, env.deps);
  if (!result.ok) throw new Error(result.message);
  expect(await waitForAccountRevision(result.accountNumber, result.streamRevision, { timeoutMs: 15_000 }, env.db)).toBe(true);
  return result.accountNumber;
}

describe('the consumer group and its parked events', () => {
  it('reports the group: status, the worker connected, its settings; null for a group that does not exist', async () => {
    await opened('Group Gina', 1);
    const state = await eventually('a connected group', async () => {
      const s = await readConsumerGroup(env.client, GROUP);
      return s && s.connections.length === 1 ? s : null;
    });
    expect(state.group).toBe(GROUP);
    expect(state.status.length).toBeGreaterThan(0);
    expect(state.connections[0].inFlight).toBeGreaterThanOrEqual(0);
    expect(state.maxRetryCount).toBe(50);
    expect(await readConsumerGroup(env.client, 'no-such-group')).toBeNull();
  });

  it('lists a poison event as parked with its reason (and its stream as held); a replay before any fix parks it again', async () => {
    const number = await opened('Poison Pete', 100);
    await env.client.appendToStream(
      accountStream(number),
      jsonEvent({
        type: 'HolderNameChanged',
        data: { accountNumber: number, holderName: 'Bad\u0000Name', previousHolderName: 'Poison Pete' },
      }),
    );
    const hold = await eventually('the hold', () => getStreamHold(number, env.db));
    const held = await listHeldStreams({}, env.db);
    expect(held.holds.map((h) => [h.stream, h.revision])).toContainEqual([accountStream(number), 1n]);
    expect(held.total).toBeGreaterThanOrEqual(1);

    const parked = await eventually('the parked event', async () =>
      (await readParkedEvents(env.client, GROUP)).find((p) => p.stream === accountStream(number)),
    );
    expect(parked).toMatchObject({ revision: 1n, type: 'HolderNameChanged', byConsumer: true });
    // The worker's own words, as it gave them with the nack (the store's prefix taken off).
    expect(parked.reason).toBe(hold.reason);
    expect(parked.reason).toMatch(/^Invalid HolderNameChanged payload: holderName/);
    expect(parked.parkedAt).toBeInstanceOf(Date);
    expect(parked.position).toBeGreaterThan(0n);
    expect((await readConsumerGroup(env.client, GROUP))!.parkedCount).toBe(1n);

    // Nothing fixed: the replayed event fails again and is parked again (a new parked record).
    await replayParkedEvents(env.client, GROUP);
    const again = await eventually('parked again', async () =>
      (await readParkedEvents(env.client, GROUP)).find((p) => p.stream === accountStream(number) && p.parkedNumber > parked.parkedNumber),
    );
    expect(again.reason).toBe(parked.reason);
    expect(await getStreamHold(number, env.db)).not.toBeNull();
  });

  it('after the cause is fixed, a replay resumes the held stream: no longer held or parked, and live views are told', async () => {
    const payer = await opened('Payer Paula', 500);
    const payee = accountNumberFor(`unopened-${newCommandId()}`);
    // A payment to an account nobody has opened yet: the projection cannot credit it and holds the payer.
    await env.client.appendToStream(
      accountStream(payer),
      jsonEvent({ type: 'PaymentMade', data: { payerAccountNumber: payer, payeeAccountNumber: payee, amountCents: 200 } }),
    );
    const hold = await eventually('the payer hold', () => getStreamHold(payer, env.db));
    expect(hold.reason).toContain(payee);
    const parked = await eventually('parked', async () =>
      (await readParkedEvents(env.client, GROUP)).find((p) => p.stream === accountStream(payer)),
    );
    expect(parked.reason).toContain(payee);

    const feed = new LiveFeed(env.db);
    const deliveries: LiveDelivery[] = [];
    await feed.subscribe({ account: payer, deliver: (d) => deliveries.push(d) });
    try {
      // The fix: the payee's opening arrives.
      await env.client.appendToStream(
        accountStream(payee),
        jsonEvent({ type: 'AccountOpened', data: { accountNumber: payee, holderName: 'Late Payee', openingBalanceCents: 0 } }),
      );
      await eventually(
        'the payee projected',
        async () => (await env.db.execute(sql`select 1 from readmodel.accounts where number = ${payee}`)).length === 1,
      );
      await replayParkedEvents(env.client, GROUP);
      await eventually('the payer resumed', async () => (await getStreamHold(payer, env.db)) === null);
      expect((await listHeldStreams({}, env.db)).holds.map((h) => h.stream)).not.toContain(accountStream(payer));
      expect((await readParkedEvents(env.client, GROUP)).map((p) => p.stream)).not.toContain(accountStream(payer));
      // The held event was indexed when it was held: the resume rings the doorbell at a position
      // the feed has read, and the payer's subscribers are told to refresh without a new id.
      await eventually('a change without a new position for the payer', () =>
        deliveries.some((d) => d.id === null && d.events[0]?.accountNumber === payer),
      );
    } finally {
      await feed.close();
    }
  });

  it('reads the parked stream the store writes: links to the events, their reasons in the metadata', async () => {
    const links = [];
    for await (const r of env.client.readStream(parkedStreamOf(GROUP), { maxCount: 10 })) links.push(r.event!);
    expect(links.length).toBeGreaterThan(0);
    expect(links[0].type).toBe('$>');
    expect(new TextDecoder().decode(links[0].data as Uint8Array)).toMatch(/^\d+@account-\d{10}$/);
    expect(links[0].metadata).toMatchObject({ reason: expect.any(String) });
  });
});

describe('projection lag', () => {
  it('is zero when caught up, and counts the account events (and their age) the worker has not applied', async () => {
    const number = await opened('Lag Larry', 1);
    await eventually(
      'caught up',
      async () => (await readProjectionLag(env.client, (await getCheckpoint(env.db)).lastPosition)).eventsBehind === 0,
    );
    await worker.stop();
    try {
      for (let i = 0; i < 3; i++) await deposit({ commandId: newCommandId(), accountNumber: number, amountCents: 1 }, env.deps);
      const checkpoint = (await getCheckpoint(env.db)).lastPosition;
      const lag = await readProjectionLag(env.client, checkpoint, new Date(Date.now() + 10_000));
      expect(lag.eventsBehind).toBe(3); // the deposits, not their command records
      expect(lag.atLeast).toBe(false);
      expect(lag.secondsBehind).toBeGreaterThanOrEqual(10);
      expect(lag.storePosition).toBeGreaterThan(checkpoint!);
    } finally {
      worker = env.startWorker({ group: GROUP });
    }
    await eventually(
      'caught up again',
      async () => (await readProjectionLag(env.client, (await getCheckpoint(env.db)).lastPosition)).eventsBehind === 0,
    );
  });
});

describe('events per minute', () => {
  it('gives every minute of the last hour, the current one counting the events just indexed', async () => {
    const number = await opened('Busy Minute', 1);
    for (let i = 0; i < 3; i++) {
      const r = await deposit({ commandId: newCommandId(), accountNumber: number, amountCents: 1 }, env.deps);
      if (!r.ok) throw new Error(r.message);
      await waitForAccountRevision(number, r.streamRevision, { timeoutMs: 15_000 }, env.db);
    }
    const minutes = await getEventsPerMinute({ minutes: 60 }, env.db);
    expect(minutes).toHaveLength(60);
    for (let i = 1; i < minutes.length; i++) expect(minutes[i].minute.getTime() - minutes[i - 1].minute.getTime()).toBe(60_000);
    const [{ n }] = await env.db.execute<{ n: number }>(
      sql`select count(*)::int as n from readmodel.event_index where created >= date_trunc('minute', now()) - interval '59 minutes'`,
    );
    expect(minutes.reduce((sum, m) => sum + m.events, 0)).toBe(n);
    expect(minutes.at(-1)!.events + minutes.at(-2)!.events).toBeGreaterThanOrEqual(4);
  });
});

describe('balance series', () => {
  it('gives every event of a short history', async () => {
    const number = await opened('Short Sally', 100);
    for (const amountCents of [50, 25]) {
      const r = await deposit({ commandId: newCommandId(), accountNumber: number, amountCents }, env.deps);
      if (!r.ok) throw new Error(r.message);
      await waitForAccountRevision(number, r.streamRevision, { timeoutMs: 15_000 }, env.db);
    }
    const points = await getBalanceSeries(number, {}, env.db);
    expect(points.map((p) => p.closingCents)).toEqual([100n, 150n, 175n]);
    expect(await getBalanceSeries('0000000000', {}, env.db)).toEqual([]);
  });

  it('samples a long history in SQL: at most 200 points, spread evenly over it, each the balance after the last entry up to it', async () => {
    const number = await opened('Long Lena', 0);
    // 1,000 deposits of 1..1000 cents, after the opening: 1,001 entries.
    for (let from = 1; from <= 1000; from += 250) {
      const events = Array.from({ length: 250 }, (_, i) =>
        jsonEvent({ type: 'MoneyDeposited', data: { accountNumber: number, amountCents: from + i } }),
      );
      await env.client.appendToStream(accountStream(number), events);
    }
    expect(await waitForAccountRevision(number, 1000n, { timeoutMs: 60_000 }, env.db)).toBe(true);
    const points = await getBalanceSeries(number, { maxPoints: 200 }, env.db);
    expect(points.length).toBeGreaterThan(150); // empty position ranges give no point
    expect(points.length).toBeLessThanOrEqual(200);
    // Every point is a real balance of the history: the running total after some deposit k.
    const balances = new Set<bigint>([0n]);
    for (let k = 1n, total = 0n; k <= 1000n; k++) balances.add((total += k));
    for (const p of points) expect(balances.has(p.closingCents), String(p.closingCents)).toBe(true);
    expect(points.at(-1)!.closingCents).toBe((1000n * 1001n) / 2n); // the last range ends at the last entry
    for (let i = 1; i < points.length; i++) {
      expect(points[i].closingCents).toBeGreaterThan(points[i - 1].closingCents);
      expect(points[i].at.getTime()).toBeGreaterThanOrEqual(points[i - 1].at.getTime());
    }
    // Exactly at the limit, every entry is a point.
    expect(await getBalanceSeries(number, { maxPoints: 1001 }, env.db)).toHaveLength(1001);
  });
});

describe('the group checkpoint', () => {
  it('is reported once the group has checkpointed (after the thousand events above)', async () => {
    const state = await eventually('a checkpoint', async () => {
      const s = await readConsumerGroup(env.client, GROUP);
      return s?.lastCheckpointedPosition !== undefined ? s : null;
    });
    expect(state.lastCheckpointedPosition).toBeGreaterThan(0n);
    expect(state.lastKnownPosition).toBeGreaterThanOrEqual(state.lastCheckpointedPosition!);
  });
});

describe('failures', () => {
  it('a store or PostgreSQL that does not answer gives a sentence saying so, not an exception', async () => {
    const deadStore = createEventStoreClient(`esdb://127.0.0.1:${await freePort()}?tls=false`);
    const deadDb = createDb(`postgres://nobody:nothing@127.0.0.1:${await freePort()}/none`);
    try {
      const store = await settle('store', 'the consumer group', () => readConsumerGroup(deadStore, GROUP));
      expect(store).toEqual({
        ok: false,
        message: expect.stringMatching(/^The event store is not answering, so the consumer group cannot be shown/),
      });
      const db = await settle('read-model', 'events per minute', () => getEventsPerMinute({}, deadDb.db));
      expect(db).toEqual({ ok: false, message: expect.stringMatching(/^The read model \(PostgreSQL\) is not answering/) });
    } finally {
      await deadStore.dispose().catch(() => {});
      await deadDb.close().catch(() => {});
    }
  });
});
