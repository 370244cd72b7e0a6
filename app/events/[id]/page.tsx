import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import type { ReactNode } from 'react';
import { badRequest } from '@/lib/http/bad-request';
import { parseEventId } from '@/lib/http/event-id';
import { getEventStore } from '@/lib/eventstore/connection/client';
import { readEventAt } from '@/lib/eventstore/views/events-at';
import { commandStream } from '@/lib/eventstore/serialization/streams';
import { getIndexedEvent } from '@/lib/queries';
import { formatDateTime, formatMoney } from '@/components/format';
import { JsonBlock } from '@/components/json-block';
import { accountHref, eventLogHref, paymentHref, streamHref } from '@/components/links';
import { pastStateHref } from '@/components/past-state';

// Reads the query model and the event store on every request.
export const dynamic = 'force-dynamic';

type Props = { params: Promise<{ id: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { id } = await params;
  return { title: parseEventId(id).ok ? `Event ${id}` : 'Bad address' };
}

/** One event of an account stream: where it sits, what it carries, and everything it relates to. */
export default async function EventDetailPage({ params }: Props) {
  const { id: segment } = await params;
  const id = parseEventId(segment);
  if (!id.ok) badRequest(id.message);
  const indexed = await getIndexedEvent(id.value);
  if (!indexed) notFound();
  const stored = await readEventAt(getEventStore(), indexed);

  const isPayment = indexed.type === 'PaymentMade';
  const ids: Array<{ label: string; value: string | null; filter: 'command' | 'correlation' | 'causation' }> = [
    { label: 'Command id', value: indexed.commandId, filter: 'command' },
    { label: 'Correlation id', value: indexed.correlationId, filter: 'correlation' },
    { label: 'Causation id', value: indexed.causationId, filter: 'causation' },
  ];

  return (
    <div className="space-y-6">
      <nav aria-label="Breadcrumb" className="text-sm text-slate-600 [overflow-wrap:anywhere]">
        <Link href="/events" className="hover:underline">
          Event log
        </Link>{' '}
        / <span className="font-mono">{indexed.eventId}</span>
      </nav>

      <section aria-labelledby="event-heading" className="space-y-1">
        <h1 id="event-heading" className="text-2xl font-semibold tracking-tight [overflow-wrap:anywhere]">
          {indexed.type}
        </h1>
        <p className="text-slate-600 [overflow-wrap:anywhere]" data-testid="event-summary">
          {stored?.summary ?? 'The store no longer holds this event’s payload.'}
        </p>
      </section>

      <section aria-labelledby="where-heading" className="rounded-xl border border-slate-200 bg-white p-4 shadow-sm">
        <h2 id="where-heading" className="mb-3 text-sm font-semibold uppercase tracking-wide text-slate-500">
          Where it is stored
        </h2>
        <dl className="grid grid-cols-1 gap-x-6 gap-y-2 text-sm sm:grid-cols-[max-content_1fr]" data-testid="event-facts">
          <Fact term="Event id">
            <span className="font-mono">{indexed.eventId}</span>
          </Fact>
          <Fact term="Stream">
            <Link href={streamHref(indexed.stream)} className="font-mono text-brand-700 hover:underline" title={indexed.stream}>
              {indexed.stream}
            </Link>
          </Fact>
          <Fact term="Revision">
            <span className="font-mono tabular">{indexed.revision.toString()}</span>
          </Fact>
          <Fact term="Commit position">
            <span className="font-mono tabular" data-testid="commit-position">
              {indexed.position.toString()}
            </span>
          </Fact>
          <Fact term="Prepare position">
            <span className="font-mono tabular" data-testid="prepare-position">
              {(stored?.preparePosition ?? indexed.position).toString()}
            </span>
          </Fact>
          <Fact term="Created">
            <time dateTime={indexed.created.toISOString()}>{formatDateTime(indexed.created)}</time>
          </Fact>
          {indexed.amountCents !== null && (
            <Fact term="Amount">
              <span className="tabular">{formatMoney(indexed.amountCents)}</span>
            </Fact>
          )}
        </dl>
      </section>

      <section aria-labelledby="ids-heading" className="rounded-xl border border-slate-200 bg-white p-4 shadow-sm">
        <h2 id="ids-heading" className="mb-3 text-sm font-semibold uppercase tracking-wide text-slate-500">
          Command, correlation and causation
        </h2>
        <dl className="grid grid-cols-1 gap-x-6 gap-y-2 text-sm sm:grid-cols-[max-content_1fr]">
          {ids.map(({ label, value, filter }) => (
            <Fact key={filter} term={label}>
              {value === null ? (
                <span className="text-slate-500">none in the metadata</span>
              ) : (
                <span className="flex flex-wrap items-baseline gap-x-3">
                  <Link
                    href={eventLogHref({ [filter]: value })}
                    className="font-mono text-brand-700 hover:underline"
                    title={`Events with this ${label.toLowerCase()}`}
                    data-testid={`${filter}-link`}
                  >
                    {value}
                  </Link>
                  <span className="text-xs text-slate-500">events sharing it</span>
                </span>
              )}
            </Fact>
          ))}
          {indexed.commandId !== null && (
            <Fact term="Command record">
              <Link href={streamHref(commandStream(indexed.commandId))} className="font-mono text-brand-700 hover:underline">
                {commandStream(indexed.commandId)}
              </Link>
            </Fact>
          )}
        </dl>
      </section>

      <section aria-labelledby="related-heading" className="rounded-xl border border-slate-200 bg-white p-4 shadow-sm">
        <h2 id="related-heading" className="mb-3 text-sm font-semibold uppercase tracking-wide text-slate-500">
          Related
        </h2>
        <ul className="space-y-1 text-sm">
          <li>
            <Link href={accountHref(indexed.accountNumber)} className="font-medium text-brand-700 hover:underline">
              {isPayment ? 'Payer' : 'Account'} {indexed.accountNumber}
            </Link>
          </li>
          {isPayment && indexed.counterparty && (
            <li>
              <Link href={accountHref(indexed.counterparty)} className="font-medium text-brand-700 hover:underline">
                Payee {indexed.counterparty}
              </Link>
            </li>
          )}
          {isPayment && (
            <li>
              <Link href={paymentHref(indexed.eventId)} className="font-medium text-brand-700 hover:underline">
                The payment: both sides, balances before and after
              </Link>
            </li>
          )}
          <li>
            <Link href={pastStateHref(indexed.accountNumber, indexed.revision)} className="font-medium text-brand-700 hover:underline">
              Account {indexed.accountNumber} right after this event
            </Link>
          </li>
          {isPayment && indexed.counterparty && (
            <li>
              <Link
                href={pastStateHref(indexed.counterparty, { position: indexed.position })}
                className="font-medium text-brand-700 hover:underline"
              >
                Payee {indexed.counterparty} right after this event
              </Link>
            </li>
          )}
          <li>
            <Link href={eventLogHref({ account: indexed.accountNumber })} className="font-medium text-brand-700 hover:underline">
              Every event of account {indexed.accountNumber}
            </Link>
          </li>
        </ul>
      </section>

      <section aria-labelledby="raw-heading" className="space-y-3">
        <h2 id="raw-heading" className="text-lg font-semibold">
          As stored
        </h2>
        {stored ? (
          <div className="grid grid-cols-1 gap-3 md:grid-cols-2">
            <JsonBlock label={`${stored.type} data`} value={stored.data} testId="raw-data" />
            <JsonBlock label="Metadata" value={stored.metadata} testId="raw-metadata" />
          </div>
        ) : (
          <p className="rounded-xl border border-dashed border-slate-300 bg-white p-6 text-sm text-slate-600">
            The store no longer holds this event (scavenged or truncated); the facts above come from the query model&apos;s index.
          </p>
        )}
      </section>
    </div>
  );
}

function Fact({ term, children }: { term: string; children: ReactNode }) {
  return (
    <>
      <dt className="font-medium text-slate-600">{term}</dt>
      <dd className="min-w-0 [overflow-wrap:anywhere]">{children}</dd>
    </>
  );
}
