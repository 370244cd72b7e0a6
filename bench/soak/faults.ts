// The faults, injected one at a time. Each returns when the service is back; the caller counts
// its window (injection to recovery) as that fault's phase.
import { ANY, jsonEvent, type EventStoreDBClient } from '@eventstore/db-client';
import { accountStream } from '@/lib/eventstore/serialization/streams';
import type { FaultKind } from './options';
import type { SoakStack } from './stack';

export type FaultRecord = {
  kind: FaultKind;
  startedAt: number;
  endedAt?: number;
  /** What was done, for the report (pid killed, poison written...). */
  detail: string;
  error?: string;
  /** worker-kill: from the new worker's start to its first projected event (the "projecting within 2 s"). */
  recoveryMs?: number;
};

export type Poison = {
  commandId: string;
  kind: 'nul-holder-name' | 'unknown-type';
  account: string;
  eventId?: string;
  revision?: bigint;
};

/** Which faults this stack can inject, and why the others are skipped. */
export function availableFaults(stack: SoakStack, wanted: readonly FaultKind[]): { faults: FaultKind[]; skipped: string[] } {
  const skipped: string[] = [];
  const faults = wanted.filter((kind) => {
    if (kind === 'store-kill' && !stack.store) {
      skipped.push('store-kill: EVENTSTORE_CONNECTION_STRING names an external event store, which the soak cannot kill');
      return false;
    }
    if (kind === 'pg-restart' && !stack.postgres) {
      skipped.push('pg-restart: DATABASE_URL names an external PostgreSQL, which the soak cannot stop');
      return false;
    }
    return true;
  });
  return { faults, skipped };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Kills the worker, starts it again after `downMs`, and measures how long the new one takes to
 * project again: until the projection checkpoint moves (the load keeps appending meanwhile).
 */
export async function killWorker(
  stack: SoakStack,
  downMs: number,
  checkpoint: () => Promise<bigint | null>,
): Promise<{ detail: string; recoveryMs?: number }> {
  const pid = stack.worker.pid;
  await stack.worker.kill9();
  await sleep(downMs);
  const before = await checkpoint();
  const started = Date.now();
  await stack.worker.start();
  const deadline = started + 30_000;
  for (;;) {
    const now = await checkpoint().catch(() => before);
    if (now !== before) {
      const recoveryMs = Date.now() - started;
      return {
        detail: `worker pid ${pid} SIGKILLed, down ${downMs} ms, restarted as pid ${stack.worker.pid}, projecting again ${recoveryMs} ms after its start`,
        recoveryMs,
      };
    }
    if (Date.now() > deadline) {
      return {
        detail: `worker pid ${pid} SIGKILLed, down ${downMs} ms, restarted as pid ${stack.worker.pid}, not projecting 30 s after its start`,
      };
    }
    await sleep(10); // a benchmark's probe, not a test's synchronisation
  }
}

export async function killStore(stack: SoakStack, downMs: number): Promise<string> {
  const store = stack.store!;
  const pid = store.pid;
  await store.kill9();
  await sleep(downMs);
  // The port may still be held for a moment by the dying process's sockets: try a few times.
  for (let tries = 1; ; tries++) {
    try {
      await store.start(30_000);
      break;
    } catch (error) {
      if (tries >= 5) throw error;
      await sleep(500);
    }
  }
  return `event store pid ${pid} killed with kill -9, down ${downMs} ms, restarted on its data as pid ${store.pid}`;
}

export async function restartPostgres(stack: SoakStack, downMs: number): Promise<string> {
  const pg = stack.postgres!;
  const started = Date.now();
  await pg.stop(30_000);
  const stopMs = Date.now() - started;
  await sleep(downMs);
  const ready = JSON.parse(await pg.start(120_000)) as { databaseUrl?: string };
  if (ready.databaseUrl !== stack.databaseUrl) throw new Error('PostgreSQL came back with another URL');
  return `PostgreSQL stopped (${stopMs} ms), down ${downMs} ms, started again on the same data dir and port`;
}

let poisonCount = 0;

/**
 * Events no command would write, appended straight to account streams: a HolderNameChanged whose
 * holderName holds U+0000 (the worker must hold only that stream) and an event of a type the app
 * does not know (the worker must step over it).
 */
export async function appendPoison(client: EventStoreDBClient, kind: Poison['kind'], account: string): Promise<Poison> {
  const commandId = `soak-poison-${++poisonCount}-${Date.now()}`;
  const metadata = { commandId, correlationId: commandId, causationId: commandId };
  const event =
    kind === 'nul-holder-name'
      ? jsonEvent({
          type: 'HolderNameChanged',
          data: { accountNumber: account, holderName: 'Poison\u0000Holder', previousHolderName: 'Soak holder' },
          metadata,
        })
      : jsonEvent({ type: 'SoakUnknownEventType', data: { note: 'an event type the app does not know', account }, metadata });
  const result = await client.appendToStream(accountStream(account), event, { expectedRevision: ANY });
  return { commandId, kind, account, eventId: event.id, revision: result.nextExpectedRevision };
}
