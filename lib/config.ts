import 'server-only';
import { isIP } from 'node:net';
import { z } from 'zod';

/**
 * The one configuration module, shared by the web app, the worker and the stack script.
 * Every variable is read here and nowhere else, so a bad value fails early with a message
 * that names the variable.
 */

const port = (name: string, fallback: number) =>
  z
    .string()
    .trim()
    .optional()
    .transform((raw, ctx) => {
      if (raw === undefined || raw === '') return fallback;
      const value = Number(raw);
      if (!Number.isInteger(value) || value < 0 || value > 65535) {
        ctx.addIssue({ code: 'custom', message: `${name} must be a port number from 0 to 65535, got "${raw}"` });
        return z.NEVER;
      }
      return value;
    });

const optionalUrl = (name: string, schemes: string[]) =>
  z
    .string()
    .trim()
    .optional()
    .transform((raw, ctx) => {
      if (raw === undefined || raw === '') return undefined;
      const separator = raw.indexOf('://');
      if (separator < 0 || !schemes.includes(raw.slice(0, separator))) {
        ctx.addIssue({
          code: 'custom',
          message: `${name} must start with ${schemes.map((s) => `${s}://`).join(' or ')}, got "${raw}"`,
        });
        return z.NEVER;
      }
      return raw;
    });

export const PAYMENT_DECISION_SOURCES = ['read-model', 'event-store'] as const;
export type PaymentDecisionSource = (typeof PAYMENT_DECISION_SOURCES)[number];

const envSchema = z.object({
  EVENTSTORE_CONNECTION_STRING: optionalUrl('EVENTSTORE_CONNECTION_STRING', ['esdb', 'esdb+discover']),
  DATABASE_URL: optionalUrl('DATABASE_URL', ['postgres', 'postgresql']),
  DATA_DIR: z
    .string()
    .trim()
    .optional()
    .transform((raw) => (raw === undefined || raw === '' ? '.data' : raw)),
  // No sign-in yet: by default only this machine can reach the web app.
  HOST: z
    .string()
    .trim()
    .optional()
    .transform((raw, ctx) => {
      if (raw === undefined || raw === '') return '127.0.0.1';
      const hostname = /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
      if (isIP(raw) === 0 && !hostname.test(raw)) {
        ctx.addIssue({
          code: 'custom',
          message: `HOST must be an IP address or host name to listen on (e.g. 127.0.0.1, 0.0.0.0, ::1, localhost), got "${raw}"`,
        });
        return z.NEVER;
      }
      return raw;
    }),
  PORT: port('PORT', 3000),
  EVENTSTORE_PORT: port('EVENTSTORE_PORT', 2113),
  POSTGRES_PORT: port('POSTGRES_PORT', 5433),
  PROJECTION_GROUP: z
    .string()
    .trim()
    .optional()
    .transform((raw, ctx) => {
      if (raw === undefined || raw === '') return 'eventbank-projections';
      if (!/^[A-Za-z0-9._-]{1,100}$/.test(raw)) {
        ctx.addIssue({
          code: 'custom',
          message: `PROJECTION_GROUP may only contain letters, digits, ".", "_" and "-" (1 to 100 characters), got "${raw}"`,
        });
        return z.NEVER;
      }
      return raw;
    }),
  // Where MakePayment reads the payer's balance from; see lib/commands/make-payment.ts.
  PAYMENT_DECISION_SOURCE: z
    .string()
    .trim()
    .optional()
    .transform((raw, ctx): PaymentDecisionSource => {
      if (raw === undefined || raw === '') return 'read-model';
      if (!(PAYMENT_DECISION_SOURCES as readonly string[]).includes(raw)) {
        ctx.addIssue({
          code: 'custom',
          message: `PAYMENT_DECISION_SOURCE must be ${PAYMENT_DECISION_SOURCES.join(' or ')}, got "${raw}"`,
        });
        return z.NEVER;
      }
      return raw as PaymentDecisionSource;
    }),
});

export type Config = {
  /** Unset means "start the embedded event store" (stack script only). */
  eventStoreConnectionString: string | undefined;
  /** Unset means "start embedded PostgreSQL" (stack script only). */
  databaseUrl: string | undefined;
  dataDir: string;
  /** Interface the web app listens on (the embedded servers always listen on 127.0.0.1). */
  host: string;
  port: number;
  eventStorePort: number;
  postgresPort: number;
  projectionGroup: string;
  paymentDecisionSource: PaymentDecisionSource;
};

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = envSchema.safeParse({
    EVENTSTORE_CONNECTION_STRING: env.EVENTSTORE_CONNECTION_STRING,
    DATABASE_URL: env.DATABASE_URL,
    DATA_DIR: env.DATA_DIR,
    HOST: env.HOST,
    PORT: env.PORT,
    EVENTSTORE_PORT: env.EVENTSTORE_PORT,
    POSTGRES_PORT: env.POSTGRES_PORT,
    PROJECTION_GROUP: env.PROJECTION_GROUP,
    PAYMENT_DECISION_SOURCE: env.PAYMENT_DECISION_SOURCE,
  });
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => issue.message));
  }
  const v = parsed.data;
  return {
    eventStoreConnectionString: v.EVENTSTORE_CONNECTION_STRING,
    databaseUrl: v.DATABASE_URL,
    dataDir: v.DATA_DIR,
    host: v.HOST,
    port: v.PORT,
    eventStorePort: v.EVENTSTORE_PORT,
    postgresPort: v.POSTGRES_PORT,
    projectionGroup: v.PROJECTION_GROUP,
    paymentDecisionSource: v.PAYMENT_DECISION_SOURCE,
  };
}

/**
 * The web app and the worker never start servers themselves: the stack script (or the user)
 * always hands them both connections. This turns a missing one into a message that says how to fix it.
 */
export function requireConnections(config: Config): { eventStoreConnectionString: string; databaseUrl: string } {
  const problems: string[] = [];
  if (!config.eventStoreConnectionString) {
    problems.push(
      'EVENTSTORE_CONNECTION_STRING is not set (e.g. esdb://localhost:2113?tls=false); start the app with `npm run dev` to get an embedded event store',
    );
  }
  if (!config.databaseUrl) {
    problems.push(
      'DATABASE_URL is not set (e.g. postgres://eventbank:<password>@localhost:5432/eventbank); start the app with `npm run dev` to get embedded PostgreSQL',
    );
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return { eventStoreConnectionString: config.eventStoreConnectionString!, databaseUrl: config.databaseUrl! };
}
