import type { ReactNode } from 'react';

/**
 * One section of the operations page: a heading, a line on what it shows, and either its
 * content or, when its source could not be read, the reason (role=alert), never an error page.
 */
export function SystemSection({
  id,
  title,
  description,
  failure,
  children,
}: {
  id: string;
  title: string;
  description?: ReactNode;
  failure?: string;
  children?: ReactNode;
}) {
  return (
    <section
      id={id}
      aria-labelledby={`${id}-heading`}
      className="min-w-0 space-y-3 rounded-xl border border-slate-200 bg-white p-5 shadow-sm"
      data-testid={`section-${id}`}
    >
      <div>
        <h2 id={`${id}-heading`} className="text-lg font-semibold">
          {title}
        </h2>
        {description && <p className="mt-0.5 text-sm text-slate-600">{description}</p>}
      </div>
      {failure ? (
        <p role="alert" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800" data-testid="section-failure">
          {failure}
        </p>
      ) : (
        children
      )}
    </section>
  );
}

/** A label and its value, in a grid of facts. */
export function Fact({ label, value, testId }: { label: string; value: ReactNode; testId?: string }) {
  return (
    <div className="min-w-0">
      <dt className="text-xs uppercase tracking-wide text-slate-500">{label}</dt>
      <dd className="mt-0.5 break-words font-medium tabular" data-testid={testId}>
        {value}
      </dd>
    </div>
  );
}
