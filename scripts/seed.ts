// `npm run seed -- --accounts 10000 --events 1000000`: a bank of that size, made through the real
// command handlers (so every event is one the app itself would write, idempotency records
// included) and projected by the real worker. See scripts/seed/args.ts for the options.
//
// Restartable: the commands are a pure function of (seed, index) with deterministic command
// ids, and progress is saved every few seconds, so after a crash the same command carries on;
// the commands that were in flight are issued again and the handlers find what they stored.
//
// Payments decide from the event store (PAYMENT_DECISION_SOURCE=event-store): with the default
// read-model source every payment from an account the worker has not caught up on would wait
// for it, and the seed would run at the worker's pace instead of the store's.

import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { count, eq, sql } from 'drizzle-orm';
import { changeHolderName, deposit, makePayment, openAccount, type CommandDeps, type CommandResult } from '@/lib/commands';
import { ConfigError, loadConfig } from '@/lib/config';
import { retryWithBackoff } from '@/lib/retry';
import { createDb } from '@/lib/db/client';
import { migrate } from '@/lib/db/migrate';
import { eventIndex, projectionCheckpoint } from '@/lib/db/schema';
import { createEventStoreClient } from '@/lib/eventstore/connection/client';
import { PayerStateCache } from '@/lib/eventstore/write-model/payer-state-cache';
import { ACCOUNTS_PROJECTION } from '@/lib/queries';
import { commandLineOrExit } from '@/lib/cli/command-line';
import { parseSeedArgs, USAGE, type SeedOptions } from './seed/args';
import { activityCommand, openCommand, type SeedCommand } from './seed/plan';
import { startOwnServices, type OwnServices } from './seed/services';
import { loadState, saveState, type SeedState } from './seed/state';

/** Answers that say nothing is known to be done: the same command is issued again (safe: idempotent). */
const RETRYABLE = new Set(['unavailable', 'unknown', 'conflict']);
const MAX_TRIES = 8;
const REPORT_EVERY_MS = 3_000;

let stopRequested = false;

async function main() {
  const options = commandLineOrExit('seed', USAGE, () => parseSeedArgs(process.argv.slice(2)));
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    console.error(error instanceof ConfigError ? error.message : error);
    process.exit(2);
  }
  const external = Boolean(config.eventStoreConnectionString) && Boolean(config.databaseUrl);
  if (!external && (config.eventStoreConnectionString || config.databaseUrl)) {
    console.error(
      'Set both EVENTSTORE_CONNECTION_STRING and DATABASE_URL (servers of a running stack), or neither (own embedded servers).',
    );
    process.exit(2);
  }
  const dataDir = path.resolve(options.dataDir ?? config.dataDir);
  const stateFile = path.join(dataDir, 'seed-state.json');

  let own: OwnServices | undefined;
  if (!external) {
    console.log(`[seed] starting the embedded store and PostgreSQL on ${dataDir}`);
    own = await startOwnServices(dataDir);
  }
  const connections = external
    ? { eventStoreConnectionString: config.eventStoreConnectionString!, databaseUrl: config.databaseUrl! }
    : own!;
  await migrate(connections.databaseUrl);
  own?.startWorker();

  const client = createEventStoreClient(connections.eventStoreConnectionString);
  const { db, close } = createDb(connections.databaseUrl, { max: 16 });
  const deps: CommandDeps = {
    eventStore: client,
    db,
    decisionSource: 'event-store',
    payerCache: new PayerStateCache(options.accounts + 1_000),
    catchUpTimeoutMs: 10_000,
    dbDeadlineMs: 10_000,
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopRequested) process.exit(130);
      stopRequested = true;
      console.log(`\n[seed] ${signal}: finishing the commands in flight and saving progress (again to quit at once)`);
    });
  }

  let exitCode = 0;
  try {
    const state = await loadState(stateFile, options.seed, options.accounts);
    if (state.nextActivity > 0 || state.accountNumbers) {
      console.log(
        `[seed] resuming: ${state.eventsWritten.toLocaleString('en')} events written, next activity command #${state.nextActivity}`,
      );
    }
    await openAccounts(options, state, deps, stateFile);
    if (!stopRequested) await runActivity(options, state, deps, stateFile);
    if (!stopRequested) {
      await waitForProjection(db, state.eventsWritten);
      // Fresh statistics at once, rather than whenever autovacuum next comes by: the planner
      // chooses each filter's index by them.
      await db.execute(sql`analyze readmodel.event_index, readmodel.account_history, readmodel.accounts`);
    }
    if (stopRequested) {
      console.log('[seed] stopped; run the same command again to carry on');
      exitCode = 130;
    } else {
      console.log(
        `[seed] done: ${state.eventsWritten.toLocaleString('en')} bank events, ${options.accounts.toLocaleString('en')} accounts, projected`,
      );
      console.log(external ? '' : `[seed] serve it with: DATA_DIR=${dataDir} npm start`);
    }
  } catch (error) {
    console.error('[seed] failed:', error instanceof Error ? error.message : error);
    exitCode = 1;
  } finally {
    await client.dispose().catch(() => {});
    await close().catch(() => {});
    await own?.stop();
  }
  process.exit(exitCode);
}

