// `npm run reconcile`: replays every account from the event store and compares it with the
// read model (lib/reconciliation). Prints each difference with the first event where the two
// part, and exits 1 when anything differs, so it can run from cron or CI.
import { commandLineOrExit, parseCommandLine } from '@/lib/cli/command-line';
import { ConfigError, loadConfig } from '@/lib/config';
import { createDb } from '@/lib/db/client';
import { migrate } from '@/lib/db/migrate';
import { createEventStoreClient } from '@/lib/eventstore/connection/client';
import { runReconciliation } from '@/lib/reconciliation/run';
import { toolConnections } from '@/lib/tool-connections';

const USAGE = `Usage: npm run reconcile -- [--json]

Replays every account from the store and compares balance, holder name, revision and history
length with the read model. Exit code 0: no differences; 1: differences (listed); 2: could not run.

  --json    print the report as JSON instead of a table
  --help    show this help`;

async function main(): Promise<number> {
  const { values } = commandLineOrExit('reconcile', USAGE, () => parseCommandLine(process.argv.slice(2), { json: { type: 'boolean' } }));
  const { eventStoreConnectionString, databaseUrl } = await toolConnections(loadConfig());
  await migrate(databaseUrl);
  const client = createEventStoreClient(eventStoreConnectionString);
  const { db, close } = createDb(databaseUrl);
  try {
    const report = await runReconciliation({
      client,
      db,
      onProgress: (events) => process.stderr.isTTY && process.stderr.write(`\rreplayed ${events.toLocaleString('en')} events\x1b[K`),
    });
    if (process.stderr.isTTY) process.stderr.write('\n');
    if (values.json) {
      console.log(JSON.stringify(report, (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2));
    } else {
      console.log(
        `Checked ${report.accounts.toLocaleString('en')} accounts against ${report.events.toLocaleString('en')} events (up to $all position ${report.position}).`,
      );
      if (report.skipped > 0) console.log(`${report.skipped} accounts changed while checking; the next run checks them.`);
      if (report.differences.length === 0) console.log('No differences.');
      for (const d of report.differences) {
        const where = d.firstEvent
          ? `first differs at ${d.firstEvent.type} ${d.firstEvent.eventId} (position ${d.firstEvent.position}, /events/${d.firstEvent.eventId})`
          : 'timelines agree';
        console.log(
          `  account ${d.accountNumber}: ${d.field} expected ${d.expected ?? '(none)'}, read model has ${d.actual ?? '(none)'}; ${where}`,
        );
      }
    }
    return report.differences.length === 0 ? 0 : 1;
  } finally {
    await client.dispose().catch(() => {});
    await close().catch(() => {});
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(
      error instanceof ConfigError ? error.message : `Reconciliation failed: ${error instanceof Error ? error.message : String(error)}`,
    );
    process.exit(2);
  },
);
