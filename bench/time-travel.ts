// `npm run bench:time-travel`: server time of the time-travel views at scale (issue 9: at 10,000
// accounts and 1,000,000 events, an account at its oldest and at its newest revision answers
// with p95 ≤ 150 ms).
//
// Two measurements, each printed as p50 / p95 / max and written to bench/results/time-travel.json:
//  - pages (--url): GET one page at a time against a running production server (`npm start`, or
//    `next start` pointed at a seeded store and database) and time it to the last byte of the
//    HTML: the server's time plus a loopback round trip, nothing queued;
//  - replay (EVENTSTORE_CONNECTION_STRING set): lib/time-travel/load.ts called in this process,
//    the replay alone without Next's rendering.
// Accounts are sampled from the read model (DATABASE_URL, or --data-dir of an embedded stack):
// random ones, plus the ones that received the most payments and those with the longest own
// streams, reported apart, since those are the tail. Targets are reported, never enforced.
//
// Each target below is a path list over the sampled accounts, so `npm run bench:pages` can fold
// them in as a phase (timeTravelTargets).

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { commandLineOrExit, parseCommandLine, validateOptions } from '@/lib/cli/command-line';
import { createDb, type Db } from '@/lib/db/client';
import { createEventStoreClient } from '@/lib/eventstore/connection/client';
import { loadTimeTravel, type TimeTravelDeps } from '@/lib/time-travel/load';
import type { PointSelector } from '@/lib/time-travel/points';
import { timePages, timing, type PageTiming, type Timing } from './page-timing';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const TARGET_P95_MS = 150;

const USAGE = `Usage: npm run bench:time-travel -- [--url <base url>] [--data-dir <dir>] [--accounts <n>] [--samples <n>] [--warmup <n>] [--out <file>]

  --url <url>       measure the pages of a running production server, e.g. http://127.0.0.1:3000
  --data-dir <dir>  an embedded stack's data directory: DATABASE_URL is read from its PostgreSQL
                    (otherwise DATABASE_URL must be set); EVENTSTORE_CONNECTION_STRING, when set,
                    adds the in-process replay measurement
  --accounts <n>    random accounts sampled (default 40), plus the 5 busiest payees and 5 longest streams
  --samples <n>     timed requests per target (default 80)
  --warmup <n>      untimed requests per target first (default 5)
  --out <file>      results JSON (default bench/results/time-travel.json)`;

const whole = (name: string, min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, { message: `--${name} must be a whole number` })
    .transform(Number)
    .refine((n) => n >= min && n <= max, { message: `--${name} must be from ${min} to ${max}` });

const optionsSchema = z.object({
  url: z.url({ message: '--url must be a URL such as http://127.0.0.1:3000' }).optional(),
  'data-dir': z.string().min(1).optional(),
  accounts: whole('accounts', 1, 1000).default(40),
  samples: whole('samples', 5, 10_000).default(80),
  warmup: whole('warmup', 0, 1000).default(5),
  out: z.string().min(1).default('bench/results/time-travel.json'),
});

/** One sampled account and what its time-travel addresses need. */
export type SampledAccount = {
  number: string;
  group: 'random' | 'busiest payee' | 'longest stream';
  lastRevision: bigint;
  received: number;
  /** A payment it received (the middle one), if any. */
  receivedPosition: bigint | null;
  /** The middle of its life, for asOf. */
  middle: Date;
  /** Points in its history (own events + payments received), for the slider's middle. */
  points: number;
};

export type Target = { id: string; label: string; group: SampledAccount['group'] | 'all'; paths: string[] };
type PageResult = Target & PageTiming;
type ReplayResult = { id: string; label: string; group: string } & Timing & { pass: boolean };

