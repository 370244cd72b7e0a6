import Link from 'next/link';
import { Fact } from './system-section';

export type DifferenceView = {
  accountNumber: string;
  field: string;
  expected: string | null;
  actual: string | null;
  firstEvent: { eventId: string; position: string; type: string } | null;
};

export type ReconciliationRunView = {
  status: string;
  message: string;
  startedAt: string;
  finishedAt: string | null;
  accounts: number;
  events: string;
  position: string | null;
  skipped: number;
  differences: DifferenceView[];
};

const FIELDS: Record<string, string> = {
  missing: 'missing from the read model',
  unexpected: 'in the read model but not in the store',
  holderName: 'holder name',
  balance: 'balance (cents)',
  revision: 'revision',
  // Reports stored before the read model's column was renamed from version.
  version: 'revision',
  historyLength: 'history length',
};

/** The newest reconciliation: what it checked and each difference, with the first event where the two part. */
export function ReconciliationView({ run, limit }: { run: ReconciliationRunView | null; limit?: number }) {
  if (!run) return <p className="text-sm text-slate-600">No reconciliation has run yet.</p>;
  const shown = limit === undefined ? run.differences : run.differences.slice(0, limit);
  return (
    <div className="space-y-3" data-testid="reconciliation-run" data-status={run.status}>
      <dl className="grid grid-cols-2 gap-3 text-sm sm:grid-cols-4">
        <Fact
          label="Status"
          value={run.status === 'done' ? run.message : run.status === 'failed' ? run.message : `${run.status}…`}
          testId="reconciliation-status"
        />
        <Fact label="Accounts checked" value={run.accounts.toLocaleString('en')} />
        <Fact label="Events replayed" value={Number(run.events).toLocaleString('en')} />
        <Fact label="As of $all position" value={run.position ?? '–'} />
      </dl>
      <p className="text-xs text-slate-500">
        Started {run.startedAt}
        {run.finishedAt ? `, finished ${run.finishedAt}` : ''}.
        {run.skipped > 0 ? ` ${run.skipped} accounts changed while it ran and are left for the next run.` : ''}
      </p>
      {shown.length > 0 && (
        <div className="overflow-x-auto">
          <table className="w-full text-left text-sm">
            <caption className="sr-only">Differences between a replay of the store and the read model</caption>
            <thead className="text-xs uppercase tracking-wide text-slate-500">
              <tr>
                <th className="py-1 pr-3">Account</th>
                <th className="py-1 pr-3">What differs</th>
                <th className="py-1 pr-3">Store replay</th>
                <th className="py-1 pr-3">Read model</th>
                <th className="py-1">First event where they part</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((d) => (
                <tr
                  key={`${d.accountNumber}-${d.field}`}
                  className="border-t border-slate-100 align-top"
                  data-testid="reconciliation-difference"
                >
                  <td className="py-1 pr-3 font-mono">
                    <Link href={`/accounts/${d.accountNumber}`} className="text-brand-700 underline">
                      {d.accountNumber}
                    </Link>
                  </td>
                  <td className="py-1 pr-3">{FIELDS[d.field] ?? d.field}</td>
                  <td className="py-1 pr-3 break-all">{d.expected ?? '–'}</td>
                  <td className="py-1 pr-3 break-all">{d.actual ?? '–'}</td>
                  <td className="py-1">
                    {d.firstEvent ? (
                      <Link href={`/events/${d.firstEvent.eventId}`} className="text-brand-700 underline">
                        {d.firstEvent.type} at position {d.firstEvent.position}
                      </Link>
                    ) : (
                      'the timelines agree'
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {limit !== undefined && run.differences.length > limit && (
        <p className="text-sm">
          {run.differences.length - limit} more:{' '}
          <Link href="/system/reconciliation" className="text-brand-700 underline">
            see the whole report
          </Link>
          .
        </p>
      )}
    </div>
  );
}
