// The official client the store's client tests talk through, chosen per run: @eventstore/db-client
// 6.2.1 by default, its successor @kurrent/kurrentdb-client 1.x with EMBEDDED_TEST_CLIENT=kurrent
// (embedded/vitest.config.ts runs the client tests once with each). Both are the real packages;
// this module only picks one and bridges the two names that differ between them.
//
// Only the chosen package is loaded: both ship generated classes for the same protos, and
// google-protobuf registers those on one process-wide namespace, so whichever loads second takes
// over the other's serializers (@eventstore/db-client then fails to encode its BatchAppend options).
import type * as eventstore from '@eventstore/db-client';

export type ClientName = 'eventstore' | 'kurrent';

export const clientName: ClientName = process.env.EMBEDDED_TEST_CLIENT === 'kurrent' ? 'kurrent' : 'eventstore';

/**
 * The chosen package. Typed as @eventstore/db-client: the kurrent client keeps its API (the classes
 * the tests use have the same names and shapes), except for what `expecting` and `versionsOf` bridge.
 */
export const lib = (clientName === 'kurrent'
  ? await import('@kurrent/kurrentdb-client')
  : await import('@eventstore/db-client')) as unknown as typeof eventstore;

export type Client = eventstore.EventStoreDBClient;

/** A client of the chosen package for `connectionString`. */
export function connect(connectionString: string): Client {
  const { KurrentDBClient } = lib as unknown as { KurrentDBClient?: typeof eventstore.EventStoreDBClient };
  return (KurrentDBClient ?? lib.EventStoreDBClient).connectionString(connectionString);
}

type Expected = eventstore.AppendExpectedRevision;

/** appendToStream's expected state: `expectedRevision` in 6.2.1, `streamState` in the kurrent client. */
export function expecting(expected: Expected): { expectedRevision: Expected } {
  return { expectedRevision: expected, streamState: expected } as { expectedRevision: Expected };
}

/** A WrongExpectedVersionError's expected and actual state under either client's field names. */
export function versionsOf(err: unknown): { streamName: string; expected: unknown; actual: unknown } {
  const e = err as {
    streamName: string;
    expectedVersion?: unknown;
    actualVersion?: unknown;
    expectedState?: unknown;
    actualState?: unknown;
  };
  return {
    streamName: e.streamName,
    expected: clientName === 'kurrent' ? e.expectedState : e.expectedVersion,
    actual: clientName === 'kurrent' ? e.actualState : e.actualVersion,
  };
}
