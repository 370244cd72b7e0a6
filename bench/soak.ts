// `npm run soak -- --minutes 10`: the bank under load on a durable stack while faults are
// injected; exits non-zero on any invariant break. See bench/README.md ("Soak").
import { commandLineOrExit } from '@/lib/cli/command-line';
import { parseSoakArgs, USAGE } from './soak/options';
import { runSoak } from './soak/run';

async function main(): Promise<number> {
  const options = commandLineOrExit('soak', USAGE, () => parseSoakArgs(process.argv.slice(2)));
  const { exitCode } = await runSoak(options);
  return exitCode;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(`soak: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(3);
  },
);
