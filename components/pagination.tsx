import Link from 'next/link';

/** Plain links (?page=N), so paging works without client JavaScript. */
export function Pagination({
  basePath,
  page,
  pageCount,
  label = 'History pages',
  previousLabel = '← Newer',
  nextLabel = 'Older →',
}: {
  basePath: string;
  page: number;
  pageCount: number;
  label?: string;
  previousLabel?: string;
  nextLabel?: string;
}) {
  if (pageCount <= 1) return null;
  const link = 'rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium hover:bg-slate-50';
  const disabled = 'rounded-md border border-slate-200 px-3 py-1.5 text-sm text-slate-400';
  return (
    <nav aria-label={label} className="flex items-center justify-between gap-2" data-page-count={pageCount}>
      {page > 1 ? (
        <Link href={`${basePath}?page=${Math.min(page - 1, pageCount)}`} rel="prev" className={link}>
          {previousLabel}
        </Link>
      ) : (
        <span className={disabled} aria-hidden="true">
          {previousLabel}
        </span>
      )}
      <span className="text-sm text-slate-600" aria-current="page">
        Page {page} of {pageCount}
      </span>
      {page < pageCount ? (
        <Link href={`${basePath}?page=${page + 1}`} rel="next" className={link}>
          {nextLabel}
        </Link>
      ) : (
        <span className={disabled} aria-hidden="true">
          {nextLabel}
        </span>
      )}
    </nav>
  );
}
