// One soak run: start the stack, open the accounts, run the load while injecting faults on a
// schedule, check every invariant at checkpoints and at the end, report, stop everything.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CommandDeps } from '@/lib/commands';
import { createDb } from '@/lib/db/client';
import { migrate } from '@/lib/db/migrate';
import { createEventStoreClient } from '@/lib/eventstore/connection/client';
import { PayerStateCache } from '@/lib/eventstore/write-model/payer-state-cache';
import { getProjectionStatus } from '@/lib/queries';
import { writeJson } from '../report';
import { checkAll, type Break, type InvariantResult } from './checks';
import { appendPoison, availableFaults, killStore, killWorker, restartPostgres, type FaultRecord, type Poison } from './faults';
import { Ledger } from './ledger';
import { Load, resolveUnknowns } from './load';
import type { FaultKind, SoakOptions } from './options';
import { Phases } from './phases';
import { Progress } from './progress';
import { seededRandom } from './random';
import { progressOf, readModelOf } from './read-model';
import { replay } from '@/lib/reconciliation/replay';
import { startStack, type SoakStack } from './stack';
import { readStoreView } from './store-view';
import { faultsTable, invariantsTable, operationsTable, phasesTable } from './summary';

/** After a service is back, the fault's phase lasts this much longer: the recovery is part of it. */
const RECOVERY_MS = 2_000;
/** How long a lost-response or poison window lasts. */
const WINDOW_MS = 4_000;
const RESOLVE_TIMEOUT_MS = 30_000;

export type Checkpoint = { label: string; at: string; loadSeconds: number; settleMs: number; invariants: InvariantResult[] };

export type SoakReport = {
  startedAt: string;
  finishedAt: string;
  options: Omit<SoakOptions, 'out'>;
  stack: { eventStore: 'embedded child process' | 'external'; postgres: 'embedded child process' | 'external'; projectionGroup: string };
  skippedFaults: string[];
  accounts: { all: string[]; hot: string[]; held: string[] };
  faults: FaultRecord[];
  poisons: Poison[];
  operations: ReturnType<Ledger['tally']>;
  phases: ReturnType<Phases['snapshot']>;
  checkpoints: Checkpoint[];
  unexpectedExits: SoakStack['unexpectedExits'];
  breaks: Break[];
  logsKeptIn?: string;
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const withTimeout = <T>(work: Promise<T>, ms: number) =>
  Promise.race([work, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`gave up after ${ms} ms`)), ms).unref())]);
const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