async function openAccounts(options: SeedOptions, state: SeedState, deps: CommandDeps, stateFile: string) {
  if (state.accountNumbers) return;
  const numbers: string[] = new Array<string>(options.accounts);
  const progress = new Progress('open', options.accounts, 0);
  await pool(options.concurrency, options.accounts, async (index) => {
    const result = await issue(openCommand(options.seed, index, options.accounts), deps);
    if (!result.ok) throw new Error(`opening account #${index} failed: ${result.message}`);
    numbers[index] = result.accountNumber;
    progress.add(1);
  });
  progress.stop();
  if (stopRequested) return;
  state.accountNumbers = numbers;
  state.eventsWritten = options.accounts;
  await saveState(stateFile, state);
}

async function runActivity(options: SeedOptions, state: SeedState, deps: CommandDeps, stateFile: string) {
  const accounts = state.accountNumbers!;
  const target = options.events;
  // Answers above the watermark (state.nextActivity), by index: the watermark moves over them in order.
  const answered = new Map<number, boolean>();
  let pendingSuccesses = 0;
  let inFlight = 0;
  let next = state.nextActivity;
  const progress = new Progress('activity', target, state.eventsWritten);
  const saver = setInterval(() => void saveState(stateFile, state).catch(() => {}), 2_000);

  const advance = () => {
    while (answered.has(state.nextActivity)) {
      if (answered.get(state.nextActivity)) {
        state.eventsWritten += 1;
        pendingSuccesses -= 1;
      }
      answered.delete(state.nextActivity);
      state.nextActivity += 1;
    }
  };

  const worker = async () => {
    while (!stopRequested && state.eventsWritten + pendingSuccesses + inFlight < target) {
      const index = next++;
      inFlight += 1;
      let result: CommandResult;
      try {
        result = await issue(activityCommand(options.seed, index, accounts), deps);
      } finally {
        inFlight -= 1;
      }
      if (result.ok) {
        pendingSuccesses += 1;
        progress.add(1);
      } else {
        state.failed[result.code] = (state.failed[result.code] ?? 0) + 1;
        progress.failures = state.failed;
      }
      answered.set(index, result.ok);
      advance();
    }
  };
  try {
    await Promise.all(Array.from({ length: options.concurrency }, worker));
  } finally {
    clearInterval(saver);
    progress.stop();
    await saveState(stateFile, state);
  }
}

