import { z } from 'zod';
import { parseCommandLine, UsageError, validateOptions } from '@/lib/cli/command-line';

export const USAGE = `Usage: npm run seed -- --accounts <n> --events <n> [options]

Fills the bank through the real command handlers (openAccount, then a mix of makePayment,
deposit and changeHolderName) and lets the projection worker project it.

  --accounts <n>      accounts to open (1 to 1000000)
  --events <n>        bank events to have in the store in all, openings included (≥ accounts)
  --data-dir <dir>    where the embedded store and PostgreSQL keep their data (default: DATA_DIR or .data);
                      ignored for the servers when EVENTSTORE_CONNECTION_STRING and DATABASE_URL are both set
  --concurrency <n>   commands in flight (default 32)
  --seed <text>       names the run: the same seed issues the same commands with the same ids (default "eventbank")
  --help              show this help

Without EVENTSTORE_CONNECTION_STRING and DATABASE_URL it starts its own embedded store,
PostgreSQL and worker on free ports, on --data-dir; serve that data afterwards with
\`DATA_DIR=<dir> npm start\`. With both set it writes to those servers, whose worker projects.
Progress is saved in <data-dir>/seed-state.json: run the same command again after a crash and
it carries on where it stopped (commands are idempotent; the ones in flight are issued again).`;

export type SeedOptions = {
  accounts: number;
  events: number;
  dataDir: string | undefined;
  concurrency: number;
  seed: string;
};

export { UsageError };

const count = (name: string, min: number, max: number) =>
  z
    .string({ error: `${name} is required` })
    .regex(/^\d+$/, { message: `${name} must be a whole number` })
    .transform(Number)
    .refine((n) => n >= min && n <= max, { message: `${name} must be from ${min} to ${max}` });

const schema = z
  .object({
    accounts: count('--accounts', 1, 1_000_000),
    events: count('--events', 1, 100_000_000),
    'data-dir': z.string().min(1, { message: '--data-dir cannot be empty' }).optional(),
    concurrency: count('--concurrency', 1, 512).default(32),
    seed: z
      .string()
      .regex(/^[A-Za-z0-9._-]{1,64}$/, { message: '--seed may hold letters, digits, ".", "_" and "-" (1 to 64)' })
      .default('eventbank'),
  })
  .refine((o) => o.events >= o.accounts, { message: '--events counts the openings too, so it must be at least --accounts' });

export function parseSeedArgs(argv: string[]): SeedOptions | 'help' {
  const parsed = parseCommandLine(argv, {
    accounts: { type: 'string' },
    events: { type: 'string' },
    'data-dir': { type: 'string' },
    concurrency: { type: 'string' },
    seed: { type: 'string' },
  });
  if (parsed === 'help') return 'help';
  const o = validateOptions(schema, parsed.values);
  return { accounts: o.accounts, events: o.events, dataDir: o['data-dir'], concurrency: o.concurrency, seed: o.seed };
}
