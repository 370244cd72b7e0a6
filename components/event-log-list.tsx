import Link from 'next/link';
import type { EventLogEntry } from '@/lib/eventstore/event-log';
import { formatDateTime } from './format';
import { RawEventDetails } from './raw-event-details';
import { pastStateHref } from './past-state';

/** Raw events as the store holds them, newest first, one card per event. */
export function EventLogList({
  entries,
  label = 'Events, newest first',
  pastStateLinks = true,
}: {
  entries: EventLogEntry[];
  label?: string;
  pastStateLinks?: boolean;
}) {
  return (
    <ol className="space-y-3" aria-label={label} data-testid="event-log">
      {entries.map((entry) => (
        <li
          key={entry.position.toString()}
          className="rounded-xl border border-slate-200 bg-white shadow-sm"
          data-testid="event-log-entry"
          data-type={entry.type}
          data-position={entry.position.toString()}
        >
          <div className="flex flex-wrap items-start justify-between gap-4 p-4">
            <div className="min-w-0 space-y-1">
              <p className="font-medium wrap-anywhere">
                {entry.type} <span className="font-normal text-slate-600">{entry.summary}</span>
              </p>
              <dl className="flex flex-wrap gap-x-4 gap-y-1 text-xs text-slate-500">
                <div>
                  <dt className="inline">Position </dt>
                  <dd className="inline font-mono tabular">{entry.position.toString()}</dd>
                </div>
                <div>
                  <dt className="sr-only">Time</dt>
                  <dd>
                    <time dateTime={entry.created.toISOString()}>{formatDateTime(entry.created)}</time>
                  </dd>
                </div>
                <div>
                  <dt className="inline">Stream </dt>
                  <dd className="inline font-mono">
                    {entry.accountNumber ? (
                      <Link href={`/accounts/${entry.accountNumber}`} className="text-brand-700 hover:underline">
                        {entry.streamId}
                      </Link>
                    ) : (
                      entry.streamId
                    )}
                  </dd>
                </div>
                <div>
                  <dt className="inline">Revision </dt>
                  <dd className="inline font-mono tabular">{entry.revision.toString()}</dd>
                </div>
              </dl>
            </div>
            {pastStateLinks && entry.accountNumber && (
              <Link
                href={pastStateHref(entry.accountNumber, entry.revision)}
                className="shrink-0 text-xs font-medium text-brand-700 hover:underline"
              >
                State at this point
              </Link>
            )}
          </div>
          <RawEventDetails
            type={entry.type}
            data={entry.data}
            metadata={{ ...asObject(entry.metadata), eventId: entry.id }}
          />
        </li>
      ))}
    </ol>
  );
}

function asObject(value: unknown): Record<string, unknown> {
  if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  return value === null || value === undefined ? {} : { metadata: value };
}