/** Runs one command, issuing it again on answers that promise nothing was done (or that it is unknown). */
async function issue(command: SeedCommand, deps: CommandDeps): Promise<CommandResult> {
  try {
    return await retryWithBackoff(
      async () => {
        const result = await run(command, deps);
        if (result.ok || !RETRYABLE.has(result.code)) return result;
        throw new NotDoneYet(result);
      },
      { retries: MAX_TRIES - 1, minDelayMs: 50, maxDelayMs: 1_000, shouldRetry: (error) => error instanceof NotDoneYet },
    );
  } catch (error) {
    if (error instanceof NotDoneYet) return error.result;
    throw error;
  }
}

/** An answer worth issuing the command again for (see RETRYABLE). */
class NotDoneYet extends Error {
  constructor(readonly result: CommandResult) {
    super(result.ok ? 'ok' : result.message);
  }
}

function run(command: SeedCommand, deps: CommandDeps): Promise<CommandResult> {
  switch (command.kind) {
    case 'open':
      return openAccount(
        { commandId: command.commandId, holderName: command.holderName, openingBalanceCents: command.openingBalanceCents },
        deps,
      );
    case 'deposit':
      return deposit({ commandId: command.commandId, accountNumber: command.accountNumber, amountCents: command.amountCents }, deps);
    case 'rename':
      return changeHolderName({ commandId: command.commandId, accountNumber: command.accountNumber, holderName: command.holderName }, deps);
    case 'payment': {
      const { kind: _kind, ...input } = command;
      return makePayment(input, deps);
    }
  }
}

/** Runs task(0..total-1) with `concurrency` in flight, until done or a stop is asked for. */
async function pool(concurrency: number, total: number, task: (index: number) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, total) }, async () => {
      while (!stopRequested && next < total) await task(next++);
    }),
  );
}

/** The seed is done when the worker has indexed every bank event it wrote. */
async function waitForProjection(db: ReturnType<typeof createDb>['db'], events: number) {
  const started = Date.now();
  for (;;) {
    const [{ indexed }] = await db.select({ indexed: count() }).from(eventIndex);
    const [checkpoint] = await db
      .select({ applied: projectionCheckpoint.eventsApplied, position: sql<string>`${projectionCheckpoint.position}::text` })
      .from(projectionCheckpoint)
      .where(eq(projectionCheckpoint.projection, ACCOUNTS_PROJECTION));
    console.log(
      `[seed] projection: ${indexed.toLocaleString('en')} of ${events.toLocaleString('en')} events indexed` +
        (checkpoint ? ` (checkpoint at position ${checkpoint.position})` : ''),
    );
    if (indexed >= events || stopRequested) return;
    if (Date.now() - started > 60 * 60_000) throw new Error('the projection did not catch up within an hour: is a worker running?');
    await delay(5_000);
  }
}

class Progress {
  private readonly started = Date.now();
  private readonly timer: NodeJS.Timeout;
  private done: number;
  failures: Record<string, number> = {};

  constructor(
    private readonly phase: string,
    private readonly total: number,
    private readonly initial: number,
  ) {
    this.done = initial;
    this.timer = setInterval(() => this.report(), REPORT_EVERY_MS);
  }

  add(n: number) {
    this.done += n;
  }

  stop() {
    clearInterval(this.timer);
    this.report();
  }

  private report() {
    const seconds = (Date.now() - this.started) / 1000;
    const rate = (this.done - this.initial) / Math.max(seconds, 0.001);
    const left = rate > 0 ? (this.total - this.done) / rate : Infinity;
    const eta = Number.isFinite(left) ? `${Math.floor(left / 60)}m${String(Math.round(left % 60)).padStart(2, '0')}s` : '?';
    const failed = Object.entries(this.failures)
      .map(([code, n]) => `${code} ${n}`)
      .join(', ');
    console.log(
      `[seed] ${this.phase}: ${this.done.toLocaleString('en')}/${this.total.toLocaleString('en')} ` +
        `(${((100 * this.done) / this.total).toFixed(1)} %) · ${rate.toFixed(0)}/s · ETA ${eta}` +
        (failed ? ` · refused: ${failed}` : ''),
    );
  }
}

void main();
