// The invariants, checked against a quiet stack (load paused, worker caught up): each returns
// what it looked at and every break with the account and the first event that differs.
import type { RecordedEvent } from '@eventstore/db-client';
import { COMMAND_ACCEPTED } from '@/lib/eventstore/write-model/command-registry';
import { accountNumberFromStream } from '@/lib/eventstore/serialization/streams';
import { isDefiniteFailure, Ledger, type LedgerCommand } from './ledger';
import type { Poison } from './faults';
import type { ReadModel } from './read-model';
import type { Replay } from '@/lib/reconciliation/replay';
import type { StoreView } from './store-view';

export type Break = { invariant: string; account?: string; message: string; event?: string };
export type InvariantResult = { name: string; checked: number; breaks: Break[]; notes?: string[] };

export const INVARIANTS = [
  'store-contiguous',
  'no-negative-balance',
  'conservation',
  'exactly-once',
  'failure-answers-true',
  'idempotency-record',
  'read-model-equals-replay',
  'holds',
] as const;

const describe = (e: RecordedEvent) => `${e.type} ${e.id} at ${e.streamId}@${e.revision} (position ${e.position?.commit ?? '?'})`;
const MAX_BREAKS = 25;

class Result {
  checked = 0;
  readonly breaks: Break[] = [];
  readonly notes: string[] = [];
  constructor(readonly name: string) {}
  fail(b: Omit<Break, 'invariant'>): void {
    if (this.breaks.length < MAX_BREAKS) this.breaks.push({ invariant: this.name, ...b });
  }
  done(): InvariantResult {
    return { name: this.name, checked: this.checked, breaks: this.breaks, ...(this.notes.length ? { notes: this.notes } : {}) };
  }
}

const commandIdOf = (e: RecordedEvent): string | undefined => {
  const m = e.metadata as { commandId?: unknown } | undefined;
  return m && !(m instanceof Uint8Array) && typeof m.commandId === 'string' ? m.commandId : undefined;
};

/** Revisions 0,1,2,... in $all order, positions increasing, and each stream read on its own equal to its part of $all. */
function storeContiguous(view: StoreView): InvariantResult {
  const r = new Result('store-contiguous');
  const next = new Map<string, bigint>();
  let lastPosition = -1n;
  const fromAll = new Map<string, RecordedEvent[]>();
  for (const e of view.accountEvents) {
    r.checked++;
    const expected = next.get(e.streamId) ?? 0n;
    if (e.revision !== expected) {
      r.fail({
        account: accountNumberFromStream(e.streamId) ?? e.streamId,
        message: `revision ${e.revision} where ${expected} was next`,
        event: describe(e),
      });
    }
    next.set(e.streamId, e.revision + 1n);
    const position = e.position?.commit ?? -1n;
    if (position <= lastPosition) r.fail({ message: `$all position ${position} not above ${lastPosition}`, event: describe(e) });
    lastPosition = position;
    const list = fromAll.get(e.streamId) ?? [];
    list.push(e);
    fromAll.set(e.streamId, list);
  }
  for (const [stream, events] of view.streams) {
    const all = fromAll.get(stream) ?? [];
    const length = Math.max(all.length, events.length);
    for (let i = 0; i < length; i++) {
      if (all[i]?.id !== events[i]?.id || all[i]?.revision !== events[i]?.revision) {
        const e = events[i] ?? all[i];
        r.fail({
          account: accountNumberFromStream(stream) ?? stream,
          message: `the stream read and $all differ at index ${i} (stream: ${events[i] ? describe(events[i]) : 'nothing'}; $all: ${all[i] ? describe(all[i]) : 'nothing'})`,
          event: describe(e),
        });
        break;
      }
    }
  }
  return r.done();
}

function noNegative(replayed: Replay, model: ReadModel): InvariantResult {
  const r = new Result('no-negative-balance');
  for (const n of replayed.negatives) {
    r.fail({ account: n.account, message: `replay balance ${n.balance} after this event`, event: describe(n.event) });
  }
  for (const [number, row] of model.accounts) {
    r.checked++;
    if (row.balance < 0n) r.fail({ account: number, message: `read model balance ${row.balance}` });
  }
  for (const [number, entries] of model.history) {
    for (const entry of entries) {
      r.checked++;
      if (entry.balanceAfter < 0n) {
        r.fail({
          account: number,
          message: `read model history balance_after ${entry.balanceAfter}`,
          event: `${entry.eventType} ${entry.eventId} at ${entry.stream}@${entry.revision}`,
        });
      }
    }
  }
  return r.done();
}

