import type { InputHTMLAttributes } from 'react';

type FieldProps = {
  name: string;
  label: string;
  /** Form-scoped prefix so two forms on one page never share element ids. */
  idPrefix: string;
  hint?: string;
  errors?: string[];
} & Omit<InputHTMLAttributes<HTMLInputElement>, 'name' | 'id' | 'maxLength'>;

/**
 * A labelled input whose error is announced and tied to it with aria-describedby. One message
 * per field: the first problem found is the one to fix, and several messages read as one
 * sentence. No maxLength: the browser would cut a pasted value silently, so a limit is a hint
 * and an over-long value gets a field error from the server.
 */
export function Field({ name, label, idPrefix, hint, errors, className, ...input }: FieldProps) {
  const id = `${idPrefix}-${name}`;
  const hintId = hint ? `${id}-hint` : undefined;
  const error = errors?.[0];
  const errorId = error ? `${id}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(' ') || undefined;
  return (
    <div className={className}>
      <label htmlFor={id} className="block text-sm font-medium text-slate-700">
        {label}
      </label>
      <input
        id={id}
        name={name}
        aria-invalid={errorId ? true : undefined}
        aria-describedby={describedBy}
        className="mt-1 block w-full min-w-0 rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm placeholder:text-slate-400 focus:border-brand-600 focus:outline-none focus:ring-2 focus:ring-brand-600/30 aria-invalid:border-red-500 aria-invalid:ring-red-500/20"
        {...input}
      />
      {hint && (
        <p id={hintId} className="mt-1 text-xs text-slate-500">
          {hint}
        </p>
      )}
      {errorId && (
        <p id={errorId} className="mt-1 text-xs font-medium text-red-700 wrap-anywhere">
          {error}
        </p>
      )}
    </div>
  );
}
