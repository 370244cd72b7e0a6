import Link from 'next/link';
import { listAccounts, liveCursor } from '@/lib/queries';
import { formatMoney } from '@/components/format';
import { LiveUpdates } from '@/components/live/live-updates';

// Reads the PostgreSQL read model on every request.
export const dynamic = 'force-dynamic';

export default async function AccountsPage() {
  // Read first: whatever is indexed while the list renders reaches the page on its live stream.
  const since = await liveCursor();
  const accounts = await listAccounts();
  return (
    <section aria-labelledby="accounts-heading" className="space-y-6">
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <h1 id="accounts-heading" className="text-2xl font-semibold tracking-tight">
            Accounts
          </h1>
          <p className="mt-1 text-sm text-slate-600">
            {accounts.length === 1 ? '1 account' : `${accounts.length} accounts`}, balances as projected from the event log.
          </p>
          <div className="mt-2">
            <LiveUpdates since={since} />
          </div>
        </div>
        <Link
          href="/accounts/new"
          className="rounded-md bg-brand-700 px-4 py-2 text-sm font-semibold text-white shadow-sm hover:bg-brand-800"
        >
          Open account
        </Link>
      </div>

      {accounts.length === 0 ? (
        <div className="rounded-xl border border-dashed border-slate-300 bg-white p-10 text-center">
          <p className="font-medium">No accounts yet.</p>
          <p className="mt-1 text-sm text-slate-600">
            <Link href="/accounts/new" className="font-medium text-brand-700 underline">
              Open the first account
            </Link>{' '}
            to get started.
          </p>
        </div>
      ) : (
        // Scrolls inside its card if it ever must, never the page; long names are cut with a tooltip.
        <div className="overflow-x-auto rounded-xl border border-slate-200 bg-white shadow-sm">
          <table className="w-full text-left text-sm">
            <thead className="bg-slate-50 text-xs uppercase tracking-wide text-slate-500">
              <tr>
                <th scope="col" className="px-4 py-3 font-medium">
                  Account
                </th>
                <th scope="col" className="w-full px-4 py-3 font-medium">
                  Holder
                </th>
                <th scope="col" className="px-4 py-3 text-right font-medium">
                  Balance
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {accounts.map((account) => (
                <tr key={account.number} className="hover:bg-slate-50">
                  <td className="px-4 py-3 font-mono tabular whitespace-nowrap">
                    <Link href={`/accounts/${account.number}`} className="font-medium text-brand-700 hover:underline">
                      {account.number}
                    </Link>
                  </td>
                  {/* max-w-0 lets the cell shrink below its text, so truncate can cut it. */}
                  <td className="max-w-0 px-4 py-3">
                    <span className="block truncate" title={account.holderName} data-testid={`holder-${account.number}`}>
                      {account.holderName}
                    </span>
                  </td>
                  <td
                    className="whitespace-nowrap px-4 py-3 text-right font-medium tabular"
                    data-testid={`balance-${account.number}`}
                  >
                    {formatMoney(account.balanceCents)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
