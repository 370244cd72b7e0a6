import { createHash } from 'node:crypto';
import { uuidV5 } from '@/lib/eventstore/serialization/ids';

/**
 * The seed's commands, as a pure function of (seed, index): a restarted seed issues the very
 * same commands with the very same command ids, so whatever the first run stored is found by
 * the handlers' idempotency and nothing is written twice.
 */

export type SeedCommand =
  | { kind: 'open'; commandId: string; holderName: string; openingBalanceCents: number }
  | { kind: 'deposit'; commandId: string; accountNumber: string; amountCents: number }
  | { kind: 'rename'; commandId: string; accountNumber: string; holderName: string }
  | {
      kind: 'payment';
      commandId: string;
      payerAccountNumber: string;
      payeeAccountNumber: string;
      amountCents: number;
      reference?: string;
    };

const SEED_NAMESPACE = '6f1d2c4e-8a3b-5d7f-9e0a-1b2c3d4e5f60';

export function seedCommandId(seed: string, phase: 'open' | 'activity', index: number): string {
  return uuidV5(`seed:${seed}:${phase}:${index}`, SEED_NAMESPACE);
}

/** A small deterministic generator (mulberry32) per command, seeded from a hash of (seed, index). */
export function randomFor(seed: string, phase: string, index: number): () => number {
  let state = createHash('sha256').update(`${seed}:${phase}:${index}`).digest().readUInt32LE(0);
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIRST_NAMES = [
  'Ada',
  'Alan',
  'Amara',
  'Ben',
  'Chloe',
  'Dmitri',
  'Elena',
  'Farah',
  'Grace',
  'Hiro',
  'Ines',
  'Jamal',
  'Kai',
  'Lena',
  'Mateo',
  'Nadia',
  'Omar',
  'Priya',
  'Quentin',
  'Rosa',
  'Sven',
  'Tara',
  'Umar',
  'Vera',
  'Wen',
  'Ximena',
  'Yusuf',
  'Zoe',
];
const LAST_NAMES = [
  'Lovelace',
  'Turing',
  'Okafor',
  'Berg',
  'Martin',
  'Ivanov',
  'Rossi',
  'Haddad',
  'Hopper',
  'Tanaka',
  'García',
  'Khan',
  'Nguyen',
  'Schmidt',
  'Silva',
  'Novak',
  'Cohen',
  'Patel',
  'Dubois',
  'Moreno',
  'Larsen',
  'Walsh',
  'Kowalski',
  'Chen',
];
const BUSINESSES = ['Corner Bakery', 'City Utilities', 'Harbour Rentals', 'Green Grocers', 'Metro Transit', 'Bright Dental'];
const REFERENCES = [
  'Rent',
  'Groceries',
  'Dinner',
  'Coffee',
  'Birthday gift',
  'Utilities',
  'Loan repayment',
  'Concert tickets',
  'Books',
  'Gym membership',
  'Taxi',
  'Holiday deposit',
  'Phone bill',
  'Insurance',
  'School trip',
  'Plumber',
  'Flowers',
];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

const pick = <T>(random: () => number, items: readonly T[]): T => items[Math.floor(random() * items.length)];
const between = (random: () => number, min: number, max: number) => min + Math.floor(random() * (max - min + 1));

/** Share of accounts that are businesses: they receive a fifth of all payments, so some timelines run deep. */
const BUSINESS_SHARE = 0.01;

export function holderNameFor(random: () => number, index: number, accounts: number): string {
  if (index < Math.max(1, Math.floor(accounts * BUSINESS_SHARE))) return `${pick(random, BUSINESSES)} ${index + 1}`;
  return `${pick(random, FIRST_NAMES)} ${pick(random, LAST_NAMES)}`;
}

export function openCommand(seed: string, index: number, accounts: number): SeedCommand {
  const random = randomFor(seed, 'open', index);
  const holderName = holderNameFor(random, index, accounts);
  // Some open empty; most with up to $5,000.
  const openingBalanceCents = random() < 0.1 ? 0 : between(random, 100_00, 5_000_00);
  return { kind: 'open', commandId: seedCommandId(seed, 'open', index), holderName, openingBalanceCents };
}

/**
 * The index-th command after the openings: 55 % payments (a fifth of them to the 1 % business
 * accounts), 38 % deposits, 7 % renames. Amounts mostly small, with a tail, so amount filters
 * have something to find at both ends.
 */
export function activityCommand(seed: string, index: number, accountNumbers: readonly string[]): SeedCommand {
  const random = randomFor(seed, 'activity', index);
  const commandId = seedCommandId(seed, 'activity', index);
  const account = () => accountNumbers[Math.floor(random() * accountNumbers.length)];
  const roll = random();
  if (roll < 0.55) {
    const payer = account();
    const businesses = Math.max(1, Math.floor(accountNumbers.length * BUSINESS_SHARE));
    let payee = random() < 0.2 ? accountNumbers[Math.floor(random() * businesses)] : account();
    if (payee === payer) payee = accountNumbers[(accountNumbers.indexOf(payer) + 1) % accountNumbers.length];
    const amountCents = random() < 0.9 ? between(random, 1_00, 150_00) : between(random, 150_00, 2_000_00);
    const kindOfReference = random();
    const reference =
      kindOfReference < 0.3
        ? undefined
        : kindOfReference < 0.8
          ? pick(random, REFERENCES)
          : kindOfReference < 0.95
            ? `${pick(random, REFERENCES)} ${pick(random, MONTHS)}`
            : `Invoice ${between(random, 1000, 99999)}`;
    return {
      kind: 'payment',
      commandId,
      payerAccountNumber: payer,
      payeeAccountNumber: payee,
      amountCents,
      ...(reference ? { reference } : {}),
    };
  }
  if (roll < 0.93) {
    const amountCents = random() < 0.8 ? between(random, 10_00, 500_00) : between(random, 500_00, 5_000_00);
    return { kind: 'deposit', commandId, accountNumber: account(), amountCents };
  }
  return { kind: 'rename', commandId, accountNumber: account(), holderName: `${pick(random, FIRST_NAMES)} ${pick(random, LAST_NAMES)}` };
}
