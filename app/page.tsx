import Link from 'next/link';
import { badRequest, decidingAfterReads } from '@/lib/http/bad-request';
import { listAccountsPage, liveCursor } from '@/lib/queries';
import { formatMoney } from '@/components/format';
import { LiveUpdates } from '@/components/live/live-updates';
import { Pagination } from '@/components/pagination';

// Reads the PostgreSQL read model on every request.
export const dynamic = 'force-dynamic';

const PAGE_SIZE = 50;

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

/** `?page=N`: a whole number from 1; absent means 1. */
function parsePage(value: string | string[] | undefined): number | string {
  if (value === undefined || value === '') return 1;
  if (Array.isArray(value)) return 'Give “page” once.';
  if (!/^\d{1,7}$/.test(value) || Number(value) < 1) return '“page” must be a whole number from 1.';
  return Number(value);
}

export default function AccountsPage({ searchParams }: Props) {
  // A page past the last one is known only after counting.
  return decidingAfterReads(() => renderAccounts(searchParams));
}

async function renderAccounts(searchParams: Props['searchParams']) {
  const page = parsePage((await searchParams).page);
  if (typeof page === 'string') badRequest(`This page of the accounts list does not exist. ${page}`);
  // Read first: whatever is indexed while the list renders reaches the page on its live stream.
  const since = await liveCursor();
  const list = await listAccountsPage({ page, pageSize: PAGE_SIZE });
  if (page > list.pageCount) badRequest(`There are ${list.pageCount} pages of accounts; page ${page} does not exist.`);
  const { accounts, total } = list;
  return (
    <section aria-labelledby="accounts-heading" className="space-y-6">
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <h1 id="accounts-heading" className="text-2xl font-semibold tracking-tight">
            Accounts
          </h1>
          <p className="mt-1 text-sm text-slate-600">
            {total === 1 ? '1 account' : `${total.toLocaleString('en')} accounts`}, newest first, balances as projected from the event log.
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

      {total === 0 ? (
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
                  <td className="whitespace-nowrap px-4 py-3 text-right font-medium tabular" data-testid={`balance-${account.number}`}>
                    {formatMoney(account.balanceCents)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pagination basePath="/" page={page} pageCount={list.pageCount} label="Account pages" previousLabel="← Previous" nextLabel="Next →" />
    </section>
  );
}
