import Link from 'next/link';
import type { EventLogEntry } from '@/lib/eventstore/views/event-log';
import { pastStateHref, timeTravelHref } from '@/lib/time-travel/href';
import type { PointSummary, TimeTravelView } from '@/lib/time-travel/view';
import { EventLogList } from '../event-log-list';
import { formatMoney } from '../format';
import { pointSentence, pointWhen } from './point-text';
import { ChangeTable, StateList } from './snapshot-views';
import { TimeTravelSource } from './time-travel-source';

const pagerLink = 'rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium hover:bg-slate-50';

/**
 * An account as it was right after one point of its history (/accounts/<n>/at/…): the state,
 * what the point changed, what changed since, the stored event it stopped at, and links to
 * the neighbouring points and revisions. Renders what the page loaded.
 */
export function PastStateView({ view, stoppedAt }: { view: TimeTravelView; stoppedAt: EventLogEntry | null }) {
  const { accountNumber: number, point, total } = view;
  const ownRevision = BigInt(view.ownRevision);
  const lastRevision = BigInt(view.lastRevision);
  const later = total - point.number;
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
        / {point.kind === 'own' ? `revision ${point.revision}` : `position ${point.position}`}
      </nav>

      <div
        role="note"
        aria-label="Historical view"
        className="flex flex-wrap items-center justify-between gap-4 rounded-xl border border-amber-300 bg-amber-50 p-4 text-sm text-amber-900"
        data-testid="historical-banner"
      >
        <p className="min-w-0">
          <span className="font-semibold">Historical view.</span> This is the account as it was right after{' '}
          {point.kind === 'own' ? `revision ${point.revision}` : `the payment it received from ${point.counterparty}`} ({pointWhen(point)}),
          replayed from the event store. Nothing after it is included
          {later === 0 ? ' (it is the latest point of its history).' : ` (${later} later point${later === 1 ? '' : 's'} of its history).`}
        </p>
        <div className="flex flex-wrap items-center gap-3">
          <Link href={timeTravelHref(number, point.number)} className="font-semibold underline hover:no-underline">
            Step through on the account page
          </Link>
          <Link href={`/accounts/${number}`} className="rounded-md bg-amber-900 px-3 py-1.5 font-semibold text-white hover:bg-amber-800">
            Back to now
          </Link>
        </div>
      </div>

      <section
        aria-labelledby="account-heading"
        className="flex flex-wrap items-end justify-between gap-6 rounded-xl bg-gradient-to-br from-slate-700 to-slate-500 p-6 text-white shadow"
      >
        <div className="min-w-0">
          <p className="font-mono text-sm text-white/70">
            Account {number} · {point.kind === 'own' ? `as of revision ${point.revision}` : `as of position ${point.position}`}
          </p>
          <h1 id="account-heading" className="mt-1 text-2xl font-semibold tracking-tight wrap-anywhere" data-testid="past-holder-name">
            {view.state.holderName}
          </h1>
          <p className="mt-2 text-xs text-white/70">
            Point {point.number} of {total} · own stream at revision {view.ownRevision} · $all position {point.position}
          </p>
        </div>
        <div className="sm:text-right">
          <p className="text-sm text-white/70">Balance then</p>
          <p className="text-3xl font-semibold tabular" data-testid="past-balance">
            {formatMoney(view.state.balanceCents ?? '0')}
          </p>
        </div>
      </section>

      <nav aria-label="Points" className="grid gap-2 sm:grid-cols-2">
        <div className="min-w-0">{view.previous && <PointLink point={view.previous} rel="prev" />}</div>
        <div className="min-w-0 sm:text-right">{view.next && <PointLink point={view.next} rel="next" />}</div>
      </nav>

      <section
        aria-labelledby="state-heading"
        className="grid gap-6 rounded-xl border border-slate-200 bg-white p-5 shadow-sm md:grid-cols-2"
      >
        <div className="min-w-0 space-y-3">
          <h2 id="state-heading" className="text-lg font-semibold">
            State right after it
          </h2>
          <p className="wrap-anywhere text-sm" data-testid="past-point">
            {pointSentence(point)}
          </p>
          <StateList values={view.state} label={`State right after point ${point.number}`} />
        </div>
        <div className="min-w-0 space-y-4">
          <ChangeTable
            changes={view.sincePrevious}
            caption={view.previous ? `Changed by this event (since point ${view.previous.number})` : 'Changed by this event (the opening)'}
            empty="Nothing: this event changes none of these fields."
            testId="past-since-previous"
          />
          <ChangeTable
            changes={view.untilToday}
            caption="Changed since, until today"
            empty="Nothing: this is the account as it is today."
            testId="past-until-today"
          />
        </div>
        <div className="md:col-span-2">
          <TimeTravelSource view={view} />
        </div>
      </section>

      <nav aria-label="Revisions" className="flex flex-wrap items-center justify-between gap-2">
        {point.kind === 'own' && ownRevision > 0n ? (
          <Link href={pastStateHref(number, ownRevision - 1n)} rel="prev" className={pagerLink}>
            ← Revision {(ownRevision - 1n).toString()}
          </Link>
        ) : point.kind === 'received' ? (
          <Link href={pastStateHref(number, ownRevision)} className={pagerLink}>
            ← Revision {ownRevision.toString()}
          </Link>
        ) : (
          <span />
        )}
        {ownRevision < lastRevision ? (
          <Link href={pastStateHref(number, ownRevision + 1n)} rel="next" className={pagerLink}>
            Revision {(ownRevision + 1n).toString()} →
          </Link>
        ) : (
          <span />
        )}
      </nav>

      {stoppedAt && (
        <section aria-labelledby="stopped-heading" className="space-y-3">
          <h2 id="stopped-heading" className="text-lg font-semibold">
            Stopped at
          </h2>
          <EventLogList entries={[stoppedAt]} label="The last event applied" pastStateLinks={false} />
        </section>
      )}
    </div>
  );
}

function PointLink({ point, rel }: { point: PointSummary; rel: 'prev' | 'next' }) {
  const label = `${point.number}: ${pointSentence(point)}`;
  return (
    <Link
      href={point.href}
      rel={rel}
      className={`${pagerLink} inline-block max-w-full wrap-anywhere`}
      aria-label={`${rel === 'prev' ? 'Previous' : 'Next'} point, ${label}`}
    >
      {rel === 'prev' ? `← Point ${label}` : `Point ${label} →`}
    </Link>
  );
}
