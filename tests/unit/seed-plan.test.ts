import { describe, expect, it } from 'vitest';
import { accountNumberFor } from '@/lib/eventstore/serialization/ids';
import { parseSeedArgs, UsageError } from '@/scripts/seed/args';
import { activityCommand, openCommand } from '@/scripts/seed/plan';
import { makePaymentInputSchema, openAccountInputSchema, depositInputSchema, changeHolderNameInputSchema } from '@/lib/commands/schemas';

const ACCOUNTS = ['a', 'b', 'c', 'd'].map((seed) => accountNumberFor(seed));

describe('the seed plan', () => {
  it('is the same commands with the same ids on every run (what makes a restart safe)', () => {
    for (let i = 0; i < 50; i++) {
      expect(activityCommand('s', i, ACCOUNTS)).toEqual(activityCommand('s', i, ACCOUNTS));
      expect(openCommand('s', i, 100)).toEqual(openCommand('s', i, 100));
    }
    expect(activityCommand('s', 1, ACCOUNTS).commandId).not.toBe(activityCommand('s', 2, ACCOUNTS).commandId);
    expect(activityCommand('s', 1, ACCOUNTS).commandId).not.toBe(activityCommand('t', 1, ACCOUNTS).commandId);
  });

  it('makes commands the handlers accept, in a realistic mix, never a payment to oneself', () => {
    const kinds = new Map<string, number>();
    for (let i = 0; i < 2000; i++) {
      const command = activityCommand('mix', i, ACCOUNTS);
      kinds.set(command.kind, (kinds.get(command.kind) ?? 0) + 1);
      const { kind: _kind, ...input } = command;
      const schema = {
        payment: makePaymentInputSchema,
        deposit: depositInputSchema,
        rename: changeHolderNameInputSchema,
        open: openAccountInputSchema,
      }[command.kind];
      expect(schema.safeParse(input).success, JSON.stringify(command)).toBe(true);
      if (command.kind === 'payment') expect(command.payeeAccountNumber).not.toBe(command.payerAccountNumber);
    }
    expect(kinds.get('payment')! / 2000).toBeCloseTo(0.55, 1);
    expect(kinds.get('deposit')! / 2000).toBeCloseTo(0.38, 1);
    expect(kinds.get('rename')! / 2000).toBeGreaterThan(0.03);
    for (let i = 0; i < 200; i++) expect(openAccountInputSchema.safeParse(openCommand('mix', i, 200)).success).toBe(true);
  });
});

describe('npm run seed arguments', () => {
  it('reads counts and options', () => {
    expect(parseSeedArgs(['--accounts', '10000', '--events', '1000000'])).toEqual({
      accounts: 10_000,
      events: 1_000_000,
      dataDir: undefined,
      concurrency: 32,
      seed: 'eventbank',
    });
    expect(parseSeedArgs(['--accounts=5', '--events=5', '--data-dir', '/tmp/x', '--concurrency', '4', '--seed', 'a.b'])).toMatchObject({
      dataDir: '/tmp/x',
      concurrency: 4,
      seed: 'a.b',
    });
    expect(parseSeedArgs(['--help'])).toBe('help');
  });

  it.each([
    [[], /--accounts is required/],
    [['--accounts', '10'], /--events is required/],
    [['--accounts', '0', '--events', '5'], /--accounts must be from 1/],
    [['--accounts', '1e3', '--events', '5000'], /whole number/],
    [['--accounts', '10', '--events', '5'], /at least --accounts/],
    [['--accounts', '10', '--events', '50', '--concurrency', '0'], /--concurrency/],
    [['--accounts', '10', '--events', '50', '--seed', 'a b'], /--seed/],
    [['--accounts', '10', '--events', '50', '--nope'], /Unknown option/],
    [['--accounts', '10', '--events', '50', 'extra'], /positional/i],
  ])('refuses %j', (argv, message) => {
    expect(() => parseSeedArgs(argv)).toThrow(UsageError);
    expect(() => parseSeedArgs(argv)).toThrow(message);
  });
});
