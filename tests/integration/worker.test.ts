import { spawn } from 'node:child_process';
import { binaryEvent, jsonEvent } from '@eventstore/db-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deposit, openAccount } from '@/lib/commands';
import { accountNumberFor } from '@/lib/eventstore/serialization/ids';
import { accountStream } from '@/lib/eventstore/serialization/streams';
import { getAccount, getAccountHistory, getProjectionStatus, waitForAccountRevision } from '@/lib/queries';
import type { Logger } from '@/worker/subscription';
import { eventually, newCommandId, startTestEnvironment, type TestEnvironment } from './support/environment';

const GROUP = 'eventbank-projections';
let env: TestEnvironment;
const logs: string[] = [];
const capture: Logger = {
  info: (...args: unknown[]) => void logs.push(`info ${args.join(' ')}`),
  warn: (...args: unknown[]) => void logs.push(`warn ${args.join(' ')}`),
  error: (...args: unknown[]) => void logs.push(`error ${args.join(' ')}`),
};

beforeAll(async () => {
  env = await startTestEnvironment();
  env.startWorker({ group: GROUP, logger: capture });
});

afterAll(async () => {
  await env?.stop();
});

async function openProjected(holderName: string, openingBalanceCents = 0) {
  const result = await openAccount({ commandId: newCommandId(), holderName, openingBalanceCents }, env.deps);
  if (!result.ok) throw new Error(result.message);
  expect(await waitForAccountRevision(result.accountNumber, result.streamRevision, { timeoutMs: 15_000 }, env.db)).toBe(true);
  return result.accountNumber;
}

const parkedCount = async () => (await env.client.getPersistentSubscriptionToAllInfo(GROUP)).stats.parkedMessageCount;

describe('projection worker', () => {
  it('creates its consumer group on $all and projects from the start', async () => {
    const account = await openProjected('First', 123);
    const info = await env.client.getPersistentSubscriptionToAllInfo(GROUP);
    expect(info.groupName).toBe(GROUP);
    expect((await getAccount(account, env.db))?.balanceCents).toBe(123n);
    const status = await getProjectionStatus(env.db);
    expect(status.lastPosition).not.toBeNull();
    expect(status.eventsApplied).toBeGreaterThan(0);
  });

  it('parks a poison event with its reason and keeps projecting', async () => {
    const before = await parkedCount();
    const poisoned = accountNumberFor('poison-account');
    // Appended straight through the client, bypassing the handlers' validation.
    await env.client.appendToStream(
      accountStream(poisoned),
      jsonEvent({ type: 'AccountOpened', data: { accountNumber: poisoned, holderName: '', openingBalanceCents: -5 } }),
    );
    await eventually('the poison event to be parked', async () => (await parkedCount()) > before);
    expect(logs.some((l) => l.startsWith('warn') && l.includes('parking') && l.includes('holderName'))).toBe(true);
    expect(await getAccount(poisoned, env.db)).toBeNull();

    const healthy = await openProjected('After poison', 50);
    const result = await deposit({ commandId: newCommandId(), accountNumber: healthy, amountCents: 25 }, env.deps);
    expect(result.ok && (await waitForAccountRevision(healthy, result.streamRevision, { timeoutMs: 15_000 }, env.db))).toBe(true);
    expect((await getAccount(healthy, env.db))?.balanceCents).toBe(75n);
  });

  it('parks an event whose payload contradicts its stream', async () => {
    const before = await parkedCount();
    const victim = await openProjected('Victim', 10);
    const other = accountNumberFor('someone-else');
    await env.client.appendToStream(
      accountStream(victim),
      jsonEvent({ type: 'MoneyDeposited', data: { accountNumber: other, amountCents: 1_000_000 } }),
    );
    await eventually('the contradicting event to be parked', async () => (await parkedCount()) > before);
    expect((await getAccount(victim, env.db))?.balanceCents).toBe(10n);
  });

  it('parks a known event type stored as bytes that are not JSON', async () => {
    const before = await parkedCount();
    const account = accountNumberFor('binary-account');
    await env.client.appendToStream(
      accountStream(account),
      binaryEvent({ type: 'AccountOpened', data: new TextEncoder().encode('{not json') }),
    );
    await eventually('the binary event to be parked', async () => (await parkedCount()) > before);
    expect(logs.some((l) => l.includes('not stored as JSON'))).toBe(true);
    await openProjected('Still projecting');
  });

  it('acks events of non-account streams and goes on', async () => {
    await env.client.appendToStream('audit-1', jsonEvent({ type: 'SomethingElseHappened', data: { x: 1 } }));
    await openProjected('Still going');
  });

  it('an unknown event type on an account stream advances its revision, so a later deposit reaches the balance', async () => {
    const account = await openProjected('Unknown type', 100);
    await env.client.appendToStream(accountStream(account), jsonEvent({ type: 'InterestAccrued', data: { cents: 5 } }));
    const result = await deposit({ commandId: newCommandId(), accountNumber: account, amountCents: 7 }, env.deps);
    if (!result.ok) throw new Error(result.message);
    expect(await waitForAccountRevision(account, result.streamRevision, { timeoutMs: 15_000 }, env.db)).toBe(true);
    expect(await getAccount(account, env.db)).toMatchObject({ balanceCents: 107n, revision: 2n });
    expect(logs.some((l) => l.includes('unknown event type InterestAccrued'))).toBe(true);
  });

  it('reconnects after its subscription is dropped, without applying anything twice', async () => {
    const account = await openProjected('Reconnect', 1_000);
    const history = (await getAccountHistory(account, {}, env.db)).total;
    // Deleting the group drops the consumer; the worker recreates it from the start of $all,
    // so every event is delivered again and must be recognised as a duplicate.
    await env.client.deletePersistentSubscriptionToAll(GROUP);
    await eventually('the worker to report the drop', () => logs.some((l) => l.includes('subscription dropped')));

    const result = await deposit({ commandId: newCommandId(), accountNumber: account, amountCents: 1 }, env.deps);
    expect(result.ok && (await waitForAccountRevision(account, result.streamRevision, { timeoutMs: 20_000 }, env.db))).toBe(true);
    expect((await getAccount(account, env.db))?.balanceCents).toBe(1_001n);
    expect((await getAccountHistory(account, {}, env.db)).total).toBe(history + 1);
  });

  it('npm run worker projects, then exits cleanly on SIGTERM', async () => {
    const { db, databaseUrl } = await env.createDatabase();
    const connectionString = env.eventStoreConnectionString;
    const child = spawn(process.execPath, ['--conditions=react-server', '--import', 'tsx', 'worker/index.ts'], {
      cwd: process.cwd(),
      env: { ...process.env, DATABASE_URL: databaseUrl, EVENTSTORE_CONNECTION_STRING: connectionString, PROJECTION_GROUP: 'cli-worker' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const account = await openProjected('Seen by CLI worker', 42);
      await eventually('the CLI worker to project', async () => (await getAccount(account, db))?.balanceCents === 42n, 30_000);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(output).toContain('stopped');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
