import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { ACCOUNT_NUMBER_PATTERN } from '@/lib/domain/account-number';
import { loadAccountAtRevision } from '@/lib/eventstore/account-at-revision';
import { getEventStore } from '@/lib/eventstore/client';
import { EventLogList } from '@/components/event-log-list';
import { formatDateTime, formatMoney } from '@/components/format';
import { parsePastRevision, pastStateHref } from '@/components/past-state';

// Reads the event store on every request.
export const dynamic = 'force-dynamic';

type Props = { params: Promise<{ number: string; revision: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { number, revision } = await params;
  return { title: ACCOUNT_NUMBER_PATTERN.test(number) ? `Account ${number} at revision ${revision}` : 'Not found' };
}

/**
 * An account as it was right after one of its own events, folded from the store (see
 * loadAccountAtRevision for why the store and not the query model).
 */
export default async function AccountAtRevisionPage({ params }: Props) {
  const { number, revision: revisionParam } = await params;
  if (!ACCOUNT_NUMBER_PATTERN.test(number)) notFound();

  const parsed = parsePastRevision(revisionParam);
  if (!parsed.ok) return <NoSuchRevision number={number} message={parsed.message} />;

  const result = await loadAccountAtRevision(getEventStore(), number, parsed.revision);
  if (result.kind === 'not_found') notFound();
  if (result.kind === 'beyond_end') {
    const last = result.lastRevision.toString();
    return (
      <NoSuchRevision
        number={number}
        message={`Account ${number} has events up to revision ${last} only; revision ${revisionParam} does not exist (yet).`}
        latest={last}
      />
    );
  }

  const { state, stoppedAt, lastRevision, paymentsReceived } = result;
  const revision = parsed.revision;
  if (state.status !== 'open') notFound();

  return (
    <div className="space-y-8">
      <nav aria-label="Breadcrumb" className="text-sm text-slate-600">
        <Link href="/" className="hover:underline">
          Accounts
        </Link>{' '}
        /{' '}
        <Link href={`/accounts/${number}`} className="font-mono hover:underline">
          {number}
        </Link>{' '}
        / revision {revision.toString()}
      </nav>

      <div
        role="note"
        aria-label="Historical view"
        className="flex flex-wrap items-center justify-between gap-4 rounded-xl border border-amber-300 bg-amber-50 p-4 text-sm text-amber-900"
        data-testid="historical-banner"
      >
        <p>
          <span className="font-semibold">Historical view.</span> This is the account as it was right after revision{' '}
          {revision.toString()} ({formatDateTime(stoppedAt.created)}), read from the event store.{' '}
          Nothing after it is included
          {revision === lastRevision
            ? ' (it is the last event on its own stream; payments received since live on the payers’ streams).'
            : ` (${(lastRevision - revision).toString()} more event${lastRevision - revision === 1n ? '' : 's'} on its own stream, and any payments received since).`}
        </p>
        <Link
          href={`/accounts/${number}`}
          className="rounded-md bg-amber-900 px-3 py-1.5 font-semibold text-white hover:bg-amber-800"
        >
          Back to now
        </Link>
      </div>

      <section
        aria-labelledby="account-heading"
        className="flex flex-wrap items-end justify-between gap-6 rounded-xl bg-gradient-to-br from-slate-700 to-slate-500 p-6 text-white shadow"
      >
        <div className="min-w-0">
          <p className="font-mono text-sm text-white/70">
            Account {number} · as of revision {revision.toString()}
          </p>
          <h1 id="account-heading" className="mt-1 text-2xl font-semibold tracking-tight wrap-anywhere" data-testid="past-holder-name">
            {state.holderName}
          </h1>
          <p className="mt-2 text-xs text-white/70">
            As of $all position {stoppedAt.position.toString()} ·{' '}
            {paymentsReceived === 1 ? '1 payment received' : `${paymentsReceived} payments received`} by then
          </p>
        </div>
        <div className="sm:text-right">
          <p className="text-sm text-white/70">Balance then</p>
          <p className="text-3xl font-semibold tabular" data-testid="past-balance">
            {formatMoney(state.balanceCents)}
          </p>
        </div>
      </section>

      <nav aria-label="Revisions" className="flex items-center justify-between">
        {revision > 0n ? (
          <Link href={pastStateHref(number, revision - 1n)} rel="prev" className={pagerLink}>
            ← Revision {(revision - 1n).toString()}
          </Link>
        ) : (
          <span />
        )}
        {revision < lastRevision ? (
          <Link href={pastStateHref(number, revision + 1n)} rel="next" className={pagerLink}>
            Revision {(revision + 1n).toString()} →
          </Link>
        ) : (
          <span />
        )}
      </nav>

      <section aria-labelledby="stopped-heading" className="space-y-3">
        <h2 id="stopped-heading" className="text-lg font-semibold">
          Stopped at
        </h2>
        <EventLogList entries={[stoppedAt]} label="The last event applied" pastStateLinks={false} />
      </section>
    </div>
  );
}

const pagerLink = 'rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium hover:bg-slate-50';

function NoSuchRevision({ number, message, latest }: { number: string; message: string; latest?: string }) {
  return (
    <section aria-labelledby="no-revision-heading" className="mx-auto max-w-lg space-y-4 py-12 text-center">
      <h1 id="no-revision-heading" className="text-2xl font-semibold tracking-tight">
        No such revision
      </h1>
      <p role="alert" className="text-slate-600">
        {message}
      </p>
      <div className="flex justify-center gap-3">
        {latest !== undefined && (
          <Link href={pastStateHref(number, latest)} className={pagerLink}>
            Latest revision ({latest})
          </Link>
        )}
        <Link
          href={`/accounts/${number}`}
          className="rounded-md bg-brand-700 px-4 py-2 text-sm font-semibold text-white hover:bg-brand-800"
        >
          Back to account {number}
        </Link>
      </div>
    </section>
  );
}
