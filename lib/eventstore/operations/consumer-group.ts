import 'server-only';
import {
  BACKWARDS,
  END,
  PersistentSubscriptionDoesNotExistError,
  StreamNotFoundError,
  type EventStoreDBClient,
  type ResolvedEvent,
} from '@eventstore/db-client';

/**
 * The projection's consumer group as the store sees it, through the official client's
 * persistent-subscription calls; and its parked events, read from the group's parked stream.
 * Every call carries a deadline, so a store that does not answer makes the operations page say
 * so instead of hanging.
 */
export const STORE_DEADLINE_MS = 2_000;

export type GroupConnection = {
  name: string;
  inFlight: number;
  availableSlots: number;
  totalItems: bigint;
  averagePerSecond: number;
};

export type ConsumerGroupState = {
  group: string;
  status: string;
  connections: GroupConnection[];
  parkedCount: bigint;
  /** Events waiting in the group's retry buffer (nacked with retry, or timed out). */
  retryBufferCount: number;
  totalInFlight: number;
  maxRetryCount: number;
  /** Commit positions in $all; undefined when the group has not checkpointed yet. */
  lastCheckpointedPosition?: bigint;
  lastKnownPosition?: bigint;
};

/** The group's state, or null when no such group exists on the store. */
export async function readConsumerGroup(client: EventStoreDBClient, group: string): Promise<ConsumerGroupState | null> {
  try {
    const info = await client.getPersistentSubscriptionToAllInfo(group, { deadline: STORE_DEADLINE_MS });
    return {
      group: info.groupName,
      status: info.status,
      connections: info.connections.map((c) => ({
        name: c.connectionName,
        inFlight: c.inFlightMessages,
        availableSlots: c.availableSlots,
        totalItems: c.totalItems,
        averagePerSecond: c.averageItemsPerSecond,
      })),
      parkedCount: info.stats.parkedMessageCount,
      retryBufferCount: info.stats.retryBufferCount,
      totalInFlight: info.stats.totalInFlightMessages,
      maxRetryCount: info.settings.maxRetryCount,
      lastCheckpointedPosition: info.stats.lastCheckpointedEventPosition?.commit,
      lastKnownPosition: info.stats.lastKnownEventPosition?.commit,
    };
  } catch (error) {
    if (error instanceof PersistentSubscriptionDoesNotExistError) return null;
    throw error;
  }
}

/** Where the store keeps a $all group's parked events (EventStoreDB's naming). */
export function parkedStreamOf(group: string): string {
  return `$persistentsubscription-$all::${group}-parked`;
}

export type ParkedEvent = {
  /** Number of the record in the parked stream. */
  parkedNumber: bigint;
  parkedAt: Date | null;
  /** Why it was parked: the reason the consumer gave with its nack, or the store's own (e.g. too many retries). */
  reason: string | null;
  /** True when the consumer parked it (a nack), false when the store did. */
  byConsumer: boolean;
  /** The parked event itself; stream and revision come from the link even when it cannot be resolved. */
  stream: string | null;
  revision: bigint | null;
  type: string | null;
  eventId: string | null;
  position: bigint | null;
};

const MAX_PARKED_LISTED = 200;

/**
 * The newest parked events not yet replayed, newest first, at most `limit`. A parked record is
 * a link (`$>`, data `"<revision>@<stream>"`) whose metadata holds `reason` and `added`; a
 * replay truncates the stream ($tb) past what it sent back, so reading it shows only what is
 * still parked. Read with resolveLinkTos to get the event each one points to. One bounded
 * read, consumed to its end.
 */
export async function readParkedEvents(
  client: EventStoreDBClient,
  group: string,
  options: { limit?: number } = {},
): Promise<ParkedEvent[]> {
  const limit = Math.min(Math.max(Math.trunc(options.limit ?? 50), 1), MAX_PARKED_LISTED);
  const resolved: ResolvedEvent[] = [];
  try {
    for await (const r of client.readStream(parkedStreamOf(group), {
      direction: BACKWARDS,
      fromRevision: END,
      maxCount: limit,
      resolveLinkTos: true,
      deadline: STORE_DEADLINE_MS,
    })) {
      resolved.push(r);
    }
  } catch (error) {
    if (error instanceof StreamNotFoundError) return [];
    throw error;
  }
  return resolved.map(parkedEventOf);
}

function parkedEventOf(resolved: ResolvedEvent): ParkedEvent {
  const link = resolved.link ?? resolved.event;
  const target = resolved.link ? resolved.event : undefined;
  const metadata = link?.metadata && !(link.metadata instanceof Uint8Array) ? (link.metadata as Record<string, unknown>) : {};
  const linked = link && link.data instanceof Uint8Array ? parseLinkData(link.data) : null;
  const added = typeof metadata.added === 'string' ? new Date(metadata.added) : null;
  return {
    parkedNumber: link?.revision ?? -1n,
    parkedAt: added && !Number.isNaN(added.getTime()) ? added : (link?.created ?? null),
    ...reasonOf(metadata.reason),
    stream: target?.streamId ?? linked?.stream ?? null,
    revision: target?.revision ?? linked?.revision ?? null,
    type: target?.type ?? null,
    eventId: target?.id ?? null,
    position: target?.position?.commit ?? null,
  };
}

/** EventStoreDB's prefix to the reason of an event a consumer parked (nack with PARK). */
const NACKED = "Client explicitly NAK'ed message.\n";

function reasonOf(recorded: unknown): { reason: string | null; byConsumer: boolean } {
  if (typeof recorded !== 'string') return { reason: null, byConsumer: false };
  return recorded.startsWith(NACKED)
    ? { reason: recorded.slice(NACKED.length), byConsumer: true }
    : { reason: recorded, byConsumer: false };
}

/** `"<revision>@<stream>"`, the link's payload. */
function parseLinkData(data: Uint8Array): { stream: string; revision: bigint } | null {
  const [, revision, stream] = /^(\d{1,19})@(.+)$/s.exec(new TextDecoder().decode(data)) ?? [];
  return revision !== undefined && stream !== undefined ? { revision: BigInt(revision), stream } : null;
}

/** Sends every parked event back to the group's consumers (after its retry buffer). */
export async function replayParkedEvents(client: EventStoreDBClient, group: string): Promise<void> {
  await client.replayParkedMessagesToAll(group, { deadline: STORE_DEADLINE_MS });
}
