// The read model as it must be, rebuilt from the store by rules of its own (written from the
// worker's documented policy, worker/subscription.ts, not from its code), so the soak and the
// reconciliation check the projection instead of repeating it:
//  - events apply in $all order; a PaymentMade debits its stream's account and credits the payee;
//  - an event of a type the app does not know only advances its stream's applied revision;
//  - an event that cannot be applied (invalid payload, a payment whose payee has no row) holds
//    its stream from there on: nothing of that stream from that revision applies, while
//    payments from other accounts still credit it;
//  - held streams are retried at the end (the worker retries them from the store when it
//    subscribes, every minute and on a replay): a stream whose held event applies now (its payee
//    has since been opened) is caught up, and timelines are kept in $all order;
//  - text copied into PostgreSQL has U+0000 and lone surrogates replaced by U+FFFD.
import type { RecordedEvent } from '@eventstore/db-client';
import { fromRecorded } from '@/lib/eventstore/serialization/events';
import { accountNumberFromStream } from '@/lib/eventstore/serialization/streams';

export type ReplayHistory = {
  eventId: string;
  kind: string;
  amount: bigint;
  balanceAfter: bigint;
  counterparty: string | null;
  stream: string;
  revision: bigint;
  position: bigint;
  eventType: string;
};

export type ReplayAccount = {
  number: string;
  holderName: string;
  balance: bigint;
  revision: bigint;
  /** Timeline entries, when kept for this account (see Replayer). */
  history: ReplayHistory[];
  historyLength: number;
};
export type ReplayHold = { stream: string; account: string; revision: bigint; eventId: string; reason: string };

export type Replay = {
  accounts: Map<string, ReplayAccount>;
  holds: Map<string, ReplayHold>;
  /** Openings + deposits the read model must show (outside held parts), and those held back. */
  moneyIn: bigint;
  moneyHeld: bigint;
  /** Balances that went below zero at some event, in $all order. */
  negatives: { account: string; balance: bigint; event: RecordedEvent }[];
};