async function main() {
  const options = commandLineOrExit('bench:time-travel', USAGE, () => {
    const parsed = parseCommandLine(process.argv.slice(2), {
      url: { type: 'string' },
      'data-dir': { type: 'string' },
      accounts: { type: 'string' },
      samples: { type: 'string' },
      warmup: { type: 'string' },
      out: { type: 'string' },
    });
    return parsed === 'help' ? 'help' : validateOptions(optionsSchema, parsed.values);
  });
  const databaseUrl = options['data-dir'] ? embeddedDatabaseUrl(path.resolve(options['data-dir'])) : process.env.DATABASE_URL;
  if (!databaseUrl) {
    console.error(`Set DATABASE_URL or give --data-dir.\n\n${USAGE}`);
    process.exit(2);
  }
  const storeUrl = process.env.EVENTSTORE_CONNECTION_STRING || undefined;
  if (!options.url && !storeUrl) {
    console.error(`Nothing to measure: give --url, or set EVENTSTORE_CONNECTION_STRING for the replay alone.\n\n${USAGE}`);
    process.exit(2);
  }

  const { db, close } = createDb(databaseUrl, { max: 4 });
  const client = storeUrl ? createEventStoreClient(storeUrl) : undefined;
  try {
    const sizes = await measureSizes(db);
    console.log(
      `[bench] ${sizes.accounts.toLocaleString('en')} accounts, ${sizes.indexedEvents.toLocaleString('en')} indexed events (checkpoint ${sizes.checkpoint}); sampling…`,
    );
    const sample = await sampleAccounts(db, options.accounts);
    for (const group of ['random', 'busiest payee', 'longest stream'] as const) {
      const of = sample.filter((a) => a.group === group);
      const revisions = of.map((a) => Number(a.lastRevision) + 1);
      const received = of.map((a) => a.received);
      console.log(
        `[bench] ${group}: ${of.length} accounts, own events ${Math.min(...revisions)}–${Math.max(...revisions)}, payments received ${Math.min(...received)}–${Math.max(...received)}`,
      );
    }

    const pages: PageResult[] = [];
    if (options.url) {
      const base = options.url.replace(/\/$/, '');
      // The machine's floor: a page that reads nothing, rendered by the same server.
      const baseline: Target = { id: 'baseline', label: 'Baseline: /accounts/new (reads no data)', group: 'all', paths: ['/accounts/new'] };
      for (const target of [baseline, ...timeTravelTargets(sample)]) {
        const result = await measurePage(base, target, options.samples, options.warmup);
        pages.push(result);
        console.log(
          `${result.label.padEnd(70)} p50 ${ms(result.p50)}  p95 ${ms(result.p95)}  max ${ms(result.max)}${result.pass ? '' : '  OVER'}`,
        );
      }
    }
    const replays: ReplayResult[] = [];
    if (client) {
      const deps: TimeTravelDeps = { client, db };
      for (const target of replayTargets(sample)) {
        const result = await measureReplay(deps, target, options.samples, options.warmup);
        replays.push(result);
        console.log(
          `${result.label.padEnd(70)} p50 ${ms(result.p50)}  p95 ${ms(result.p95)}  max ${ms(result.max)}${result.pass ? '' : '  OVER'}`,
        );
      }
    }
    print(pages, replays);

    const out = path.resolve(ROOT, options.out);
    mkdirSync(path.dirname(out), { recursive: true });
    const json = {
      measuredAt: new Date().toISOString(),
      base: options.url ?? null,
      targetP95Ms: TARGET_P95_MS,
      samples: options.samples,
      warmup: options.warmup,
      loadAvg: loadavg(),
      sizes,
      sample: sample.map((a) => ({
        ...a,
        lastRevision: a.lastRevision.toString(),
        receivedPosition: a.receivedPosition?.toString() ?? null,
      })),
      pages,
      replays,
    };
    writeFileSync(out, JSON.stringify(json, null, 2));
    console.log(
      `\nwritten to ${path.relative(ROOT, out)}; load average ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}`,
    );
  } finally {
    await client?.dispose().catch(() => {});
    await close();
  }
}

