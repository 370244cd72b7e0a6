import type { Metadata } from 'next';
import Link from 'next/link';
import { badRequest } from '@/lib/http/bad-request';
import { getEventStore } from '@/lib/eventstore/client';
import { readEventLog } from '@/lib/eventstore/event-log';
import { parseEventLogCursor } from '@/lib/eventstore/event-log-cursor';
import { CursorPagination } from '@/components/cursor-pagination';
import { EventLogList } from '@/components/event-log-list';
import { LiveUpdates } from '@/components/live/live-updates';
import { liveCursor } from '@/lib/queries/live';

// Reads the event store on every request.
export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'Event log' };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function EventLogPage({ searchParams }: Props) {
  const parsed = parseEventLogCursor(await searchParams);
  if (!parsed.ok) badRequest(`This page of the event log does not exist. ${parsed.message}`);
  const since = await liveCursor();

  return (
    <section aria-labelledby="events-heading" className="space-y-6">
      <div>
        <h1 id="events-heading" className="text-2xl font-semibold tracking-tight">
          Event log
        </h1>
        <p className="mt-1 text-sm text-slate-600">
          Every event in the store, newest first, read straight from <span className="font-mono">$all</span>. System
          events (types starting with <span className="font-mono">$</span>) and command-id records (
          <span className="font-mono">CommandAccepted</span>) are hidden.
        </p>
        <LiveUpdates since={since} />
      </div>
      <EventLogPageBody cursor={parsed.cursor} />
    </section>
  );
}

async function EventLogPageBody({ cursor }: { cursor: { before?: bigint; after?: bigint } }) {
  const page = await readEventLog(getEventStore(), cursor);
  if (page.entries.length === 0) {
    const paged = cursor.before !== undefined || cursor.after !== undefined;
    return (
      <div className="rounded-xl border border-dashed border-slate-300 bg-white p-10 text-center">
        <p className="font-medium">{paged ? 'No events on this page.' : 'No events yet.'}</p>
        <p className="mt-1 text-sm text-slate-600">
          {paged ? (
            <Link href="/events" className="font-medium text-brand-700 underline">
              Go to the newest events
            </Link>
          ) : (
            <Link href="/accounts/new" className="font-medium text-brand-700 underline">
              Open an account
            </Link>
          )}
        </p>
      </div>
    );
  }
  return (
    <>
      <CursorPagination basePath="/events" newer={page.newer} older={page.older} label="Event log pages (top)" />
      <EventLogList entries={page.entries} />
      <CursorPagination basePath="/events" newer={page.newer} older={page.older} label="Event log pages" />
    </>
  );
}
