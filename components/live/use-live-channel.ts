'use client';

import { useCallback, useEffect, useRef, useSyncExternalStore } from 'react';
import type { LiveMessage } from '@/lib/live/protocol';
import { liveChannel, type LiveStatus } from './live-channel';

export type LiveChannelState = { status: LiveStatus; pausedByUser: boolean; setPausedByUser: (paused: boolean) => void };

type Options = {
  /** Only events of this account (its stream, payments to it); undefined: every event. */
  account?: string;
  /** Also hear when a rebuild or reconciliation moves on. */
  operations?: boolean;
  /** The position the page was rendered at: a stream opened for it starts there. */
  since?: string | null;
  enabled?: boolean;
  onMessage?: (message: LiveMessage) => void;
  onOpen?: () => void;
};

/** Listens to the live channel while `enabled`. The callbacks may change between renders; the subscription does not. */
export function useLiveChannel(options: Options): LiveChannelState {
  const { account, operations = false, enabled = true } = options;
  const latest = useRef(options);
  useEffect(() => {
    latest.current = options;
  });

  useEffect(() => {
    if (!enabled) return;
    return liveChannel(account, operations).add(
      { onMessage: (message) => latest.current.onMessage?.(message), onOpen: () => latest.current.onOpen?.() },
      latest.current.since ?? null,
    );
  }, [account, operations, enabled]);

  const channel = liveChannel(account, operations);
  const watch = useCallback((onChange: () => void) => channel.watchStatus(onChange), [channel]);
  const status = useSyncExternalStore(
    watch,
    () => channel.status,
    () => 'connecting' as const,
  );
  const pausedByUser = useSyncExternalStore(
    watch,
    () => channel.pausedByUser,
    () => false,
  );
  return { status, pausedByUser, setPausedByUser: (paused) => channel.setPausedByUser(paused) };
}
