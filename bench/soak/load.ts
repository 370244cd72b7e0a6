// The bank's customers: N concurrent clients making random payments among the accounts (a few
// hot ones take half the traffic), deposits and renames, through the real command handlers.
import { randomUUID } from 'node:crypto';
import { changeHolderName, deposit, makePayment, openAccount, type CommandDeps, type CommandResult } from '@/lib/commands';
import { answerOf, Ledger, type CommandKind, type LedgerCommand } from './ledger';
import type { Phases } from './phases';
import { between } from './random';

export const OPENING_BALANCE_CENTS = 50_000;

type Handler = (input: never, deps: CommandDeps) => Promise<CommandResult>;
const HANDLERS: Record<CommandKind, Handler> = {
  open: openAccount as Handler,
  payment: makePayment as Handler,
  deposit: deposit as Handler,
  rename: changeHolderName as Handler,
};

/** Runs one attempt of a command and records its answer; a handler that throws is itself a finding. */
export async function attempt(
  deps: CommandDeps,
  command: LedgerCommand,
  phases: Phases,
  why: 'first' | 'lost-response' | 'resolve',
): Promise<CommandResult> {
  const started = Date.now();
  let result: CommandResult;
  try {
    result = await HANDLERS[command.kind](command.input as never, deps);
  } catch (error) {
    // The handlers promise an answer, never a throw: record it as 'thrown' so the report shows it.
    result = { ok: false, code: 'thrown' as never, message: error instanceof Error ? (error.stack ?? error.message) : String(error) };
  }
  command.answers.push(answerOf(result, started, phases.current, why));
  return result;
}

export type LoadOptions = {
  clients: number;
  random: () => number;
  /** Share of commands whose first answer is thrown away and retried, while a lost-response fault runs. */
  lostResponseShare: number;
};

export class Load {
  accounts: string[] = [];
  hot: string[] = [];
  cold: string[] = [];
  /** Accounts a poison event holds: broken for their owner, so clients stop acting on them (they still receive payments). */
  readonly held = new Set<string>();
  lostResponses = false;
  private paused: Promise<void> | null = null;
  private release: (() => void) | null = null;
  private inFlight = 0;
  private idleWaiters: (() => void)[] = [];
  private stopping = false;
  private running: Promise<void>[] = [];
  private renames = 0;
  completed = 0;

  constructor(
    private readonly deps: CommandDeps,
    private readonly ledger: Ledger,
    private readonly phases: Phases,
    private readonly options: LoadOptions,
  ) {}

  /** Opens the accounts (before any fault), retrying each with its own command id until it is open. */
  async openAccounts(count: number, hotCount: number): Promise<void> {
    const opened = await Promise.all(
      Array.from({ length: count }, async (_, i) => {
        const command: LedgerCommand = {
          id: randomUUID(),
          kind: 'open',
          account: null,
          input: { holderName: `Soak holder ${i + 1}`, openingBalanceCents: OPENING_BALANCE_CENTS },
          answers: [],
        };
        command.input.commandId = command.id;
        this.ledger.add(command);
        for (let tries = 0; ; tries++) {
          const result = await attempt(this.deps, command, this.phases, tries === 0 ? 'first' : 'resolve');
          if (result.ok) {
            command.account = result.accountNumber;
            return result.accountNumber;
          }
          if (tries >= 20) throw new Error(`could not open account ${i + 1}: ${result.code} ${result.message}`);
          await new Promise((resolve) => setTimeout(resolve, 250));
        }
      }),
    );
    this.accounts = opened;
    this.hot = opened.slice(0, hotCount);
    this.cold = opened.slice(hotCount);
  }

  private pick(exclude?: string, forOwner = false): string | undefined {
    const usable = (list: string[]) => list.filter((a) => a !== exclude && !(forOwner && this.held.has(a)));
    const hot = usable(this.hot);
    const cold = usable(this.cold);
    const random = this.options.random;
    const from = hot.length > 0 && (cold.length === 0 || random() < 0.5) ? hot : cold;
    return from.length > 0 ? from[Math.floor(random() * from.length)] : undefined;
  }

  private nextCommand(): LedgerCommand | undefined {
    const random = this.options.random;
    const roll = random();
    const id = randomUUID();
    if (roll < 0.85) {
      const payer = this.pick(undefined, true);
      const payee = payer && this.pick(payer);
      if (!payer || !payee) return undefined;
      const input = { commandId: id, payerAccountNumber: payer, payeeAccountNumber: payee, amountCents: between(random, 1, 2_000) };
      return { id, kind: 'payment', account: payer, input, answers: [] };
    }
    const account = this.pick(undefined, true);
    if (!account) return undefined;
    if (roll < 0.95) {
      return {
        id,
        kind: 'deposit',
        account,
        input: { commandId: id, accountNumber: account, amountCents: between(random, 100, 5_000) },
        answers: [],
      };
    }
    const holderName = `Soak holder ${account.slice(-4)} renamed ${++this.renames}`;
    return { id, kind: 'rename', account, input: { commandId: id, accountNumber: account, holderName }, answers: [] };
  }

  start(): void {
    for (let i = 0; i < this.options.clients; i++) this.running.push(this.client());
  }

  private async client(): Promise<void> {
    while (!this.stopping) {
      if (this.paused) {
        await this.paused;
        continue;
      }
      const command = this.nextCommand();
      if (!command) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        continue;
      }
      this.ledger.add(command);
      this.inFlight++;
      try {
        let result = await attempt(this.deps, command, this.phases, 'first');
        if (this.lostResponses && this.options.random() < this.options.lostResponseShare) {
          // The answer never reached the client: it submits the same command again.
          result = await attempt(this.deps, command, this.phases, 'lost-response');
        }
        if (command.kind === 'payment') this.phases.recordPayment(result.ok ? 'ok' : result.code);
        this.completed++;
      } finally {
        this.inFlight--;
        if (this.inFlight === 0) for (const wake of this.idleWaiters.splice(0)) wake();
      }
    }
  }

  /** Stops new commands and resolves once every command in flight has its answer. */
  async pause(): Promise<void> {
    if (!this.paused) this.paused = new Promise((resolve) => (this.release = resolve));
    if (this.inFlight > 0) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  resume(): void {
    const release = this.release;
    this.paused = null;
    this.release = null;
    release?.();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.resume();
    await Promise.all(this.running);
  }
}

/**
 * Retries every command whose outcome is still unknown with the same id and input until it
 * answers something definite other than 'unavailable', or the deadline passes.
 */
export async function resolveUnknowns(deps: CommandDeps, ledger: Ledger, phases: Phases, deadline: number): Promise<number> {
  const open = ledger.unresolved();
  await Promise.all(
    open.map(async (command) => {
      while (Date.now() < deadline) {
        const result = await attempt(deps, command, phases, 'resolve');
        if (result.ok || (result.code !== 'unknown' && result.code !== 'unavailable')) return;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }),
  );
  return open.length;
}
