import Link from 'next/link';
import type { HistoryEntry } from '@/lib/queries';
import { accountStream } from '@/lib/eventstore/serialization/streams';
import { pastStateHref } from './past-state';
import { eventHref, paymentHref, streamHref } from './links';
import { RawEventDetails } from './raw-event-details';
import { formatDateTime, formatMoney, formatSignedMoney } from './format';

type Entry = HistoryEntry;

const KIND_LABELS: Record<string, string> = {
  AccountOpened: 'Account opened',
  MoneyDeposited: 'Deposit',
  HolderNameChanged: 'Holder name changed',
  PaymentMade: 'Payment sent',
  PaymentReceived: 'Payment received',
};

export function historyKindLabel(kind: string): string {
  return KIND_LABELS[kind] ?? kind;
}

const textOr = (value: unknown, fallback: string) => (typeof value === 'string' ? value : fallback);

function describe(entry: Entry): string | undefined {
  const data = (entry.data ?? {}) as Record<string, unknown>;
  switch (entry.kind) {
    case 'HolderNameChanged':
      return `${textOr(data.previousHolderName, '?')} → ${textOr(data.holderName, '?')}`;
    case 'PaymentMade':
    case 'PaymentReceived':
      return typeof data.reference === 'string' && data.reference ? `“${data.reference}”` : undefined;
    default:
      return undefined;
  }
}

function amountTone(amount: bigint): string {
  if (amount > 0n) return 'text-emerald-700';
  if (amount < 0n) return 'text-red-700';
  return 'text-slate-500';
}

export function HistoryTimeline({ entries }: { entries: Entry[] }) {
  if (entries.length === 0) {
    return <p className="rounded-xl border border-dashed border-slate-300 bg-white p-6 text-sm text-slate-600">No events on this page.</p>;
  }
  return (
    <ol className="space-y-3" aria-label="Account events, newest first" data-testid="history">
      {entries.map((entry) => {
        const detail = describe(entry);
        const outgoing = entry.amountCents < 0n;
        return (
          <li
            key={`${entry.eventId}-${entry.kind}`}
            className="rounded-xl border border-slate-200 bg-white shadow-sm"
            data-testid="history-entry"
            data-kind={entry.kind}
          >
            <div className="flex flex-wrap items-start justify-between gap-4 p-4">
              <div className="min-w-0 space-y-1">
                <p className="font-medium [overflow-wrap:anywhere]">
                  <Link href={eventHref(entry.eventId)} className="hover:underline" title={`Event ${entry.eventId}`}>
                    {KIND_LABELS[entry.kind] ?? entry.kind}
                  </Link>
                  {entry.counterparty && (
                    <>
                      {' '}
                      <span className="font-normal text-slate-600">{outgoing ? 'to' : 'from'}</span>{' '}
                      <Link href={`/accounts/${entry.counterparty}`} className="font-mono text-brand-700 hover:underline">
                        {entry.counterparty}
                      </Link>
                    </>
                  )}
                </p>
                {detail && <p className="text-sm text-slate-600 [overflow-wrap:anywhere]">{detail}</p>}
                <p className="text-xs text-slate-500 [overflow-wrap:anywhere]">
                  <time dateTime={new Date(entry.occurredAt).toISOString()}>{formatDateTime(entry.occurredAt)}</time> ·{' '}
                  <Link href={streamHref(entry.stream)} className="hover:underline" title={`Stream ${entry.stream}`}>
                    {entry.stream}
                  </Link>
                  @{entry.revision.toString()}
                  {entry.eventType === 'PaymentMade' && (
                    <>
                      {' '}
                      ·{' '}
                      <Link href={paymentHref(entry.eventId)} className="font-medium text-brand-700 hover:underline">
                        Payment
                      </Link>
                    </>
                  )}
                  {/* Only the account's own events are points of its stream; received payments live on the payer's. */}
                  {entry.stream === accountStream(entry.accountNumber) && (
                    <>
                      {' '}
                      ·{' '}
                      <Link
                        href={pastStateHref(entry.accountNumber, entry.revision)}
                        className="font-medium text-brand-700 hover:underline"
                      >
                        State at this point
                      </Link>
                    </>
                  )}
                </p>
              </div>
              <div className="text-right">
                <p className={`font-semibold tabular ${amountTone(entry.amountCents)}`}>
                  {entry.amountCents === 0n ? '—' : formatSignedMoney(entry.amountCents)}
                </p>
                <p className="text-xs text-slate-500 tabular">Balance after {formatMoney(entry.balanceAfterCents)}</p>
              </div>
            </div>
            <RawEventDetails
              type={entry.eventType}
              data={entry.data}
              metadata={{
                ...(entry.metadata as Record<string, unknown> | null),
                eventId: entry.eventId,
                eventType: entry.eventType,
                stream: entry.stream,
                revision: entry.revision,
                position: entry.position,
                occurredAt: entry.occurredAt,
              }}
            />
          </li>
        );
      })}
    </ol>
  );
}
