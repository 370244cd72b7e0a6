// Flags of `npm run soak`, validated before anything starts (a typo must not cost a 10-minute run).
import { parseCommandLine, UsageError } from '@/lib/cli/command-line';

export const FAULT_KINDS = ['worker-kill', 'store-kill', 'pg-restart', 'poison', 'lost-response'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];
export type DecisionSource = 'read-model' | 'event-store';

export type SoakOptions = {
  durationMs: number;
  clients: number;
  accounts: number;
  hot: number;
  seed: number;
  decisionSource: DecisionSource;
  faults: FaultKind[];
  /** Quiet time between two faults. */
  faultGapMs: number;
  /** How long a killed/stopped service stays down. */
  downMs: number;
  /** Pause the load and check everything this often (plus once at the end). */
  checkpointEveryMs: number;
  /** Longest wait for the worker to catch up before a check. */
  settleTimeoutMs: number;
  out: string;
  keep: boolean;
};

export const USAGE = `Usage: npm run soak -- [--minutes <n> | --seconds <n>] [options]

  --minutes, --seconds   how long the load runs (default 3 minutes; longer when needed to inject every selected fault once)
  --clients              concurrent clients (default 50)
  --accounts             accounts (default 20)
  --hot                  hot accounts taking half the traffic (default 3)
  --seed                 random seed (default: random, printed)
  --decision-source      read-model | event-store (default PAYMENT_DECISION_SOURCE or read-model)
  --faults               comma list of ${FAULT_KINDS.join(',')} (default all), or none
  --fault-gap            seconds of no fault between two faults (default 10)
  --down                 seconds a killed service stays down (default 2)
  --checkpoint-every     seconds between checkpoints (default 120)
  --settle-timeout       seconds to wait for the worker to catch up before a check (default 60)
  --out                  results JSON (default bench/results/soak-<timestamp>.json)
  --keep                 keep the temporary directory (data and logs) afterwards
  --help                 show this help`;

export { UsageError };

const number = (flag: string, raw: string | undefined, min: number, max: number, integer = true): number | undefined => {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value) || (integer && !Number.isInteger(value)) || value < min || value > max) {
    throw new UsageError(`--${flag} must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max}, got '${raw}'`);
  }
  return value;
};

export function parseSoakArgs(
  argv: string[],
  env: Record<string, string | undefined> = process.env,
  now = new Date(),
): SoakOptions | 'help' {
  const parsed = parseCommandLine(argv, {
    minutes: { type: 'string' },
    seconds: { type: 'string' },
    clients: { type: 'string' },
    accounts: { type: 'string' },
    hot: { type: 'string' },
    seed: { type: 'string' },
    'decision-source': { type: 'string' },
    faults: { type: 'string' },
    'fault-gap': { type: 'string' },
    down: { type: 'string' },
    'checkpoint-every': { type: 'string' },
    'settle-timeout': { type: 'string' },
    out: { type: 'string' },
    keep: { type: 'boolean' },
  });
  if (parsed === 'help') return 'help';
  const v = parsed.values;
  if (v.minutes !== undefined && v.seconds !== undefined) throw new UsageError('Give --minutes or --seconds, not both');
  const minutes = number('minutes', v.minutes, 0.1, 24 * 60, false);
  const seconds = number('seconds', v.seconds, 5, 24 * 3600);
  const durationMs = minutes !== undefined ? Math.round(minutes * 60_000) : seconds !== undefined ? seconds * 1000 : 180_000;
  const accounts = number('accounts', v.accounts, 4, 1000) ?? 20;
  const hot = number('hot', v.hot, 0, accounts - 2) ?? Math.min(3, accounts - 2);
  const decisionSource = (v['decision-source'] ?? env.PAYMENT_DECISION_SOURCE ?? 'read-model').trim() || 'read-model';
  if (decisionSource !== 'read-model' && decisionSource !== 'event-store') {
    throw new UsageError(`--decision-source must be read-model or event-store, got '${decisionSource}'`);
  }
  let faults: FaultKind[] = [...FAULT_KINDS];
  if (v.faults !== undefined) {
    const list = v.faults
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    if (list.length === 1 && list[0] === 'none') faults = [];
    else {
      if (list.length === 0) throw new UsageError('--faults needs at least one fault kind (or none)');
      for (const kind of list) {
        if (!(FAULT_KINDS as readonly string[]).includes(kind))
          throw new UsageError(`Unknown fault '${kind}' (faults: ${FAULT_KINDS.join(', ')}, none)`);
      }
      faults = [...new Set(list as FaultKind[])];
    }
  }
  const out = v.out ?? `bench/results/soak-${now.toISOString().replace(/[:.]/g, '-')}.json`;
  if (!out.endsWith('.json')) throw new UsageError(`--out must name a .json file, got '${out}'`);
  return {
    durationMs,
    clients: number('clients', v.clients, 1, 1000) ?? 50,
    accounts,
    hot,
    seed: number('seed', v.seed, 0, 2 ** 32 - 1) ?? Math.floor(Math.random() * 2 ** 32),
    decisionSource,
    faults,
    faultGapMs: (number('fault-gap', v['fault-gap'], 0.5, 3600, false) ?? 10) * 1000,
    downMs: (number('down', v.down, 0, 600, false) ?? 2) * 1000,
    checkpointEveryMs: (number('checkpoint-every', v['checkpoint-every'], 5, 24 * 3600, false) ?? 120) * 1000,
    settleTimeoutMs: (number('settle-timeout', v['settle-timeout'], 5, 3600, false) ?? 60) * 1000,
    out,
    keep: v.keep ?? false,
  };
}
