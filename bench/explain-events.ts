// `npm run bench:explain` (DATABASE_URL of a seeded query model): EXPLAIN ANALYZE of every query
// findEvents() sends for each kind of event log filter, as it sends it, with its plan's shape and
// time, so an index change can be checked at scale. Prints a summary line per query and, with
// --verbose, the whole plans.

import { sql, type SQL } from 'drizzle-orm';
import { commandLineOrExit, parseCommandLine } from '@/lib/cli/command-line';
import { createDb, type Db } from '@/lib/db/client';
import type { EventCursor, EventFilter } from '@/lib/http/event-log-params';
import { findEvents } from '@/lib/queries';

const USAGE = `Usage: DATABASE_URL=<query model> npm run bench:explain -- [--verbose]

  --verbose   print every plan in full, not only its summary line
  --help      show this help`;

const { verbose = false } = commandLineOrExit('bench:explain', USAGE, () =>
  parseCommandLine(process.argv.slice(2), { verbose: { type: 'boolean' } }),
).values;

async function main() {
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.error('Set DATABASE_URL to the query model to explain against (e.g. a seeded one).');
    process.exit(2);
  }
  const { db, close } = createDb(url, { max: 2 });
  try {
    const [sample] = (await db.execute<{ account: string; command: string; created: Date; position: string }>(
      sql`select account_number as account, command_id as command, created, position::text as position
          from readmodel.event_index where type = 'PaymentMade' order by position desc offset 5000 limit 1`,
    )) as unknown as Array<{ account: string; command: string; created: Date | string; position: string }>;
    if (!sample) throw new Error('no payments indexed: seed first');
    const created = new Date(sample.created);
    const cases: Array<[string, EventFilter, EventCursor?]> = [
      ['no filter', {}],
      ['no filter, older page', {}, { before: BigInt(sample.position) }],
      ['type AccountOpened', { types: ['AccountOpened'] }],
      ['types AccountOpened + HolderNameChanged', { types: ['AccountOpened', 'HolderNameChanged'] }],
      ['type PaymentMade', { types: ['PaymentMade'] }],
      ['account', { account: sample.account }],
      ['amount $10 to $20', { minCents: 1000n, maxCents: 2000n }],
      ['amount >= $4,000', { minCents: 400000n }],
      ['amount exactly $1,234.56', { minCents: 123456n, maxCents: 123456n }],
      ['ten minutes of dates', { from: created, until: new Date(created.getTime() + 600_000) }],
      ['text "rent"', { text: 'rent' }],
      ['text "Invoice 4242"', { text: 'Invoice 4242' }],
      ['text "lovelace"', { text: 'lovelace' }],
      ['command id', { command: sample.command }],
      ['type + account + amount', { types: ['PaymentMade'], account: sample.account, minCents: 500n }],
      ['type + text + dates', { types: ['PaymentMade'], text: 'rent', from: created, until: new Date(created.getTime() + 600_000) }],
      ['type + text, older page', { types: ['PaymentMade'], text: 'rent' }, { before: BigInt(sample.position) }],
      ['newer page with text', { text: 'rent' }, { after: BigInt(sample.position) }],
    ];
    for (const [name, filter, cursor] of cases) {
      console.log(`\n== ${name}`);
      const started = performance.now();
      await findEvents(filter, cursor ?? {}, {}, explaining(db));
      console.log(`   findEvents in all: ${(performance.now() - started).toFixed(1)} ms (with the EXPLAINs)`);
    }
  } finally {
    await close();
  }
}

/** A Db whose execute() first prints the EXPLAIN ANALYZE of the query, then runs it. */
function explaining(db: Db): Db {
  return new Proxy(db, {
    get(target, prop, receiver) {
      if (prop !== 'execute') return Reflect.get(target, prop, receiver) as unknown;
      return async (query: SQL) => {
        const plan = (await target.execute(sql`explain (analyze, buffers) ${query}`)) as unknown as Array<Record<string, string>>;
        const lines = plan.map((row) => Object.values(row)[0]);
        const time = lines.find((l) => l.startsWith('Execution Time'));
        const scans = [
          ...new Set(
            lines
              .map((l) =>
                /(Index Only Scan Backward|Index Only Scan|Index Scan Backward|Index Scan|Bitmap Index Scan|Seq Scan) (?:using )?(?:on )?(\S+)/.exec(
                  l,
                ),
              )
              .filter((m) => m !== null)
              .map((m) => `${m[1]} ${m[2]}`),
          ),
        ];
        console.log(`   ${time} · ${scans.join(', ')}`);
        if (verbose) console.log(lines.map((l) => `     ${l}`).join('\n'));
        return target.execute(query);
      };
    },
  });
}

void main();
