import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { FAULT_KINDS, parseSoakArgs, UsageError } from '@/bench/soak/options';
import type { SoakReport } from '@/bench/soak/run';
import { runScript, type ScriptRun } from '../support/run-script';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
// Kept when the soak fails: its JSON and the services' logs are the evidence.
const dirs: { dir: string; passed: boolean }[] = [];
afterAll(async () => {
  for (const { dir, passed } of dirs) if (passed) await rm(dir, { recursive: true, force: true });
});

function runSoak(args: string[]): Promise<ScriptRun> {
  // The embedded stack, whatever this shell points at: the soak kills and restarts what it starts.
  const env = { ...process.env };
  delete env.EVENTSTORE_CONNECTION_STRING;
  delete env.DATABASE_URL;
  delete env.PAYMENT_DECISION_SOURCE;
  return runScript('bench/soak.ts', args, { cwd: ROOT, env });
}

describe('soak flags', () => {
  it('refuse bad values before anything starts', () => {
    expect(() => parseSoakArgs(['--minutes', '0'])).toThrow(UsageError);
    expect(() => parseSoakArgs(['--clients', 'many'])).toThrow(/--clients must be an integer/);
    expect(() => parseSoakArgs(['--minutes', '1', '--seconds', '30'])).toThrow(/not both/);
    expect(() => parseSoakArgs(['--faults', 'worker-kill,meteor'])).toThrow(/Unknown fault 'meteor'/);
    expect(() => parseSoakArgs(['--decision-source', 'crystal-ball'])).toThrow(/read-model or event-store/);
    expect(() => parseSoakArgs(['--out', 'results.txt'])).toThrow(/\.json/);
    expect(() => parseSoakArgs(['--bogus'])).toThrow(UsageError);
  });

  it('default to every fault kind, and take the decision source from the environment', () => {
    const options = parseSoakArgs(['--minutes', '10'], { PAYMENT_DECISION_SOURCE: 'event-store' });
    expect(options).toMatchObject({ durationMs: 600_000, clients: 50, accounts: 20, hot: 3, decisionSource: 'event-store' });
    expect(options !== 'help' && options.faults).toEqual([...FAULT_KINDS]);
  });
});

describe('a short soak', () => {
  it(
    'keeps every invariant through worker, store and PostgreSQL kills, poison events and lost responses',
    { timeout: 170_000 },
    async () => {
      const dir = await mkdtemp(path.join(tmpdir(), 'eventbank-soak-test-'));
      const kept = { dir, passed: false };
      dirs.push(kept);
      const out = path.join(dir, 'soak.json');
      const run = await runSoak([
        '--seconds',
        '45',
        '--clients',
        '12',
        '--accounts',
        '10',
        '--hot',
        '3',
        '--fault-gap',
        '3',
        '--down',
        '1.5',
        '--checkpoint-every',
        '25',
        '--settle-timeout',
        '30',
        '--out',
        out,
      ]);
      const report = JSON.parse(await readFile(out, 'utf8').catch(() => 'null')) as SoakReport | null;
      expect(report, `no report (kept ${dir}); exit ${run.code}\n${run.stderr.slice(-4000)}`).not.toBeNull();
      // Breaks first: they say what went wrong, the exit code only that something did.
      expect(report!.breaks, `breaks (report and logs kept in ${dir})`).toEqual([]);
      expect(run.code).toBe(0);

      const injected = new Set(report!.faults.filter((f) => !f.error).map((f) => f.kind));
      expect([...injected].sort()).toEqual([...FAULT_KINDS].sort());
      // The poison fault may come round more than once before every kind has been injected: each time it appends
      // an unknown event type; the NUL holder name only once here (one victim per four cold accounts).
      const poisonKinds = report!.poisons.map((p) => p.kind);
      expect(new Set(poisonKinds)).toEqual(new Set(['nul-holder-name', 'unknown-type']));
      expect(poisonKinds.filter((kind) => kind === 'nul-holder-name')).toHaveLength(1);
      // The poisoned account is held, and only it.
      expect(report!.accounts.held).toHaveLength(1);
      const finalCheck = report!.checkpoints.at(-1)!;
      expect(finalCheck.label).toBe('final');
      expect(report!.checkpoints.length).toBeGreaterThanOrEqual(2);
      expect(finalCheck.invariants.find((r) => r.name === 'holds')!.checked).toBe(1);
      expect(finalCheck.invariants.find((r) => r.name === 'exactly-once')!.checked).toBeGreaterThan(100);
      expect(report!.operations.payment.ok).toBeGreaterThan(50);
      expect(run.stdout).toContain('No breaks.');
      kept.passed = true;
    },
  );
});
