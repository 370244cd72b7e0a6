const MAX_REASON_LENGTH = 300;

/**
 * Shown when the worker holds this account's stream: it could not apply the event at `revision`
 * and keeps the later ones back until that is repaired and replayed, so the figures are stale.
 */
export function HeldNotice({ revision, reason }: { revision: string; reason: string }) {
  const shown = reason.length > MAX_REASON_LENGTH ? `${reason.slice(0, MAX_REASON_LENGTH)}…` : reason;
  return (
    <div role="alert" data-testid="held-notice" className="rounded-md border border-amber-300 bg-amber-50 px-4 py-3 text-sm text-amber-900">
      This account&apos;s history is held at revision {revision}: {shown}. Its balance and history may be out of date;
      events after it are safe in the event store and will appear once the problem is fixed and the event replayed.
    </div>
  );
}
