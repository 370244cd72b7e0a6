import { describe, expect, it } from 'vitest';
import { runScript, type ScriptRun } from '../support/run-script';

// Spawned as npm runs them (react-server condition: see package.json). Every script and benchmark takes its options through lib/cli/command-line.ts (the embedded
// store's CLI has its own, tested in embedded/test/cli.test.ts): --help prints the usage and
// exits 0, an unknown option is refused with a clear message and exit code 2, before anything starts.
const ENTRY_POINTS = [
  ['bench', 'bench/eventstore.ts'],
  ['bench:loop', 'bench/loop.ts'],
  ['bench:live-ops', 'bench/live-ops.ts'],
  ['bench:explain', 'bench/explain-events.ts'],
  ['bench:pages', 'bench/pages.ts'],
  ['bench:time-travel', 'bench/time-travel.ts'],
  ['profile-summary', 'bench/profile-summary.ts'],
  ['soak', 'bench/soak.ts'],
  ['seed', 'scripts/seed.ts'],
  ['rebuild', 'scripts/rebuild.ts'],
  ['reconcile', 'scripts/reconcile.ts'],
  ['migrate', 'scripts/migrate.ts'],
  ['embedded-services', 'scripts/embedded-services.ts'],
  ['stack', 'scripts/stack.ts'],
  ['worker', 'worker/index.ts'],
] as const;

function run(script: string, args: string[]): Promise<ScriptRun> {
  // No configured servers: a script that got past its options would fail differently (or start them).
  return runScript(script, args, { env: { ...process.env, EVENTSTORE_CONNECTION_STRING: '', DATABASE_URL: '' } });
}

describe('command lines of the scripts', () => {
  it.each(ENTRY_POINTS)(
    '%s refuses an unknown option with exit code 2 and answers --help with the usage',
    { timeout: 60_000 },
    async (name, script) => {
      const refused = await run(script, ['--no-such-option']);
      expect(refused.code, refused.stderr).toBe(2);
      expect(refused.stderr).toContain(`${name}: Unknown option '--no-such-option'`);
      expect(refused.stderr).toMatch(/Usage:/);

      const help = await run(script, ['--help']);
      expect(help.code, help.stderr).toBe(0);
      expect(help.stdout).toMatch(/^Usage:/);
    },
  );
});
