// `npm run bench:loop`: the speed of the whole loop (issue 10): commands through the real
// handlers, the append-to-read lag, contention under each decision source, the worker's catch-up
// against this machine's raw PostgreSQL rate, its resume time and memory. Runs its own durable
// stack (embedded store, embedded PostgreSQL and the bundled worker as child processes, as the
// soak does), prints a table, writes bench/results/loop.json and a latency chart
// bench/results/loop-latency.svg. Targets are reported, never enforced.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import { BACKWARDS, END } from '@eventstore/db-client';
import { sql } from 'drizzle-orm';
import { commandLineOrExit, integerOption, parseCommandLine, UsageError } from '@/lib/cli/command-line';
import type { CommandDeps } from '@/lib/commands';
import { createDb } from '@/lib/db/client';
import { EVENTS_CHANNEL } from '@/lib/db/projection-channel';
import { createEventStoreClient } from '@/lib/eventstore/connection/client';
import { PayerStateCache } from '@/lib/eventstore/write-model/payer-state-cache';
import { whenParentExits } from '@/lib/when-parent-exits';
import { measureFsync } from './fsync-rate.js';
import { appendBacklog } from './loop/backlog';
import { closedLoop, hotPick, openAccounts, openLoop, pay, uniformPick, type Payment } from './loop/bank';
import { productionBuildProblem } from './loop/http';
import { httpPhase } from './loop/http-phase';
import { LagTracker } from './loop/lag';
import { rawBatchedRate } from './loop/raw-limit';
import { sampleRss, summarize, since } from './loop/stats';
import { latencyCdfSvg, type Series } from './loop/svg';
import { judge, renderTable, writeJson, type Figure, type Target } from './report.js';
import { ServiceProcess } from './soak/services';
import { startStack, type SoakStack } from './soak/stack';

const REPO = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const PHASES = ['commands', 'http', 'rate', 'contended', 'hot', 'catchup', 'resume'] as const;
type Phase = (typeof PHASES)[number];

const TARGETS = {
  commands50: { op: '>=', value: 1_000, unit: 'payments/s' },
  p99at100: { op: '<', value: 50, unit: 'ms' },
  lag100: { op: '<', value: 100, unit: 'ms' },
  lag500: { op: '<', value: 500, unit: 'ms' },
  contended: { op: '>=', value: 300, unit: 'payments/s' },
  conflicts: { op: '<', value: 2, unit: '%' },
  catchup: { op: '>=', value: 10_000, unit: 'events/s' },
  catchupShare: { op: '>=', value: 0.5, unit: '× raw' },
  workerRss: { op: '<', value: 200, unit: 'MB' },
  resume: { op: '<', value: 2_000, unit: 'ms' },
} satisfies Record<string, Target>;

const USAGE = `Usage: npm run bench:loop -- [--quick] [--phases <list>] [--seconds <n>] [--backlog <n>] [--out <file>]

  --quick     short phases and a small backlog (a smoke run of a minute or two)
  --phases    comma list of ${PHASES.join(',')} (default all);
              http posts the payment form to the production build (\`npm run build\` first; left out of
              a default run when there is none)
  --seconds   how long each load runs (default 20, quick 4)
  --backlog   events in the catch-up backlog (default 100000, quick 5000)
  --out       results JSON (default bench/results/loop.json; the chart goes beside it)
  --cpu-prof  CPU profiles into this directory, by service: the store, the worker, the catch-up worker and
              the http phase's Next server (.cpuprofile files; see bench/profile-summary.ts)
  --help      show this help`;

function options(argv: readonly string[]) {
  const parsed = parseCommandLine(argv, {
    quick: { type: 'boolean' },
    phases: { type: 'string' },
    seconds: { type: 'string' },
    backlog: { type: 'string' },
    out: { type: 'string' },
    'cpu-prof': { type: 'string' },
  });
  if (parsed === 'help') return 'help';
  const { values } = parsed;
  const quick = values.quick ?? false;
  const number = (flag: string, raw: string | undefined, fallback: number, min: number, max: number) =>
    integerOption(flag, raw, min, max) ?? fallback;
  const phases = new Set<Phase>(
    values.phases === undefined
      ? PHASES
      : values.phases.split(',').map((p) => {
          if (!(PHASES as readonly string[]).includes(p)) throw new UsageError(`unknown phase "${p}"; phases: ${PHASES.join(', ')}`);
          return p as Phase;
        }),
  );
  return {
    quick,
    phases,
    phasesChosen: values.phases !== undefined,
    seconds: number('seconds', values.seconds, quick ? 4 : 20, 1, 3600),
    backlog: number('backlog', values.backlog, quick ? 5_000 : 100_000, 100, 10_000_000),
    out: path.resolve(values.out ?? path.join(REPO, 'bench', 'results', 'loop.json')),
    cpuProf: values['cpu-prof'] === undefined ? undefined : path.resolve(values['cpu-prof']),
  };
}

