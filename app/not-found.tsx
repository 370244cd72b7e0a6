import Link from 'next/link';

export default function NotFound() {
  return (
    <section aria-labelledby="not-found-heading" className="mx-auto max-w-lg space-y-4 py-12 text-center">
      <h1 id="not-found-heading" className="text-2xl font-semibold tracking-tight">
        Not found
      </h1>
      <p className="text-slate-600">There is no account or page at this address.</p>
      <Link href="/" className="inline-block rounded-md bg-brand-700 px-4 py-2 text-sm font-semibold text-white hover:bg-brand-800">
        Back to accounts
      </Link>
    </section>
  );
}