/** The connection string of an embedded stack's PostgreSQL, from its data directory (as the stack wrote it). */
function embeddedDatabaseUrl(dataDir: string): string {
  const pidFile = path.join(dataDir, 'postgres', 'postmaster.pid');
  const credentials = path.join(dataDir, 'postgres', 'eventbank-credentials.json');
  if (!existsSync(pidFile) || !existsSync(credentials)) throw new Error(`${dataDir} holds no running embedded PostgreSQL`);
  const port = readFileSync(pidFile, 'utf8').split('\n')[3]?.trim();
  const { appPassword } = JSON.parse(readFileSync(credentials, 'utf8')) as { appPassword: string };
  return `postgres://eventbank:${encodeURIComponent(appPassword)}@127.0.0.1:${port}/eventbank`;
}

// ---- Sizes and the sample -------------------------------------------------------------------------

async function measureSizes(db: Db) {
  const [row] = await db.execute<{ accounts: string; indexed: string; checkpoint: string | null }>(sql`
    select (select count(*) from readmodel.accounts)::text as accounts,
           (select count(*) from readmodel.event_index)::text as indexed,
           (select max(position) from readmodel.projection_checkpoint)::text as checkpoint`);
  return { accounts: Number(row.accounts), indexedEvents: Number(row.indexed), checkpoint: row.checkpoint };
}

export async function sampleAccounts(db: Db, randomCount: number): Promise<SampledAccount[]> {
  const random = await db.execute<{ number: string }>(sql`select number from readmodel.accounts order by random() limit ${randomCount}`);
  // The tail: the busiest payees and the longest own streams (one pass over the index each: fine for a bench).
  const busiest = await db.execute<{ number: string }>(sql`
    select counterparty as number from readmodel.event_index where type = 'PaymentMade' and counterparty is not null
    group by counterparty order by count(*) desc limit 5`);
  const longest = await db.execute<{ number: string }>(sql`select number from readmodel.accounts order by revision desc limit 5`);
  const chosen = new Map<string, SampledAccount['group']>();
  for (const { number } of longest) chosen.set(number, 'longest stream');
  for (const { number } of busiest) chosen.set(number, 'busiest payee');
  for (const { number } of random) if (!chosen.has(number)) chosen.set(number, 'random');
  const sample: SampledAccount[] = [];
  for (const [number, group] of chosen) {
    const [facts] = await db.execute<{ revision: string; received: string; opened: Date; updated: Date; own: string }>(sql`
      select a.revision::text as revision, a.opened_at as opened, a.updated_at as updated,
             (select count(*) from readmodel.event_index e where e.counterparty = a.number and e.type = 'PaymentMade')::text as received,
             (select count(*) from readmodel.event_index e where e.account_number = a.number)::text as own
      from readmodel.accounts a where a.number = ${number}`);
    if (!facts) continue;
    const received = Number(facts.received);
    const [middlePayment] =
      received > 0
        ? await db.execute<{ position: string }>(sql`
            select position::text as position from readmodel.event_index
            where counterparty = ${number} and type = 'PaymentMade' order by position offset ${Math.floor(received / 2)} limit 1`)
        : [];
    const opened = new Date(facts.opened).getTime();
    const updated = new Date(facts.updated).getTime();
    sample.push({
      number,
      group,
      lastRevision: BigInt(facts.revision),
      received,
      receivedPosition: middlePayment ? BigInt(middlePayment.position) : null,
      middle: new Date(Math.round((opened + updated) / 2)),
      points: Number(facts.own) + received,
    });
  }
  return sample;
}

// ---- Targets ----------------------------------------------------------------------------------------

