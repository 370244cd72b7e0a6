import Link from 'next/link';

/**
 * Plain links to the neighbouring pages of a cursor-paged list (by $all position or by stream
 * revision), so paging works without client JavaScript. The page builds the links, keeping
 * whatever else its address holds (filters).
 */
export function CursorPagination({
  newestHref,
  newerHref,
  olderHref,
  label,
}: {
  newestHref: string;
  /** Null when nothing newer exists. */
  newerHref: string | null;
  /** Null when nothing older exists. */
  olderHref: string | null;
  label: string;
}) {
  if (newerHref === null && olderHref === null) return null;
  const link = 'rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium hover:bg-slate-50';
  const disabled = 'rounded-md border border-slate-200 px-3 py-1.5 text-sm text-slate-400';
  return (
    <nav aria-label={label} className="flex flex-wrap items-center justify-between gap-2">
      <div className="flex gap-2">
        {newerHref !== null ? (
          <>
            <Link href={newestHref} className={link}>
              ⇤ Newest
            </Link>
            <Link href={newerHref} rel="prev" className={link}>
              ← Newer
            </Link>
          </>
        ) : (
          <span className={disabled} aria-hidden="true">
            ← Newer
          </span>
        )}
      </div>
      {olderHref !== null ? (
        <Link href={olderHref} rel="next" className={link}>
          Older →
        </Link>
      ) : (
        <span className={disabled} aria-hidden="true">
          Older →
        </span>
      )}
    </nav>
  );
}
