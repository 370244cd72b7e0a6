import type { ActionState } from '@/app/actions/action-state';

/**
 * The form's live region. It is always rendered (even when empty) so screen readers are
 * already watching it when a message appears.
 */
export function FormStatus({ state, id }: { state: ActionState; id: string }) {
  const tone =
    state.status === 'error'
      ? 'border-red-200 bg-red-50 text-red-800'
      : state.status === 'unknown'
        ? 'border-amber-200 bg-amber-50 text-amber-900'
        : 'border-emerald-200 bg-emerald-50 text-emerald-800';
  return (
    <div id={id} aria-live="polite" aria-atomic="true" role="status">
      {state.status !== 'idle' && state.message && (
        <p className={`rounded-md border px-3 py-2 text-sm ${tone}`}>{state.message}</p>
      )}
    </div>
  );
}
