import type { Metadata } from 'next';
import Link from 'next/link';
import { OpenAccountForm } from '@/components/forms/open-account-form';

// A fresh command id per render makes a double submit of this form open one account, not two.
export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'Open account' };

export default function OpenAccountPage() {
  return (
    <section aria-labelledby="open-heading" className="mx-auto max-w-lg space-y-6">
      <nav aria-label="Breadcrumb" className="text-sm text-slate-600">
        <Link href="/" className="hover:underline">
          Accounts
        </Link>{' '}
        / Open account
      </nav>
      <div>
        <h1 id="open-heading" className="text-2xl font-semibold tracking-tight">
          Open an account
        </h1>
        <p className="mt-1 text-sm text-slate-600">The bank assigns the account number.</p>
      </div>
      <div className="rounded-xl border border-slate-200 bg-white p-6 shadow-sm">
        <OpenAccountForm commandId={crypto.randomUUID()} />
      </div>
    </section>
  );
}
