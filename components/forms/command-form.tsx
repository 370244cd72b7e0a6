'use client';

import { useActionState, type ReactNode } from 'react';
import { idleState, type ActionState } from '@/app/actions/action-state';
import { FormStatus } from './form-status';
import { SubmitButton } from './submit-button';
import { useSubmitOnce } from './use-submit-once';

/** What one of a form's own fields takes from the form: its id prefix, what was typed (kept on an error) and its errors. */
export type FieldState = { idPrefix: string; name: string; defaultValue: string | undefined; errors: string[] | undefined };

/** Gives a field of this form its state; `initial` is its value before anything was typed. */
export type FormFields = { field: (name: string, initial?: string) => FieldState };

type CommandFormProps = {
  action: (previous: ActionState, formData: FormData) => Promise<ActionState>;
  /** Prefix of the form's element ids (`<name>-heading`, `<name>-status`) and of its fields' ids. */
  name: string;
  /** Derived from the page's nonce (lib/forms/form-ids.ts): posting this form again is a retry. */
  commandId: string;
  /** Labels the form; without one the status line describes it (a page whose heading says what it is). */
  heading?: string;
  /** Fixed fields the page decides, such as the account the form acts on. */
  hidden?: Record<string, string>;
  submitText: string;
  pendingText: string;
  /** The account's latest events, rendered by the page; shown when an outcome is unknown. */
  latestEvents?: ReactNode;
  /** What the page confirms this form did just before (after the redirect that follows a success). */
  confirmation?: string;
  className?: string;
  children: (fields: FormFields) => ReactNode;
};

/**
 * Everything a command form shares: the command id (the one to retry with after an unknown
 * outcome or a reused id, else the page's), one submit at a time, the status line, the latest
 * events when the outcome is unknown and "Try again" then. A plain post, so it works without
 * JavaScript.
 */
export function CommandForm({
  action,
  name,
  commandId,
  heading,
  hidden = {},
  submitText,
  pendingText,
  latestEvents,
  confirmation,
  className = 'space-y-4',
  children,
}: CommandFormProps) {
  const [state, formAction, pending] = useActionState(action, idleState);
  const onSubmit = useSubmitOnce(pending, state);
  const errors = state.fieldErrors ?? {};
  const headingId = `${name}-heading`;
  const statusId = `${name}-status`;
  const unknown = state.status === 'unknown';
  return (
    <form
      action={formAction}
      onSubmit={onSubmit}
      aria-labelledby={heading ? headingId : undefined}
      aria-describedby={heading ? undefined : statusId}
      noValidate
      className={className}
    >
      {heading && (
        <h3 id={headingId} className="text-base font-semibold">
          {heading}
        </h3>
      )}
      <input type="hidden" name="commandId" value={state.commandId ?? commandId} />
      {Object.entries(hidden).map(([field, value]) => (
        <input key={field} type="hidden" name={field} value={value} />
      ))}
      {children({
        field: (field, initial) => ({ idPrefix: name, name: field, defaultValue: state.values?.[field] ?? initial, errors: errors[field] }),
      })}
      {errors.commandId && <p className="text-sm text-red-700">{errors.commandId[0]}</p>}
      <FormStatus id={statusId} state={state} confirmation={confirmation} />
      {unknown && latestEvents}
      <SubmitButton pending={pending} pendingText={pendingText}>
        {unknown ? 'Try again' : submitText}
      </SubmitButton>
    </form>
  );
}
