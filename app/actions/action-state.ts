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
   * The command id to resubmit with, set when only the same id makes a retry safe (unknown outcome,
   * reused id). A page rendered for a post without a nonce has ids of its own, so the form prefers this.
   */
  commandId?: string;
  /** Set when this form's id is used up (reused for other content): where a fresh form is. */
  freshFormHref?: string;
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

const STATUSES: ReadonlySet<string> = new Set<ActionState['status']>(['idle', 'success', 'error', 'unknown']);

/**
 * What an action answers when it is not called the way its form calls it: React passes
 * (previous state, FormData), but a hand-made post with a Next-Action header decides the
 * arguments itself (a text/plain JSON body `[]` gives none; the no-JavaScript encoding's
 * `$ACTION_<n>:<m>` fields give any JSON as the previous state). Nothing is read or written.
 */
export const notFormDataState: ActionState = {
  status: 'error',
  message: 'Nothing was done: this form was not sent as a form. Reload the page and submit it again.',
};

/** True for the (previous state, FormData) pair useActionState passes; the previous state is never trusted further. */
export function isFormCall(previous: unknown, formData: unknown): formData is FormData {
  if (!(formData instanceof FormData)) return false;
  if (typeof previous !== 'object' || previous === null || Array.isArray(previous)) return false;
  const status = (previous as { status?: unknown }).status;
  return typeof status === 'string' && STATUSES.has(status);
}
