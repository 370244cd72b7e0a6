import type { HistoryEntry } from '@/lib/queries';
import { formatDateTime, formatSignedMoney } from './format';
import { historyKindLabel } from './history-timeline';

/**
 * The account's newest events, compact, for a form whose outcome is unknown: the person can see
 * whether the change went through before retrying.
 */
export function LatestEvents({ entries, accountNumber }: { entries: HistoryEntry[]; accountNumber: string }) {
  return (
    <div className="rounded-md border border-slate-200 bg-slate-50 p-3 text-sm" data-testid="latest-events">
      <p className="font-medium">The account&apos;s latest events</p>
      {entries.length === 0 ? (
        <p className="text-slate-600">None shown yet.</p>
      ) : (
        <ol className="mt-1 space-y-1" aria-label="The account's latest events, newest first">
          {entries.map((entry) => (
            <li key={`${entry.eventId}-${entry.kind}`} className="flex justify-between gap-2">
              <span>
                {historyKindLabel(entry.kind)} <span className="text-xs text-slate-500">{formatDateTime(entry.occurredAt)}</span>
              </span>
              {entry.amountCents !== 0n && <span className="tabular">{formatSignedMoney(entry.amountCents)}</span>}
            </li>
          ))}
        </ol>
      )}
      <a href={`/accounts/${accountNumber}#history-heading`} className="mt-1 inline-block underline">
        See the full history
      </a>
    </div>
  );
}
