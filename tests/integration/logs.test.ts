import { jsonEvent } from '@eventstore/db-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deposit } from '@/lib/commands';
import { createEventStoreClient } from '@/lib/eventstore/connection/client';
import { accountNumberFor } from '@/lib/eventstore/serialization/ids';
import { accountStream } from '@/lib/eventstore/serialization/streams';
import type { LogFields, Logger } from '@/lib/log';
import { captureLogs as jsonLines } from '../support/capture-logs';
import { freePort } from '../support/free-port';
import { eventually, newCommandId, startTestEnvironment, type TestEnvironment } from './support/environment';

// What the worker and the command handlers log about a failure names the event and the command
// it came from, so the line leads to the event log and back.
let env: TestEnvironment;

beforeAll(async () => {
  env = await startTestEnvironment();
});

afterAll(async () => {
  await env?.stop();
});

describe('structured logs', () => {
  it("the worker's line about an event it parks carries the stream, revision, event, command and correlation ids", async () => {
    const logged: Array<{ level: string; message: string; fields?: LogFields }> = [];
    const record = (level: string) => (message: string, fields?: LogFields) => void logged.push({ level, message, fields });
    env.startWorker({ group: 'logs', logger: { info: record('info'), warn: record('warn'), error: record('error') } });
    const poisoned = accountNumberFor(`logs-poison-${newCommandId()}`);
    const commandId = newCommandId();
    const correlationId = newCommandId();
    const appended = await env.client.appendToStream(
      accountStream(poisoned),
      jsonEvent({
        type: 'AccountOpened',
        data: { accountNumber: poisoned, holderName: '', openingBalanceCents: -5 },
        metadata: { commandId, correlationId, causationId: commandId },
      }),
    );
    const line = await eventually('the worker to log the parking', () =>
      logged.find((l) => l.level === 'warn' && l.message.includes('parking')),
    );
    expect(line.fields).toMatchObject({
      stream: accountStream(poisoned),
      revision: 0n,
      eventType: 'AccountOpened',
      commandId,
      correlationId,
    });
    expect(typeof line.fields?.eventId).toBe('string');
    expect(appended.nextExpectedRevision).toBe(0n);
  });

  it("a command handler's failure line carries the command and its ids, as JSON", async () => {
    const { logger, lines } = jsonLines();
    const global = globalThis as unknown as { __eventbankLogger?: Logger };
    const previous = global.__eventbankLogger;
    global.__eventbankLogger = logger;
    // A store nobody listens on: the command fails before anything is written.
    const nowhere = createEventStoreClient(`esdb://127.0.0.1:${await freePort()}?tls=false`);
    try {
      const commandId = newCommandId();
      const result = await deposit(
        { commandId, accountNumber: accountNumberFor('logs-nowhere'), amountCents: 100 },
        { ...env.deps, eventStore: nowhere },
      );
      expect(result).toMatchObject({ ok: false, code: 'unavailable' });
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatchObject({
        level: 50,
        component: 'commands',
        command: 'Deposit',
        commandId,
        correlationId: commandId,
        outcome: 'unavailable',
      });
      expect((lines[0]!.err as { message?: string }).message).toMatch(/ECONNREFUSED|No connection established|unavailable/i);
    } finally {
      global.__eventbankLogger = previous;
      await nowhere.dispose().catch(() => {});
    }
  });
});
