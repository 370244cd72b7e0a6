// kill -9 durability (issue 2, point 6): a child appends through the official client and prints
// every acknowledged append; we SIGKILL it mid-stream several times, restarting on the same data
// dir, then check that every acknowledged event is there exactly once, in order, at its position.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { EventStoreDBClient, FORWARDS, START, type ResolvedEvent } from '@eventstore/db-client';
import { startEventStore } from '../src/index.js';

const CHILD = fileURLToPath(new URL('./fixtures/crash-child.ts', import.meta.url));
// The child runs TypeScript through tsx's loader, resolved from here so the cwd does not matter.
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const WRITERS = 8;
const ROUNDS = 4;

interface Ack {
  stream: string;
  ids: string[];
  revision: string;
  position: string;
}

const dataDir = mkdtempSync(join(tmpdir(), 'es-crash-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

/** Runs one child until it has acknowledged `minAcks` appends, then kills it with SIGKILL. */
async function roundWithKill(acks: Ack[], minAcks: number): Promise<void> {
  const child = spawn(process.execPath, ['--import', TSX, CHILD, dataDir, String(WRITERS)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  let buffered = '';
  let roundAcks = 0;
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));

  await new Promise<void>((resolve, reject) => {
    const deadline = setTimeout(() => reject(new Error(`child made ${roundAcks} acks before the deadline; stderr: ${stderr}`)), 60_000);
    child.on('exit', (code, signal) => {
      clearTimeout(deadline);
      reject(new Error(`child exited early (${code ?? signal}); stderr: ${stderr}`));
    });
    child.stdout!.on('data', (d: Buffer) => {
      buffered += d.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) {
        if (line === 'READY' || line.length === 0) continue;
        acks.push(JSON.parse(line) as Ack);
        roundAcks++;
      }
      if (roundAcks >= minAcks) {
        clearTimeout(deadline);
        // Killed while its writers are mid-append: some appends are in flight, unacknowledged.
        child.kill('SIGKILL');
        resolve();
      }
    });
  });
  await exited;
  // Lines written before the kill may still be in the pipe: they were acknowledged too.
  for (const line of buffered.split('\n')) if (line.length > 0 && line !== 'READY') acks.push(JSON.parse(line) as Ack);
}

it('keeps every acknowledged append exactly once across repeated SIGKILLs', async () => {
  const acks: Ack[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    // Vary the kill point so it lands at different moments: right after start-up, then mid-load.
    await roundWithKill(acks, round === 0 ? 1 : 100 + round * 97);
  }
  expect(acks.length).toBeGreaterThanOrEqual(1 + (ROUNDS - 1) * 100);

  const server = await startEventStore({ port: 0, dataDir });
  const client = EventStoreDBClient.connectionString(server.connectionString);
  try {
    const byId = new Map<string, { stream: string; revision: bigint; position: bigint }>();
    for (let w = 0; w < WRITERS; w++) {
      const stream = `crash-${w}`;
      const events: ResolvedEvent[] = [];
      for await (const e of client.readStream(stream, { direction: FORWARDS, fromRevision: START })) events.push(e);
      events.forEach((e, i) => {
        // contiguous revisions from 0, strictly increasing positions, each id once
        expect(e.event!.revision).toBe(BigInt(i));
        if (i > 0) expect(e.event!.position!.commit > events[i - 1].event!.position!.commit).toBe(true);
        expect(byId.has(e.event!.id)).toBe(false);
        byId.set(e.event!.id, { stream, revision: e.event!.revision, position: e.event!.position!.commit });
      });
    }
    for (const ack of acks) {
      const last = BigInt(ack.revision);
      ack.ids.forEach((id, i) => {
        const stored = byId.get(id);
        expect(stored, `acknowledged event ${id} in ${ack.stream} is missing`).toBeDefined();
        expect(stored!.stream).toBe(ack.stream);
        expect(stored!.revision).toBe(last - BigInt(ack.ids.length - 1 - i));
      });
      expect(byId.get(ack.ids[ack.ids.length - 1])!.position).toBe(BigInt(ack.position));
    }
    // $all holds each of them exactly once too, in increasing position order.
    const seen = new Set<string>();
    let previous = -1n;
    for await (const e of client.readAll({ direction: FORWARDS, fromPosition: START })) {
      expect(e.event!.position!.commit > previous).toBe(true);
      previous = e.event!.position!.commit;
      if (!e.event!.streamId.startsWith('crash-')) continue;
      expect(seen.has(e.event!.id)).toBe(false);
      seen.add(e.event!.id);
    }
    expect(seen.size).toBe(byId.size);
  } finally {
    await client.dispose();
    await server.close();
  }
}, 300_000);
