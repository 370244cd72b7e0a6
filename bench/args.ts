// Command-line options of `npm run bench`, validated up front so a typo never starts a long run.

export const PHASES = ['fsync', 'appends', 'load', 'read', 'catchup', 'persistent', 'startup'] as const;
export type Phase = (typeof PHASES)[number];

export interface BenchOptions {
  quick: boolean;
  /** Total events to have stored before the memory reading (the issue asks for 1,000,000). */
  events: number;
  phases: ReadonlySet<Phase>;
  /** Profile the server child, one .cpuprofile per phase written to this directory. */
  cpuProfDir?: string;
  out: string;
}

export const USAGE = `Usage: npm run bench -- [--quick] [--events <n>] [--phases <list>] [--cpu-prof [dir]] [--out <file>]

  --quick         small counts and short phases (smoke run, under a minute)
  --events        events stored before the memory reading (default 1000000, quick 50000)
  --phases        comma list of ${PHASES.join(',')} (default all)
  --cpu-prof      profile the server child, one .cpuprofile per phase (default dir bench/results/prof)
  --out           results JSON (default bench/results/eventstore.json)
  --help          show this help`;

export class UsageError extends Error {}

export function parseArgs(argv: readonly string[]): BenchOptions | 'help' {
  let quick = false;
  let events: number | undefined;
  let phases: Set<Phase> | undefined;
  let cpuProfDir: string | undefined;
  let out = 'bench/results/eventstore.json';
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const eq = arg.indexOf('=');
    const flag = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    const inline = arg.startsWith('--') && eq > 0 ? arg.slice(eq + 1) : undefined;
    const value = (): string => {
      if (inline !== undefined) return inline;
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('--')) throw new UsageError(`${flag} needs a value`);
      i++;
      return next;
    };
    switch (flag) {
      case '--help':
      case '-h':
        return 'help';
      case '--quick':
        if (inline !== undefined) throw new UsageError('--quick takes no value');
        quick = true;
        break;
      case '--events': {
        const v = value();
        if (!/^\d+$/.test(v) || Number(v) < 1000 || Number(v) > 20_000_000) {
          throw new UsageError(`--events must be an integer from 1000 to 20000000, got '${v}'`);
        }
        events = Number(v);
        break;
      }
      case '--phases': {
        const list = value().split(',').map((s) => s.trim()).filter(Boolean);
        if (list.length === 0) throw new UsageError('--phases needs at least one phase');
        for (const p of list) {
          if (!(PHASES as readonly string[]).includes(p)) throw new UsageError(`Unknown phase '${p}' (phases: ${PHASES.join(', ')})`);
        }
        phases = new Set(list as Phase[]);
        break;
      }
      case '--cpu-prof': {
        // Optional value: `--cpu-prof` alone, `--cpu-prof=dir` or `--cpu-prof dir`.
        const next = argv[i + 1];
        if (inline !== undefined) cpuProfDir = inline;
        else if (next !== undefined && !next.startsWith('--')) cpuProfDir = argv[++i];
        else cpuProfDir = 'bench/results/prof';
        if (cpuProfDir.length === 0) throw new UsageError('--cpu-prof directory must not be empty');
        break;
      }
      case '--out': {
        const v = value();
        if (v.length === 0 || !v.endsWith('.json')) throw new UsageError(`--out must name a .json file, got '${v}'`);
        out = v;
        break;
      }
      default:
        throw new UsageError(`Unknown argument '${arg}'`);
    }
  }
  return { quick, events: events ?? (quick ? 50_000 : 1_000_000), phases: phases ?? new Set(PHASES), cpuProfDir, out };
}
