import type { ActionState } from '@/app/actions/action-state';

/**
 * The form's live region. It is always rendered (even when empty) so screen readers are
 * already watching it when a message appears. Before this form answers anything itself, it
 * shows the page's confirmation of the change it last made (after the redirect that follows a
 * success).
 */
export function FormStatus({ state, id, confirmation }: { state: ActionState; id: string; confirmation?: string }) {
  const answered = state.status !== 'idle' && state.message;
  const tone =
    state.status === 'error'
      ? 'border-red-200 bg-red-50 text-red-800'
      : state.status === 'unknown'
        ? 'border-amber-200 bg-amber-50 text-amber-900'
        : 'border-emerald-200 bg-emerald-50 text-emerald-800';
  return (
    <div id={id} aria-live="polite" aria-atomic="true" role="status">
      {answered ? (
        <p className={`rounded-md border px-3 py-2 text-sm wrap-anywhere ${tone}`}>
          {state.message}
          {state.freshFormHref && (
            <>
              {' '}
              <a href={state.freshFormHref} className="font-medium underline">
                Start a new form
              </a>
            </>
          )}
        </p>
      ) : (
        confirmation && (
          <p
            className="rounded-md border border-emerald-200 bg-emerald-50 px-3 py-2 text-sm text-emerald-800 wrap-anywhere"
            data-testid="confirmation"
          >
            {confirmation}
          </p>
        )
      )}
    </div>
  );
}
