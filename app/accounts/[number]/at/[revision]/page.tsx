import type { Metadata } from 'next';
import { notFound, redirect } from 'next/navigation';
import { ACCOUNT_NUMBER_PATTERN } from '@/lib/domain/account-number';
import { toEventLogEntry } from '@/lib/eventstore/views/event-log';
import { badRequest } from '@/lib/http/bad-request';
import { pastStateHref } from '@/lib/time-travel/href';
import { loadPointEvent, loadTimeTravel } from '@/lib/time-travel/load';
import { parsePointQuery, parseRevision } from '@/lib/time-travel/params';
import { NoSuchPoint } from '@/components/time-travel/no-such-point';
import { PastStateView } from '@/components/time-travel/past-state-view';

// Reads the event store on every request.
export const dynamic = 'force-dynamic';

type Props = {
  params: Promise<{ number: string; revision: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
};

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { number, revision } = await params;
  const parsed = parseRevision(revision);
  return { title: ACCOUNT_NUMBER_PATTERN.test(number) && parsed.ok ? `Account ${number} at revision ${revision}` : 'Not found' };
}

/**
 * An account as it was right after its own event at `revision`. With `?asOf=` or `?position=`
 * the query picks the point instead, so it is sent to the one address for those:
 * /accounts/<n>/at?… (see lib/time-travel/href.ts).
 */
export default async function AccountAtRevisionPage({ params, searchParams }: Props) {
  const { number, revision: segment } = await params;
  if (!ACCOUNT_NUMBER_PATTERN.test(number)) notFound();
  const revision = parseRevision(segment);
  if (!revision.ok) badRequest(revision.reason);
  const query = await searchParams;
  const picked = parsePointQuery(query);
  if (!picked.ok) badRequest(picked.reason);
  if (picked.value) {
    redirect(pastStateHref(number, picked.value.by === 'position' ? { position: picked.value.position } : { asOf: picked.value.at }));
  }

  const result = await loadTimeTravel(number, { by: 'revision', revision: revision.value });
  if (result.kind === 'not_found') notFound();
  if (result.kind === 'no_such_point') {
    const last = result.lastRevision.toString();
    return (
      <NoSuchPoint
        number={number}
        title="No such revision"
        message={`Account ${number} has events up to revision ${last} only; revision ${segment} does not exist (yet).`}
        latest={{ href: pastStateHref(number, last), label: `Latest revision (${last})` }}
      />
    );
  }
  const stored = await loadPointEvent(result);
  return <PastStateView view={result.view} stoppedAt={stored && toEventLogEntry(stored)} />;
}
