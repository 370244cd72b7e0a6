import Link from 'next/link';
import { badRequestReason } from '@/lib/http/bad-request';

// Also the page for addresses a page refused (lib/http/bad-request.ts): it says why.
export default async function NotFound() {
  const reason = await badRequestReason();
  return (
    <section aria-labelledby="not-found-heading" className="mx-auto max-w-lg space-y-4 py-12 text-center">
      <h1 id="not-found-heading" className="text-2xl font-semibold tracking-tight">
        {reason ? 'Bad address' : 'Not found'}
      </h1>
      <p role={reason ? 'alert' : undefined} className="text-slate-600">
        {reason ?? 'There is no account or page at this address.'}
      </p>
      <Link href="/" className="inline-block rounded-md bg-brand-700 px-4 py-2 text-sm font-semibold text-white hover:bg-brand-800">
        Back to accounts
      </Link>
    </section>
  );
}