export async function runSoak(
  options: SoakOptions,
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ exitCode: number; report?: SoakReport }> {
  const startedAt = new Date();
  const progress = new Progress(options.durationMs > 120_000 ? 10_000 : 5_000);
  const log = (message: string) => progress.log(message);
  const random = seededRandom(options.seed);
  log(
    `seed ${options.seed}, ${options.clients} clients, ${options.accounts} accounts (${options.hot} hot), ${options.durationMs / 1000} s of load, decision source ${options.decisionSource}`,
  );

  const stack = await startStack({ env, log });
  // The command handlers log every failure with console.*: thousands of lines under faults. Keep
  // them, in a file beside the services' logs, and keep the terminal for the soak's own lines.
  stack.logs.commands = path.join(stack.dir, 'commands.log');
  const commandsLog = fs.createWriteStream(stack.logs.commands, { flags: 'a' });
  const saved = { error: console.error, warn: console.warn, info: console.info, log: console.log };
  const toFile = (...args: unknown[]) =>
    void commandsLog.write(
      `${new Date().toISOString()} ${args.map((a) => (a instanceof Error ? (a.stack ?? a.message) : typeof a === 'string' ? a : JSON.stringify(a, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)))).join(' ')}\n`,
    );
  console.error = console.warn = console.info = console.log = toFile;
  let interrupted: string | undefined;
  let finishing: Promise<unknown> | undefined;
  const cleanups: (() => Promise<void>)[] = [];
  const cleanup = async () => {
    // Bounded: the gRPC client's dispose() waits forever for a call left open, and nothing may keep the soak from ending.
    for (const step of cleanups.reverse()) await withTimeout(step(), 5_000).catch(() => {});
    Object.assign(console, saved);
    await new Promise((resolve) => commandsLog.end(resolve));
    await stack.stop();
    if (!options.keep) fs.rmSync(stack.dir, { recursive: true, force: true });
  };
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted) return;
    interrupted = signal;
    progress.log(`${signal}: stopping everything`);
    finishing = cleanup().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  try {
    const { faults: kinds, skipped } = availableFaults(stack, options.faults);
    for (const reason of skipped) log(`skipping ${reason}`);
    log(
      `stack up in ${stack.dir} (event store ${stack.store ? `pid ${stack.store.pid}` : 'external'}, PostgreSQL ${stack.postgres ? `pid ${stack.postgres.pid}` : 'external'})`,
    );

    for (let tries = 1; ; tries++) {
      try {
        await migrate(stack.databaseUrl);
        break;
      } catch (error) {
        if (tries >= 40) throw error;
        await sleep(250);
      }
    }
    await stack.worker.start();

    const client = createEventStoreClient(stack.eventStoreConnectionString);
    const app = createDb(stack.databaseUrl, { max: 20 });
    const checker = createDb(stack.databaseUrl, { max: 2 });
    cleanups.push(() => client.dispose(), app.close, checker.close);
    const deps: CommandDeps = { eventStore: client, db: app.db, decisionSource: options.decisionSource, payerCache: new PayerStateCache() };

    const ledger = new Ledger();
    const phases = new Phases();
    const load = new Load(deps, ledger, phases, { clients: options.clients, random, lostResponseShare: 0.4 });
    await load.openAccounts(options.accounts, options.hot);
    log(`opened ${options.accounts} accounts; hot: ${load.hot.join(', ')}`);

    const faultLog: FaultRecord[] = [];
    const poisons: Poison[] = [];
    const checkpoints: Checkpoint[] = [];
    let pausedMs = 0;
    const loadStarted = Date.now();
    const loadElapsed = () => Date.now() - loadStarted - pausedMs;
    const status = () => {
      const s = phases.snapshot();
      const payments = Object.values(s).reduce((n, p) => n + p.ok, 0);
      return `${Math.round(loadElapsed() / 1000)}/${options.durationMs / 1000} s, ${load.completed} commands, ${payments} paid, ${faultLog.length} faults, phase ${phases.current}, unknown open ${ledger.unresolved().length}`;
    };
    const tick = () => progress.update(loadElapsed() / options.durationMs, status());

    /** Services that died by themselves are started again so the run goes on; the exit is reported as a break. */
    const ensureUp = async () => {
      if (stack.store && !stack.store.running)
        await stack.store.start(30_000).catch((e) => log(`restarting the event store failed: ${errorText(e)}`));
      if (stack.postgres && !stack.postgres.running)
        await stack.postgres.start(120_000).catch((e) => log(`restarting PostgreSQL failed: ${errorText(e)}`));
      if (!stack.worker.running) await stack.worker.start();
    };

    const checkpoint = async (label: string) => {
      const pauseStarted = Date.now();
      phases.pause();
      await load.pause();
      await ensureUp();
      progress.log(`checkpoint ${label}: load paused, resolving unknown outcomes and waiting for the worker`);
      await resolveUnknowns(deps, ledger, phases, Date.now() + RESOLVE_TIMEOUT_MS);
      const invariants = await checkNow(stack, client, checker.db, load, ledger, poisons, options.settleTimeoutMs);
      const settle = invariants.find((r) => r.name === 'settled');
      checkpoints.push({
        label,
        at: new Date().toISOString(),
        loadSeconds: loadElapsed() / 1000,
        settleMs: Number(settle?.notes?.[0]?.match(/(\d+) ms/)?.[1] ?? 0),
        invariants,
      });
      const breaks = invariants.flatMap((r) => r.breaks);
      progress.log(
        `checkpoint ${label}: ${breaks.length === 0 ? 'all invariants hold' : `${breaks.length} BREAKS`} (${Date.now() - pauseStarted} ms)`,
      );
      for (const b of breaks.slice(0, 5)) progress.log(`  BREAK ${b.invariant}${b.account ? ` account ${b.account}` : ''}: ${b.message}`);
      pausedMs += Date.now() - pauseStarted;
      phases.resume();
      load.resume();
    };

    const inject = async (kind: FaultKind) => {
      const record: FaultRecord = { kind, startedAt: Date.now(), detail: '' };
      faultLog.push(record);
      phases.enter(kind);
      try {
        switch (kind) {
          case 'worker-kill':
            Object.assign(
              record,
              await killWorker(stack, options.downMs, async () => (await getProjectionStatus(checker.db)).lastPosition),
            );
            await sleep(RECOVERY_MS);
            break;
          case 'store-kill':
            record.detail = await killStore(stack, options.downMs);
            await sleep(RECOVERY_MS);
            break;
          case 'pg-restart':
            record.detail = await restartPostgres(stack, options.downMs);
            await sleep(RECOVERY_MS);
            break;
          case 'poison': {
            const written: Poison[] = [];
            const nulBudget = Math.max(1, Math.floor(load.cold.length / 4));
            const candidates = load.cold.filter((a) => !load.held.has(a));
            if (poisons.filter((p) => p.kind === 'nul-holder-name').length < nulBudget && candidates.length > 1) {
              const victim = candidates[Math.floor(random() * candidates.length)];
              load.held.add(victim); // its owner can no longer use it: clients stop choosing it as payer
              written.push(await appendPoison(client, 'nul-holder-name', victim));
            }
            const open = load.accounts.filter((a) => !load.held.has(a));
            written.push(await appendPoison(client, 'unknown-type', open[Math.floor(random() * open.length)]));
            poisons.push(...written);
            record.detail = written.map((p) => `${p.kind} on ${p.account}@${p.revision}`).join(', ');
            await sleep(WINDOW_MS);
            break;
          }
          case 'lost-response':
            load.lostResponses = true;
            await sleep(WINDOW_MS);
            load.lostResponses = false;
            record.detail = `for ${WINDOW_MS} ms, 40% of the commands were submitted again after their answer was thrown away`;
            break;
        }
      } catch (error) {
        record.error = errorText(error);
        log(`fault ${kind} failed: ${record.error}`);
      } finally {
        record.endedAt = Date.now();
        phases.enter('none');
      }
      log(`fault ${kind}: ${record.detail || record.error} (${record.endedAt - record.startedAt} ms)`);
      await ensureUp();
      await resolveUnknowns(deps, ledger, phases, Date.now() + RESOLVE_TIMEOUT_MS);
    };

    const ticker = setInterval(tick, 250);
    cleanups.push(async () => clearInterval(ticker));
    load.start();
    const order: FaultKind[] = [];
    let lastCheckpoint = 0;
    let checkpointCount = 0;
    // Every selected fault is injected at least once, even if a slow machine needs longer than
    // asked for: a short run that skipped one would prove nothing about it.
    const injectedKinds = new Set<FaultKind>();
    const loadGoesOn = () => loadElapsed() < options.durationMs || injectedKinds.size < kinds.length;
    while (!interrupted && loadGoesOn()) {
      const gapEnd = loadElapsed() + options.faultGapMs;
      while (!interrupted && loadElapsed() < gapEnd && loadGoesOn()) await sleep(100);
      if (interrupted || !loadGoesOn()) break;
      if (loadElapsed() - lastCheckpoint >= options.checkpointEveryMs) {
        await checkpoint(`#${++checkpointCount}`);
        lastCheckpoint = loadElapsed();
        continue;
      }
      if (kinds.length === 0) continue;
      if (order.length === 0) order.push(...shuffle(kinds, random));
      const kind = order.shift()!;
      await inject(kind);
      injectedKinds.add(kind);
    }
    if (interrupted) {
      await finishing;
      return { exitCode: 130 };
    }
    clearInterval(ticker);
    progress.clear();
    await load.stop();
    await ensureUp();
    await checkpoint('final');
    const final = checkpoints.at(-1)!;
    const unresolved = ledger.unresolved();
    const answers: InvariantResult = { name: 'unknown-resolved', checked: ledger.commands.size, breaks: [] };
    for (const command of unresolved.slice(0, 25)) {
      answers.breaks.push({
        invariant: 'unknown-resolved',
        account: command.account ?? undefined,
        message: `${command.kind} ${command.id} still has no known outcome after retries: ${command.answers.map((a) => `${a.code} (${a.why})`).join(', ')}`,
      });
    }
    final.invariants.push(answers);
    const exits: InvariantResult = { name: 'services-stay-up', checked: 1, breaks: [] };
    for (const exit of stack.unexpectedExits) {
      exits.breaks.push({
        invariant: 'services-stay-up',
        message: `${exit.service} exited by itself (${exit.signal ?? `code ${exit.code}`}) at ${new Date(exit.at).toISOString()}; log ${stack.logs[exit.service]}`,
      });
    }
    final.invariants.push(exits);
    const clear: InvariantResult = { name: 'answers-not-thrown', checked: 0, breaks: [] };
    for (const command of ledger.commands.values()) {
      for (const answer of command.answers) {
        clear.checked++;
        if ((answer.code as string) === 'thrown' && clear.breaks.length < 25) {
          clear.breaks.push({
            invariant: clear.name,
            account: command.account ?? undefined,
            message: `${command.kind} ${command.id} threw instead of answering: ${answer.message}`,
          });
        }
      }
    }
    final.invariants.push(clear);

    const breaks = [...checkpoints.flatMap((c) => c.invariants.flatMap((r) => r.breaks))];
    const report: SoakReport = {
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      options: (({ out: _out, ...rest }) => rest)(options),
      stack: {
        eventStore: stack.store ? 'embedded child process' : 'external',
        postgres: stack.postgres ? 'embedded child process' : 'external',
        projectionGroup: stack.projectionGroup,
      },
      skippedFaults: skipped,
      accounts: { all: load.accounts, hot: load.hot, held: [...load.held] },
      faults: faultLog,
      poisons,
      operations: ledger.tally(),
      phases: phases.snapshot(),
      checkpoints,
      unexpectedExits: stack.unexpectedExits,
      breaks,
    };
    if (breaks.length > 0) {
      // The services' logs are the evidence: keep them beside the JSON.
      const dir = options.out.replace(/\.json$/, '-logs');
      fs.mkdirSync(dir, { recursive: true });
      for (const file of Object.values(stack.logs)) if (fs.existsSync(file)) fs.copyFileSync(file, path.join(dir, path.basename(file)));
      report.logsKeptIn = dir;
    }
    writeJson(options.out, report);
    printSummary(report, final.invariants, options.out);
    return { exitCode: breaks.length > 0 ? 1 : 0, report };
  } finally {
    if (!interrupted) {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      await cleanup();
    }
  }
}

