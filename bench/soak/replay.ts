// The read model as it must be, rebuilt from the store by the soak's own rules (written from the
// worker's documented policy, worker/subscription.ts, not from its code):
//  - events apply in $all order; a PaymentMade debits its stream's account and credits the payee;
//  - an event of a type the app does not know only advances its stream's applied revision;
//  - an event that cannot be applied (invalid payload, a payment whose payee has no row) holds
//    its stream from there on: nothing of that stream from that revision applies, while
//    payments from other accounts still credit it;
//  - text copied into PostgreSQL has U+0000 and lone surrogates replaced by U+FFFD.
import type { RecordedEvent } from '@eventstore/db-client';
import { fromRecorded } from '@/lib/eventstore/serialization';
import { accountNumberFromStream } from '@/lib/eventstore/streams';

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

export type ReplayAccount = { number: string; holderName: string; balance: bigint; version: bigint; history: ReplayHistory[] };
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

const storable = (text: string) => text.replace(/\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');

export function replay(events: readonly RecordedEvent[]): Replay {
  const accounts = new Map<string, ReplayAccount>();
  const holds = new Map<string, ReplayHold>();
  const negatives: Replay['negatives'] = [];
  let moneyIn = 0n;
  let moneyHeld = 0n;

  const hold = (event: RecordedEvent, account: string, reason: string) =>
    holds.set(event.streamId, { stream: event.streamId, account, revision: event.revision, eventId: event.id, reason });

  const touch = (account: ReplayAccount, event: RecordedEvent, kind: string, amount: bigint, counterparty: string | null) => {
    account.balance += amount;
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
    if (account.balance < 0n) negatives.push({ account: account.number, balance: account.balance, event });
  };

  for (const event of events) {
    const owner = accountNumberFromStream(event.streamId)!;
    const decoded = fromRecorded(event);
    if (holds.has(event.streamId)) {
      if (decoded.kind === 'account' && (decoded.value.event.type === 'AccountOpened' || decoded.value.event.type === 'MoneyDeposited')) {
        const data = decoded.value.event.data as { openingBalanceCents?: number; amountCents?: number };
        moneyHeld += BigInt(data.openingBalanceCents ?? data.amountCents ?? 0);
      }
      continue;
    }
    const row = accounts.get(owner);
    if (decoded.kind === 'unknown') {
      if (row && event.revision === row.version + 1n) row.version = event.revision;
      else hold(event, owner, `unknown type ${event.type} before the stream's opening`);
      continue;
    }
    if (decoded.kind === 'invalid') {
      hold(event, owner, decoded.reason);
      continue;
    }
    const e = decoded.value.event;
    if (e.type === 'AccountOpened') {
      if (row || event.revision !== 0n || e.data.accountNumber !== owner) {
        hold(event, owner, 'AccountOpened out of place');
        continue;
      }
      const opened: ReplayAccount = { number: owner, holderName: storable(e.data.holderName), balance: 0n, version: 0n, history: [] };
      accounts.set(owner, opened);
      moneyIn += BigInt(e.data.openingBalanceCents);
      touch(opened, event, 'AccountOpened', BigInt(e.data.openingBalanceCents), null);
      continue;
    }
    const named = e.type === 'PaymentMade' ? e.data.payerAccountNumber : e.data.accountNumber;
    if (!row || named !== owner || event.revision !== row.version + 1n) {
      hold(event, owner, `${e.type} does not follow its stream (named ${named}, revision ${event.revision})`);
      continue;
    }
    switch (e.type) {
      case 'MoneyDeposited':
        row.version = event.revision;
        moneyIn += BigInt(e.data.amountCents);
        touch(row, event, 'MoneyDeposited', BigInt(e.data.amountCents), null);
        break;
      case 'HolderNameChanged':
        row.version = event.revision;
        row.holderName = storable(e.data.holderName);
        touch(row, event, 'HolderNameChanged', 0n, null);
        break;
      case 'PaymentMade': {
        const payee = accounts.get(e.data.payeeAccountNumber);
        if (!payee || payee.number === owner) {
          hold(event, owner, `payee ${e.data.payeeAccountNumber} has no row`);
          break;
        }
        row.version = event.revision;
        const amount = BigInt(e.data.amountCents);
        touch(row, event, 'PaymentMade', -amount, payee.number);
        touch(payee, event, 'PaymentReceived', amount, owner);
        break;
      }
    }
  }
  return { accounts, holds, moneyIn, moneyHeld, negatives };
}
