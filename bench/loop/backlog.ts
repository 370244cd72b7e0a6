// A backlog of account events with the bank's realistic mix (an opening per account, then
// deposits, payments and renames), appended straight to the store, fast: the catch-up phase
// measures the worker, not the command handlers. Every event is valid and consistent (payments
// only to accounts opened earlier, never overdrawing), with the metadata commands write.
import { randomUUID } from 'node:crypto';
import { jsonEvent, NO_STREAM, type EventStoreDBClient } from '@eventstore/db-client';
import type { AccountEvent } from '@/lib/domain';
import { accountNumberFor } from '@/lib/eventstore/serialization/ids';
import { accountStream } from '@/lib/eventstore/serialization/streams';

export async function appendBacklog(
  client: EventStoreDBClient,
  events: number,
  options: { accounts?: number; concurrency?: number; seed?: string } = {},
): Promise<number> {
  const accounts = options.accounts ?? Math.max(10, Math.round(events / 50));
  const concurrency = options.concurrency ?? 32;
  const seed = options.seed ?? randomUUID();
  const numbers = Array.from({ length: accounts }, (_, i) => accountNumberFor(`backlog-${seed}-${i}`));
  const balance = new Map(numbers.map((n) => [n, 1_000_000n]));
  const revision = new Map<string, bigint>();
  const data = (event: AccountEvent) => {
    const commandId = randomUUID();
    return jsonEvent({
      id: randomUUID(),
      type: event.type,
      data: event.data,
      metadata: { commandId, correlationId: commandId, causationId: commandId },
    });
  };
  const inParallel = async (work: Array<() => Promise<void>>) => {
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < work.length) await work[next++]!();
      }),
    );
  };

  // Round 0: every opening, so any later payment's payee exists.
  await inParallel(
    numbers.map((n) => async () => {
      await client.appendToStream(
        accountStream(n),
        data({ type: 'AccountOpened', data: { accountNumber: n, holderName: `Backlog ${n}`, openingBalanceCents: 1_000_000 } }),
        { expectedRevision: NO_STREAM },
      );
      revision.set(n, 0n);
    }),
  );
  let written = accounts;
  // Then rounds of a few events per account, each account's chunk in one append.
  const perChunk = 7;
  while (written < events) {
    const work: Array<() => Promise<void>> = [];
    for (const n of numbers) {
      if (written >= events) break;
      const chunk: AccountEvent[] = [];
      for (let i = 0; i < perChunk && written < events; i++, written++) {
        const r = Math.random();
        if (r < 0.4) {
          const cents = 1 + Math.floor(Math.random() * 5_000);
          balance.set(n, balance.get(n)! + BigInt(cents));
          chunk.push({ type: 'MoneyDeposited', data: { accountNumber: n, amountCents: cents } });
        } else if (r < 0.92) {
          const payee = numbers[Math.floor(Math.random() * numbers.length)]!;
          const cents = 1 + Math.floor(Math.random() * 2_000);
          if (payee === n || balance.get(n)! < BigInt(cents)) {
            chunk.push({ type: 'MoneyDeposited', data: { accountNumber: n, amountCents: 100 } });
            balance.set(n, balance.get(n)! + 100n);
            continue;
          }
          balance.set(n, balance.get(n)! - BigInt(cents));
          chunk.push({
            type: 'PaymentMade',
            data: { payerAccountNumber: n, payeeAccountNumber: payee, amountCents: cents, reference: `invoice ${written}` },
          });
        } else {
          chunk.push({
            type: 'HolderNameChanged',
            data: { accountNumber: n, holderName: `Renamed ${written}`, previousHolderName: `Backlog ${n}` },
          });
        }
      }
      const expected = revision.get(n)!;
      revision.set(n, expected + BigInt(chunk.length));
      work.push(async () => {
        await client.appendToStream(accountStream(n), chunk.map(data), { expectedRevision: expected });
      });
    }
    await inParallel(work);
  }
  return written;
}
