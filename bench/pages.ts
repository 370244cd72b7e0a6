// `npm run bench:pages`: server time of the app's pages at scale (issue 9: every page's p95 ≤ 150 ms
// at 10,000 accounts and 1,000,000 events).
//
// Server time here is the time from sending a GET to having the whole HTML response, measured
// from this process against `npm start` (a production build) on the same machine: requests are
// sent one at a time, so it is the server's time plus a loopback round trip, nothing queued.
// Either point it at a running server (--url) or let it start `npm start` on a data directory
// (--data-dir, e.g. one filled by `npm run seed`). Targets are reported, never enforced.
//
// The pages are found by browsing, as a person would: account numbers from the accounts list,
// the busiest of the first accounts opened (the seed's business accounts, opened first, receive
// a fifth of all payments), event ids and ids from the event log, so it works on any data.

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { commandLineOrExit, parseCommandLine, validateOptions } from '@/lib/cli/command-line';
import { freePort } from '@/tests/support/free-port';
import { timePages, withFormNonce, type PageTiming } from './page-timing';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const TARGET_P95_MS = 150;

const USAGE = `Usage: npm run bench:pages -- (--data-dir <dir> | --url <base url>) [--samples <n>] [--warmup <n>] [--out <file>]

  --data-dir <dir>  start \`npm start\` (needs \`npm run build\`) on this data directory, e.g. one \`npm run seed\` filled
  --url <url>       measure a server that is already running, e.g. http://127.0.0.1:3000
  --samples <n>     timed requests per page (default 40)
  --warmup <n>      untimed requests per page first (default 5)
  --out <file>      results JSON (default bench/results/pages.json)`;

const optionsSchema = z
  .object({
    'data-dir': z.string().min(1).optional(),
    url: z.url({ message: '--url must be a URL such as http://127.0.0.1:3000' }).optional(),
    samples: z
      .string()
      .regex(/^\d+$/, { message: '--samples must be a whole number' })
      .transform(Number)
      .refine((n) => n >= 5 && n <= 10_000, { message: '--samples must be from 5 to 10000' })
      .default(40),
    warmup: z
      .string()
      .regex(/^\d+$/, { message: '--warmup must be a whole number' })
      .transform(Number)
      .refine((n) => n <= 1000, { message: '--warmup must be at most 1000' })
      .default(5),
    out: z.string().min(1).default('bench/results/pages.json'),
  })
  .refine((o) => (o['data-dir'] === undefined) !== (o.url === undefined), { message: 'give exactly one of --data-dir and --url' });

type Target = { id: string; label: string; owner: 'event views' | 'time travel'; paths: string[] };
type Result = Target & PageTiming;

async function main() {
  const options = commandLineOrExit('bench:pages', USAGE, () => {
    const parsed = parseCommandLine(process.argv.slice(2), {
      'data-dir': { type: 'string' },
      url: { type: 'string' },
      samples: { type: 'string' },
      warmup: { type: 'string' },
      out: { type: 'string' },
    });
    return parsed === 'help' ? 'help' : validateOptions(optionsSchema, parsed.values);
  });

  let server: ChildProcess | undefined;
  let base = options.url?.replace(/\/$/, '');
  if (!base) {
    if (!existsSync(path.join(ROOT, '.next', 'BUILD_ID'))) {
      console.error('No production build: run `npm run build` first.');
      process.exit(2);
    }
    const started = await startServer(path.resolve(options['data-dir']!));
    server = started.process;
    base = started.base;
  }
  try {
    const targets = await discover(base);
    const results: Result[] = [];
    for (const target of targets) {
      const result = await measure(base, target, options.samples, options.warmup);
      results.push(result);
      console.log(
        `${result.label.padEnd(58)} p50 ${ms(result.p50)}  p95 ${ms(result.p95)}  max ${ms(result.max)}${result.pass ? '' : '  OVER'}`,
      );
    }
    print(results);
    const out = path.resolve(ROOT, options.out);
    mkdirSync(path.dirname(out), { recursive: true });
    writeFileSync(
      out,
      JSON.stringify(
        {
          measuredAt: new Date().toISOString(),
          base,
          samples: options.samples,
          warmup: options.warmup,
          targetP95Ms: TARGET_P95_MS,
          loadAvg: loadavg(),
          results,
        },
        null,
        2,
      ),
    );
    console.log(
      `\nwritten to ${path.relative(ROOT, out)}; load average ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}`,
    );
  } finally {
    if (server) await stopServer(server);
  }
}

// ---- Finding the pages --------------------------------------------------------------------------

