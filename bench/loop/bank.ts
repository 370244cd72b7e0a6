// The loop benchmark's customers: accounts opened and payments made through the real command
// handlers (lib/commands), by closed-loop clients or at a fixed rate.
import { randomUUID } from 'node:crypto';
import { makePayment, openAccount, type CommandDeps, type CommandResult } from '@/lib/commands';
import { since } from './stats';

export type Outcome = 'ok' | 'conflict' | 'insufficient_funds' | 'unavailable' | 'other';
export const outcomeOf = (result: CommandResult): Outcome =>
  result.ok
    ? 'ok'
    : result.code === 'conflict' || result.code === 'insufficient_funds' || result.code === 'unavailable'
      ? result.code
      : 'other';

export async function openAccounts(deps: CommandDeps, count: number, openingCents: number, concurrency = 25): Promise<string[]> {
  const numbers: string[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        next += 1;
        const result = await openAccount(
          { commandId: randomUUID(), holderName: `Bench ${numbers.length + 1}`, openingBalanceCents: openingCents },
          deps,
        );
        if (!result.ok) throw new Error(`could not open an account: ${result.message}`);
        numbers.push(result.accountNumber);
      }
    }),
  );
  return numbers;
}

export type PaymentPick = () => { payer: string; payee: string };

/** Uniform over the accounts, payer ≠ payee. */
export const uniformPick =
  (accounts: readonly string[], random = Math.random): PaymentPick =>
  () => {
    const payer = accounts[Math.floor(random() * accounts.length)]!;
    let payee = payer;
    while (payee === payer) payee = accounts[Math.floor(random() * accounts.length)]!;
    return { payer, payee };
  };

/** `hot` accounts pay (and are paid) half the time, the rest the other half. */
export const hotPick = (accounts: readonly string[], hot: number, random = Math.random): PaymentPick => {
  const hotOnes = accounts.slice(0, hot);
  const rest = accounts.slice(hot);
  const any = uniformPick(accounts, random);
  return () => {
    if (random() >= 0.5) return any();
    const payer = hotOnes[Math.floor(random() * hotOnes.length)]!;
    let payee = payer;
    while (payee === payer)
      payee = (random() < 0.5 ? hotOnes : rest)[Math.floor(random() * (random() < 0.5 ? hotOnes.length : rest.length))] ?? payer;
    return { payer, payee };
  };
};

export type Payment = { payer: string; latencyMs: number; outcome: Outcome; revision?: bigint; ackedAt: bigint };

export async function pay(deps: CommandDeps, pick: PaymentPick): Promise<Payment> {
  const { payer, payee } = pick();
  const started = process.hrtime.bigint();
  const result = await makePayment(
    { commandId: randomUUID(), payerAccountNumber: payer, payeeAccountNumber: payee, amountCents: 1 + Math.floor(Math.random() * 100) },
    deps,
  );
  const ackedAt = process.hrtime.bigint();
  return { payer, latencyMs: since(started), outcome: outcomeOf(result), revision: result.ok ? result.streamRevision : undefined, ackedAt };
}

/** `clients` closed-loop clients paying for `durationMs`. */
export async function closedLoop(
  clients: number,
  durationMs: number,
  payOnce: () => Promise<Payment>,
): Promise<{ payments: Payment[]; seconds: number }> {
  const payments: Payment[] = [];
  const started = process.hrtime.bigint();
  const end = Date.now() + durationMs;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (Date.now() < end) payments.push(await payOnce());
    }),
  );
  return { payments, seconds: since(started) / 1000 };
}

/** Open loop: one payment started every 1/rate s whatever the others do (the arrival rate a real bank sees). */
export async function openLoop(
  ratePerSecond: number,
  durationMs: number,
  payOnce: () => Promise<Payment>,
): Promise<{ payments: Payment[]; seconds: number }> {
  const payments: Payment[] = [];
  const inFlight: Promise<void>[] = [];
  const started = process.hrtime.bigint();
  const interval = 1000 / ratePerSecond;
  const total = Math.round((durationMs / 1000) * ratePerSecond);
  const t0 = Date.now();
  for (let i = 0; i < total; i++) {
    const due = t0 + i * interval;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    inFlight.push(payOnce().then((p) => void payments.push(p)));
  }
  await Promise.all(inFlight);
  return { payments, seconds: since(started) / 1000 };
}