// eslint-disable-next-line no-control-regex -- NUL is what PostgreSQL cannot store
const storable = (text: string) => text.replace(/\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');

/** Replays the whole list at once, keeping every timeline, then retries what it held. */
export function replay(events: readonly RecordedEvent[]): Replay {
  const replayer = new Replayer();
  for (const event of events) replayer.add(event);
  replayer.retryHolds();
  return replayer.result();
}

/**
 * Replays events given one at a time in $all order (events of other streams are ignored).
 * At a million events, timelines for every account would not fit comfortably in memory:
 * `keepHistory` says for which accounts to keep them; the others keep a count.
 */
export class Replayer {
  private readonly accounts = new Map<string, ReplayAccount>();
  private readonly holds = new Map<string, ReplayHold>();
  private readonly negatives: Replay['negatives'] = [];
  private moneyIn = 0n;
  private moneyHeld = 0n;
  events = 0;

  constructor(private readonly keepHistory: (account: string) => boolean = () => true) {}

  result(): Replay {
    return { accounts: this.accounts, holds: this.holds, moneyIn: this.moneyIn, moneyHeld: this.moneyHeld, negatives: this.negatives };
  }

  /** Per held stream, its held event and everything of it that came after, for the retry. */
  private readonly heldBack = new Map<string, RecordedEvent[]>();

  private hold(event: RecordedEvent, account: string, reason: string) {
    this.holds.set(event.streamId, { stream: event.streamId, account, revision: event.revision, eventId: event.id, reason });
    this.heldBack.set(event.streamId, [event]);
  }

  /**
   * Tries every held stream again from its held event, as the worker does, until a pass frees
   * none (one freed stream can free another: a payer held on a payee that was held). Timelines
   * of the accounts involved are put back in $all order, with their running balances.
   */
  retryHolds(): void {
    for (let freed = true; freed;) {
      freed = false;
      for (const [stream, events] of [...this.heldBack]) {
        const hold = this.holds.get(stream)!;
        this.holds.delete(stream);
        this.heldBack.delete(stream);
        const touched = new Set(this.accounts.keys());
        const before = new Map([...this.accounts].map(([n, a]) => [n, a.historyLength]));
        for (const event of events.slice(1)) this.moneyHeld -= heldMoney(event);
        for (const event of events) this.add(event);
        const again = this.holds.get(stream);
        if (again && again.revision === hold.revision) continue;
        freed = true;
        for (const number of touched) {
          const account = this.accounts.get(number)!;
          if (account.historyLength !== before.get(number)) reorder(account);
        }
      }
    }
  }

  private touch(account: ReplayAccount, event: RecordedEvent, kind: string, amount: bigint, counterparty: string | null) {
    account.balance += amount;
    account.historyLength += 1;
    if (this.keepHistory(account.number)) {
      account.history.push({
        eventId: event.id,
        kind,
        amount,
        balanceAfter: account.balance,
        counterparty,
        stream: event.streamId,
        revision: event.revision,
        position: event.position?.commit ?? -1n,
        eventType: event.type,
      });
    }
    if (account.balance < 0n) this.negatives.push({ account: account.number, balance: account.balance, event });
  }

  add(event: RecordedEvent): void {
    const owner = accountNumberFromStream(event.streamId);
    if (owner === null || event.type.startsWith('$')) return;
    this.events += 1;
    const { accounts, holds } = this;
    const decoded = fromRecorded(event);
    if (holds.has(event.streamId)) {
      this.moneyHeld += heldMoney(event);
      this.heldBack.get(event.streamId)?.push(event);
      return;
    }
    const row = accounts.get(owner);
    if (decoded.kind === 'unknown') {
      if (row && event.revision === row.revision + 1n) row.revision = event.revision;
      else this.hold(event, owner, `unknown type ${event.type} before the stream's opening`);
      return;
    }
    if (decoded.kind === 'invalid') {
      this.hold(event, owner, decoded.reason);
      return;
    }
    const e = decoded.value.event;
    if (e.type === 'AccountOpened') {
      if (row || event.revision !== 0n || e.data.accountNumber !== owner) {
        this.hold(event, owner, 'AccountOpened out of place');
        return;
      }
      const opened: ReplayAccount = {
        number: owner,
        holderName: storable(e.data.holderName),
        balance: 0n,
        revision: 0n,
        history: [],
        historyLength: 0,
      };
      accounts.set(owner, opened);
      this.moneyIn += BigInt(e.data.openingBalanceCents);
      this.touch(opened, event, 'AccountOpened', BigInt(e.data.openingBalanceCents), null);
      return;
    }
    const named = e.type === 'PaymentMade' ? e.data.payerAccountNumber : e.data.accountNumber;
    if (!row || named !== owner || event.revision !== row.revision + 1n) {
      this.hold(event, owner, `${e.type} does not follow its stream (named ${named}, revision ${event.revision})`);
      return;
    }
    switch (e.type) {
      case 'MoneyDeposited':
        row.revision = event.revision;
        this.moneyIn += BigInt(e.data.amountCents);
        this.touch(row, event, 'MoneyDeposited', BigInt(e.data.amountCents), null);
        break;
      case 'HolderNameChanged':
        row.revision = event.revision;
        row.holderName = storable(e.data.holderName);
        this.touch(row, event, 'HolderNameChanged', 0n, null);
        break;
      case 'PaymentMade': {
        const payee = accounts.get(e.data.payeeAccountNumber);
        if (!payee || payee.number === owner) {
          this.hold(event, owner, `payee ${e.data.payeeAccountNumber} has no row`);
          break;
        }
        row.revision = event.revision;
        const amount = BigInt(e.data.amountCents);
        this.touch(row, event, 'PaymentMade', -amount, payee.number);
        this.touch(payee, event, 'PaymentReceived', amount, owner);
        break;
      }
    }
  }
}

/** Money an opening or a deposit brings in, counted as held while its stream is held. */
function heldMoney(event: RecordedEvent): bigint {
  const decoded = fromRecorded(event);
  if (decoded.kind !== 'account') return 0n;
  const e = decoded.value.event;
  if (e.type === 'AccountOpened') return BigInt(e.data.openingBalanceCents);
  if (e.type === 'MoneyDeposited') return BigInt(e.data.amountCents);
  return 0n;
}

/** Puts a timeline back in $all order and recomputes its running balance (as the projection keeps it). */
function reorder(account: ReplayAccount): void {
  account.history.sort((a, b) => (a.position < b.position ? -1 : a.position > b.position ? 1 : 0));
  let balance = 0n;
  for (const entry of account.history) {
    balance += entry.amount;
    entry.balanceAfter = balance;
  }
}
