import 'server-only';
import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { loadConfig, requireConnections } from '@/lib/config';
import * as schema from './schema';

/** The one way to reach the query model. */
export type Db = PostgresJsDatabase<typeof schema> & { $client: postgres.Sql };

export type DbHandle = { db: Db; close: () => Promise<void> };

/**
 * How postgres.js behaves when PostgreSQL goes away. Its default backoff between reconnects is
 * (0.5-1) x 3^retries / 100 s, capped at 20 s, with `retries` shared by the whole pool and
 * only reset by a successful connection: after a minute of outage every new attempt waited
 * 10-20 s, so the first commands after PostgreSQL came back still hung that long. A refused
 * connection costs nothing, so retry every 100-200 ms instead; and give up on a connection
 * that does not complete its handshake within a second (default 30 s).
 */
export const DB_CONNECT_TIMEOUT_SECONDS = 1;
const reconnectBackoffSeconds = () => 0.1 + Math.random() * 0.1;

export function createDb(databaseUrl: string, options: { max?: number } = {}): DbHandle {
  const sql = postgres(databaseUrl, {
    max: options.max ?? 10,
    connect_timeout: DB_CONNECT_TIMEOUT_SECONDS,
    backoff: reconnectBackoffSeconds,
    // Off: postgres.js's catalog query for array types. It runs first on every new connection and
    // the driver drops its promise (porsager/postgres#1192), so a connection lost during it (as
    // when PostgreSQL restarts) surfaced as an unhandled rejection, which ends a Node process. We
    // read no array columns and send arrays as literals (array-literal.ts), so nothing needs those
    // types, and each new connection saves a round trip. Off, the driver left a reserve() on a new
    // connection pending forever (porsager/postgres#751): patches/postgres+3.4.9.patch mends that.
    fetch_types: false,
    // Drizzle maps bigint columns itself; keep the driver quiet about NOTICEs (e.g. "already exists").
    onnotice: () => {},
  });
  return { db: drizzle(sql, { schema }), close: () => sql.end({ timeout: 5 }) };
}

// Kept on globalThis so Next's dev-mode module reloading does not open a new pool per edit.
const globalForDb = globalThis as unknown as { __eventbankDb?: DbHandle };

/** The process-wide client, configured from DATABASE_URL. */
export function getDb(): Db {
  if (!globalForDb.__eventbankDb) {
    const { databaseUrl } = requireConnections(loadConfig());
    globalForDb.__eventbankDb = createDb(databaseUrl);
  }
  return globalForDb.__eventbankDb.db;
}

export async function closeDb(): Promise<void> {
  const handle = globalForDb.__eventbankDb;
  globalForDb.__eventbankDb = undefined;
  await handle?.close();
}

/** The query model did not answer in time or refused the connection. */
export class DatabaseUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DatabaseUnavailableError';
  }
}

/** How long one command may spend on one query-model read before it answers "unavailable". */
export const DB_DEADLINE_MS = 1_000;

/**
 * Bounds a query-model read: while PostgreSQL is down postgres.js queues queries until a
 * connection succeeds, which is unbounded. The query itself is not cancelled (it is a read and
 * runs harmlessly once the server is back); the caller just stops waiting for it.
 */
export async function withDbDeadline<T>(query: PromiseLike<T>, deadlineMs: number = DB_DEADLINE_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DatabaseUnavailableError(`The query model did not answer within ${deadlineMs} ms`)), deadlineMs);
  });
  try {
    return await Promise.race([Promise.resolve(query).catch(rethrowAsUnavailable), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** postgres.js connection-level error codes: the server is out of reach, not the query wrong. */
const CONNECTION_ERRORS = new Set([
  'CONNECT_TIMEOUT',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up / shutting down)
]);

export function isDatabaseUnavailable(error: unknown): boolean {
  if (error instanceof DatabaseUnavailableError) return true;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && CONNECTION_ERRORS.has(code)) return true;
  const cause = (error as { cause?: unknown } | null)?.cause;
  return cause !== undefined && cause !== error && isDatabaseUnavailable(cause);
}

function rethrowAsUnavailable(error: unknown): never {
  if (isDatabaseUnavailable(error) && !(error instanceof DatabaseUnavailableError)) {
    throw new DatabaseUnavailableError('The query model is unreachable', { cause: error });
  }
  throw error;
}

/** SQLSTATE class 22 (data exception) or 23 (integrity): the same statement will fail the same way again. */
export function isDataError(error: unknown): boolean {
  return dataErrorOf(error) !== null;
}

/** serialization_failure (eventbank.expect_rows: another writer changed a row) or a deadlock: the same work, planned again, can pass. */
export function isConcurrencyFailure(error: unknown): boolean {
  return causeWithCode(error, (code) => code === '40001' || code === '40P01') !== null;
}

/**
 * PostgreSQL's own words for a data error ("value … is out of range for type bigint"). Drizzle
 * wraps them in "Failed query: " with the whole statement and its parameters, which is no reason
 * to show anyone (a hold's reason is shown on /system).
 */
export function dataErrorMessage(error: unknown): string {
  const cause = dataErrorOf(error);
  return cause instanceof Error ? cause.message : error instanceof Error ? error.message : String(error);
}

const dataErrorOf = (error: unknown) => causeWithCode(error, (code) => /^2[23][0-9A-Z]{3}$/.test(code));

/** The error, or one of its causes (Drizzle wraps PostgreSQL's), whose SQLSTATE passes `test`. */
function causeWithCode(error: unknown, test: (code: string) => boolean): unknown {
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && test(code)) return e;
  }
  return null;
}
