'use client';

import { useEffect, useState } from 'react';
import { useRouter } from 'next/navigation';
import { scheduleRefresh, type LiveStatus } from './live-channel';
import { useLiveChannel } from './use-live-channel';

type Props = {
  /** Follow one account (its events and payments to it); undefined: every event. */
  account?: string;
  /** The event-index position the page was rendered at (null: unknown, start from now). */
  since: string | null;
  /** Also refresh when a rebuild or reconciliation moves on (/system). */
  operations?: boolean;
};

const LABELS: Record<LiveStatus, string> = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
  paused: 'Paused',
};

const DOTS: Record<LiveStatus, string> = {
  connecting: 'bg-slate-400',
  live: 'bg-emerald-500',
  reconnecting: 'animate-pulse bg-amber-500',
  paused: 'bg-slate-400',
};

/**
 * Keeps the page current: when an event the page shows arrives on the live stream, the server
 * components render again (router.refresh, throttled). Shows the stream's state and lets the
 * person pause it. Without JavaScript it says the page does not update by itself.
 */
export function LiveUpdates({ account, since, operations }: Props) {
  const router = useRouter();
  const [mounted, setMounted] = useState(false);
  useEffect(() => setMounted(true), []);
  const { status, pausedByUser, setPausedByUser } = useLiveChannel({
    account,
    operations,
    since,
    onMessage: () => scheduleRefresh(() => router.refresh()),
  });

  if (!mounted) {
    return (
      <noscript>
        <p className="text-xs text-slate-500">This page does not update by itself without JavaScript: reload it to see new events.</p>
      </noscript>
    );
  }
  const detail = status === 'paused' ? (pausedByUser ? ' by you' : ' while this tab is hidden') : '';
  return (
    <div className="flex items-center gap-2 text-xs text-slate-600" data-testid="live-indicator" data-status={status}>
      <span role="status" className="flex items-center gap-1.5">
        <span aria-hidden="true" className={`size-2 shrink-0 rounded-full ${DOTS[status]}`} />
        <span>
          {LABELS[status]}
          {detail}
        </span>
      </span>
      <button
        type="button"
        onClick={() => setPausedByUser(!pausedByUser)}
        className="rounded border border-slate-300 px-2 py-0.5 font-medium text-slate-700 hover:bg-slate-100"
      >
        {pausedByUser ? 'Resume live updates' : 'Pause live updates'}
      </button>
    </div>
  );
}
