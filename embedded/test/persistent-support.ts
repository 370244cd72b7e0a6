// Helpers for the persistent-subscription tests: a consumer that records what it receives and
// answers each event through a handler, driven only through an official client (client.ts).
import type { PersistentSubscriptionToAll, PersistentSubscriptionToStream } from '@eventstore/db-client';
import { lib } from './client.js';
import { waitFor } from './support.js';

type Sub = PersistentSubscriptionToStream | PersistentSubscriptionToAll;
export type Received = Parameters<Sub['ack']>[0] & { retryCount: number };

export interface TestConsumer {
  readonly sub: Sub;
  readonly received: Received[];
  readonly errors: Error[];
  /** resolves once the server confirmed the subscription */
  readonly confirmed: Promise<void>;
  /** resolves with the first error the subscription emits */
  readonly failed: Promise<Error>;
}

export type Handler = (event: Received, sub: Sub) => void | Promise<void>;

/** Starts consuming; `handler` decides what to do with each event (default: ack). */
export function consume(sub: Sub, handler: Handler = (e, s) => s.ack(e)): TestConsumer {
  const received: Received[] = [];
  const errors: Error[] = [];
  const confirmed = new Promise<void>((resolve) => sub.once('confirmation', () => resolve()));
  const failed = new Promise<Error>((resolve) => sub.once('error', (err: Error) => resolve(err)));
  sub.on('error', (err: Error) => errors.push(err));
  sub.on('data', (event: Received) => {
    received.push(event);
    void Promise.resolve(handler(event, sub)).catch((err: unknown) => errors.push(err as Error));
  });
  return { sub, received, errors, confirmed, failed };
}

/** The id the server expects in acks: the link's when there is one. */
export const ackId = (e: Received): string => (e.link ?? e.event)!.id;

export const numbered = (n: number, type = 'Numbered') => lib.jsonEvent({ type, data: { n } });

export const numbers = (events: readonly Received[]): number[] => events.map((e) => (e.event!.data as { n: number }).n);

export async function waitForCount(c: TestConsumer, count: number, what = `${count} events`, timeoutMs = 10_000): Promise<void> {
  await waitFor(
    () => {
      if (c.errors.length > 0) throw c.errors[0];
      return c.received.length >= count;
    },
    what,
    timeoutMs,
  );
}
