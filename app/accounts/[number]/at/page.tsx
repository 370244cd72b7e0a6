import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { ACCOUNT_NUMBER_PATTERN } from '@/lib/domain/account-number';
import { accountOpenedInStore } from '@/lib/eventstore/views/account-exists';
import { getEventStore } from '@/lib/eventstore/connection/client';
import { toEventLogEntry } from '@/lib/eventstore/views/event-log';
import { badRequest } from '@/lib/http/bad-request';
import { timeTravelHref } from '@/lib/time-travel/href';
import { loadPointEvent, loadTimeTravel } from '@/lib/time-travel/load';
import { parsePointQuery } from '@/lib/time-travel/params';
import { formatDateTime } from '@/components/format';
import { NoSuchPoint } from '@/components/time-travel/no-such-point';
import { PastStateView } from '@/components/time-travel/past-state-view';

// Reads the event store on every request.
export const dynamic = 'force-dynamic';

type Props = {
  params: Promise<{ number: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
};

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { number } = await params;
  return { title: ACCOUNT_NUMBER_PATTERN.test(number) ? `Account ${number} in the past` : 'Not found' };
}

/**
 * Any point of an account's history: `?position=<$all position>` (one of its own events, or a
 * payment it received, which lives on the payer's stream) or `?asOf=<ISO 8601>` (the last
 * point at or before that moment). Without either, a form asks for a moment.
 */
export default async function AccountPastPage({ params, searchParams }: Props) {
  const { number } = await params;
  if (!ACCOUNT_NUMBER_PATTERN.test(number)) notFound();
  const picked = parsePointQuery(await searchParams);
  if (!picked.ok) badRequest(picked.reason);
  const selector = picked.value;
  if (!selector) {
    if (!(await accountOpenedInStore(getEventStore(), number))) notFound();
    return <AsOfForm number={number} />;
  }

  const result = await loadTimeTravel(number, selector);
  if (result.kind === 'not_found') notFound();
  if (result.kind === 'no_such_point') {
    const latest = { href: result.last.href, label: `Latest point (${result.total})` };
    const message =
      selector.by === 'asOf'
        ? `Account ${number} was opened at ${formatDateTime(result.openedAt)}; it did not exist yet at ${formatDateTime(selector.at)}.`
        : `No event at $all position ${selector.by === 'position' ? selector.position.toString() : ''} is part of account ${number}’s history (its ${result.total} points are its own events and the payments it received).`;
    return <NoSuchPoint number={number} title="No such point" message={message} latest={latest} />;
  }
  const stored = await loadPointEvent(result);
  return <PastStateView view={result.view} stoppedAt={stored && toEventLogEntry(stored)} />;
}

function AsOfForm({ number }: { number: string }) {
  return (
    <section aria-labelledby="as-of-heading" className="mx-auto max-w-lg space-y-4 py-8">
      <h1 id="as-of-heading" className="text-2xl font-semibold tracking-tight">
        Account <span className="font-mono">{number}</span> in the past
      </h1>
      <p className="text-slate-600">
        Pick a moment (UTC): you will see the account right after the last event of its history at or before it.
      </p>
      <form method="get" className="space-y-3 rounded-xl border border-slate-200 bg-white p-5 shadow-sm">
        <label htmlFor="as-of" className="block text-sm font-medium">
          Date and time (UTC)
        </label>
        <input
          id="as-of"
          name="asOf"
          type="datetime-local"
          step={1}
          required
          className="w-full rounded-md border border-slate-300 px-3 py-2"
        />
        <button type="submit" className="rounded-md bg-brand-700 px-4 py-2 text-sm font-semibold text-white hover:bg-brand-800">
          Show the account then
        </button>
      </form>
      <p className="text-sm">
        <Link href={timeTravelHref(number, 1)} className="font-medium text-brand-700 hover:underline">
          Or step through its history on the account page
        </Link>
      </p>
    </section>
  );
}
