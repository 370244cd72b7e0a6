import Link from 'next/link';
import { shownReason } from '../held-reason';
import { formatDateTime } from '../format';

export type ParkedEventRow = {
  parkedNumber: string;
  parkedAt: Date | null;
  reason: string | null;
  /** Parked by the worker (with its reason) rather than by the store (e.g. after too many retries). */
  byConsumer: boolean;
  stream: string | null;
  revision: string | null;
  type: string | null;
  /** Set when the stream is an account's. */
  accountNumber: string | null;
};

/** The group's parked events not yet replayed, newest first, with the reason each was parked. */
export function ParkedEventsView({ parked, count }: { parked: ParkedEventRow[]; count: string }) {
  if (parked.length === 0) {
    return (
      <p className="text-sm text-emerald-800" data-testid="no-parked-events">
        No parked events.
      </p>
    );
  }
  return (
    <div className="space-y-2">
      <p className="text-sm text-slate-600">
        {count === String(parked.length) ? `${count} parked.` : `The newest ${parked.length} of ${count} parked events.`}
      </p>
      <ul className="divide-y divide-slate-100" data-testid="parked-events">
        {parked.map((event) => (
          <li key={event.parkedNumber} className="space-y-1 py-2 text-sm" data-testid="parked-event">
            <p>
              <span className="font-medium">{event.type ?? 'An event'}</span>{' '}
              {event.stream ? (
                <>
                  at{' '}
                  {event.accountNumber ? (
                    <Link href={`/accounts/${event.accountNumber}`} className="font-mono text-brand-700 underline">
                      {event.stream}
                    </Link>
                  ) : (
                    <span className="font-mono">{event.stream}</span>
                  )}
                  @<span className="tabular">{event.revision}</span>
                </>
              ) : (
                '(its link could not be read)'
              )}
              {event.parkedAt && <span className="text-slate-500"> · parked {formatDateTime(event.parkedAt)}</span>}
            </p>
            <p className="break-words text-slate-700" data-testid="parked-event-reason">
              <span className="text-slate-500">{event.byConsumer ? 'The worker: ' : 'The store: '}</span>
              {event.reason ? shownReason(event.reason) : 'no reason was recorded'}
            </p>
          </li>
        ))}
      </ul>
    </div>
  );
}