function shuffle<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** Waits (bounded) for the worker to have applied every account's stream up to the store, then checks everything. */
async function checkNow(
  stack: SoakStack,
  client: ReturnType<typeof createEventStoreClient>,
  db: ReturnType<typeof createDb>['db'],
  load: Load,
  ledger: Ledger,
  poisons: Poison[],
  settleTimeoutMs: number,
): Promise<InvariantResult[]> {
  const accounts = new Set(load.accounts);
  const view = await readStoreView(client, accounts);
  const replayed = replay(view.accountEvents);
  const settled: InvariantResult = { name: 'settled', checked: accounts.size, breaks: [] };
  const started = Date.now();
  let lagging: string[] = [];
  for (;;) {
    const now = await progressOf(db, load.accounts).catch(() => undefined);
    if (now) {
      lagging = [];
      for (const number of load.accounts) {
        const stream = `account-${number}`;
        const wantHold = replayed.holds.get(stream);
        const gotHold = now.holds.get(stream);
        // A stream the worker holds cannot move on; whether it should be held there is the 'holds' check's business.
        const want = gotHold ? gotHold.revision - 1n : (replayed.accounts.get(number)?.revision ?? -1n);
        const got = now.revisions.get(number) ?? -1n;
        if (got !== want) lagging.push(`${number}: read model at revision ${got}, expected ${want}`);
        if (wantHold && !gotHold) lagging.push(`${number}: not held yet, expected a hold at ${wantHold.revision}`);
      }
      if (lagging.length === 0) break;
    }
    if (Date.now() - started > settleTimeoutMs) {
      for (const line of lagging.slice(0, 25)) {
        settled.breaks.push({
          invariant: 'settled',
          account: line.slice(0, line.indexOf(':')),
          message: `not caught up within ${settleTimeoutMs} ms: ${line.slice(line.indexOf(':') + 2)}`,
        });
      }
      if (!now) settled.breaks.push({ invariant: 'settled', message: `the read model could not be read within ${settleTimeoutMs} ms` });
      break;
    }
    await sleep(100);
  }
  settled.notes = [`caught up in ${Date.now() - started} ms`];
  const model = await readModelOf(db, load.accounts);
  return [settled, ...checkAll({ view, replayed, model, ledger, poisons, accounts: load.accounts })];
}

function printSummary(report: SoakReport, finalInvariants: InvariantResult[], out: string): void {
  const print = (s = '') => process.stdout.write(`${s}\n`);
  print();
  print('Operations (last answer of each command)');
  print(operationsTable(report.operations));
  print();
  print('Faults');
  print(faultsTable(report.faults, report.skippedFaults));
  print();
  print('Payments by phase (answers the clients saw; conflict share of payment answers)');
  print(phasesTable(report.phases));
  print();
  print(`Invariants (final check; ${report.checkpoints.length - 1} earlier checkpoints)`);
  print(invariantsTable(finalInvariants));
  print();
  if (report.breaks.length === 0) print(`No breaks. Results in ${out}`);
  else {
    print(`${report.breaks.length} BREAKS (results in ${out}, service logs in ${report.logsKeptIn}):`);
    for (const b of report.breaks.slice(0, 40)) {
      print(
        `  ${b.invariant}${b.account ? ` account ${b.account}` : ''}: ${b.message}${b.event ? `\n      first differing event: ${b.event}` : ''}`,
      );
    }
  }
}
