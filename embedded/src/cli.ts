// CLI: `npm run eventstore -- --port 2113 --data-dir .data/eventstore` or `--mem`.
// Prints the connection string once the server accepts connections; stops on SIGINT/SIGTERM.
import { startEventStore, type EventStoreOptions } from './server.js';

const USAGE = `Usage: eventstore [--port <0-65535>] [--host <address>] (--data-dir <path> | --mem)

  --port      TCP port to listen on (default 2113; 0 picks a free port)
  --host      interface to bind (default 127.0.0.1)
  --data-dir  directory of the durable event log (created if missing)
  --mem       keep everything in memory (nothing survives a restart)
  --help      show this help`;

export class UsageError extends Error {}

export function parseArgs(argv: readonly string[]): EventStoreOptions | 'help' {
  const options: EventStoreOptions = { port: 2113 };
  const takeValue = (flag: string, i: number, inline: string | undefined): [string, number] => {
    if (inline !== undefined) return [inline, i];
    const value = argv[i + 1];
    if (value === undefined || value.startsWith('--')) throw new UsageError(`${flag} needs a value`);
    return [value, i + 1];
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const eq = arg.indexOf('=');
    const flag = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    const inline = arg.startsWith('--') && eq > 0 ? arg.slice(eq + 1) : undefined;
    switch (flag) {
      case '--help':
      case '-h':
        return 'help';
      case '--port': {
        const [value, next] = takeValue(flag, i, inline);
        i = next;
        if (!/^\d+$/.test(value) || Number(value) > 65535) throw new UsageError(`--port must be an integer from 0 to 65535, got '${value}'`);
        options.port = Number(value);
        break;
      }
      case '--host': {
        const [value, next] = takeValue(flag, i, inline);
        i = next;
        if (value.length === 0) throw new UsageError('--host must not be empty');
        options.host = value;
        break;
      }
      case '--data-dir': {
        const [value, next] = takeValue(flag, i, inline);
        i = next;
        if (value.length === 0) throw new UsageError('--data-dir must not be empty');
        if (options.dataDir !== undefined) throw new UsageError('--data-dir given twice');
        options.dataDir = value;
        break;
      }
      case '--mem':
        if (inline !== undefined) throw new UsageError('--mem takes no value');
        options.mem = true;
        break;
      default:
        throw new UsageError(`Unknown argument '${arg}'`);
    }
  }
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
