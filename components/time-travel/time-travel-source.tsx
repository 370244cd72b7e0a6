import type { TimeTravelView } from '@/lib/time-travel/view';

/** What a past state is computed from, and what the projection holds back: said plainly under every view. */
export function TimeTravelSource({ view }: { view: TimeTravelView }) {
  const { source, state, accountNumber } = view;
  const received = Number(state.paymentsReceived ?? 0);
  return (
    <div className="space-y-2 border-t border-slate-100 pt-3 text-xs text-slate-600" data-testid="time-travel-source">
      <p>
        <span className="font-semibold">Computed from:</span> the account’s own stream{' '}
        <span className="font-mono">account-{accountNumber}</span> replayed from the event store (revisions 0–{view.ownRevision} of{' '}
        {view.lastRevision}) and the payments it had received by then as the projection’s index of incoming payments lists them (
        {received === 0 ? 'none' : received}
        {source.indexedUpTo === null ? ', nothing indexed yet' : `; indexed up to $all position ${source.indexedUpTo}`}). A payment the
        worker has not indexed yet appears here once it has.
      </p>
      {source.accountHold && (
        <p className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-amber-900" data-testid="time-travel-account-held">
          The projection holds this account’s stream at revision {source.accountHold.revision} ({source.accountHold.reason}): the account
          page’s balance and history stop before it. This replay reads the store itself
          {source.unreadable > 0 ? ' and skips the unreadable event' : ''}.
        </p>
      )}
      {source.unreadable > 0 && !source.accountHold && (
        <p className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-amber-900">
          {source.unreadable === 1 ? 'One event' : `${source.unreadable} events`} of this stream up to here cannot be read and{' '}
          {source.unreadable === 1 ? 'is' : 'are'} skipped: {source.unreadable === 1 ? 'it changes' : 'they change'} nothing.
        </p>
      )}
      {source.heldPayments > 0 && (
        <p className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-amber-900" data-testid="time-travel-held-payments">
          {source.heldPayments === 1 ? 'One of these payments is' : `${source.heldPayments} of these payments are`} on a payer’s stream the
          projection holds: in the store and counted here, but not yet in the account’s balance in the read model.
        </p>
      )}
    </div>
  );
}
