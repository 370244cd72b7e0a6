import { jsonEvent } from '@eventstore/db-client';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deposit, makePayment, openAccount } from '@/lib/commands';
import { closeDb, createDb, getDb } from '@/lib/db/client';
import { accountStream } from '@/lib/eventstore/serialization/streams';
import { LiveFeed, REPLAY_LIMIT, liveFeedFor } from '@/lib/live/feed';
import { LIVE_EVENTS, LIVE_UNAVAILABLE, type LiveMessage } from '@/lib/live/protocol';
import { openLiveStream } from '@/lib/live/sse';
import { eventIndexHead, waitForAccountRevision } from '@/lib/queries';
import { freePort } from '../support/free-port';
import { newCommandId, startTestEnvironment, type TestEnvironment } from './support/environment';
import { SseReader, type SseFrame } from './support/sse';

// The SSE route's handler itself (app/api/live/route.ts), on its process-wide database client,
// against the real worker, store and PostgreSQL.
let env: TestEnvironment;
let GET: (request: Request) => Promise<Response>;
const readers: SseReader[] = [];
const controllers: AbortController[] = [];

beforeAll(async () => {
  env = await startTestEnvironment();
  env.startWorker();
  process.env.DATABASE_URL = env.databaseUrl;
  process.env.EVENTSTORE_CONNECTION_STRING = env.eventStoreConnectionString;
  ({ GET } = await import('@/app/api/live/route'));
});

afterAll(async () => {
  for (const controller of controllers) controller.abort();
  for (const reader of readers) await reader.cancel();
  await liveFeedFor(getDb()).close();
  await closeDb();
  await env?.stop();
});

async function open(query: string, headers: Record<string, string> = {}) {
  const controller = new AbortController();
  controllers.push(controller);
  const response = await GET(new Request(`http://localhost/api/live${query}`, { headers, signal: controller.signal }));
  return { response, controller };
}

async function stream(query: string, headers: Record<string, string> = {}) {
  const { response, controller } = await open(query, headers);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
  const reader = new SseReader(response.body!);
  readers.push(reader);
  return { reader, controller };
}

const message = (frame: SseFrame) => {
  expect(frame.event).toBe(LIVE_EVENTS);
  return JSON.parse(frame.data!) as LiveMessage;
};

async function opened(holderName: string, cents = 1_000) {
  const result = await openAccount({ commandId: newCommandId(), holderName, openingBalanceCents: cents }, env.deps);
  if (!result.ok) throw new Error(result.message);
  expect(await waitForAccountRevision(result.accountNumber, result.streamRevision, { timeoutMs: 15_000 }, env.db)).toBe(true);
  return result;
}

async function deposited(accountNumber: string, amountCents: number) {
  const result = await deposit({ commandId: newCommandId(), accountNumber, amountCents }, env.deps);
  if (!result.ok) throw new Error(result.message);
  expect(await waitForAccountRevision(accountNumber, result.streamRevision, { timeoutMs: 15_000 }, env.db)).toBe(true);
  return result;
}

const listenConnections = async () => {
  const [row] = await env.db.execute<{ n: number }>(
    sql`select count(*)::int as n from pg_stat_activity where datname = current_database() and query ilike 'listen%eventbank_events%'`,
  );
  return row.n;
};

