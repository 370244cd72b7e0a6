import Link from 'next/link';

/** Plain links keyed by $all position (?before= / ?after=), so paging works without client JavaScript. */
export function CursorPagination({
  basePath,
  newer,
  older,
  label,
}: {
  basePath: string;
  newer: bigint | null;
  older: bigint | null;
  label: string;
}) {
  if (newer === null && older === null) return null;
  const link = 'rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium hover:bg-slate-50';
  const disabled = 'rounded-md border border-slate-200 px-3 py-1.5 text-sm text-slate-400';
  return (
    <nav aria-label={label} className="flex items-center justify-between gap-2">
      <div className="flex gap-2">
        {newer !== null ? (
          <>
            <Link href={basePath} className={link}>
              ⇤ Newest
            </Link>
            <Link href={`${basePath}?after=${newer}`} rel="prev" className={link}>
              ← Newer
            </Link>
          </>
        ) : (
          <span className={disabled} aria-hidden="true">
            ← Newer
          </span>
        )}
      </div>
      {older !== null ? (
        <Link href={`${basePath}?before=${older}`} rel="next" className={link}>
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
