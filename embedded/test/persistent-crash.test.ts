// kill -9 while a persistent subscription is being consumed (checkpoints and acks in flight):
// after a restart on the same data directory every event not acknowledged before the kill is
// delivered again (at least once, never a gap) and nothing before the checkpoint is repeated.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { EventStoreDBClient, START, persistentSubscriptionToStreamSettingsFromDefaults } from '@eventstore/db-client';
import { startEventStore } from '../src/index.js';
import { waitFor } from './support.js';
import { consume, numbered, numbers, waitForCount } from './persistent-support.js';

const CLI = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const dataDir = mkdtempSync(join(tmpdir(), 'es-persistent-crash-'));
const children: ChildProcess[] = [];

afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

/** Starts the CLI server in a child process and resolves with its connection string. */
async function startChild(): Promise<{ child: ChildProcess; connectionString: string }> {
  const child = spawn(process.execPath, ['--import', TSX, CLI, '--port', '0', '--data-dir', dataDir], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const connectionString = await new Promise<string>((resolve, reject) => {
    const deadline = setTimeout(() => reject(new Error(`server child not ready; stderr: ${err}`)), 60_000);
    child.on('exit', (code, signal) => {
      clearTimeout(deadline);
      reject(new Error(`server child exited (${code ?? signal}); stderr: ${err}`));
    });
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /esdb:\/\/\S+/.exec(out);
      if (m) {
        clearTimeout(deadline);
        resolve(m[0]);
      }
    });
  });
  child.removeAllListeners('exit');
  return { child, connectionString };
}

it('resumes after kill -9 with no gap', async () => {
  const total = 300;
  const s = 'crash-orders';
  const { child, connectionString } = await startChild();
  const client = EventStoreDBClient.connectionString(connectionString);
  await client.appendToStream(
    s,
    Array.from({ length: total }, (_, i) => numbered(i)),
  );
  await client.createPersistentSubscriptionToStream(
    s,
    'g',
    persistentSubscriptionToStreamSettingsFromDefaults({ startFrom: START, checkPointLowerBound: 1, checkPointUpperBound: 3 }),
  );

  const acked = new Set<number>();
  // Acks the first 200, then holds 20 in flight unacknowledged when the server dies.
  const before = consume(client.subscribeToPersistentSubscriptionToStream(s, 'g', { bufferSize: 20 }), async (e, sub) => {
    const n = (e.event!.data as { n: number }).n;
    if (n >= 200) return;
    await sub.ack(e);
    acked.add(n);
  });
  await waitForCount(before, 220);
  await waitFor(
    async () => ((await client.getPersistentSubscriptionToStreamInfo(s, 'g')).stats.lastCheckpointedEventRevision ?? -1n) >= 100n,
    'a checkpoint past 100',
  );
  // The acks already sent may or may not have reached the server: only the ones we know were
  // written count as acknowledged, so take the set before the kill.
  const ackedBeforeKill = new Set(acked);
  child.kill('SIGKILL');
  await new Promise<void>((resolve) =>
    child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve()),
  );
  await client.dispose().catch(() => undefined);

  const server = await startEventStore({ port: 0, dataDir });
  const again = EventStoreDBClient.connectionString(server.connectionString);
  try {
    const info = await again.getPersistentSubscriptionToStreamInfo(s, 'g');
    const checkpoint = info.stats.lastCheckpointedEventRevision;
    expect(checkpoint).toBeGreaterThanOrEqual(100n);
    const after = consume(again.subscribeToPersistentSubscriptionToStream(s, 'g'));
    const expected = checkpoint === undefined ? total : total - Number(checkpoint) - 1;
    await waitForCount(after, expected, `${expected} events after the restart`, 20_000);
    const redelivered = numbers(after.received);
    // strictly after the checkpoint, in order, up to the end
    const first = checkpoint === undefined ? 0 : Number(checkpoint) + 1;
    expect(redelivered).toEqual(Array.from({ length: expected }, (_, i) => first + i));
    expect(first).toBeLessThanOrEqual(200);
    // the checkpoint never passes an event that was not acknowledged
    for (let n = 0; n < first; n++) expect(ackedBeforeKill.has(n) || acked.has(n)).toBe(true);
    await after.sub.unsubscribe();
  } finally {
    await again.dispose();
    await server.close();
  }
});
