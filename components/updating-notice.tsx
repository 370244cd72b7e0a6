'use client';

import { useEffect, useState } from 'react';
import { useRouter } from 'next/navigation';
import { isBehind } from './revision';

const REFRESH_EVERY_MS = 750;
/** After this long we stop polling and say so, rather than spin forever (e.g. worker down). */
const GIVE_UP_AFTER_MS = 30_000;

type Props = {
  /** The account version the page was rendered with; null while the account isn't projected yet. */
  current: string | null;
  /** The stream revision the last command appended; the page is stale until current reaches it. */
  expected: string;
  /** What is being waited for, in words; defaults to a generic "change saved" line. */
  message?: string;
};

/**
 * Read-your-writes fallback: when the projection worker hasn't applied our event yet, say so
 * and re-render the server page until it has. The live region is always present so the
 * "Updating…" -> "Up to date" change is announced.
 */
export function UpdatingNotice({ current, expected, message }: Props) {
  const router = useRouter();
  const behind = isBehind(current, expected);
  const [gaveUp, setGaveUp] = useState(false);
  const [wasBehind, setWasBehind] = useState(behind);

  useEffect(() => {
    if (!behind) return;
    setWasBehind(true);
    const started = Date.now();
    const timer = setInterval(() => {
      if (Date.now() - started > GIVE_UP_AFTER_MS) {
        clearInterval(timer);
        setGaveUp(true);
        return;
      }
      router.refresh();
    }, REFRESH_EVERY_MS);
    return () => clearInterval(timer);
  }, [behind, router]);

  return (
    <div role="status" aria-live="polite" data-testid="updating-notice">
      {behind && (
        <p className="flex items-center gap-2 rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900">
          <span aria-hidden="true" className="size-2 shrink-0 animate-pulse rounded-full bg-amber-500" />
          {gaveUp ? (
            <span>
              Still updating: the change is saved but not shown yet.{' '}
              <a href="" className="font-medium underline">
                Reload
              </a>{' '}
              to check again.
            </span>
          ) : (
            <span>
              {message ?? 'Updating… the change is saved; the balance and history shown don’t include it yet.'}{' '}
              <noscript>
                <a href="" className="font-medium underline">
                  Reload
                </a>{' '}
                to see it.
              </noscript>
            </span>
          )}
        </p>
      )}
      {!behind && wasBehind && <p className="sr-only">Up to date.</p>}
    </div>
  );
}