function conservation(replayed: Replay, model: ReadModel, view: StoreView): InvariantResult {
  const r = new Result('conservation');
  // Counted from the store, not from the answers: an 'unknown' outcome may have put money in.
  let storeIn = 0n;
  for (const e of view.accountEvents) {
    if (!e.isJson) continue;
    const data = e.data as { openingBalanceCents?: unknown; amountCents?: unknown };
    if (e.type === 'AccountOpened' && typeof data.openingBalanceCents === 'number') storeIn += BigInt(data.openingBalanceCents);
    if (e.type === 'MoneyDeposited' && typeof data.amountCents === 'number') storeIn += BigInt(data.amountCents);
  }
  const modelTotal = [...model.accounts.values()].reduce((sum, a) => sum + a.balance, 0n);
  const replayTotal = [...replayed.accounts.values()].reduce((sum, a) => sum + a.balance, 0n);
  r.checked += 3;
  if (storeIn !== replayed.moneyIn + replayed.moneyHeld) {
    r.fail({ message: `openings + deposits in the store ${storeIn} != replayed ${replayed.moneyIn} + held ${replayed.moneyHeld}` });
  }
  if (replayTotal !== replayed.moneyIn)
    r.fail({ message: `replayed balances sum to ${replayTotal}, openings + deposits are ${replayed.moneyIn}` });
  if (modelTotal !== replayed.moneyIn) {
    r.fail({
      message: `read model balances sum to ${modelTotal}, openings + deposits in the store (outside held parts) are ${replayed.moneyIn} (held back: ${replayed.moneyHeld})`,
    });
  }
  if (replayed.moneyHeld > 0n) r.notes.push(`${replayed.moneyHeld} cents of openings/deposits are behind a hold`);
  return r.done();
}

const EVENT_TYPE: Record<LedgerCommand['kind'], string> = {
  open: 'AccountOpened',
  payment: 'PaymentMade',
  deposit: 'MoneyDeposited',
  rename: 'HolderNameChanged',
};

/** Each answer against the store: ok means stored exactly once where it said; a definite failure means not stored. */
function exactlyOnce(view: StoreView, ledger: Ledger, poisons: readonly Poison[]): InvariantResult[] {
  const r = new Result('exactly-once');
  // A definite failure ("nothing was done") must be true: the command's event is not in the store.
  const falseFailures = new Result('failure-answers-true');
  const byCommand = new Map<string, RecordedEvent[]>();
  for (const e of view.accountEvents) {
    const id = commandIdOf(e);
    const list = byCommand.get(id ?? '(none)') ?? [];
    list.push(e);
    byCommand.set(id ?? '(none)', list);
  }
  const poisonIds = new Set(poisons.map((p) => p.commandId));
  for (const [id, events] of byCommand) {
    if (!ledger.commands.has(id) && !poisonIds.has(id)) {
      r.fail({
        account: accountNumberFromStream(events[0].streamId) ?? undefined,
        message: `stored for command id ${id}, which no client sent`,
        event: describe(events[0]),
      });
    }
  }
  let misleading = 0;
  for (const command of ledger.commands.values()) {
    const final = Ledger.final(command);
    if (!final) continue;
    r.checked++;
    falseFailures.checked++;
    const stored = byCommand.get(command.id) ?? [];
    const account = command.account ?? undefined;
    const told = command.answers
      .map((a) => `${a.code}${a.streamRevision !== undefined ? `@${a.streamRevision}` : ''} (${a.why}, ${a.phase}, ${a.ms} ms)`)
      .join(', ');
    if (stored.length > 1) {
      r.fail({
        account,
        message: `${command.kind} ${command.id} stored ${stored.length} times; its answers: ${told}`,
        event: stored.map(describe).join('; '),
      });
      continue;
    }
    const event = stored[0];
    if (event && event.type !== EVENT_TYPE[command.kind]) {
      r.fail({ account, message: `${command.kind} ${command.id} stored as ${event.type}`, event: describe(event) });
    }
    for (const answer of command.answers) {
      if (answer.code !== 'ok') continue;
      if (!event) {
        r.fail({
          account,
          message: `${command.kind} ${command.id} was answered ok (${answer.why}, revision ${answer.streamRevision}) but is not in the store`,
        });
      } else if (`account-${answer.accountNumber}` !== event.streamId || answer.streamRevision !== event.revision) {
        r.fail({
          account,
          message: `${command.kind} ${command.id} was answered ok at account-${answer.accountNumber}@${answer.streamRevision}`,
          event: describe(event),
        });
      }
    }
    if (event && isDefiniteFailure(final.code)) {
      falseFailures.fail({
        account,
        message: `${command.kind} ${command.id}: the last answer (${final.why}) was '${final.code}' ("${final.message}") but the store has it; its answers: ${told}`,
        event: describe(event),
      });
    } else if (event) {
      // An earlier answer said nothing was done although the command's event is stored (a later retry told the truth).
      misleading += command.answers.slice(0, -1).filter((a) => isDefiniteFailure(a.code)).length;
    }
  }
  if (misleading > 0)
    falseFailures.notes.push(
      `${misleading} earlier answers said "nothing was done" for a command whose event is stored (a later retry answered ok)`,
    );
  return [r.done(), falseFailures.done()];
}

