import Link from 'next/link';
import type { ActiveFilter } from '@/lib/http/event-log-params';

/** The filters in force, each a link to the same search without it. */
export function ActiveFilters({ filters }: { filters: ActiveFilter[] }) {
  if (filters.length === 0) return null;
  return (
    <div className="flex flex-wrap items-center gap-2 text-sm">
      <span className="text-slate-600">Showing events with</span>
      <ul className="flex min-w-0 flex-wrap gap-2" aria-label="Active filters">
        {filters.map((filter) => (
          <li key={filter.key} className="min-w-0 max-w-full">
            <Link
              href={filter.removeHref}
              className="inline-flex max-w-full items-center gap-1 rounded-full border border-brand-100 bg-brand-50 px-3 py-1 text-brand-800 hover:bg-brand-100"
              title={`Remove the filter ${filter.label}`}
              aria-label={`Remove the filter ${filter.label}`}
              data-testid="active-filter"
            >
              <span className="truncate">{filter.label}</span>
              <span aria-hidden="true">×</span>
            </Link>
          </li>
        ))}
      </ul>
    </div>
  );
}
