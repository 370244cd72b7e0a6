// CLI: `npm run eventstore -- --port 2113 --data-dir .data/eventstore` or `--mem`.
// Prints the connection string once the server accepts connections; stops on SIGINT/SIGTERM.
import { parseArgs as parseCommandLine } from 'node:util';
import { startEventStore, type EventStoreOptions } from './server.js';

const USAGE = `Usage: eventstore [--port <0-65535>] [--host <address>] (--data-dir <path> | --mem)

  --port      TCP port to listen on (default 2113; 0 picks a free port)
  --host      interface to bind (default 127.0.0.1)
  --data-dir  directory of the durable event log (created if missing)
  --mem       keep everything in memory (nothing survives a restart)
  --help      show this help`;

export class UsageError extends Error {}

// node:util parseArgs, strict: unknown options, missing values and stray arguments are refused.
// (The app has its own helper in lib/cli/; this package imports nothing from the app.)
export function parseArgs(argv: readonly string[]): EventStoreOptions | 'help' {
  let values;
  try {
    ({ values } = parseCommandLine({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        'data-dir': { type: 'string', multiple: true },
        mem: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  if (values.help) return 'help';
  const options: EventStoreOptions = { port: 2113 };
  if (values.port !== undefined) {
    if (!/^\d+$/.test(values.port) || Number(values.port) > 65535)
      throw new UsageError(`--port must be an integer from 0 to 65535, got '${values.port}'`);
    options.port = Number(values.port);
  }
  if (values.host !== undefined) {
    if (values.host.length === 0) throw new UsageError('--host must not be empty');
    options.host = values.host;
  }
  const dataDirs = values['data-dir'] ?? [];
  if (dataDirs.length > 1) throw new UsageError('--data-dir given twice');
  if (dataDirs.length === 1) {
    if (dataDirs[0].length === 0) throw new UsageError('--data-dir must not be empty');
    options.dataDir = dataDirs[0];
  }
  if (values.mem) options.mem = true;
  if (options.dataDir !== undefined && options.mem) throw new UsageError('Give either --data-dir or --mem, not both');
  if (options.dataDir === undefined && !options.mem) throw new UsageError('Give --data-dir <path> or --mem');
  return options;
}

async function main(): Promise<void> {
  let options: EventStoreOptions | 'help';
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    console.error(`eventstore: ${err.message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (options === 'help') {
    console.log(USAGE);
    return;
  }

  const es = await startEventStore(options);
  console.log(`EventStoreDB-compatible server ready (${options.mem ? 'in memory' : `data in ${options.dataDir}`})`);
  console.log(es.connectionString);

  let stopping = false;
  const stop = (reason: string) => {
    if (stopping) return;
    stopping = true;
    console.error(`eventstore: ${reason}, stopping`);
    es.close().then(
      () => process.exit(0),
      (err) => {
        console.error('eventstore: error while stopping', err);
        process.exit(1);
      },
    );
  };
  // A bug in one request's promise chain must not take every client's server down.
  process.on('unhandledRejection', (reason) => console.error('eventstore: unhandled rejection', reason));
  process.on('SIGINT', () => stop('SIGINT received'));
  process.on('SIGTERM', () => stop('SIGTERM received'));
  whenNpmParentExits(() => stop('npm is gone'));
}

/**
 * Under `npm run`, npm 11 answers SIGTERM by signalling only the `sh -c` running the script, which
 * dies without passing it on, and this server would run on re-parented, holding its port and data
 * directory. So when started by npm, a changed parent process means "stop". Outside npm a new
 * parent can be deliberate (`nohup`), so nothing is watched. (The app's lib/when-parent-exits.ts does
 * the same; embedded/ imports nothing from the app, hence this copy.)
 */
function whenNpmParentExits(onExit: () => void): void {
  if (!process.env.npm_lifecycle_event) return;
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    onExit();
  }, 500);
  timer.unref();
}

main().catch((err) => {
  console.error(`eventstore: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
