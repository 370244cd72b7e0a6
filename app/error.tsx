'use client';

import { useEffect } from 'react';

/** Shown when a page can't read the query model (e.g. PostgreSQL is down): say so, offer a retry. */
export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  useEffect(() => {
    console.error(error);
  }, [error]);
  return (
    <section role="alert" className="mx-auto max-w-lg space-y-4 py-12 text-center">
      <h1 className="text-2xl font-semibold tracking-tight">Something went wrong</h1>
      <p className="text-slate-600">The bank&apos;s records could not be read just now. Your data is safe; please try again.</p>
      {error.digest && <p className="font-mono text-xs text-slate-500">Reference: {error.digest}</p>}
      <button
        type="button"
        onClick={reset}
        className="rounded-md bg-brand-700 px-4 py-2 text-sm font-semibold text-white hover:bg-brand-800"
      >
        Try again
      </button>
    </section>
  );
}
