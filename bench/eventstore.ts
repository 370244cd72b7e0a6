// `npm run bench`: throughput and memory of the embedded event store (issue 2, "Benchmark"),
// measured through the official client against a durable server running in a child process.
// Prints a table and writes bench/results/eventstore.json. Every phase is bounded by a count and
// a deadline; a failing phase is recorded and the run goes on.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { EventStoreDBClient } from '@eventstore/db-client';
import { loadEvents, runAppends, type AppendOutcome } from './appends.js';
import { commandLineOrExit } from '@/lib/cli/command-line';
import { parseArgs, USAGE, type BenchOptions } from './args.js';
import { measureFsync, type FsyncResult } from './fsync-rate.js';
import { catchUpSubscription, persistentSubscription, readAllForwards, readAllForwardsRawGrpc, PERSISTENT_BUFFER_SIZE } from './reads.js';
import { judge, renderTable, writeJson, type Figure, type Target } from './report.js';
import { ServerProcess, type ServerMemory } from './server-process.js';
import { whenParentExits } from '@/lib/when-parent-exits';
import { combine, cpuPerEvent, inRounds, timed, type Timed } from './workload.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const TARGETS = {
  appends50: { op: '>=', value: 5_000, unit: 'events/s' },
  readAll: { op: '>=', value: 50_000, unit: 'events/s' },
  // Issue 10: the official client is bound by its own decoding (16-22 µs an event on one core), so
  // its rate is judged against that ceiling measured in the same round; the server by the raw reader.
  readAllCeilingShare: { op: '>=', value: 0.9, unit: '× ceiling' },
  readAllRaw: { op: '>=', value: 150_000, unit: 'events/s' },
  persistent: { op: '>=', value: 5_000, unit: 'events/s' },
  rss: { op: '<', value: 300, unit: 'MB' },
  startup: { op: '<=', value: 1_000, unit: 'ms' },
} satisfies Record<string, Target>;

/** Phase sizes: full run (a few minutes on 2 cores) and --quick (smoke run). */
function limits(quick: boolean) {
  return quick
    ? {
        fsyncMs: 500,
        appendRounds: 1,
        appendMs: 1_000,
        maxAppends: 20_000,
        loadMs: 60_000,
        readMs: 15_000,
        readRounds: 1,
        persistentEvents: 10_000,
        persistentMs: 15_000,
      }
    : {
        fsyncMs: 2_000,
        appendRounds: 3,
        appendMs: 3_000,
        maxAppends: 500_000,
        loadMs: 240_000,
        readMs: 45_000,
        readRounds: 3,
        persistentEvents: 200_000,
        persistentMs: 60_000,
      };
}

const APPEND_LOADS = [
  { writers: 1, batchSize: 1 },
  { writers: 50, batchSize: 1 },
  { writers: 1, batchSize: 100 },
  { writers: 50, batchSize: 100 },
] as const;

const LOAD = { batchSize: 1_000, concurrency: 4 };

type PhaseResult = Omit<Figure, 'id' | 'label' | 'unit' | 'target'>;

