import 'server-only';
import {
  FORWARDS,
  START,
  StreamNotFoundError,
  type EventStoreDBClient,
  type ReadStreamOptions,
  type RecordedEvent,
} from '@eventstore/db-client';

/**
 * Every event a stream read returns, read to its end; [] when the stream does not exist.
 *
 * Callers decide after the read, never inside it: leaving a `for await` over a read early (a
 * `break`, a `return` or a `throw`) keeps its gRPC call open, and the client's `dispose()` then
 * waits for it forever (@eventstore/db-client 6.2.1). Bound the read with `maxCount` instead.
 */
export async function readStreamEvents(
  client: EventStoreDBClient,
  stream: string,
  options: ReadStreamOptions = { direction: FORWARDS, fromRevision: START },
): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  try {
    for await (const resolved of client.readStream(stream, options)) {
      if (resolved.event) events.push(resolved.event);
    }
  } catch (error) {
    if (error instanceof StreamNotFoundError) return [];
    throw error;
  }
  return events;
}
