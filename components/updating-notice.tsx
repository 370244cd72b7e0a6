'use client';

import { useEffect, useState } from 'react';
import { useRouter } from 'next/navigation';
import { scheduleRefresh } from './live/live-channel';
import { useLiveChannel } from './live/use-live-channel';
import { isBehind } from './revision';

/** After this long we stop waiting and say so, rather than wait forever (e.g. worker down). */
const GIVE_UP_AFTER_MS = 30_000;

type Props = {
  /** The account the command changed: its events on the live stream refresh the page. */
  accountNumber: string;
  /** The account revision the page was rendered with; null while the account isn't projected yet. */
  current: string | null;
  /** The stream revision the last command appended; the page is stale until current reaches it. */
  expected: string;
  /** What is being waited for, in words; defaults to a generic "change saved" line. */
  message?: string;
};

/**
 * Read-your-writes when the worker had not applied our event by the time the command answered:
 * say so, and render the server page again when the account's next event arrives on the live
 * stream (no polling). The page's revision then reaches `expected` and the notice goes. Once
 * the stream is connected the page is refreshed once, in case the event was applied between the
 * command's answer and the stream opening. The live region is always present so the
 * "Updating…" -> "Up to date" change is announced.
 */
export function UpdatingNotice({ accountNumber, current, expected, message }: Props) {
  const router = useRouter();
  const behind = isBehind(current, expected);
  const [gaveUp, setGaveUp] = useState(false);
  const [wasBehind, setWasBehind] = useState(behind);
  const refresh = () => scheduleRefresh(() => router.refresh());
  useLiveChannel({ account: accountNumber, enabled: behind, onMessage: refresh, onOpen: refresh });

  useEffect(() => {
    if (!behind) return;
    setWasBehind(true);
    const timer = setTimeout(() => setGaveUp(true), GIVE_UP_AFTER_MS);
    return () => clearTimeout(timer);
  }, [behind]);

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