/** Which code was measured: HEAD, and whether embedded/ had uncommitted changes. */
function measuredCode(): { commit: string; embeddedDirty: boolean } | undefined {
  try {
    const git = (...args: string[]) =>
      execFileSync('git', args, { cwd: REPO, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return { commit: git('rev-parse', '--short', 'HEAD'), embeddedDirty: git('status', '--porcelain', '--', 'embedded').length > 0 };
  } catch {
    return undefined; // not a git checkout: the figures stand on their own
  }
}

async function run(options: BenchOptions): Promise<void> {
  const lim = limits(options.quick);
  const phases = options.phases;
  const figures: Figure[] = [];
  const memory: Record<string, ServerMemory> = {};
  // Same disk as the repo (the issue wants the disk the data really lives on), removed afterwards.
  const dataRoot = path.join(REPO, '.data');
  fs.mkdirSync(dataRoot, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(dataRoot, 'bench-'));
  const sameDisk = fs.statSync(tmp).dev === fs.statSync(REPO).dev;
  let server: ServerProcess | undefined;
  let client: EventStoreDBClient | undefined;

  let cleaned = false;
  let aborted = false;
  const cleanup = async () => {
    if (cleaned) return;
    cleaned = true;
    await client?.dispose().catch(() => undefined);
    await server?.stop().catch(() => undefined);
    fs.rmSync(tmp, { recursive: true, force: true });
  };
  const abort = (why: string) => {
    if (aborted) return;
    aborted = true;
    console.error(`\nbench: ${why}, cleaning up`);
    void cleanup().finally(() => process.exit(130));
  };
  const onSignal = (signal: NodeJS.Signals) => abort(signal);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  whenParentExits(() => abort('npm is gone'));

  /** Runs one phase; a throw becomes an error row instead of ending the run. */
  const phase = async (label: string, id: string, unit: string, target: Target | undefined, body: () => Promise<PhaseResult>) => {
    if (aborted) return;
    process.stderr.write(`bench: ${label} ...\n`);
    const profileFile = options.cpuProfDir && server ? path.resolve(REPO, options.cpuProfDir, `${id}.cpuprofile`) : undefined;
    try {
      if (profileFile) {
        fs.mkdirSync(path.dirname(profileFile), { recursive: true });
        await server!.profileStart();
      }
      const f = await body();
      if (profileFile) await server!.profileStop(profileFile);
      figures.push({ id, label, unit, target, ...f, status: f.status ?? judge(f.value, target), loadAvg1: os.loadavg()[0] });
    } catch (err) {
      if (profileFile) await server!.profileStop(profileFile).catch(() => undefined);
      const message = err instanceof Error ? err.message : String(err);
      figures.push({ id, label, unit, target, detail: {}, status: target ? 'n/a' : undefined, error: message, loadAvg1: os.loadavg()[0] });
    }
  };

  const loadAvgAtStart = os.loadavg()[0];
  let fsync: FsyncResult | undefined;
  let written = 0;
  try {
    if (phases.has('fsync')) {
      await phase(`Disk write(512 B)+fsync`, 'fsync', 'syncs/s', undefined, async () => {
        fsync = measureFsync(tmp, lim.fsyncMs);
        return { value: fsync.perSecond, detail: { p50Ms: fsync.p50Ms, p99Ms: fsync.p99Ms, syncs: fsync.syncs } };
      });
    }

    server = await ServerProcess.start(path.join(tmp, 'eventstore'));
    client = EventStoreDBClient.connectionString(server.connectionString);
    const c = client;
    const s = server;
    // What the idle server costs, so the RSS figure can be read as baseline + growth per event.
    memory.idle = await s.memory();
    // Warm-up (not reported): connection, JIT of both sides, first file growth.
    await runAppends(c, { writers: 8, batchSize: 10, durationMs: 500, maxAppends: 300 });

    if (phases.has('appends')) {
      for (const load of APPEND_LOADS) {
        const what = load.batchSize === 1 ? '1 event' : `batches of ${load.batchSize}`;
        const label = `Durable appends, ${load.writers} writer${load.writers > 1 ? 's' : ''}, ${what}`;
        const isTargeted = load.writers === 50 && load.batchSize === 1;
        await phase(
          label,
          `appends-w${load.writers}-b${load.batchSize}`,
          'events/s',
          isTargeted ? TARGETS.appends50 : undefined,
          async () => {
            const rate = (t: Timed<AppendOutcome>) => t.result.events / t.seconds;
            const {
              median,
              slowest,
              fastest,
              all: rounds,
            } = await inRounds(
              lim.appendRounds,
              () => timed(s, () => runAppends(c, { ...load, durationMs: lim.appendMs, maxAppends: lim.maxAppends })),
              rate,
            );
            const events = rounds.reduce((n, t) => n + t.result.events, 0);
            written += events;
            const appendsPerSec = median.result.appends / median.seconds;
            const all = combine(rounds);
            return {
              value: rate(median),
              detail: {
                'appends/s': appendsPerSec,
                ...(rounds.length > 1 ? { rounds: rounds.length, minEventsPerSec: rate(slowest), maxEventsPerSec: rate(fastest) } : {}),
                ...(fsync ? { 'x fsync rate': appendsPerSec / fsync.perSecond } : {}),
                p50Ms: median.result.p50Ms,
                p99Ms: median.result.p99Ms,
                serverCpu: all.serverCpu,
                clientCpu: all.clientCpu,
                ...cpuPerEvent(all, events),
              },
            };
          },
        );
      }
    }

    if (phases.has('load')) {
      const toAdd = Math.max(0, options.events - written);
      await phase(
        `Load to ${options.events.toLocaleString('en-US')} events (batches of ${LOAD.batchSize}, ${LOAD.concurrency} in flight)`,
        'load',
        'events/s',
        undefined,
        async (): Promise<PhaseResult> => {
          if (toAdd === 0) return { detail: { added: 0, stored: written, note: 'the append phases already stored enough' } };
          const t = await timed(s, () => loadEvents(c, toAdd, { ...LOAD, durationMs: lim.loadMs }));
          written += t.result;
          return {
            value: t.result / t.seconds,
            detail: { added: t.result, stored: written, serverCpu: t.serverCpu, clientCpu: t.clientCpu, ...cpuPerEvent(t, t.result) },
          };
        },
      );
      await phase(`Server RSS with ${written.toLocaleString('en-US')} events (after gc)`, 'rss', 'MB', TARGETS.rss, async () => {
        const m = await s.memory();
        memory.afterLoad = m;
        return {
          value: m.rssMb,
          // The target is about 1,000,000 events: fewer stored says nothing about it.
          status: written >= 1_000_000 ? judge(m.rssMb, TARGETS.rss) : 'n/a',
          detail: {
            events: written,
            idleRssMb: memory.idle.rssMb,
            heapUsedMb: m.heapUsedMb,
            heapTotalMb: m.heapTotalMb,
            externalMb: m.externalMb,
            peakRssMb: m.peakRssMb,
            gcForced: String(m.gcForced),
          },
        };
      });
    }

    // Reads cover everything stored (system records included), capped by time.
    const everything = written + 1_000;
    if (phases.has('read')) {
      await phase(`$all read forwards from start`, 'read-all', 'events/s', TARGETS.readAll, async () => {
        const rate = (t: Timed<number>) => t.result / t.seconds;
        const {
          median: t,
          slowest,
          fastest,
          all,
        } = await inRounds(
          lim.readRounds,
          () => timed(s, () => readAllForwards(c, { maxEvents: everything, durationMs: lim.readMs })),
          rate,
        );
        return {
          value: rate(t),
          detail: {
            events: t.result,
            seconds: t.seconds,
            ...(all.length > 1 ? { rounds: all.length, minEventsPerSec: rate(slowest), maxEventsPerSec: rate(fastest) } : {}),
            serverCpu: t.serverCpu,
            clientCpu: t.clientCpu,
            ...cpuPerEvent(t, t.result),
          },
        };
      });
    }
    const official = figures.find((f) => f.id === 'read-all');
    const ceiling = official?.detail.cpuCeiling;
    if (official?.value !== undefined && typeof ceiling === 'number' && ceiling > 0) {
      const value = official.value / ceiling;
      figures.push({
        id: 'read-all-ceiling-share',
        label: `$all read, official client, as a share of its CPU ceiling (${Math.round(ceiling).toLocaleString('en-US')} events/s)`,
        unit: '× ceiling',
        target: TARGETS.readAllCeilingShare,
        value,
        detail: { cpuCeiling: ceiling, clientUsPerEvent: official.detail.clientUsPerEvent ?? 'n/a' },
        status: judge(value, TARGETS.readAllCeilingShare),
        loadAvg1: os.loadavg()[0],
      });
    }
    if (phases.has('read')) {
      // The same read without the official client's decoding: what the server itself can serve.
      await phase(`$all read forwards from start, raw gRPC reader`, 'read-all-raw', 'events/s', TARGETS.readAllRaw, async () => {
        const t = await timed(s, () => readAllForwardsRawGrpc(s.connectionString, { maxEvents: everything, durationMs: lim.readMs }));
        return {
          value: t.result / t.seconds,
          detail: { events: t.result, seconds: t.seconds, serverCpu: t.serverCpu, clientCpu: t.clientCpu, ...cpuPerEvent(t, t.result) },
        };
      });
    }
    if (phases.has('catchup')) {
      const want = Math.max(1, written);
      await phase(`Catch-up subscription to $all from start`, 'catch-up', 'events/s', undefined, async () => {
        const t = await timed(s, () => catchUpSubscription(c, { maxEvents: want, durationMs: lim.readMs }));
        return {
          value: t.result / t.seconds,
          detail: { events: t.result, seconds: t.seconds, serverCpu: t.serverCpu, clientCpu: t.clientCpu, ...cpuPerEvent(t, t.result) },
        };
      });
    }
    if (phases.has('persistent')) {
      const want = Math.max(1, Math.min(written, lim.persistentEvents));
      await phase(
        `Persistent subscription to $all, ack each (buffer ${PERSISTENT_BUFFER_SIZE})`,
        'persistent',
        'events/s',
        TARGETS.persistent,
        async () => {
          const t = await timed(s, () => persistentSubscription(c, { maxEvents: want, durationMs: lim.persistentMs }));
          if (t.result === 0) throw new Error('no event delivered');
          return {
            value: t.result / t.seconds,
            detail: { events: t.result, seconds: t.seconds, serverCpu: t.serverCpu, clientCpu: t.clientCpu, ...cpuPerEvent(t, t.result) },
          };
        },
      );
    }
    const atEnd = await s.memory().catch(() => undefined);
    if (atEnd) memory.atEnd = atEnd;

    if (phases.has('startup')) {
      // Last: it restarts the server. A clean stop saves the index snapshot; each start verifies it
      // and reads only the log after it. One start without it, for comparison, rebuilds from the log.
      await phase(
        `Start-up to ready with ${written.toLocaleString('en-US')} events (median of 3)`,
        'startup',
        'ms',
        TARGETS.startup,
        async () => {
          await client?.dispose();
          client = undefined;
          const starts: { ms: number; processMs: number; index: string; scannedBytes: number }[] = [];
          const restart = async () => {
            await server!.stop();
            const t0 = performance.now();
            server = await ServerProcess.start(path.join(tmp, 'eventstore'));
            starts.push({ ...server.start, processMs: performance.now() - t0 });
          };
          for (let i = 0; i < 3; i++) await restart();
          const snapshot = path.join(tmp, 'eventstore', 'index.snapshot');
          await server!.stop();
          fs.rmSync(snapshot, { force: true });
          server = await ServerProcess.start(path.join(tmp, 'eventstore'));
          const fromLog = { ...server.start };
          const sorted = [...starts].sort((a, b) => a.ms - b.ms);
          const median = sorted[1];
          return {
            value: median.ms,
            status: written >= 1_000_000 && starts.every((x) => x.index === 'snapshot') ? judge(median.ms, TARGETS.startup) : 'n/a',
            detail: {
              events: written,
              index: median.index,
              logBytesRead: median.scannedBytes,
              startsMs: starts.map((x) => Math.round(x.ms)).join(' / '),
              processToReadyMs: Math.round(median.processMs),
              withoutSnapshotMs: Math.round(fromLog.ms),
              withoutSnapshotIndex: fromLog.index,
            },
          };
        },
      );
    }
  } finally {
    await cleanup();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }

  const result = {
    finishedAt: new Date().toISOString(),
    code: measuredCode(),
    loadAvg1: { start: loadAvgAtStart, end: os.loadavg()[0] },
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model,
      memoryGb: os.totalmem() / 2 ** 30,
      node: process.version,
      platform: `${os.platform()} ${os.release()}`,
    },
    options: { quick: options.quick, events: options.events, phases: [...options.phases], cpuProf: options.cpuProfDir ?? null },
    setup: {
      server: 'embedded/ in a child process (node --import tsx --expose-gc), durable dataDir under .data/',
      dataDirSameDiskAsRepo: sameDisk,
      client: '@eventstore/db-client, one client, connection string from the child',
      event: '~150 B JSON MoneyDeposited, no metadata',
      appends: 'each writer its own stream, exact expected revision',
      load: `batches of ${LOAD.batchSize}, each to a new stream, ${LOAD.concurrency} in flight`,
      persistent: `group on $all from start, excludeSystemEvents, bufferSize ${PERSISTENT_BUFFER_SIZE}, ack each before the next (as worker/)`,
    },
    limits: lim,
    fsync,
    memory,
    figures,
  };
  const out = path.resolve(REPO, options.out);
  writeJson(out, result);
  const code = result.code ? `, code ${result.code.commit}${result.code.embeddedDirty ? ' + uncommitted embedded/ changes' : ''}` : '';
  console.log(`\nEvent store benchmark (${options.quick ? 'quick' : 'full'} run, ${os.cpus().length} cores, ${process.version}${code})\n`);
  console.log(renderTable(figures));
  const loads = figures.map((f) => f.loadAvg1 ?? 0);
  console.log(
    `\nMachine load average (1 min) during the run: ${loadAvgAtStart.toFixed(1)} at start, ${Math.min(...loads).toFixed(1)}-${Math.max(...loads).toFixed(1)} across phases` +
      ` on ${os.cpus().length} cores (the bench itself adds about 2)` +
      `${loadAvgAtStart > os.cpus().length || Math.max(...loads) > os.cpus().length + 1.5 ? ' - other work competed for the CPU; the µs/event figures are steadier than the rates' : ''}.`,
  );
  console.log(`\nResults written to ${path.relative(process.cwd(), out) || out}`);
  if (options.cpuProfDir)
    console.log(`Server CPU profiles (one per phase) in ${options.cpuProfDir}; summarise with npx tsx bench/profile-summary.ts <file>`);
}

async function main(): Promise<void> {
  await run(commandLineOrExit('bench', USAGE, () => parseArgs(process.argv.slice(2))));
}

main().catch((err) => {
  console.error(`bench: ${err instanceof Error ? err.stack : String(err)}`);
  process.exit(1);
});
