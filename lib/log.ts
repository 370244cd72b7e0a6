import pino, { type Logger as PinoLogger } from 'pino';

/**
 * Structured logs (pino, JSON lines): info on stdout; warnings and errors on stderr, where
 * console.warn/error went and where the e2e tests' error checks look. One logger per process,
 * children per part (`component`: worker, commands...). Fields such as commandId and correlationId go in the object
 * argument, so a log line can be found from the event it is about (and the event log from it).
 *
 * No log line may carry a password: a connection string (postgres://user:secret@host,
 * esdb://user:secret@host) or a `password=...` in any string, message or error is masked here,
 * whatever the call site passes.
 */
export type Logger = PinoLogger;

/** user:password@ in any URL-like connection string, and password=... / password: ... pairs. */
const URL_PASSWORD = /\b([a-z][a-z0-9+.-]*:\/\/[^:/?#\s@]*:)[^@\s/]+@/gi;
const KEY_PASSWORD = /\b(password\s*[=:]\s*)("[^"]*"|'[^']*'|[^\s&;,]+)/gi;

export function redactSecrets(text: string): string {
  return text.replace(URL_PASSWORD, '$1***@').replace(KEY_PASSWORD, '$1***');
}

function redactDeep(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactSecrets(value);
  // Errors go through the err serializer (which redacts what it made of them); dates and the like stay.
  if (depth > 5 || value === null || typeof value !== 'object' || value instanceof Error) return value;
  const proto = Object.getPrototypeOf(value) as unknown;
  if (!Array.isArray(value) && proto !== Object.prototype && proto !== null && !isSerializedError(value)) return value;
  if (Array.isArray(value)) return value.map((item) => redactDeep(item, depth + 1));
  const out: Record<string, unknown> = {};
  // for...in: pino's serialized errors keep their fields on a prototype.
  for (const key in value) out[key] = redactDeep((value as Record<string, unknown>)[key], depth + 1);
  return out;
}

/** What pino.stdSerializers.err makes of an Error: its fields on a prototype of its own. */
function isSerializedError(value: object): boolean {
  return 'message' in value && 'stack' in value && 'type' in value;
}

/**
 * An error as pino serializes it, masked, without `_raw`: @eventstore/db-client keeps there the
 * gRPC error it wrapped, the same message and a second stack, which doubled every outage line.
 */
function serializeError(error: unknown): unknown {
  const serialized = redactDeep(pino.stdSerializers.errWithCause(error as Error));
  if (serialized === null || typeof serialized !== 'object' || !('_raw' in serialized)) return serialized;
  const { _raw: _wrapped, ...rest } = serialized as Record<string, unknown>;
  return rest;
}

/** info and debug to stdout, warn and above to stderr (each line to one of them only). */
function byLevel(): pino.DestinationStream {
  return pino.multistream(
    [
      { level: 'debug', stream: pino.destination({ dest: 1, sync: true }) },
      { level: 'warn', stream: pino.destination({ dest: 2, sync: true }) },
    ],
    { dedupe: true },
  );
}

export function createLogger(options: { destination?: pino.DestinationStream; level?: string } = {}): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      base: { pid: process.pid },
      serializers: { err: serializeError },
      formatters: { log: (object) => redactDeep(object) as Record<string, unknown> },
      hooks: {
        // The message string, and any %s arguments, are not seen by the formatters.
        logMethod(args, method) {
          method.apply(this, args.map((arg) => (typeof arg === 'string' ? redactSecrets(arg) : arg)) as Parameters<typeof method>);
        },
      },
    },
    options.destination ?? byLevel(),
  );
}

/** Fields of a log line: ids and figures, never secrets (they are masked anyway). */
export type LogFields = Record<string, unknown>;

/**
 * The message-first shape the worker logs through (console fits it too, and tests pass their
 * own): `logger.warn('subscription dropped', { err })`.
 */
export type MessageLogger = {
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
};

export function messageFirst(log: Logger): MessageLogger {
  return {
    info: (message, fields) => log.info(fields ?? {}, message),
    warn: (message, fields) => log.warn(fields ?? {}, message),
    error: (message, fields) => log.error(fields ?? {}, message),
  };
}

// Kept on globalThis so Next's dev-mode module reloading does not open a new destination each time.
const globalForLog = globalThis as unknown as { __eventbankLogger?: Logger };

/** The process-wide logger. */
export function getLogger(): Logger {
  globalForLog.__eventbankLogger ??= createLogger();
  return globalForLog.__eventbankLogger;
}
