// `npm run soak -- --minutes 10`: the bank under load on a durable stack while faults are
// injected; exits non-zero on any invariant break. See bench/README.md ("Soak").
import { parseSoakArgs, USAGE, UsageError, type SoakOptions } from './soak/options';
import { runSoak } from './soak/run';

async function main(): Promise<number> {
  let options: SoakOptions | 'help';
  try {
    options = parseSoakArgs(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`soak: ${error.message}\n\n${USAGE}`);
    return 2;
  }
  if (options === 'help') {
    console.log(USAGE);
    return 0;
  }
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