async function getHtml(base: string, pathname: string): Promise<string> {
  const response = await fetch(base + withFormNonce(pathname), { redirect: 'manual' });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`GET ${pathname} answered ${response.status}`);
  return text;
}

/** From the pagination's data-page-count (its visible text is split by React's comment nodes). */
const pageCountOf = (html: string) => Number(/data-page-count="(\d+)"/.exec(html)?.[1] ?? '1');
const all = (html: string, pattern: RegExp) => [...html.matchAll(pattern)].map((m) => m[1]);
const unique = <T>(items: T[]) => [...new Set(items)];

async function discover(base: string): Promise<Target[]> {
  const home = await getHtml(base, '/');
  const pageCount = pageCountOf(home);
  const middle = await getHtml(base, `/?page=${Math.max(1, Math.floor(pageCount / 2))}`);
  const accounts = unique(all(middle + home, /href="\/accounts\/(\d{10})"/g));
  if (accounts.length < 5) throw new Error('too few accounts to measure: seed first (npm run seed)');

  // The busiest of the first accounts opened (the list's last page, newest first): the deepest history.
  const last = await getHtml(base, `/?page=${pageCount}`);
  let busiest = { account: accounts[0], pages: 1 };
  for (const account of unique(all(last, /href="\/accounts\/(\d{10})"/g))
    .reverse()
    .slice(0, 5)) {
    const pages = pageCountOf(await getHtml(base, `/accounts/${account}`));
    if (pages > busiest.pages) busiest = { account, pages };
  }

  const log = await getHtml(base, '/events');
  const older = /href="\/events\?before=(\d+)"/.exec(log)?.[1];
  const payments = await getHtml(base, '/events?type=PaymentMade');
  const paymentIds = unique(all(payments, /data-event-id="([0-9a-f-]{36})"/g));
  const eventIds = unique(all(log, /data-event-id="([0-9a-f-]{36})"/g));
  const commandIds = unique(all(payments, /&quot;commandId&quot;: &quot;([0-9a-f-]{36})&quot;/g));
  const created = all(log, /dateTime="([^"]+)"/g).map((t) => new Date(t));
  const oldestPage = await getHtml(base, '/events?after=0');
  const firstCreated = all(oldestPage, /dateTime="([^"]+)"/g)
    .map((t) => new Date(t))
    .at(-1);
  if (!older || !firstCreated || paymentIds.length === 0 || eventIds.length === 0 || commandIds.length === 0 || created.length === 0) {
    throw new Error('could not find events to measure on /events: is the data projected?');
  }
  // A ten-minute window in the middle of the store's history.
  const windowStart = new Date((created[0].getTime() + firstCreated.getTime()) / 2);
  const minute = (d: Date) => d.toISOString().slice(0, 16);
  const from = minute(windowStart);
  const to = minute(new Date(windowStart.getTime() + 10 * 60_000));
  const ownedRows = all(log, /href="\/accounts\/(\d{10})"/g);
  const someAccounts = unique([...accounts.slice(0, 10), ...ownedRows]).slice(0, 12);

  const e = (query: string) => `/events?${query}`;
  const t = (id: string, label: string, paths: string[], owner: Target['owner'] = 'event views'): Target => ({ id, label, owner, paths });
  return [
    t('accounts-list', 'Accounts list, first page', ['/']),
    t('accounts-list-last', `Accounts list, last page (${pageCount})`, [`/?page=${pageCount}`]),
    t(
      'account',
      'Account page, first history page',
      someAccounts.map((a) => `/accounts/${a}`),
    ),
    t('account-deepest', `Account page, deepest history page (${busiest.account}, page ${busiest.pages})`, [
      `/accounts/${busiest.account}?page=${busiest.pages}`,
    ]),
    t('events', '/events, no filter', ['/events']),
    t('events-older', '/events, an older page (before=)', [e(`before=${older}`)]),
    t('events-type-rare', '/events, type AccountOpened (oldest events)', [e('type=AccountOpened')]),
    t('events-types', '/events, types AccountOpened + HolderNameChanged', [e('type=AccountOpened&type=HolderNameChanged')]),
    t('events-type-common', '/events, type PaymentMade', [e('type=PaymentMade')]),
    t(
      'events-account',
      '/events, account (owner or payee)',
      someAccounts.map((a) => e(`account=${a}`)),
    ),
    t('events-amount-wide', '/events, amount $10 to $20', [e('min=10&max=20')]),
    t('events-amount-rare', '/events, amount ≥ $4,000 (rare)', [e('min=4000')]),
    t('events-amount-exact', '/events, amount exactly $1,234.56 (rarest)', [e('min=1234.56&max=1234.56')]),
    t('events-dates', `/events, dates ${from} to ${to}`, [e(`from=${from}&to=${to}`)]),
    t('events-text-common', '/events, text "rent"', [e('q=rent')]),
    t('events-text-rare', '/events, text "Invoice 4242" (rare)', [e('q=Invoice%204242')]),
    t('events-text-name', '/events, text "lovelace" (holder names)', [e('q=lovelace')]),
    t(
      'events-command',
      '/events, command id',
      commandIds.map((id) => e(`command=${id}`)),
    ),
    t(
      'events-correlation',
      '/events, correlation id',
      commandIds.map((id) => e(`correlation=${id}`)),
    ),
    t(
      'events-combined',
      '/events, type + account + amount',
      someAccounts.map((a) => e(`type=PaymentMade&account=${a}&min=5`)),
    ),
    t('events-combined-text-dates', '/events, type + text + dates', [e(`type=PaymentMade&q=rent&from=${from}&to=${to}`)]),
    t('events-filtered-older', '/events, type + text, an older page', [await olderPageOf(base, e('type=PaymentMade&q=rent'))]),
    t(
      'event-detail',
      'Event detail',
      eventIds.map((id) => `/events/${id}`),
    ),
    t(
      'payment',
      'Payment view',
      paymentIds.map((id) => `/payments/${id}`),
    ),
    t(
      'stream',
      'Stream view (account stream, newest page)',
      someAccounts.map((a) => `/streams/account-${a}`),
    ),
    t(
      'time-travel-oldest',
      'Account at its oldest revision (/accounts/<n>/at/0)',
      someAccounts.map((a) => `/accounts/${a}/at/0`),
      'time travel',
    ),
  ];
}

