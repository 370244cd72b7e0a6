// The one result shape every form's useActionState sees. Not a server action module itself:
// client components import the type and `idleState`, server actions import the mappers.

export type ActionState = {
  status: 'idle' | 'success' | 'error';
  message?: string;
  fieldErrors?: Record<string, string[]>;
  /** What the user typed, echoed back on error so React's form reset doesn't wipe it. */
  values?: Record<string, string>;
  /**
   * Set on success when the projection had not applied the new event within the wait:
   * the form shows "Updating…" and refreshes until the page's account version reaches it.
   */
  awaiting?: { accountNumber: string; revision: string };
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

type Issue = { path: PropertyKey[]; message: string };

/** zod issues -> `{ field: [messages] }`, keyed by the first path segment (the form field name). */
export function fieldErrorsFrom(issues: readonly Issue[]): Record<string, string[]> {
  const errors: Record<string, string[]> = {};
  for (const issue of issues) {
    const key = issue.path.length > 0 ? String(issue.path[0]) : 'form';
    (errors[key] ??= []).push(issue.message);
  }
  return errors;
}

export function invalidInput(issues: readonly Issue[], values: Record<string, string>): ActionState {
  return {
    status: 'error',
    message: 'Please correct the highlighted fields.',
    fieldErrors: fieldErrorsFrom(issues),
    values,
  };
}
