import { spawn } from 'node:child_process';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deposit, makePayment, openAccount, type CommandResult } from '@/lib/commands';
import { reconciliationRuns } from '@/lib/db/schema';
import { waitForAccountRevision } from '@/lib/queries';
import { requestReconciliation } from '@/lib/reconciliation/requests';
import { runReconciliation } from '@/lib/reconciliation/run';
import { startOperationsRunner } from '@/worker/operations-runner';
import { eventually, newCommandId, quietLogger, startTestEnvironment, type TestEnvironment } from './support/environment';

let env: TestEnvironment;

beforeAll(async () => {
  env = await startTestEnvironment();
  env.startWorker();
});

afterAll(async () => {
  await env?.stop();
});

async function projected(result: Promise<CommandResult>) {
  const done = await result;
  if (!done.ok) throw new Error(done.message);
  expect(await waitForAccountRevision(done.accountNumber, done.streamRevision, { timeoutMs: 15_000 }, env.db)).toBe(true);
  return done;
}

describe('reconciliation', () => {
  let payer = '';
  let payee = '';

  it('finds no difference after random commands', async () => {
    payer = (await projected(openAccount({ commandId: newCommandId(), holderName: 'Payer', openingBalanceCents: 5_000 }, env.deps)))
      .accountNumber;
    payee = (await projected(openAccount({ commandId: newCommandId(), holderName: 'Payee', openingBalanceCents: 0 }, env.deps)))
      .accountNumber;
    for (let i = 0; i < 20; i++) {
      await projected(
        i % 3 === 0
          ? deposit({ commandId: newCommandId(), accountNumber: payee, amountCents: 10 + i }, env.deps)
          : makePayment(
              { commandId: newCommandId(), payerAccountNumber: payer, payeeAccountNumber: payee, amountCents: 7 * i + 1 },
              env.deps,
            ),
      );
    }
    const report = await runReconciliation({ client: env.client, db: env.db });
    expect(report.accounts).toBeGreaterThanOrEqual(2);
    expect(report.differences).toEqual([]);
  });

  it('reports the one account whose row was changed in PostgreSQL', async () => {
    await env.db.execute(sql`update readmodel.accounts set balance = balance + 1 where number = ${payee}`);
    const report = await runReconciliation({ client: env.client, db: env.db });
    expect(report.differences).toEqual([
      { accountNumber: payee, field: 'balance', expected: expect.any(String), actual: expect.any(String), firstEvent: null },
    ]);
    expect(BigInt(report.differences[0]!.actual!) - BigInt(report.differences[0]!.expected!)).toBe(1n);
    const [run] = await env.db
      .select()
      .from(reconciliationRuns)
      .where(sql`id = ${report.runId}`);
    expect(run).toMatchObject({ status: 'done', message: '1 difference' });
    await env.db.execute(sql`update readmodel.accounts set balance = balance - 1 where number = ${payee}`);
  });

  it('points at the first event of a timeline that lost an entry', async () => {
    const [third] = await env.db.execute<{ event_id: string; position: string }>(sql`
      select event_id, position::text from readmodel.account_history where account_number = ${payee} order by position offset 2 limit 1`);
    await env.db.execute(sql`delete from readmodel.account_history where account_number = ${payee} and event_id = ${third!.event_id}`);
    const report = await runReconciliation({ client: env.client, db: env.db });
    expect(report.differences).toEqual([
      {
        accountNumber: payee,
        field: 'historyLength',
        expected: expect.any(String),
        actual: expect.any(String),
        firstEvent: expect.objectContaining({ eventId: third!.event_id, position: third!.position }),
      },
    ]);
  });

  it('npm run reconcile exits 1 and lists the difference, and the worker runs a reconciliation the app requests', async () => {
    const child = spawn(process.execPath, ['--conditions=react-server', '--import', 'tsx', 'scripts/reconcile.ts'], {
      env: { ...process.env, EVENTSTORE_CONNECTION_STRING: env.eventStoreConnectionString, DATABASE_URL: env.databaseUrl },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(out).toContain(`account ${payee}: historyLength`);
    expect(code).toBe(1);

    const request = await requestReconciliation(env.db);
    expect(request.accepted).toBe(true);
    const runner = startOperationsRunner({ client: env.client, db: env.db, logger: quietLogger });
    try {
      const id = request.accepted ? request.run.id : '';
      const run = await eventually('the requested reconciliation to finish', async () => {
        const [row] = await env.db
          .select()
          .from(reconciliationRuns)
          .where(sql`id = ${id}`);
        return row?.status === 'done' ? row : null;
      });
      expect(run.differences).toEqual([expect.objectContaining({ accountNumber: payee, field: 'historyLength' })]);
    } finally {
      await runner.stop();
      await runner.idle();
    }
  });
});
