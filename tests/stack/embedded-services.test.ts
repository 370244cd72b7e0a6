// `npm run dev` promises that stopping and starting again keeps every account: this runs the
// stack's embedded servers (scripts/embedded-services.ts, as scripts/stack.ts does), writes to
// both, stops them with SIGTERM, starts them again on the same DATA_DIR and reads the data back.

import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { EventStoreDBClient, jsonEvent } from '@eventstore/db-client';
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/free-port';

const root = fileURLToPath(new URL('../..', import.meta.url));

type Services = { child: ChildProcess; eventStoreConnectionString: string; databaseUrl: string };

function startServices(env: NodeJS.ProcessEnv): Promise<Services> {
  const child = spawn(
    process.execPath,
    ['--conditions=react-server', '--import', 'tsx', path.join(root, 'scripts/embedded-services.ts'), '--eventstore', '--postgres'],
    { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`services not ready in time:\n${stderr}`)), 90_000);
    readline.createInterface({ input: child.stdout! }).on('line', (line) => {
      if (!line.startsWith('READY ')) return;
      clearTimeout(timer);
      resolve({ child, ...(JSON.parse(line.slice('READY '.length)) as Omit<Services, 'child'>) });
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`services exited (${code}) before READY:\n${stderr}`));
    });
  });
}

function stop(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve(child.exitCode);
    child.once('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });
}

describe('embedded services of the stack', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'eventbank-stack-test-'));
  // Embedded PostgreSQL runs as the unprivileged postgres user, which must reach its directory.
  chmodSync(dataDir, 0o755);
  const running: ChildProcess[] = [];

  afterAll(async () => {
    for (const child of running) await stop(child);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('stop cleanly on SIGTERM and keep events and rows across a restart', async () => {
    const env = {
      ...process.env,
      DATA_DIR: dataDir,
      EVENTSTORE_PORT: String(await freePort()),
      POSTGRES_PORT: String(await freePort()),
      EVENTSTORE_CONNECTION_STRING: '',
      DATABASE_URL: '',
    };

    const first = await startServices(env);
    running.push(first.child);
    const client = EventStoreDBClient.connectionString(first.eventStoreConnectionString);
    await client.appendToStream('restart-check', jsonEvent({ type: 'Checked', data: { n: 1 } }));
    await client.dispose();
    const sql = postgres(first.databaseUrl, { onnotice: () => {} });
    await sql`CREATE TABLE restart_check (n int)`;
    await sql`INSERT INTO restart_check VALUES (42)`;
    await sql.end();
    expect(await stop(first.child)).toBe(0);

    const second = await startServices(env);
    running.push(second.child);
    const again = EventStoreDBClient.connectionString(second.eventStoreConnectionString);
    const events = [];
    for await (const resolved of again.readStream('restart-check')) events.push(resolved.event);
    await again.dispose();
    expect(events.map((e) => [e?.type, e?.data])).toEqual([['Checked', { n: 1 }]]);
    const sql2 = postgres(second.databaseUrl, { onnotice: () => {} });
    const rows = await sql2<{ n: number }[]>`SELECT n FROM restart_check`;
    await sql2.end();
    expect(rows.map((r) => r.n)).toEqual([42]);
    expect(await stop(second.child)).toBe(0);
  });
});
