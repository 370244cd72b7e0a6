import Link from 'next/link';

const pagerLink = 'rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium hover:bg-slate-50';

/** A past state that does not exist (past the end, before the opening, not a point of this account), said plainly. */
export function NoSuchPoint({
  number,
  title,
  message,
  latest,
}: {
  number: string;
  title: string;
  message: string;
  latest?: { href: string; label: string };
}) {
  return (
    <section aria-labelledby="no-point-heading" className="mx-auto max-w-lg space-y-4 py-12 text-center">
      <h1 id="no-point-heading" className="text-2xl font-semibold tracking-tight">
        {title}
      </h1>
      <p role="alert" className="text-slate-600 wrap-anywhere">
        {message}
      </p>
      <div className="flex flex-wrap justify-center gap-3">
        {latest && (
          <Link href={latest.href} className={pagerLink}>
            {latest.label}
          </Link>
        )}
        <Link
          href={`/accounts/${number}`}
          className="rounded-md bg-brand-700 px-4 py-2 text-sm font-semibold text-white hover:bg-brand-800"
        >
          Back to account {number}
        </Link>
      </div>
    </section>
  );
}
