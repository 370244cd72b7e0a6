// `npm run rebuild`: rebuilds the read model from the event store into fresh tables while the
// live ones keep serving, then swaps them in (worker/rebuild.ts says how). Works on the bank
// you are running: the configured servers, or the embedded ones of a running `npm run dev`.
import { commandLineOrExit, integerOption, parseCommandLine } from '@/lib/cli/command-line';
import { ConfigError, loadConfig } from '@/lib/config';
import { createDb } from '@/lib/db/client';
import { migrate } from '@/lib/db/migrate';
import { createEventStoreClient } from '@/lib/eventstore/connection/client';
import { progressBar, type RebuildProgress } from '@/lib/rebuild-progress';
import { toolConnections } from '@/lib/tool-connections';
import { DEFAULT_REBUILD_BATCH, RebuildRunningError, runRebuild } from '@/worker/rebuild';

const USAGE = `Usage: npm run rebuild -- [--batch <n>]

Rebuilds the read model (PostgreSQL schema readmodel) from every event in the store, into a
fresh copy, then swaps the copy in atomically. The app and the worker keep running.

  --batch   events read and applied per transaction (default ${DEFAULT_REBUILD_BATCH}, 1 to 10000)
  --help    show this help`;

function options(argv: readonly string[]): { batchSize: number } | 'help' {
  const parsed = parseCommandLine(argv, { batch: { type: 'string' } });
  if (parsed === 'help') return 'help';
  return { batchSize: integerOption('batch', parsed.values.batch, 1, 10_000) ?? DEFAULT_REBUILD_BATCH };
}

async function main(): Promise<number> {
  const parsed = commandLineOrExit('rebuild', USAGE, () => options(process.argv.slice(2)));
  const { eventStoreConnectionString, databaseUrl } = await toolConnections(loadConfig());
  await migrate(databaseUrl);
  const client = createEventStoreClient(eventStoreConnectionString);
  const { db, close } = createDb(databaseUrl);
  const tty = process.stdout.isTTY;
  let lastLine = 0;
  const show = (progress: RebuildProgress) => {
    const line = progressBar(progress);
    if (tty) process.stdout.write(`\r${line}\x1b[K`);
    else if (Date.now() - lastLine > 5_000 || progress.phase === 'done') {
      lastLine = Date.now();
      console.log(line);
    }
  };
  try {
    const result = await runRebuild({ client, db, batchSize: parsed.batchSize, onProgress: show });
    if (tty) process.stdout.write('\n');
    console.log(
      `Rebuilt the read model from ${result.events.toLocaleString('en')} events (${result.applied.toLocaleString('en')} applied) in ${result.seconds.toFixed(1)} s` +
        (result.carefulPages > 0 ? `; ${result.carefulPages} of its pages were replayed the careful way (events to hold).` : '.'),
    );
    return 0;
  } catch (error) {
    if (tty) process.stdout.write('\n');
    if (error instanceof RebuildRunningError) {
      console.error(error.message);
      return 3;
    }
    console.error(`Rebuild failed; the live read model is untouched: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  } finally {
    await client.dispose().catch(() => {});
    await close().catch(() => {});
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof ConfigError ? error.message : error);
    process.exit(2);
  },
);