const loadAvg = () => Number(os.loadavg()[0].toFixed(2));
const rate = (payments: readonly Payment[], seconds: number) => payments.filter((p) => p.outcome === 'ok').length / seconds;
const share = (payments: readonly Payment[], outcome: Payment['outcome']) =>
  payments.length ? (100 * payments.filter((p) => p.outcome === outcome).length) / payments.length : 0;
const latency = (payments: readonly Payment[]) => summarize(payments.map((p) => p.latencyMs));

async function main(): Promise<number> {
  const opts = commandLineOrExit('bench:loop', USAGE, () => options(process.argv.slice(2)));
  // Before minutes of set-up, not after the phases before it.
  const noBuild = opts.phases.has('http') ? productionBuildProblem() : undefined;
  if (noBuild && opts.phasesChosen) {
    console.error(`[loop] ${noBuild}`);
    return 2;
  }
  if (noBuild) {
    // A default run measures what it can: everything but HTTP.
    console.log('[loop] no production build (`npm run build`): the http phase is left out');
    opts.phases.delete('http');
  }
  const log = (message: string) => console.log(`[loop] ${message}`);
  const figures: Figure[] = [];
  const series: Series[] = [];
  const figure = (id: string, label: string, value: number | undefined, unit: string, detail: Figure['detail'], target?: Target) => {
    const f: Figure = { id, label, value, unit, detail, target, status: judge(value, target), loadAvg1: loadAvg() };
    figures.push(f);
    log(`${label}: ${value === undefined ? '-' : value.toFixed(1)} ${unit} ${JSON.stringify(detail)}`);
  };

  const fsyncDir = fs.mkdtempSync(path.join(os.tmpdir(), 'eventbank-loop-fsync-'));
  const fsync = measureFsync(fsyncDir, 1_000);
  fs.rmSync(fsyncDir, { recursive: true, force: true });
  log(`disk: ${Math.round(fsync.perSecond)} fsyncs/s; load average ${loadAvg()}`);

  let stack: SoakStack | undefined;
  const cleanups: Array<() => Promise<void>> = [];
  const stopAll = async (keepData = false) => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
    await stack?.stop();
    // The stack's store and PostgreSQL data run to gigabytes after a catch-up backlog: kept
    // (with the services' logs) only when the run failed.
    if (!stack) return;
    if (keepData) log(`the stack's data and logs are kept in ${stack.dir}`);
    else fs.rmSync(stack.dir, { recursive: true, force: true });
  };
  whenParentExits(() => void stopAll().then(() => process.exit(1)));
  process.on('SIGINT', () => void stopAll().then(() => process.exit(130)));
  let succeeded = false;

  try {
    stack = await startStack({ log, cpuProfileDir: opts.cpuProf });
    await stack.worker.start();
    const client = createEventStoreClient(stack.eventStoreConnectionString);
    const { db, close } = createDb(stack.databaseUrl, { max: 20 });
    cleanups.push(close, () => client.dispose());
    const tracker = await LagTracker.start(stack.databaseUrl);
    cleanups.push(() => tracker.stop());
    const deps = (decisionSource: 'read-model' | 'event-store'): CommandDeps => ({
      eventStore: client,
      db,
      decisionSource,
      payerCache: new PayerStateCache(),
    });
    const ms = opts.seconds * 1000;

    log('opening 1,000 accounts');
    const accounts = await openAccounts(deps('read-model'), 1_000, 100_000_000);
    /** One payment, returned once the read model shows it: everything before it is projected too. */
    const projectedPayment = async (when: string, timeoutMs: number) => {
      const paid = await pay(deps('event-store'), uniformPick(accounts));
      if (paid.revision === undefined) throw new Error(`a payment ${when} failed: ${paid.outcome}`);
      tracker.reset();
      tracker.expect(paid.payer, paid.revision, paid.ackedAt);
      await tracker.drain(timeoutMs);
    };

    if (opts.phases.has('commands')) {
      for (const clients of [1, 10, 50]) {
        const rss = sampleRss(stack.worker.pid);
        const { payments, seconds } = await closedLoop(clients, ms, () => pay(deps('read-model'), uniformPick(accounts)));
        const l = latency(payments);
        figure(
          `commands${clients}`,
          `Payments, ${clients} client${clients > 1 ? 's' : ''}, 1,000 accounts (handlers)`,
          rate(payments, seconds),
          'payments/s',
          { p50: l.p50, p95: l.p95, p99: l.p99, conflictPct: share(payments, 'conflict'), workerRssMb: rss.stop().peakMb },
          clients === 50 ? TARGETS.commands50 : undefined,
        );
        series.push({ label: `${clients} clients`, samples: payments.map((p) => p.latencyMs) });
      }
    }

    if (opts.phases.has('http')) {
      await httpPhase({ stack, db, accounts, ms, cpuProf: opts.cpuProf, figure, series, cleanups, log });
    }

    if (opts.phases.has('rate')) {
      for (const perSecond of [100, 500]) {
        tracker.reset();
        const { payments } = await openLoop(perSecond, ms, async () => {
          const payment = await pay(deps('read-model'), uniformPick(accounts));
          if (payment.outcome === 'ok' && payment.revision !== undefined) tracker.expect(payment.payer, payment.revision, payment.ackedAt);
          return payment;
        });
        await tracker.drain(10_000);
        const l = latency(payments);
        const lag = summarize(tracker.lags);
        figure(
          `latency${perSecond}`,
          `Payment latency at ${perSecond}/s (handlers), p99`,
          l.p99,
          'ms',
          { p50: l.p50, p95: l.p95, max: l.max, okPct: 100 - share(payments, 'conflict') - share(payments, 'other') },
          perSecond === 100 ? TARGETS.p99at100 : undefined,
        );
        figure(
          `lag${perSecond}`,
          `Append-to-read lag at ${perSecond}/s, p99`,
          lag.p99,
          'ms',
          { p50: lag.p50, p95: lag.p95, max: lag.max, samples: lag.count, unseen: tracker.pending },
          perSecond === 100 ? TARGETS.lag100 : TARGETS.lag500,
        );
        series.push({ label: `latency @${perSecond}/s`, samples: payments.map((p) => p.latencyMs) });
        series.push({ label: `lag @${perSecond}/s`, samples: [...tracker.lags] });
      }
    }

    if (opts.phases.has('contended')) {
      log('opening 20 accounts for the contended load');
      const twenty = await openAccounts(deps('read-model'), 20, 100_000_000);
      for (const source of ['read-model', 'event-store'] as const) {
        const d = deps(source);
        const { payments, seconds } = await closedLoop(50, ms, () => pay(d, hotPick(twenty, 3)));
        const l = latency(payments);
        figure(
          `contended-${source}`,
          `Contended: 50 clients, 20 accounts, 3 hot (${source})`,
          rate(payments, seconds),
          'payments/s',
          { p50: l.p50, p99: l.p99, answered: payments.length },
          TARGETS.contended,
        );
        figure(
          `conflicts-${source}`,
          `Contended: conflict refusals (${source})`,
          share(payments, 'conflict'),
          '%',
          { insufficientPct: share(payments, 'insufficient_funds') },
          TARGETS.conflicts,
        );
      }
    }

    if (opts.phases.has('hot')) {
      tracker.reset();
      const [payer] = accounts;
      const d = deps('read-model');
      const { payments, seconds } = await closedLoop(1, ms, async () => {
        const payment = await pay(d, () => ({ payer: payer!, payee: accounts[1 + Math.floor(Math.random() * 999)]! }));
        if (payment.outcome === 'ok' && payment.revision !== undefined) tracker.expect(payment.payer, payment.revision, payment.ackedAt);
        return payment;
      });
      await tracker.drain(10_000);
      const lag = summarize(tracker.lags);
      figure('hot-payer', 'One hot payer paying sequentially (read-model)', rate(payments, seconds), 'payments/s', {
        p50: latency(payments).p50,
        lagP50: lag.p50,
        lagP99: lag.p99,
        limitAtLag: lag.p50 > 0 ? 1000 / (lag.p50 + latency(payments).p50) : NaN,
      });
    }

    if (opts.phases.has('catchup')) {
      log(`appending a backlog of ${opts.backlog.toLocaleString('en')} events with the worker stopped`);
      await stack.worker.stop();
      const appended = await appendBacklog(client, opts.backlog);
      const lastPosition = await lastAccountEventPosition(client);

      // 1. The worker was down: it comes back to a read model with data and catches up through
      // its consumer group, batch by batch, every index kept up to date row by row.
      const started = process.hrtime.bigint();
      await stack.worker.start();
      const rss = sampleRss(stack.worker.pid);
      await waitForIndex(db, stack.databaseUrl, lastPosition, 30 * 60_000);
      const groupSeconds = since(started) / 1000;
      const groupMemory = rss.stop();
      await stack.worker.stop();

      // 2. An empty read model (a new PostgreSQL beside this store): a new worker fills it from
      // the store with a rebuild (indexes built once at the end), then starts its group there.
      // This machine's speed moves within minutes, so each fill is paired with the bare script's
      // rate measured right after it, and the figures are the medians of the fills.
      const fill = async (n: number) => {
        await db.execute(
          sql.raw(
            'truncate readmodel.accounts, readmodel.account_history, readmodel.event_index, readmodel.projection_checkpoint, readmodel.projection_holds',
          ),
        );
        const group = `loop-catchup-${randomUUID().slice(0, 8)}`;
        const logFile = path.join(stack!.dir, `catchup-worker-${n}.log`);
        const worker = new ServiceProcess(
          'worker',
          path.relative(REPO, path.join(REPO, 'dist', 'worker', 'index.mjs')),
          () => [],
          () => ({
            EVENTSTORE_CONNECTION_STRING: stack!.eventStoreConnectionString,
            DATABASE_URL: stack!.databaseUrl,
            PROJECTION_GROUP: group,
          }),
          logFile,
          undefined,
          () => {},
          false,
          opts.cpuProf && n === 1 ? ['--cpu-prof', `--cpu-prof-dir=${opts.cpuProf}`] : [],
        );
        cleanups.push(() => worker.stop());
        const started = process.hrtime.bigint();
        await worker.start();
        const rss = sampleRss(worker.pid);
        await waitForIndex(db, stack!.databaseUrl, lastPosition, 30 * 60_000);
        const seconds = since(started) / 1000;
        const memory = rss.stop();
        await worker.stop();
        const [{ events }] = await db.execute<{ events: string }>(sql`select count(*)::text as events from readmodel.event_index`);
        // What the fill read (every record of $all, command records too) and how much of it went the careful way.
        const filled = /read model filled: (\d+) events in [\d.]+ s \((\d+) pages the careful way\)/.exec(fs.readFileSync(logFile, 'utf8'));
        log(
          `fill ${n}: ${Math.round(Number(events) / seconds)} events/s; measuring the raw batched PostgreSQL rate, indexes built at the end`,
        );
        // The bulk script in batches of 2,500, its best.
        const raw = await rawBatchedRate(db, 2_500, { indexesAtEnd: true });
        return {
          events: Number(events),
          seconds,
          rate: Number(events) / seconds,
          raw: raw.eventsPerSecond,
          peakMb: memory.peakMb,
          recordsRead: filled ? Number(filled[1]) : NaN,
          carefulPages: filled ? Number(filled[2]) : NaN,
        };
      };
      const fills = [];
      for (let n = 1; n <= (opts.quick ? 1 : 3); n++) fills.push(await fill(n));
      log('measuring the raw batched PostgreSQL rate for the same rows, indexes kept up to date');
      // Batches as large as the worker's (500 events).
      const raw = await rawBatchedRate(db, 500);
      const groupRate = appended / groupSeconds;
      const median = (values: number[]) => summarize(values).p50;
      const list = (values: number[], digits = 0) =>
        values.map((v) => v.toLocaleString('en', { minimumFractionDigits: digits, maximumFractionDigits: digits })).join(' / ');
      figure(
        'catchup-group',
        `Worker restarted after a stop, ${appended.toLocaleString('en')} events behind: catch-up through its group`,
        groupRate,
        'events/s',
        { seconds: groupSeconds, rawEventsPerSecond: raw.eventsPerSecond, shareOfRaw: groupRate / raw.eventsPerSecond },
      );
      figure(
        'catchup',
        `Empty read model, ${fills[0]!.events.toLocaleString('en')} events in the store: the worker fills it (median of ${fills.length})`,
        median(fills.map((f) => f.rate)),
        'events/s',
        {
          fills: list(fills.map((f) => f.rate)),
          seconds: list(
            fills.map((f) => f.seconds),
            1,
          ),
          recordsRead: fills[0]!.recordsRead,
          carefulPages: Math.max(...fills.map((f) => f.carefulPages)),
        },
        TARGETS.catchup,
      );
      figure(
        'catchup-share',
        'Empty read model filled, as a share of raw batched PostgreSQL right after it (indexes built at the end; median)',
        median(fills.map((f) => f.rate / f.raw)),
        '× raw',
        {
          shares: list(
            fills.map((f) => f.rate / f.raw),
            2,
          ),
          rawEventsPerSecond: list(fills.map((f) => f.raw)),
        },
        TARGETS.catchupShare,
      );
      figure(
        'worker-rss',
        'Worker resident memory during either catch-up, peak',
        Math.max(groupMemory.peakMb, ...fills.map((f) => f.peakMb)),
        'MB',
        {
          group: groupMemory.peakMb,
          fill: Math.max(...fills.map((f) => f.peakMb)),
          first: groupMemory.firstMb,
        },
        TARGETS.workerRss,
      );
      // The stack's worker is caught up (step 1) and the fill left the same read model: nothing
      // to deliver again. One payment proves the stack projects before the next phase.
      await stack.worker.start();
      await projectedPayment('after the catch-up', 5 * 60_000);
    }

    if (opts.phases.has('resume')) {
      const times: number[] = [];
      for (let i = 0; i < (opts.quick ? 2 : 5); i++) {
        await stack.worker.kill9();
        const started = process.hrtime.bigint();
        await stack.worker.start();
        await projectedPayment('to time the resume', 30_000);
        times.push(since(started));
      }
      const t = summarize(times);
      figure(
        'resume',
        'Worker killed and restarted: start to its first projected event, max',
        t.max,
        'ms',
        { p50: t.p50, runs: t.count },
        TARGETS.resume,
      );
    }

    const svgFile = opts.out.replace(/\.json$/, '') + '-latency.svg';
    fs.mkdirSync(path.dirname(svgFile), { recursive: true });
    fs.writeFileSync(svgFile, latencyCdfSvg('Eventbank: payment latency and append-to-read lag', series));
    writeJson(opts.out, {
      measuredAt: new Date().toISOString(),
      machine: { cpus: os.cpus().length, fsyncsPerSecond: fsync.perSecond, node: process.version },
      options: { ...opts, phases: [...opts.phases] },
      figures,
    });
    console.log(
      `\n${renderTable(figures)}\n\nWritten ${path.relative(process.cwd(), opts.out)} and ${path.relative(process.cwd(), svgFile)}.`,
    );
    succeeded = true;
    return 0;
  } finally {
    await stopAll(!succeeded);
  }
}

async function lastAccountEventPosition(client: ReturnType<typeof createEventStoreClient>): Promise<bigint> {
  let last = 0n;
  for await (const resolved of client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 200 })) {
    const event = resolved.event;
    if (event?.position && event.streamId.startsWith('account-') && event.position.commit > last) last = event.position.commit;
  }
  return last;
}

/** Resolves once the worker has indexed the event at `position`, woken by its doorbell. */
async function waitForIndex(db: ReturnType<typeof createDb>['db'], _url: string, position: bigint, timeoutMs: number): Promise<void> {
  let wake = () => {};
  const listener = await db.$client.listen(EVENTS_CHANNEL, () => wake());
  try {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const [row] = await db.execute<{ found: boolean }>(
        sql`select exists (select 1 from readmodel.event_index where position = ${String(position)}::bigint) as found`,
      );
      if (row?.found) return;
      if (Date.now() > deadline) throw new Error('the worker did not catch up in time');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 1_000);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  } finally {
    await listener.unlisten();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error('[loop] failed:', error);
    process.exit(1);
  },
);