async function olderPageOf(base: string, pathname: string): Promise<string> {
  const html = await getHtml(base, pathname);
  const href = /href="(\/events\?[^"]*before=\d+)"/.exec(html)?.[1];
  if (!href) throw new Error(`no older page on ${pathname}`);
  return href.replace(/&amp;/g, '&');
}

// ---- Measuring ------------------------------------------------------------------------------------

async function measure(base: string, target: Target, samples: number, warmup: number): Promise<Result> {
  return { ...target, ...(await timePages(base, target.paths, { samples, warmup, targetP95Ms: TARGET_P95_MS })) };
}

const ms = (v: number) => `${v.toFixed(1).padStart(7)} ms`;

function print(results: Result[]) {
  const header = `| Page | p50 | p95 | max | ≤ ${TARGET_P95_MS} ms p95 |`;
  console.log(`\n${header}\n|---|---|---|---|---|`);
  for (const r of results) {
    const status = Object.keys(r.statuses).every((s) => s === '200') ? '' : ` (statuses ${JSON.stringify(r.statuses)})`;
    console.log(
      `| ${r.label}${r.owner === 'time travel' ? ' [time travel]' : ''} | ${r.p50.toFixed(0)} ms | ${r.p95.toFixed(0)} ms | ${r.max.toFixed(0)} ms | ${r.pass ? 'yes' : 'NO'}${status} |`,
    );
  }
}

// ---- The server -----------------------------------------------------------------------------------

async function startServer(dataDir: string): Promise<{ process: ChildProcess; base: string }> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--conditions=react-server', '--import', 'tsx', path.join(ROOT, 'scripts/stack.ts'), 'start'], {
    cwd: ROOT,
    env: {
      ...process.env,
      npm_lifecycle_event: process.env.npm_lifecycle_event ?? 'bench:pages',
      DATA_DIR: dataDir,
      PORT: String(port),
      EVENTSTORE_PORT: String(await freePort()),
      POSTGRES_PORT: String(await freePort()),
      EVENTSTORE_CONNECTION_STRING: '',
      DATABASE_URL: '',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let ready = false;
  child.stdout!.on('data', (chunk: Buffer) => {
    if (chunk.toString().includes('Eventbank is ready')) ready = true;
  });
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 600_000;
  while (!ready) {
    if (child.exitCode !== null) throw new Error(`npm start exited (${child.exitCode}) before it was ready`);
    if (Date.now() > deadline) throw new Error('npm start was not ready within 10 minutes');
    await delay(250);
  }
  console.log(`[bench:pages] npm start on ${dataDir} is ready at ${base}`);
  return { process: child, base };
}

async function stopServer(child: ChildProcess) {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

main().catch((error) => {
  console.error('[bench:pages] failed:', error instanceof Error ? error.message : error);
  process.exit(1);
});
