import { LIVE_EVENTS, LIVE_PATH, LIVE_UNAVAILABLE, type LiveMessage } from '@/lib/live/protocol';

/**
 * The browser side of the live stream: one EventSource per page and account filter, shared by
 * every component that listens (the indicator, an "Updating…" notice), opened while someone
 * listens and closed when the last one leaves. The browser reconnects a dropped stream by
 * itself and sends the last id it saw, so the server replays what was missed; while the tab is
 * hidden or the person paused it, the stream is closed, and reopened from the last id.
 */
export type LiveStatus = 'connecting' | 'live' | 'reconnecting' | 'paused';

export type ChannelListener = {
  onMessage?: (message: LiveMessage) => void;
  /** The stream is (again) connected: also called at once when it already is. */
  onOpen?: () => void;
};

/** After the browser gives up on a stream (an HTTP error), the next attempt waits this long, doubling. */
const FIRST_RETRY_MS = 1_000;
const MAX_RETRY_MS = 30_000;

export class LiveChannel {
  private source: EventSource | null = null;
  private lastId: string | null = null;
  private readonly listeners = new Set<ChannelListener>();
  private readonly statusListeners = new Set<() => void>();
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private retryMs = FIRST_RETRY_MS;
  status: LiveStatus = 'connecting';
  pausedByUser = false;
  private hidden = false;

  constructor(
    private readonly account: string | undefined,
    private readonly operations = false,
  ) {}

  /**
   * Listens until the returned function is called. `since` (the position the page was rendered
   * at) is where a stream that is not open yet starts.
   */
  add(listener: ChannelListener, since: string | null): () => void {
    this.listeners.add(listener);
    if (this.listeners.size === 1) {
      this.lastId = since;
      this.start();
    } else if (this.status === 'live') listener.onOpen?.();
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.stop();
    };
  }

  watchStatus(onChange: () => void): () => void {
    this.statusListeners.add(onChange);
    return () => this.statusListeners.delete(onChange);
  }

  setPausedByUser(paused: boolean): void {
    this.pausedByUser = paused;
    if (paused) this.disconnect('paused');
    else this.connect();
    this.notify(); // the button's label follows even when the status stays the same
  }

  private readonly onVisibility = () => {
    this.hidden = document.visibilityState === 'hidden';
    if (this.hidden) this.disconnect('paused');
    else this.connect();
  };

  private start(): void {
    document.addEventListener('visibilitychange', this.onVisibility);
    this.hidden = document.visibilityState === 'hidden';
    // Paused by the person on an earlier visit to this page: still paused.
    if (this.hidden || this.pausedByUser) this.setStatus('paused');
    else this.connect();
  }

  private stop(): void {
    document.removeEventListener('visibilitychange', this.onVisibility);
    this.disconnect('connecting');
  }

  private connect(): void {
    if (this.source || this.pausedByUser || this.hidden || this.listeners.size === 0) return;
    clearTimeout(this.retryTimer);
    const query = new URLSearchParams();
    if (this.account) query.set('account', this.account);
    if (this.operations) query.set('operations', '1');
    if (this.lastId) query.set('since', this.lastId);
    const source = new EventSource(`${LIVE_PATH}${query.size > 0 ? `?${query}` : ''}`);
    this.source = source;
    this.setStatus(this.status === 'live' ? 'reconnecting' : this.status === 'paused' ? 'connecting' : this.status);
    source.onopen = () => {
      this.retryMs = FIRST_RETRY_MS;
      this.setStatus('live');
      for (const listener of [...this.listeners]) listener.onOpen?.();
    };
    source.addEventListener(LIVE_EVENTS, (event) => {
      const { data, lastEventId } = event as MessageEvent<string>;
      if (lastEventId) this.lastId = lastEventId;
      let message: LiveMessage;
      try {
        message = JSON.parse(data) as LiveMessage;
      } catch {
        return;
      }
      for (const listener of [...this.listeners]) listener.onMessage?.(message);
    });
    // The server ends the stream after saying so; the browser reconnects after its retry interval.
    source.addEventListener(LIVE_UNAVAILABLE, () => this.setStatus('reconnecting'));
    source.onerror = () => {
      if (source.readyState === EventSource.CLOSED) {
        // The browser will not retry this one (an HTTP error, a proxy's page): a new one later.
        source.close();
        if (this.source === source) this.source = null;
        this.retryTimer = setTimeout(() => this.connect(), this.retryMs);
        this.retryMs = Math.min(this.retryMs * 2, MAX_RETRY_MS);
      }
      this.setStatus('reconnecting');
    };
  }

  private disconnect(status: LiveStatus): void {
    clearTimeout(this.retryTimer);
    this.source?.close();
    this.source = null;
    this.setStatus(status);
  }

  private setStatus(status: LiveStatus): void {
    if (status === this.status) return;
    this.status = status;
    this.notify();
  }

  private notify(): void {
    for (const onChange of [...this.statusListeners]) onChange();
  }
}

const channels = new Map<string, LiveChannel>();

/**
 * The channel for this account filter (undefined: every event), with or without news of
 * rebuilds and reconciliations (/system); it is open only while someone listens.
 */
export function liveChannel(account: string | undefined, operations = false): LiveChannel {
  const key = `${account ?? '*'}${operations ? '+operations' : ''}`;
  let channel = channels.get(key);
  if (!channel) channels.set(key, (channel = new LiveChannel(account, operations)));
  return channel;
}

/** Shortest gap between two refreshes of the page, so a burst of events costs a few renders, not one each. */
const REFRESH_GAP_MS = 500;
let lastRefresh = 0;
let refreshTimer: ReturnType<typeof setTimeout> | undefined;
let queuedRefresh: (() => void) | undefined;

/**
 * Re-renders the server components, at once if the last refresh is older than the gap, else
 * once when it has passed; calls within that time (or from several listeners of one message)
 * make one refresh.
 */
export function scheduleRefresh(refresh: () => void): void {
  queuedRefresh = refresh;
  if (refreshTimer !== undefined) return;
  refreshTimer = setTimeout(
    () => {
      refreshTimer = undefined;
      lastRefresh = Date.now();
      const run = queuedRefresh;
      queuedRefresh = undefined;
      run?.();
    },
    Math.max(0, lastRefresh + REFRESH_GAP_MS - Date.now()),
  );
}
