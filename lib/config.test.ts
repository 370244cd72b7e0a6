import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, requireConnections } from './config';

describe('loadConfig', () => {
  it('gives defaults for an empty environment', () => {
    expect(loadConfig({})).toEqual({
      eventStoreConnectionString: undefined,
      databaseUrl: undefined,
      dataDir: '.data',
      host: '127.0.0.1',
      port: 3000,
      eventStorePort: 2113,
      postgresPort: 5433,
      projectionGroup: 'eventbank-projections',
      paymentDecisionSource: 'read-model',
    });
  });

  it('reads PAYMENT_DECISION_SOURCE and names it when it is wrong', () => {
    expect(loadConfig({ PAYMENT_DECISION_SOURCE: 'event-store' }).paymentDecisionSource).toBe('event-store');
    expect(() => loadConfig({ PAYMENT_DECISION_SOURCE: 'ledger' })).toThrow(
      /PAYMENT_DECISION_SOURCE must be read-model or event-store, got "ledger"/,
    );
  });

  it('reads every variable', () => {
    const config = loadConfig({
      EVENTSTORE_CONNECTION_STRING: 'esdb://localhost:2113?tls=false',
      DATABASE_URL: 'postgres://u:p@localhost:5432/db',
      DATA_DIR: '/tmp/x',
      PORT: '8080',
      EVENTSTORE_PORT: '1113',
      POSTGRES_PORT: '6543',
      PROJECTION_GROUP: 'g1',
    });
    expect(config).toMatchObject({ port: 8080, eventStorePort: 1113, postgresPort: 6543, projectionGroup: 'g1', dataDir: '/tmp/x' });
    expect(requireConnections(config)).toEqual({
      eventStoreConnectionString: 'esdb://localhost:2113?tls=false',
      databaseUrl: 'postgres://u:p@localhost:5432/db',
    });
  });

  it('names every bad variable in one error', () => {
    try {
      loadConfig({ PORT: 'abc', DATABASE_URL: 'mysql://x', EVENTSTORE_CONNECTION_STRING: 'http://x' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const message = (error as Error).message;
      expect(message).toMatch(/PORT must be a port number/);
      expect(message).toMatch(/DATABASE_URL must start with postgres:\/\//);
      expect(message).toMatch(/EVENTSTORE_CONNECTION_STRING must start with esdb:\/\//);
    }
  });

  it('requireConnections explains what is missing', () => {
    expect(() => requireConnections(loadConfig({}))).toThrow(/EVENTSTORE_CONNECTION_STRING is not set[\s\S]*DATABASE_URL is not set/);
  });
});

describe('HOST', () => {
  it('defaults to loopback (no sign-in yet) and takes addresses and host names', () => {
    expect(loadConfig({}).host).toBe('127.0.0.1');
    for (const host of ['0.0.0.0', '::', '::1', '192.168.1.10', 'localhost', 'my-box.lan']) {
      expect(loadConfig({ HOST: host }).host).toBe(host);
    }
  });

  it('rejects what is neither, naming the variable', () => {
    for (const host of ['http://localhost', 'a b', '-x', '127.0.0.1:3000', 'x'.repeat(300)]) {
      expect(() => loadConfig({ HOST: host }), host).toThrow(/HOST must be an IP address or host name/);
    }
  });
});
