import Link from 'next/link';
import { shownReason } from '../held-reason';
import { formatDateTime } from '../format';

export type HeldStreamRow = { stream: string; accountNumber: string; revision: string; reason: string; heldAt: Date };

/** Streams the worker holds back, each with the reason and a link to its account. */
export function HeldStreamsView({ holds, total }: { holds: HeldStreamRow[]; total: number }) {
  if (holds.length === 0) {
    return (
      <p className="text-sm text-emerald-800" data-testid="no-held-streams">
        No stream is held: every account is projected.
      </p>
    );
  }
  return (
    <div className="space-y-2">
      {total > holds.length && (
        <p className="text-sm text-slate-600">
          The {holds.length} oldest of {total} held streams.
        </p>
      )}
      <ul className="divide-y divide-slate-100" data-testid="held-streams">
        {holds.map((hold) => (
          <li key={hold.stream} className="space-y-1 py-2 text-sm" data-testid="held-stream">
            <p>
              <Link href={`/accounts/${hold.accountNumber}`} className="font-mono font-medium text-brand-700 underline">
                {hold.stream}
              </Link>{' '}
              held at revision <span className="tabular">{hold.revision}</span> since {formatDateTime(hold.heldAt)}
            </p>
            <p className="break-words text-slate-700" data-testid="held-stream-reason">
              {shownReason(hold.reason)}
            </p>
          </li>
        ))}
      </ul>
    </div>
  );
}
