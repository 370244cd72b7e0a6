import Link from 'next/link';
import type { EventLogEntry } from '@/lib/eventstore/views/event-log';
import { formatDateTime } from './format';
import { accountHref, eventHref, paymentHref, streamHref } from './links';
import { RawEventDetails } from './raw-event-details';
import { pastStateHref } from './past-state';

/**
 * Raw events as the store holds them, newest first, one card per event. Events of account
 * streams (the ones the query model indexes) link to their detail page; every stream name to
 * the stream view.
 */
export function EventLogList({
  entries,
  label = 'Events, newest first',
  pastStateLinks = true,
  showRevisionFirst = false,
}: {
  entries: EventLogEntry[];
  label?: string;
  pastStateLinks?: boolean;
  /** In a stream's own view the revision says more than the $all position. */
  showRevisionFirst?: boolean;
}) {
  return (
    <ol className="space-y-3" aria-label={label} data-testid="event-log">
      {entries.map((entry) => {
        const payee = payeeOf(entry);
        const position = (
          <div key="position">
            <dt className="inline">Position </dt>
            <dd className="inline font-mono tabular">{entry.position.toString()}</dd>
          </div>
        );
        const revision = (
          <div key="revision">
            <dt className="inline">Revision </dt>
            <dd className="inline font-mono tabular">{entry.revision.toString()}</dd>
          </div>
        );
        return (
          <li
            key={`${entry.position}-${entry.id}`}
            className="min-w-0 rounded-xl border border-slate-200 bg-white shadow-sm"
            data-testid="event-log-entry"
            data-type={entry.type}
            data-position={entry.position.toString()}
            data-revision={entry.revision.toString()}
            data-event-id={entry.id}
          >
            <div className="flex flex-wrap items-start justify-between gap-x-4 gap-y-2 p-4">
              <div className="min-w-0 space-y-1">
                <p className="font-medium [overflow-wrap:anywhere]">
                  {entry.accountNumber ? (
                    <Link href={eventHref(entry.id)} className="text-brand-700 hover:underline" title={`Event ${entry.id}`}>
                      {entry.type}
                    </Link>
                  ) : (
                    entry.type
                  )}{' '}
                  <span className="font-normal text-slate-600">{entry.summary}</span>
                </p>
                <dl className="flex flex-wrap gap-x-4 gap-y-1 text-xs text-slate-500">
                  {showRevisionFirst ? [revision, position] : [position]}
                  <div>
                    <dt className="sr-only">Time</dt>
                    <dd>
                      <time dateTime={entry.created.toISOString()}>{formatDateTime(entry.created)}</time>
                    </dd>
                  </div>
                  <div className="min-w-0 max-w-full">
                    <dt className="inline">Stream </dt>
                    <dd className="inline font-mono [overflow-wrap:anywhere]">
                      <Link href={streamHref(entry.streamId)} className="text-brand-700 hover:underline" title={entry.streamId}>
                        {entry.streamId}
                      </Link>
                    </dd>
                  </div>
                  {!showRevisionFirst && revision}
                </dl>
              </div>
              <div className="flex max-w-full flex-wrap gap-x-3 gap-y-1 text-xs font-medium">
                {entry.accountNumber && (
                  <Link href={accountHref(entry.accountNumber)} className="text-brand-700 hover:underline">
                    Account {entry.accountNumber}
                  </Link>
                )}
                {payee && (
                  <Link href={paymentHref(entry.id)} className="text-brand-700 hover:underline">
                    Payment to {payee}
                  </Link>
                )}
                {pastStateLinks && entry.accountNumber && (
                  <Link href={pastStateHref(entry.accountNumber, entry.revision)} className="text-brand-700 hover:underline">
                    State at this point
                  </Link>
                )}
              </div>
            </div>
            <RawEventDetails type={entry.type} data={entry.data} metadata={{ ...asObject(entry.metadata), eventId: entry.id }} />
          </li>
        );
      })}
    </ol>
  );
}

/** The payee of a readable PaymentMade on an account stream, else null. */
function payeeOf(entry: EventLogEntry): string | null {
  if (entry.type !== 'PaymentMade' || !entry.accountNumber) return null;
  const data = entry.data as { payeeAccountNumber?: unknown } | null;
  return typeof data?.payeeAccountNumber === 'string' && /^\d{10}$/.test(data.payeeAccountNumber) ? data.payeeAccountNumber : null;
}

function asObject(value: unknown): Record<string, unknown> {
  if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  return value === null || value === undefined ? {} : { metadata: value };
}
