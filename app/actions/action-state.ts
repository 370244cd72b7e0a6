// The one result shape every form's useActionState sees. Not a server action module itself:
// client components import the type and `idleState`, server actions import the mappers.

export type ActionState = {
  /** 'unknown': the store connection dropped mid-append, so whether the change was made cannot be known. */
  status: 'idle' | 'success' | 'error' | 'unknown';
  message?: string;
  fieldErrors?: Record<string, string[]>;
  /** What the user typed, echoed back on error so React's form reset doesn't wipe it. */
  values?: Record<string, string>;
  /**
   * Set on success when the projection had not applied the new event within the wait:
   * the form shows "Updating…" and refreshes until the page's account version reaches it.
   */
  awaiting?: { accountNumber: string; revision: string };
  /**
   * The command id to resubmit with, set when only the same id makes a retry safe (unknown outcome,
   * reused id). Without JavaScript the page re-renders with a fresh id, so the form must prefer this.
   */
  commandId?: string;
};

export const idleState: ActionState = { status: 'idle' };

/** The text fields of a form, without Next's internal `$ACTION_*` entries. */
export function formValues(formData: FormData, fields: readonly string[]): Record<string, string> {
  const values: Record<string, string> = {};
  for (const field of fields) {
    const value = formData.get(field);
    values[field] = typeof value === 'string' ? value : '';
  }
  return values;
}

/** Form-schema validation failed: show the per-field messages and keep what was typed. */
export function invalidInput(fieldErrors: Record<string, string[]>, values: Record<string, string>): ActionState {
  return { status: 'error', message: 'Please correct the highlighted fields.', fieldErrors, values };
}
