import { randomUUID } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { inspect } from 'node:util';
import { FORWARDS, START, type EventStoreDBClient } from '@eventstore/db-client';
import { startEventStore } from '@eventbank/embedded-eventstore';
import { openAccount, type CommandDeps, type CommandResult } from '@/lib/commands';
import { waitForAccountRevision } from '@/lib/queries';
import { eventIndexHead } from '@/lib/queries/live';
import { ACCOUNT_STREAM_PREFIX } from '@/lib/eventstore/serialization/streams';
import { createDb, type Db } from '@/lib/db/client';
import { startEmbeddedPostgres } from '@/lib/db/embedded-postgres';
import { migrate } from '@/lib/db/migrate';
import { createEventStoreClient } from '@/lib/eventstore/connection/client';
import { startProjectionWorker, type Logger, type ProjectionWorker } from '@/worker/subscription';
import { freePort } from '../../support/free-port';

/**
 * One real embedded event store (in memory) and one real PostgreSQL per test file, each
 * file with its own temp data dir, free port and fresh databases.
 */
export type TestEnvironment = {
  client: EventStoreDBClient;
  db: Db;
  databaseUrl: string;
  eventStoreConnectionString: string;
  deps: CommandDeps;
  /** Another fresh, migrated database on the same server. */
  createDatabase: () => Promise<{ db: Db; databaseUrl: string }>;
  startWorker: (options?: { group?: string; logger?: Logger; fillEmptyReadModel?: boolean }) => ProjectionWorker;
  stop: () => Promise<void>;
};

export const quietLogger: Logger = { info: () => {}, warn: () => {}, error: () => {} };

export async function startTestEnvironment(): Promise<TestEnvironment> {
  const dir = await mkdtemp(path.join(tmpdir(), 'eventbank-it-'));
  // mkdtemp makes a 0700 dir; the unprivileged postgres user created for root runs must traverse it.
  await chmod(dir, 0o755);
  const pg = await startEmbeddedPostgres({ dataDir: path.join(dir, 'postgres'), port: await freePort() });
  const closers: Array<() => Promise<void>> = [];
  const workers: ProjectionWorker[] = [];

  const createDatabase = async () => {
    const databaseUrl = await pg.createDatabase(`t_${randomUUID().replace(/-/g, '').slice(0, 16)}`);
    await migrate(databaseUrl);
    const handle = createDb(databaseUrl);
    closers.push(handle.close);
    return { db: handle.db, databaseUrl };
  };

  const { db, databaseUrl } = await createDatabase();
  const store = await startEventStore({ port: 0, mem: true });
  const client = createEventStoreClient(store.connectionString);

  return {
    client,
    db,
    databaseUrl,
    eventStoreConnectionString: store.connectionString,
    deps: { eventStore: client, db, catchUpTimeoutMs: 10_000 },
    createDatabase,
    startWorker: (options = {}) => {
      const worker = startProjectionWorker({
        client,
        db,
        group: options.group ?? 'eventbank-projections',
        logger: options.logger ?? quietLogger,
        fillEmptyReadModel: options.fillEmptyReadModel,
      });
      workers.push(worker);
      return worker;
    },
    stop: async () => {
      for (const worker of workers) await worker.stop();
      await client.dispose().catch(() => {});
      for (const close of closers) await close().catch(() => {});
      await store.close();
      await pg.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Polls until check() returns a truthy value, failing with `what` after the deadline. */
export async function eventually<T>(what: string, check: () => Promise<T> | T, timeoutMs = 15_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value as NonNullable<T>;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `Timed out waiting for ${what}${lastError ? `: ${lastError instanceof Error ? lastError.message : inspect(lastError)}` : ''}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Every non-system event in $all, in order: what "nothing was appended" is checked against. */
export async function readUserEvents(client: EventStoreDBClient) {
  const events = [];
  for await (const resolved of client.readAll({ direction: FORWARDS, fromPosition: START })) {
    const event = resolved.event;
    if (event && !event.streamId.startsWith('$') && !event.type.startsWith('$')) events.push(event);
  }
  return events;
}

export const newCommandId = () => randomUUID();

/** The command's result, or its refusal thrown as an error. */
export function ok(result: CommandResult) {
  if (!result.ok) throw new Error(`${result.code}: ${result.message}`);
  return result;
}

/** Waits until every account event now in the store is in the event index (held ones too). */
export async function waitUntilIndexed(env: Pick<TestEnvironment, 'client' | 'db'>, timeoutMs = 30_000): Promise<void> {
  const events = await readUserEvents(env.client);
  const last = events.filter((e) => e.streamId.startsWith(ACCOUNT_STREAM_PREFIX)).at(-1)?.position?.commit ?? 0n;
  await eventually('the worker to catch up', async () => ((await eventIndexHead(env.db)) ?? 0n) >= last, timeoutMs);
}

/** Opens an account through the command handler and waits until the worker has projected it; its number. */
export async function openProjectedAccount(deps: CommandDeps, holderName: string, openingBalanceCents: number): Promise<string> {
  const result = await openAccount({ commandId: newCommandId(), holderName, openingBalanceCents }, deps);
  if (!result.ok) throw new Error(result.message);
  if (!(await waitForAccountRevision(result.accountNumber, result.streamRevision, { timeoutMs: 15_000 }, deps.db))) {
    throw new Error(`account ${result.accountNumber} was not projected within 15 s`);
  }
  return result.accountNumber;
}