/** Every stored account event's command id was claimed once, in command-<id>, for the same command. */
function idempotencyRecord(view: StoreView, ledger: Ledger): InvariantResult {
  const r = new Result('idempotency-record');
  const COMMAND_TYPE: Record<LedgerCommand['kind'], string> = {
    open: 'OpenAccount',
    payment: 'MakePayment',
    deposit: 'Deposit',
    rename: 'ChangeHolderName',
  };
  for (const e of view.accountEvents) {
    const id = commandIdOf(e);
    const command = id ? ledger.commands.get(id) : undefined;
    if (!command) continue;
    r.checked++;
    const records = view.commandRecords.get(command.id) ?? [];
    const record = records[0];
    const data = record?.isJson ? (record.data as { command?: unknown }) : undefined;
    if (records.length !== 1 || record.type !== COMMAND_ACCEPTED || data?.command !== COMMAND_TYPE[command.kind]) {
      r.fail({
        account: accountNumberFromStream(e.streamId) ?? undefined,
        message: `command-${command.id} holds ${records.length} events (${records.map((x) => `${x.type} ${JSON.stringify(x.data)}`).join(', ')}), expected one ${COMMAND_ACCEPTED} for ${COMMAND_TYPE[command.kind]}`,
        event: describe(e),
      });
    }
  }
  return r.done();
}

/** The read model row for row against the replay: accounts, then each account's history in position order. */
function readModelEqualsReplay(replayed: Replay, model: ReadModel, accounts: readonly string[]): InvariantResult {
  const r = new Result('read-model-equals-replay');
  for (const number of accounts) {
    r.checked++;
    const want = replayed.accounts.get(number);
    const got = model.accounts.get(number);
    if (!want || !got) {
      if (want || got)
        r.fail({ account: number, message: `account row ${got ? 'in the read model only' : 'missing from the read model'}` });
      continue;
    }
    const fields: string[] = [];
    if (got.holderName !== want.holderName)
      fields.push(`holder name ${JSON.stringify(got.holderName)} != ${JSON.stringify(want.holderName)}`);
    if (got.balance !== want.balance) fields.push(`balance ${got.balance} != ${want.balance}`);
    if (got.revision !== want.revision) fields.push(`revision ${got.revision} != ${want.revision}`);
    const entries = model.history.get(number) ?? [];
    let firstDiff: string | undefined;
    for (let i = 0; i < Math.max(entries.length, want.history.length); i++) {
      const g = entries[i];
      const w = want.history[i];
      r.checked++;
      const same =
        g &&
        w &&
        g.eventId === w.eventId &&
        g.kind === w.kind &&
        g.amount === w.amount &&
        g.balanceAfter === w.balanceAfter &&
        (g.counterparty ?? null) === w.counterparty &&
        g.stream === w.stream &&
        g.revision === w.revision &&
        g.position === w.position &&
        g.eventType === w.eventType;
      if (!same) {
        const show = (
          x:
            | { kind: string; eventId: string; amount: bigint; balanceAfter: bigint; stream: string; revision: bigint; position: bigint }
            | undefined,
        ) =>
          x
            ? `${x.kind} ${x.eventId} ${x.stream}@${x.revision} pos ${x.position} amount ${x.amount} balance_after ${x.balanceAfter}`
            : 'nothing';
        firstDiff = `history entry ${i}: read model ${show(g)}; replay ${show(w)}`;
        break;
      }
    }
    if (fields.length > 0 || firstDiff) {
      r.fail({ account: number, message: [...fields, ...(firstDiff ? [firstDiff] : [])].join('; ') });
    }
  }
  return r.done();
}

function holds(replayed: Replay, model: ReadModel): InvariantResult {
  const r = new Result('holds');
  for (const [stream, want] of replayed.holds) {
    r.checked++;
    const got = model.holds.get(stream);
    if (!got)
      r.fail({
        account: want.account,
        message: `expected a hold at revision ${want.revision} (${want.reason}); the read model has none`,
        event: want.eventId,
      });
    else if (got.revision !== want.revision || got.eventId !== want.eventId) {
      r.fail({
        account: want.account,
        message: `held at revision ${got.revision} (${got.eventId}: ${got.reason}); expected ${want.revision} (${want.eventId})`,
      });
    }
  }
  for (const [stream, got] of model.holds) {
    if (!replayed.holds.has(stream))
      r.fail({
        account: got.account,
        message: `held at revision ${got.revision} (${got.reason}) but nothing there needs holding`,
        event: got.eventId,
      });
  }
  return r.done();
}

export function checkAll(input: {
  view: StoreView;
  replayed: Replay;
  model: ReadModel;
  ledger: Ledger;
  poisons: readonly Poison[];
  accounts: readonly string[];
}): InvariantResult[] {
  const { view, replayed, model, ledger, poisons, accounts } = input;
  return [
    storeContiguous(view),
    noNegative(replayed, model),
    conservation(replayed, model, view),
    ...exactlyOnce(view, ledger, poisons),
    idempotencyRecord(view, ledger),
    readModelEqualsReplay(replayed, model, accounts),
    holds(replayed, model),
  ];
}
