import type { Metadata } from 'next';
import Link from 'next/link';
import { LiveUpdates } from '@/components/live/live-updates';
import { ReconciliationSection } from '../_sections/reconciliation';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'Reconciliation' };

/** The whole reconciliation report (the operations page shows its first differences). */
export default function ReconciliationPage() {
  return (
    <div className="space-y-6">
      <nav aria-label="Breadcrumb" className="text-sm text-slate-600">
        <Link href="/system" className="hover:underline">
          Operations
        </Link>{' '}
        / Reconciliation
      </nav>
      <LiveUpdates since={null} operations />
      <ReconciliationSection limit={Number.MAX_SAFE_INTEGER} />
    </div>
  );
}
