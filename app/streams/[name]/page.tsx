import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { badRequest } from '@/lib/http/bad-request';
import { parseStreamCursor, parseStreamName, streamHref } from '@/lib/http/stream-params';
import { getEventStore } from '@/lib/eventstore/connection/client';
import { readStreamMetadata, readStreamPage } from '@/lib/eventstore/views/stream-page';
import { accountNumberFromStream } from '@/lib/eventstore/serialization/streams';
import { CursorPagination } from '@/components/cursor-pagination';
import { EventLogList } from '@/components/event-log-list';
import { JsonBlock } from '@/components/json-block';
import { accountHref } from '@/components/links';

// Reads the event store on every request.
export const dynamic = 'force-dynamic';

type Props = {
  params: Promise<{ name: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
};

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { name } = await params;
  const parsed = parseStreamName(name);
  return { title: parsed.ok ? `Stream ${parsed.value.slice(0, 80)}` : 'Bad address' };
}

/** Any stream's raw events (account streams, command-<id> records, other applications' streams), newest first by revision. */
export default async function StreamPage({ params, searchParams }: Props) {
  const { name } = await params;
  const stream = parseStreamName(name);
  if (!stream.ok) badRequest(`This stream address is not valid. ${stream.message}`);
  const cursor = parseStreamCursor(await searchParams);
  if (!cursor.ok) badRequest(`This page of the stream does not exist. ${cursor.message}`);

  const store = getEventStore();
  const [page, metadata] = await Promise.all([readStreamPage(store, stream.value, cursor.value), readStreamMetadata(store, stream.value)]);
  if (page.lastRevision === null && metadata.metadata === null) notFound();
  const account = accountNumberFromStream(stream.value);
  const paged = cursor.value.before !== undefined || cursor.value.after !== undefined;
  const pager = (label: string) => (
    <CursorPagination
      label={label}
      newestHref={streamHref(stream.value)}
      newerHref={page.newer === null ? null : streamHref(stream.value, { after: page.newer })}
      olderHref={page.older === null ? null : streamHref(stream.value, { before: page.older })}
    />
  );

  return (
    <section aria-labelledby="stream-heading" className="space-y-6">
      <div className="space-y-1">
        <p className="text-sm text-slate-600">Stream</p>
        <h1 id="stream-heading" className="font-mono text-2xl font-semibold tracking-tight [overflow-wrap:anywhere]" title={stream.value}>
          {stream.value}
        </h1>
        <p className="text-sm text-slate-600">
          {page.lastRevision === null
            ? 'No events (only metadata).'
            : `Revisions 0 to ${page.lastRevision.toString()}, newest first, read straight from the store.`}{' '}
          {account && (
            <Link href={accountHref(account)} className="font-medium text-brand-700 hover:underline">
              Account {account}
            </Link>
          )}
        </p>
      </div>

      <details className="rounded-xl border border-slate-200 bg-white shadow-sm" open={metadata.metadata !== null}>
        <summary className="cursor-pointer select-none px-4 py-2 text-sm font-medium text-slate-700">
          Stream metadata{' '}
          {metadata.metadata === null ? '(none set)' : `(last set at $all position ${metadata.setAtPosition?.toString() ?? '?'})`}
        </summary>
        <div className="px-4 pb-4">
          <JsonBlock label="Metadata" value={metadata.metadata ?? {}} testId="stream-metadata" />
        </div>
      </details>

      {page.entries.length === 0 ? (
        <div className="rounded-xl border border-dashed border-slate-300 bg-white p-10 text-center" data-testid="no-events">
          <p className="font-medium">{paged ? 'No events on this page.' : 'This stream has no events.'}</p>
          {paged && (
            <p className="mt-1 text-sm">
              <Link href={streamHref(stream.value)} className="font-medium text-brand-700 underline">
                Go to the newest events
              </Link>
            </p>
          )}
        </div>
      ) : (
        <>
          {pager('Stream pages (top)')}
          <EventLogList entries={page.entries} label="Stream events, newest first" showRevisionFirst />
          {pager('Stream pages')}
        </>
      )}
    </section>
  );
}
