import Link from 'next/link';
import { shownReason } from './held-reason';

/**
 * Shown when the worker holds this account's stream: it could not apply the event at `revision`
 * and keeps the later ones back until that is repaired and replayed, so the figures are stale.
 */
export function HeldNotice({ revision, reason }: { revision: string; reason: string }) {
  return (
    <div role="alert" data-testid="held-notice" className="rounded-md border border-amber-300 bg-amber-50 px-4 py-3 text-sm text-amber-900">
      <p>
        <strong>This account&apos;s history is held at revision {revision}</strong>: the event at that revision could not be applied to the
        read model (
        <span data-testid="held-reason" className="wrap-anywhere">
          {shownReason(reason)}
        </span>
        ).
      </p>
      <p className="mt-1">
        Its balance and history may be out of date. Later events are safe in the event store and will appear here once it resumes, when the
        problem is fixed and the event replayed.{' '}
        <Link href="/system#held-streams" className="font-medium underline">
          See held streams and parked events
        </Link>
      </p>
    </div>
  );
}
