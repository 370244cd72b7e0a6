import 'server-only';
import type { Db } from '@/lib/db/client';
import { EVENTS_CHANNEL } from '@/lib/db/projection-channel';
import { RECONCILE_CHANNEL } from '@/lib/reconciliation/run';
import { REBUILD_CHANNEL } from '@/lib/rebuild-requests';
import { eventIndexHead, indexEntriesAfter, indexEntryAt, type LiveEvent } from '@/lib/queries/live';
import { parsePosition } from './protocol';

/**
 * The server side of live views: ONE LISTEN on the worker's doorbell (eventbank_events) per
 * database client, whatever the number of open streams. A doorbell only says that something
 * is new; the feed reads what is new from the event index once (pages, oldest first) and hands
 * each subscriber the entries that concern it. Reads, replays and subscriptions run one at a
 * time, so a subscriber's replay and the live fan-out never interleave or repeat an event.
 *
 * A doorbell at or below the position already read means rows changed without new positions
 * (a held stream resumed and its hold was lifted, a late event of an earlier position was
 * indexed): the entry at that position says which account; subscribers it concerns get a
 * message without an id (refresh, keep the cursor).
 */
export type LiveDelivery = {
  events: LiveEvent[];
  /** Highest position of `events`, sent as the SSE id; null for a change without new positions. */
  id: bigint | null;
  /** More was missed than listed (a long absence, a far replay, an overflowing buffer): reload. */
  resync?: boolean;
};

export type LiveSubscriber = {
  /** Only events of this account's stream or paying it; undefined: every event. */
  account?: string;
  /** Also told when a rebuild or a reconciliation moves on (/system shows their progress). */
  operations?: boolean;
  deliver: (delivery: LiveDelivery) => void;
};

export class TooManySubscribersError extends Error {
  constructor(limit: number) {
    super(`more than ${limit} live streams are open on this server`);
    this.name = 'TooManySubscribersError';
  }
}

const PAGE = 500;
/** A burst larger than this many pages is not listed: everyone resyncs and the feed skips to the head. */
const MAX_PAGES_PER_DRAIN = 20;
/** Replays list at most this many events; a longer absence resyncs. */
export const REPLAY_LIMIT = 200;
/** Late doorbells looked up one by one; more than that in one drain tell everyone to refresh. */
const MAX_LATE_LOOKUPS = 16;
export const MAX_SUBSCRIBERS = 1_000;

const concerns = (account: string | undefined, event: LiveEvent) =>
  account === undefined || event.accountNumber === account || event.counterparty === account;

export class LiveFeed {
  private readonly subscribers = new Map<LiveSubscriber, { cursor: bigint }>();
  /** Highest index position read; -1 before anything is indexed. */
  private head: bigint | undefined;
  private started: Promise<void> | null = null;
  private unlisten: (() => Promise<void>) | null = null;
  private exclusiveTail: Promise<unknown> = Promise.resolve();
  private readonly doorbells = new Set<bigint>();
  private doorbellOverflow = false;
  private draining = false;
  private drainAgain = false;
  /** How many times the LISTEN connection was established (1 unless it dropped and came back). */
  listens = 0;

  constructor(
    private readonly db: Db,
    private readonly logger: Pick<Console, 'warn'> = console,
  ) {}

  get subscriberCount(): number {
    return this.subscribers.size;
  }

  /**
   * Registers a subscriber; with `since`, first delivers what concerns it after that position
   * (a reconnect's Last-Event-ID, a page's render position). Returns the unsubscribe function.
   */
  async subscribe(subscriber: LiveSubscriber, since?: bigint): Promise<() => void> {
    if (this.subscribers.size >= MAX_SUBSCRIBERS) throw new TooManySubscribersError(MAX_SUBSCRIBERS);
    await this.start();
    return this.exclusive(async () => {
      const head = await this.knownHead();
      let cursor: bigint;
      if (since === undefined) {
        // From now: the index's own head, which may be ahead of what the feed has read yet.
        const indexHead = (await eventIndexHead(this.db)) ?? -1n;
        cursor = indexHead > head ? indexHead : head;
      } else cursor = since === head ? head : await this.replay(subscriber, since, head);
      this.subscribers.set(subscriber, { cursor });
      return () => {
        this.subscribers.delete(subscriber);
      };
    });
  }

  /** Stops listening (tests; a server process keeps its feed). */
  async close(): Promise<void> {
    this.subscribers.clear();
    const unlisten = this.unlisten;
    this.unlisten = null;
    this.started = null;
    await unlisten?.();
  }

