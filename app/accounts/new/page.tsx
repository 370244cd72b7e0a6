import type { Metadata } from 'next';
import Link from 'next/link';
import { formCommandId, newFormNonce, parseFormNonce } from '@/lib/forms/form-ids';
import { OpenAccountForm } from '@/components/forms/open-account-form';

// The command id comes from the address's nonce (proxy.ts adds one), so the page renders per request.
export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'Open account' };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function OpenAccountPage({ searchParams }: Props) {
  // No nonce only when a form was posted to a bare address by hand: its answer gets ids of its own.
  const nonce = parseFormNonce((await searchParams).nonce) ?? newFormNonce();
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
        <OpenAccountForm key={nonce} commandId={formCommandId(nonce, 'open-account')} />
      </div>
    </section>
  );
}
