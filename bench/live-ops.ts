// `npm run bench:live-ops`: the reads this feature adds, at the target scale, on real PostgreSQL.
// Seeds a read model of 1,000,000 indexed events over 10,000 accounts (the last hour holding
// 100,000 of them) and one account with a 100,000-entry history, then times: the balance series
// (downsampled to 200 points in SQL), events per minute over the last hour, the live feed's
// read of new entries, the page's live cursor, and a doorbell's way to a subscriber. Prints a
// table and writes bench/results/live-ops.json.

import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { commandLineOrExit, parseCommandLine } from '@/lib/cli/command-line';
import { createDb } from '@/lib/db/client';
import { startEmbeddedPostgres } from '@/lib/db/embedded-postgres';
import { migrate } from '@/lib/db/migrate';
import { EVENTS_CHANNEL } from '@/lib/db/projection-channel';
import { LiveFeed } from '@/lib/live/feed';
import { eventIndexHead, getBalanceSeries, getEventsPerMinute, indexEntriesAfter } from '@/lib/queries';
import { freePort } from '@/tests/support/free-port';

const EVENTS = 1_000_000;
const ACCOUNTS = 10_000;
const LAST_HOUR = 100_000;
const LONG_HISTORY = 100_000;
const RUNS = 30;

const USAGE = `Usage: npm run bench:live-ops

Seeds a throwaway PostgreSQL at the target scale and times the live views' reads; prints a
table and writes bench/results/live-ops.json. Takes no options.

  --help    show this help`;

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

async function time(label: string, run: () => Promise<unknown>) {
  await run(); // warm
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    await run();
    samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  return { label, p50: percentile(samples, 50), p95: percentile(samples, 95), max: samples[samples.length - 1] };
}

async function main() {
  commandLineOrExit('bench:live-ops', USAGE, () => parseCommandLine(process.argv.slice(2), {}));
  const dir = await mkdtemp(path.join(tmpdir(), 'eventbank-bench-live-'));
  await chmod(dir, 0o755);
  const pg = await startEmbeddedPostgres({ dataDir: path.join(dir, 'postgres'), port: await freePort() });
  const handle = createDb(pg.databaseUrl);
  const { db } = handle;
  try {
    await migrate(pg.databaseUrl);
    const seedStart = performance.now();
    // Account numbers here are only labels: 10 digits, no check digit needed by the queries.
    await db.execute(sql`
      insert into readmodel.event_index (position, event_id, stream, revision, type, account_number, counterparty, amount, created)
      select g * 100, gen_random_uuid(), 'account-' || lpad((g % ${ACCOUNTS})::text, 10, '0'), g / ${ACCOUNTS}, 'MoneyDeposited',
        lpad((g % ${ACCOUNTS})::text, 10, '0'), null, 100,
        case when g > ${EVENTS - LAST_HOUR} then now() - make_interval(secs => (${EVENTS} - g) * 3600.0 / ${LAST_HOUR})
             else now() - interval '2 hours' - make_interval(secs => ${EVENTS} - g) end
      from generate_series(1, ${EVENTS}) g`);
    const long = '9999999999';
    await db.execute(sql`
      insert into readmodel.account_history (account_number, kind, amount, balance_after, event_id, event_type, stream, revision, position, occurred_at, data)
      select ${long}, 'MoneyDeposited', 100, g * 100, gen_random_uuid(), 'MoneyDeposited', 'account-' || ${long}, g, ${EVENTS * 100} + g,
        now() - make_interval(secs => ${LONG_HISTORY} - g), '{}'::jsonb
      from generate_series(1, ${LONG_HISTORY}) g`);
    await db.execute(sql`analyze`);
    const seedMs = performance.now() - seedStart;

    const head = (await eventIndexHead(db))!;
    const results = [
      await time(`balance series, ${LONG_HISTORY.toLocaleString('en-US')}-entry history → 200 points`, () =>
        getBalanceSeries(long, {}, db),
      ),
      await time(`events per minute, last hour (${LAST_HOUR.toLocaleString('en-US')} events)`, () => getEventsPerMinute({}, db)),
      await time('live cursor (index head)', () => eventIndexHead(db)),
      await time('feed read: 500 newest entries after a position', () => indexEntriesAfter(head - 50_000n, { limit: 500 }, db)),
      await time('replay for one account after a position (≤ 201)', () =>
        indexEntriesAfter(head - 5_000_000n, { account: '0000000042', limit: 201 }, db),
      ),
    ];

    // A doorbell's way to a subscriber: NOTIFY -> LISTEN -> index read -> deliver.
    const feed = new LiveFeed(db);
    const latencies: number[] = [];
    let position = head;
    let resolveDelivered: (() => void) | null = null;
    await feed.subscribe({ deliver: () => resolveDelivered?.() });
    for (let i = 0; i < RUNS; i++) {
      position += 100n;
      const delivered = new Promise<void>((resolve) => (resolveDelivered = resolve));
      const start = performance.now();
      await db.transaction(async (tx) => {
        await tx.execute(sql`
          insert into readmodel.event_index (position, event_id, stream, revision, type, account_number, created)
          values (${position.toString()}::bigint, gen_random_uuid(), 'account-0000000001', ${1_000_000 + i}, 'MoneyDeposited', '0000000001', now())`);
        await tx.execute(sql`select pg_notify(${EVENTS_CHANNEL}, ${position.toString()})`);
      });
      await delivered;
      latencies.push(performance.now() - start);
    }
    await feed.close();
    latencies.sort((a, b) => a - b);
    results.push({
      label: 'doorbell → subscriber (commit, NOTIFY, read, deliver)',
      p50: percentile(latencies, 50),
      p95: percentile(latencies, 95),
      max: latencies.at(-1)!,
    });

    console.log(
      `Seeded ${EVENTS.toLocaleString('en-US')} index rows and a ${LONG_HISTORY.toLocaleString('en-US')}-entry history in ${(seedMs / 1000).toFixed(1)} s; ${RUNS} runs each.`,
    );
    console.log('| Read | p50 ms | p95 ms | max ms |\n|---|---|---|---|');
    for (const r of results) console.log(`| ${r.label} | ${r.p50.toFixed(1)} | ${r.p95.toFixed(1)} | ${r.max.toFixed(1)} |`);
    await mkdir('bench/results', { recursive: true });
    await writeFile(
      'bench/results/live-ops.json',
      JSON.stringify(
        {
          at: new Date().toISOString(),
          events: EVENTS,
          accounts: ACCOUNTS,
          lastHour: LAST_HOUR,
          longHistory: LONG_HISTORY,
          runs: RUNS,
          results,
        },
        null,
        2,
      ),
    );
  } finally {
    await handle.close();
    await pg.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