/** The time-travel pages, per account group: what `npm run bench:pages` can fold in. */
export function timeTravelTargets(sample: SampledAccount[]): Target[] {
  const targets: Target[] = [];
  for (const group of ['random', 'busiest payee', 'longest stream'] as const) {
    const of = sample.filter((a) => a.group === group);
    if (of.length === 0) continue;
    const t = (id: string, label: string, paths: string[]) =>
      paths.length && targets.push({ id: `${id}-${group.replace(' ', '-')}`, label: `${label} [${group}]`, group, paths });
    t(
      'at-oldest',
      'Account at its oldest revision (/at/0)',
      of.map((a) => `/accounts/${a.number}/at/0`),
    );
    t(
      'at-newest',
      'Account at its newest revision (/at/<last>)',
      of.map((a) => `/accounts/${a.number}/at/${a.lastRevision}`),
    );
    t(
      'at-received',
      'Account right after a payment received (/at?position=)',
      of.filter((a) => a.receivedPosition !== null).map((a) => `/accounts/${a.number}/at?position=${a.receivedPosition}`),
    );
    t(
      'at-as-of',
      'Account as of the middle of its life (/at?asOf=)',
      of.map((a) => `/accounts/${a.number}/at?asOf=${encodeURIComponent(a.middle.toISOString())}`),
    );
    t(
      'account-page',
      'Account page with its time-travel control (latest point)',
      of.map((a) => `/accounts/${a.number}`),
    );
    t(
      'account-page-first',
      'Account page, control at the first point (?point=1)',
      of.map((a) => `/accounts/${a.number}?point=1`),
    );
    t(
      'slider-json',
      "The slider's JSON, middle point (/api/…/time-travel?point=)",
      of.map((a) => `/api/accounts/${a.number}/time-travel?point=${Math.max(1, Math.floor(a.points / 2))}`),
    );
  }
  return targets;
}

type ReplayTarget = { id: string; label: string; group: string; calls: Array<{ number: string; selector: PointSelector }> };

function replayTargets(sample: SampledAccount[]): ReplayTarget[] {
  const targets: ReplayTarget[] = [];
  for (const group of ['random', 'busiest payee', 'longest stream'] as const) {
    const of = sample.filter((a) => a.group === group);
    if (of.length === 0) continue;
    targets.push(
      {
        id: `replay-oldest-${group}`,
        label: `Replay only, oldest revision [${group}]`,
        group,
        calls: of.map((a) => ({ number: a.number, selector: { by: 'revision', revision: 0n } })),
      },
      {
        id: `replay-newest-${group}`,
        label: `Replay only, newest revision [${group}]`,
        group,
        calls: of.map((a) => ({ number: a.number, selector: { by: 'revision', revision: a.lastRevision } })),
      },
    );
  }
  return targets;
}

// ---- Measuring --------------------------------------------------------------------------------------

async function measurePage(base: string, target: Target, samples: number, warmup: number): Promise<PageResult> {
  return { ...target, ...(await timePages(base, target.paths, { samples, warmup, targetP95Ms: TARGET_P95_MS })) };
}

async function measureReplay(deps: TimeTravelDeps, target: ReplayTarget, samples: number, warmup: number): Promise<ReplayResult> {
  const times: number[] = [];
  for (let i = 0; i < warmup + samples; i++) {
    const { number, selector } = target.calls[i % target.calls.length];
    const started = performance.now();
    const result = await loadTimeTravel(number, selector, deps);
    const elapsed = performance.now() - started;
    if (result.kind !== 'found') throw new Error(`${target.id}: account ${number} answered ${result.kind}`);
    if (i >= warmup) times.push(elapsed);
  }
  const result = timing(times);
  return { id: target.id, label: target.label, group: target.group, ...result, pass: result.p95 <= TARGET_P95_MS };
}

const ms = (v: number) => `${v.toFixed(1).padStart(7)} ms`;

function print(pages: PageResult[], replays: ReplayResult[]) {
  console.log(`\n| Measurement | p50 | p95 | max | p95 ≤ ${TARGET_P95_MS} ms |\n|---|---|---|---|---|`);
  for (const r of [...pages, ...replays]) {
    const codes = 'statuses' in r ? (r.statuses as Record<string, number>) : {};
    const statuses = Object.keys(codes).every((s) => s === '200') ? '' : ` (statuses ${JSON.stringify(codes)})`;
    console.log(
      `| ${r.label} | ${r.p50.toFixed(0)} ms | ${r.p95.toFixed(0)} ms | ${r.max.toFixed(0)} ms | ${r.pass ? 'yes' : 'NO'}${statuses} |`,
    );
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
