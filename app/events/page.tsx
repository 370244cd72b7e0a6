import type { Metadata } from 'next';
import Link from 'next/link';
import { redirect } from 'next/navigation';
import { badRequest } from '@/lib/http/bad-request';
import {
  activeFilters,
  eventLogHref,
  filtersOnly,
  hasEmptyFields,
  hasFilters,
  parseEventLogParams,
  type EventLogParams,
} from '@/lib/http/event-log-params';
import { getEventStore } from '@/lib/eventstore/connection/client';
import { entryFromIndexOnly, readEventsAt } from '@/lib/eventstore/views/events-at';
import { findEvents } from '@/lib/queries';
import { ActiveFilters } from '@/components/active-filters';
import { CursorPagination } from '@/components/cursor-pagination';
import { EventFilterForm } from '@/components/event-filter-form';
import { EventLogList } from '@/components/event-log-list';
import { LiveUpdates } from '@/components/live/live-updates';
import { liveCursor } from '@/lib/queries/live';

// Reads the query model and the event store on every request.
export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'Event log' };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function EventLogPage({ searchParams }: Props) {
  const search = await searchParams;
  const parsed = parseEventLogParams(search);
  if (!parsed.ok) badRequest(`This event log address is not valid. ${parsed.message}`);
  // A plain GET form sends blank fields too: show (and keep in the history) the clean address.
  if (hasEmptyFields(search)) redirect(eventLogHref(parsed.params.raw, parsed.params.cursor));
  const since = await liveCursor();

  const { raw } = parsed.params;
  return (
    <section aria-labelledby="events-heading" className="space-y-6">
      <div>
        <h1 id="events-heading" className="text-2xl font-semibold tracking-tight">
          Event log
        </h1>
        <p className="mt-1 text-sm text-slate-600">
          Every bank event in the store, newest first: found through the query model&apos;s event index, shown as the store holds it. System
          events (types starting with <span className="font-mono">$</span>) and command-id records (
          <span className="font-mono">CommandAccepted</span>) are not listed; their streams are in the stream view.
        </p>
        <LiveUpdates since={since} />
      </div>
      {/* Keyed by the filters, so a link to other filters (client navigation) shows a fresh form. */}
      <EventFilterForm key={eventLogHref(filtersOnly(raw))} raw={raw} />
      <ActiveFilters filters={activeFilters(raw)} />
      <EventLogPageBody params={parsed.params} />
    </section>
  );
}

async function EventLogPageBody({ params }: { params: EventLogParams }) {
  const { filter, cursor, raw } = params;
  const page = await findEvents(filter, cursor);
  const filters = filtersOnly(raw);
  const newest = eventLogHref(filters);
  if (page.events.length === 0) {
    const paged = cursor.before !== undefined || cursor.after !== undefined;
    const filtered = hasFilters(raw);
    return (
      <div className="rounded-xl border border-dashed border-slate-300 bg-white p-10 text-center" data-testid="no-events">
        <p className="font-medium">{paged ? 'No events on this page.' : filtered ? 'No events match these filters.' : 'No events yet.'}</p>
        <p className="mt-1 text-sm text-slate-600">
          {paged ? (
            <Link href={newest} className="font-medium text-brand-700 underline">
              Go to the newest {filtered ? 'matching ' : ''}events
            </Link>
          ) : filtered ? (
            <>
              Remove a filter above, or{' '}
              <Link href="/events" className="font-medium text-brand-700 underline">
                show every event
              </Link>
              .
            </>
          ) : (
            <Link href="/accounts/new" className="font-medium text-brand-700 underline">
              Open an account
            </Link>
          )}
        </p>
      </div>
    );
  }
  const stored = await readEventsAt(getEventStore(), page.events);
  const entries = page.events.map((row) => stored.get(row.eventId) ?? entryFromIndexOnly(row));
  const pager = (label: string) => (
    <CursorPagination
      label={label}
      newestHref={newest}
      newerHref={page.newer === null ? null : eventLogHref(filters, { after: page.newer })}
      olderHref={page.older === null ? null : eventLogHref(filters, { before: page.older })}
    />
  );
  return (
    <>
      {pager('Event log pages (top)')}
      <EventLogList entries={entries} />
      {pager('Event log pages')}
    </>
  );
}