  private start(): Promise<void> {
    if (!this.started) {
      let first = true;
      // Rebuilds and reconciliations ring their own channels as they progress (same connection).
      const operations = [REBUILD_CHANNEL, RECONCILE_CHANNEL].map((channel) =>
        this.db.$client.listen(channel, () => this.operationsChanged()),
      );
      const events = this.db.$client.listen(
        EVENTS_CHANNEL,
        (payload) => this.onDoorbell(payload),
        () => {
          this.listens++;
          if (first) first = false;
          // Doorbells rung while the connection was down are lost: read what is new.
          else this.requestDrain();
        },
      );
      // Settled together: when the connection fails every listen rejects, and none may go unobserved;
      // the ones that did succeed are undone so that the next attempt does not listen twice.
      this.started = Promise.allSettled([events, ...operations]).then(async (settled) => {
        const listening = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
        const failure = settled.find((s) => s.status === 'rejected');
        if (failure) {
          this.started = null; // the next subscriber tries again
          for (const listen of listening) await listen.unlisten().catch(() => {});
          throw failure.reason;
        }
        this.unlisten = async () => {
          for (const listen of listening) await listen.unlisten();
        };
      });
    }
    return this.started;
  }

  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.exclusiveTail.then(work, work);
    this.exclusiveTail = run.catch(() => {});
    return run;
  }

  private async knownHead(): Promise<bigint> {
    if (this.head === undefined) this.head = (await eventIndexHead(this.db)) ?? -1n;
    return this.head;
  }

  /** Delivers what concerns the subscriber after `since`; returns its cursor. Runs exclusively. */
  private async replay(subscriber: LiveSubscriber, since: bigint, head: bigint): Promise<bigint> {
    if (since > head) {
      // Ahead of what the feed has read: the index may simply be ahead of the feed (a page
      // rendered after a commit whose doorbell is on its way), or the client's position is from
      // another database (a reset, a rebuild). Only the second needs a resync.
      const indexHead = (await eventIndexHead(this.db)) ?? -1n;
      if (since > indexHead) {
        subscriber.deliver({ events: [], id: indexHead < 0n ? null : indexHead, resync: true });
        return indexHead;
      }
    }
    const missed = await indexEntriesAfter(since, { account: subscriber.account, limit: REPLAY_LIMIT + 1 }, this.db);
    const last = missed.at(-1)?.position;
    if (last === undefined) return since;
    if (missed.length > REPLAY_LIMIT) {
      const to = (await eventIndexHead(this.db)) ?? since;
      subscriber.deliver({ events: [], id: to, resync: true });
      return to;
    }
    subscriber.deliver({ events: missed, id: last });
    return last;
  }

  private onDoorbell(payload: string): void {
    const position = parsePosition(payload);
    if (position === null) return;
    if (this.doorbells.size >= MAX_LATE_LOOKUPS) this.doorbellOverflow = true;
    else this.doorbells.add(position);
    this.requestDrain();
  }

  private requestDrain(): void {
    if (this.draining) {
      this.drainAgain = true;
      return;
    }
    this.draining = true;
    void this.exclusive(async () => {
      try {
        do {
          this.drainAgain = false;
          await this.drain();
        } while (this.drainAgain);
      } catch (error) {
        // The read model went away mid-read: the next doorbell (or the LISTEN reconnect) reads again from the head.
        this.logger.warn(`[live] reading new events failed: ${error instanceof Error ? error.message : String(error)}`);
      } finally {
        this.draining = false;
      }
    });
  }

  private async drain(): Promise<void> {
    const doorbells = [...this.doorbells];
    const overflow = this.doorbellOverflow;
    this.doorbells.clear();
    this.doorbellOverflow = false;
    const before = await this.knownHead();

    for (let pages = 0; ; pages++) {
      if (pages === MAX_PAGES_PER_DRAIN) {
        this.head = (await eventIndexHead(this.db)) ?? this.head;
        for (const [subscriber, state] of this.subscribers) {
          state.cursor = this.head!;
          subscriber.deliver({ events: [], id: this.head!, resync: true });
        }
        break;
      }
      const rows = await indexEntriesAfter(this.head!, { limit: PAGE }, this.db);
      const newest = rows.at(-1);
      if (newest) {
        this.fanOut(rows);
        this.head = newest.position;
      }
      if (rows.length < PAGE) break;
    }

    const late = doorbells.filter((position) => position <= before);
    if (overflow) return this.changedForAll();
    for (const position of late) {
      const entry = await indexEntryAt(position, this.db);
      if (!entry) return this.changedForAll();
      for (const [subscriber] of this.subscribers) {
        if (concerns(subscriber.account, entry)) subscriber.deliver({ events: [entry], id: null });
      }
    }
  }

  private fanOut(rows: LiveEvent[]): void {
    for (const [subscriber, state] of this.subscribers) {
      const relevant = rows.filter((row) => row.position > state.cursor && concerns(subscriber.account, row));
      const last = relevant.at(-1)?.position;
      if (last === undefined) continue;
      state.cursor = last;
      subscriber.deliver({ events: relevant, id: last });
    }
  }

  private operationsChanged(): void {
    for (const [subscriber] of this.subscribers) if (subscriber.operations) subscriber.deliver({ events: [], id: null });
  }

  private changedForAll(): void {
    for (const [subscriber] of this.subscribers) subscriber.deliver({ events: [], id: null });
  }
}

// One feed per postgres.js client (so per pool, and per process for the app's own pool); kept on
// globalThis so Next's dev-mode module reloading does not open a second LISTEN.
const globalForFeed = globalThis as unknown as { __eventbankLiveFeeds?: WeakMap<object, LiveFeed> };

export function liveFeedFor(db: Db): LiveFeed {
  const feeds = (globalForFeed.__eventbankLiveFeeds ??= new WeakMap());
  let feed = feeds.get(db.$client);
  if (!feed) feeds.set(db.$client, (feed = new LiveFeed(db)));
  return feed;
}
