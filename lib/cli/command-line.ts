import { parseArgs, type ParseArgsConfig } from 'node:util';
import { z } from 'zod';

/**
 * The command line of every script and benchmark: node:util parseArgs in strict mode (unknown
 * options, missing or unexpected values and stray arguments are refused), `--help`/`-h` added
 * to every one, and one way to end: usage on stdout and exit 0 for help, the reason and the
 * usage on stderr and exit 2 for anything malformed.
 */
export class UsageError extends Error {}

type ParseArgsOptionsConfig = NonNullable<ParseArgsConfig['options']>;

type Parsed<O extends ParseArgsOptionsConfig> = ReturnType<
  typeof parseArgs<{ options: O & { help: { type: 'boolean'; short: 'h' } }; strict: true; allowPositionals: boolean; args: string[] }>
>;

export function parseCommandLine<const O extends ParseArgsOptionsConfig>(
  argv: readonly string[],
  options: O,
  config: { allowPositionals?: boolean } = {},
): (Omit<Parsed<O>, 'values'> & { values: Omit<Parsed<O>['values'], 'help'> }) | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: config.allowPositionals ?? false,
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { help, ...values } = parsed.values as Record<string, unknown>;
  if (help) return 'help';
  return { ...parsed, values } as unknown as Omit<Parsed<O>, 'values'> & { values: Omit<Parsed<O>['values'], 'help'> };
}

/** Option values checked by a zod schema; its messages become one UsageError. */
export function validateOptions<S extends z.ZodType>(schema: S, values: unknown): z.infer<S> {
  const result = schema.safeParse(values);
  if (!result.success) throw new UsageError(result.error.issues.map((issue) => issue.message).join('; '));
  return result.data;
}

/**
 * Runs a CLI's argument parsing: 'help' prints the usage and exits 0; a UsageError prints
 * `<name>: <reason>` and the usage on stderr and exits 2. Anything else is a bug and is rethrown.
 */
export function commandLineOrExit<T>(name: string, usage: string, parse: () => T | 'help'): T {
  let parsed: T | 'help';
  try {
    parsed = parse();
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`${name}: ${error.message}\n\n${usage}`);
    process.exit(2);
  }
  if (parsed === 'help') {
    console.log(usage);
    process.exit(0);
  }
  return parsed;
}

/** A whole number from min to max given as an option's text, or the fallback when absent. */
export function integerOption(flag: string, raw: string | undefined, min: number, max: number): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!/^-?\d+$/.test(raw.trim()) || !Number.isInteger(value) || value < min || value > max) {
    throw new UsageError(`--${flag} must be a whole number from ${min} to ${max}, got '${raw}'`);
  }
  return value;
}