describe('the live stream (SSE route)', () => {
  it('refuses bad input with a 400 that says why, and opens nothing', async () => {
    const feed = liveFeedFor(getDb());
    const before = feed.subscriberCount;
    const cases: Array<[string, Record<string, string>, RegExp]> = [
      ['?account=123', {}, /account must be a 10-digit account number/],
      ['?account=1234567890', {}, /check digit/],
      ['?since=-1', {}, /since must be a position/],
      ['?since=99999999999999999999', {}, /since must be a position/],
      ['?since=1&since=2', {}, /more than once/],
      ['?watch=all', {}, /Unknown parameter "watch"/],
      ['', { 'Last-Event-ID': 'abc' }, /Last-Event-ID must be a position/],
    ];
    for (const [query, headers, reason] of cases) {
      const { response } = await open(query, headers);
      expect(response.status, query).toBe(400);
      expect(await response.text(), query).toMatch(reason);
    }
    expect(feed.subscriberCount).toBe(before);
  });

  it('resumes after Last-Event-ID: sends exactly what the client missed of its account, then goes on live', async () => {
    const a = await opened('Resume Ada');
    const b = await opened('Resume Bob');
    const first = await deposited(a.accountNumber, 1);
    const second = await deposited(a.accountNumber, 2);
    await deposited(b.accountNumber, 3); // another account: not sent to a's stream
    const paid = await makePayment(
      { commandId: newCommandId(), payerAccountNumber: b.accountNumber, payeeAccountNumber: a.accountNumber, amountCents: 4 },
      env.deps,
    );
    if (!paid.ok) throw new Error(paid.message);
    expect(await waitForAccountRevision(b.accountNumber, paid.streamRevision, { timeoutMs: 15_000 }, env.db)).toBe(true);

    // The browser reconnects with the id of the last event it saw (the first deposit).
    const { reader } = await stream(`?account=${a.accountNumber}&since=0`, { 'Last-Event-ID': first.position.toString() });
    const hello = await reader.next();
    expect(hello?.retry).toBe('1000');
    const missed = await reader.nextEvent();
    expect(missed.id).toBe(paid.position.toString());
    expect(message(missed).events.map((e) => [e.position, e.type, e.account])).toEqual([
      [second.position.toString(), 'MoneyDeposited', a.accountNumber],
      [paid.position.toString(), 'PaymentMade', b.accountNumber], // b's stream, paying a
    ]);
    expect(message(missed).resync).toBeUndefined();

    // Then live: a's next event arrives, b's alone does not.
    await deposited(b.accountNumber, 5);
    const third = await deposited(a.accountNumber, 6);
    const live = await reader.nextEvent();
    expect(live.id).toBe(third.position.toString());
    expect(message(live).events.map((e) => e.position)).toEqual([third.position.toString()]);
  });

  it('without a position it starts at the head; with ?since= it replays from there (a page rendered earlier)', async () => {
    const a = await opened('Since Sam');
    const head = (await eventIndexHead(env.db))!;
    const d = await deposited(a.accountNumber, 7);
    const fromPage = await stream(`?since=${head}`);
    const replayed = await fromPage.reader.nextEvent();
    expect(message(replayed).events.map((e) => e.position)).toEqual([d.position.toString()]);

    const fromNow = await stream('');
    const next = await deposited(a.accountNumber, 8);
    const frame = await fromNow.reader.nextEvent();
    expect(frame.id).toBe(next.position.toString()); // nothing before it was replayed
  });

  it('tells a client whose position is unknown here, or who missed too much, to resync', async () => {
    const head = (await eventIndexHead(env.db))!;
    const ahead = await stream(`?since=${head + 1_000_000n}`);
    const resync = await ahead.reader.nextEvent();
    expect(message(resync).resync).toBe(true);
    expect(resync.id).toBe(head.toString());

    const a = await opened('Busy Bee');
    const result = await env.client.appendToStream(
      accountStream(a.accountNumber),
      Array.from({ length: REPLAY_LIMIT + 5 }, () =>
        jsonEvent({ type: 'MoneyDeposited', data: { accountNumber: a.accountNumber, amountCents: 1 } }),
      ),
    );
    expect(await waitForAccountRevision(a.accountNumber, result.nextExpectedRevision, { timeoutMs: 30_000 }, env.db)).toBe(true);
    const far = await stream(`?account=${a.accountNumber}`, { 'Last-Event-ID': head.toString() });
    const frame = await far.reader.nextEvent();
    expect(message(frame).resync).toBe(true);
    expect(BigInt(frame.id!)).toBeGreaterThanOrEqual(result.position!.commit);
  });

  it('shares one LISTEN connection between every stream of the process and fans each doorbell out to all of them', async () => {
    const a = await opened('Shared Sue');
    const streams = await Promise.all([
      stream(''),
      stream(`?account=${a.accountNumber}`),
      stream(''),
      stream(`?account=${a.accountNumber}`),
    ]);
    const feed = liveFeedFor(getDb());
    expect(feed.listens).toBe(1);
    expect(await listenConnections()).toBe(1);
    const d = await deposited(a.accountNumber, 9);
    for (const { reader } of streams) {
      const frame = await reader.nextEvent();
      expect(frame.id).toBe(d.position.toString());
    }
  });

  it('cleans up a stream when the client goes away', async () => {
    const feed = liveFeedFor(getDb());
    const before = feed.subscriberCount;
    const { reader, controller } = await stream('');
    expect(feed.subscriberCount).toBe(before + 1);
    controller.abort();
    expect(feed.subscriberCount).toBe(before);
    expect(await reader.next()).toMatchObject({ comments: ['connected'] });
    expect(await reader.next()).toBeNull(); // the stream ended
  });
});

describe('a live stream on its own feed', () => {
  it('sends heartbeats, and bounds what a client that stops reading can queue: one resync instead', async () => {
    const feed = new LiveFeed(env.db);
    try {
      const a = await opened('Slow Reader');
      const body = await openLiveStream(feed, {}, { heartbeatMs: 50, highWaterMarkBytes: 300 });
      const reader = new SseReader(body);
      await reader.next(); // retry + connected
      const beat = await reader.next();
      expect(beat?.comments).toEqual(['heartbeat']);

      // Not reading now: eight events, one doorbell each, overflow 300 bytes of frames (about two).
      let last = a.position;
      for (let i = 0; i < 8; i++) last = (await deposited(a.accountNumber, 1)).position;
      // Reading again: what fitted, then one resync carrying the position reached, instead of the rest.
      const frames: SseFrame[] = [];
      while (frames.at(-1)?.id !== last.toString()) frames.push(await reader.nextEvent());
      expect(frames.filter((frame) => message(frame).resync)).toHaveLength(1);
      expect(frames.length).toBeLessThan(6);
      await reader.cancel();
      expect(feed.subscriberCount).toBe(0);
    } finally {
      await feed.close();
    }
  });

  it('says the server is unavailable, and ends, when PostgreSQL cannot be reached (the browser retries later)', async () => {
    const dead = createDb(`postgres://nobody:nothing@127.0.0.1:${await freePort()}/none`);
    const feed = new LiveFeed(dead.db, { warn: () => {} });
    try {
      const reader = new SseReader(await openLiveStream(feed, {}, { subscribeDeadlineMs: 1_500 }));
      await reader.next(); // retry + connected
      const frame = await reader.nextEvent();
      expect(frame.event).toBe(LIVE_UNAVAILABLE);
      expect(Number(frame.retry)).toBeGreaterThanOrEqual(3_000);
      expect(await reader.next()).toBeNull();
      expect(feed.subscriberCount).toBe(0);
    } finally {
      await feed.close().catch(() => {});
      await dead.close().catch(() => {});
    }
  });
});
