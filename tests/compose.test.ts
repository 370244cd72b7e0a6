// docker-compose.yml can't be run here (no Docker engine), so this checks what can go wrong
// silently: services, images, healthchecks, volumes, ports and the environment the app and the
// worker get must agree with lib/config.ts and with each other.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig, requireConnections } from '@/lib/config';

const root = fileURLToPath(new URL('..', import.meta.url));
const read = (file: string) => readFileSync(`${root}/${file}`, 'utf8');

type Service = {
  image?: string;
  build?: string | { context: string; dockerfile?: string };
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
};
type Compose = { services: Record<string, Service>; volumes?: Record<string, unknown> };

const compose = parse(read('docker-compose.yml'), { merge: true }) as Compose;
const services = compose.services;

/** The variable names lib/config.ts reads, found by watching which keys it looks up. */
function configVariables(): Set<string> {
  const seen = new Set<string>();
  const spy = new Proxy({} as Record<string, string | undefined>, {
    get(_target, key) {
      if (typeof key === 'string') seen.add(key);
      return undefined;
    },
  });
  loadConfig(spy);
  return seen;
}

/** "[interface:]host:container" entries. */
function portMapping(service: Service): { interface: string | null; host: number; container: number }[] {
  return (service.ports ?? []).map((entry) => {
    const parts = String(entry).split(':');
    const [container, host] = [Number(parts.at(-1)), Number(parts.at(-2))];
    return { interface: parts.length === 3 ? parts[0]! : null, host, container };
  });
}

function environment(name: string): Record<string, string> {
  const env = services[name].environment;
  expect(env, `${name} has an environment`).toBeDefined();
  return Object.fromEntries(Object.entries(env!).map(([k, v]) => [k, String(v)]));
}

describe('docker-compose.yml', () => {
  it('has the event store, Postgres, migrate, worker and app services', () => {
    expect(Object.keys(services).sort()).toEqual(['app', 'eventstore', 'migrate', 'postgres', 'worker']);
  });

  it('runs the official EventStoreDB image as an insecure single node with a healthcheck and a volume', () => {
    const store = services.eventstore;
    expect(store.image).toMatch(/^eventstore\/eventstore:\d/);
    expect(store.environment?.EVENTSTORE_INSECURE).toBe('true');
    expect(store.environment?.EVENTSTORE_CLUSTER_SIZE).toBe('1');
    expect(store.healthcheck?.test.join(' ')).toContain('/health/live');
    expect(store.volumes?.some((v) => v.endsWith(':/var/lib/eventstore'))).toBe(true);
  });

  it('runs the official Postgres image with a healthcheck and a volume', () => {
    const pg = services.postgres;
    expect(pg.image).toMatch(/^postgres:\d/);
    expect(pg.healthcheck?.test.join(' ')).toContain('pg_isready');
    expect(pg.volumes?.some((v) => v.endsWith(':/var/lib/postgresql/data'))).toBe(true);
  });

  it('declares every named volume it mounts', () => {
    for (const [name, service] of Object.entries(services)) {
      for (const volume of service.volumes ?? []) {
        const source = volume.split(':')[0];
        if (!source.startsWith('.') && !source.startsWith('/')) {
          expect(Object.keys(compose.volumes ?? {}), `${name} mounts ${source}`).toContain(source);
        }
      }
    }
  });

  it('builds app, worker and migrate from the Dockerfile in the repo: Node 24, non-root, only what production runs', () => {
    for (const name of ['app', 'worker', 'migrate']) {
      expect(services[name].build, name).toBe('.');
    }
    const dockerfile = read('Dockerfile');
    const stages = dockerfile.match(/^FROM\s+\S+/gm) ?? [];
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const stage of stages) expect(stage).toMatch(/FROM\s+node:24\b|FROM\s+(deps|build)\b/);
    const runtime = dockerfile.slice(dockerfile.lastIndexOf('FROM '));
    expect(runtime).toMatch(/^USER\s+(?!root\b)\S+/m);
    expect(runtime).toMatch(/\.next\/standalone/);
    expect(runtime, 'no node_modules, sources or tsx beyond the standalone output').not.toMatch(
      /COPY\s+(--\S+\s+)*(\.|\/app\/node_modules)\s/,
    );
    // npm ci runs patch-package: the patches must be there before it.
    expect(dockerfile.indexOf('COPY patches')).toBeLessThan(dockerfile.indexOf('RUN npm ci'));
  });

  it('runs built JavaScript in production: the standalone server, the bundled worker and migrate step', () => {
    expect(services.app.command).toEqual(['node', 'server.js']);
    expect(services.worker.command).toEqual(['node', 'dist/worker/index.mjs']);
    expect(services.migrate.command).toEqual(['node', 'dist/migrate/index.mjs']);
    for (const name of ['app', 'worker', 'migrate']) expect(JSON.stringify(services[name].command), name).not.toMatch(/tsx|npx/);
  });

  it('publishes ports on this machine only (no sign-in yet)', () => {
    for (const name of ['app', 'eventstore', 'postgres']) {
      for (const port of portMapping(services[name])) expect(port.interface, name).toBe('127.0.0.1');
    }
  });

  it('gives app, worker and migrate only variables lib/config.ts knows, with values it accepts', () => {
    const known = configVariables();
    for (const name of ['app', 'worker', 'migrate']) {
      const env = environment(name);
      for (const key of Object.keys(env)) expect(known, `${name}: ${key}`).toContain(key);
      expect(() => requireConnections(loadConfig(env)), name).not.toThrow();
    }
  });

  it('wires app and worker to the same event store, database and subscription group', () => {
    const app = loadConfig(environment('app'));
    const worker = loadConfig(environment('worker'));
    expect(worker.eventStoreConnectionString).toBe(app.eventStoreConnectionString);
    expect(worker.databaseUrl).toBe(app.databaseUrl);
    expect(worker.projectionGroup).toBe(app.projectionGroup);
    expect(loadConfig(environment('migrate')).databaseUrl).toBe(app.databaseUrl);
  });

  it('points the event store connection string at the eventstore service, insecure like the node', () => {
    const url = new URL(loadConfig(environment('app')).eventStoreConnectionString!.replace(/^esdb:/, 'http:'));
    expect(url.hostname).toBe('eventstore');
    const nodePort = Number(services.eventstore.environment?.EVENTSTORE_NODE_PORT ?? 2113);
    expect(Number(url.port)).toBe(nodePort);
    expect(portMapping(services.eventstore).map((p) => p.container)).toContain(nodePort);
    expect(url.searchParams.get('tls')).toBe('false');
  });

  it('points DATABASE_URL at the postgres service with its user, password and database', () => {
    const url = new URL(loadConfig(environment('app')).databaseUrl!);
    const pg = environment('postgres');
    expect(url.hostname).toBe('postgres');
    expect(Number(url.port)).toBe(5432);
    expect(portMapping(services.postgres).map((p) => p.container)).toContain(5432);
    expect(decodeURIComponent(url.username)).toBe(pg.POSTGRES_USER);
    expect(decodeURIComponent(url.password)).toBe(pg.POSTGRES_PASSWORD);
    expect(url.pathname.slice(1)).toBe(pg.POSTGRES_DB);
  });

  it('publishes the app on the port its config and the image use', () => {
    const app = loadConfig(environment('app'));
    expect(portMapping(services.app).map((p) => p.container)).toContain(app.port);
    expect(read('Dockerfile')).toMatch(new RegExp(`PORT=${app.port}\\b`));
  });

  it('starts app and worker only after the stores are healthy and migrations ran', () => {
    for (const name of ['app', 'worker']) {
      const deps = services[name].depends_on ?? {};
      expect(deps.eventstore?.condition, name).toBe('service_healthy');
      expect(deps.postgres?.condition, name).toBe('service_healthy');
      expect(deps.migrate?.condition, name).toBe('service_completed_successfully');
    }
  });
});

describe('.env.example', () => {
  it('documents every variable lib/config.ts reads', () => {
    const documented = read('.env.example');
    for (const variable of configVariables()) {
      expect(documented, variable).toMatch(new RegExp(`^#?\\s*${variable}=`, 'm'));
    }
  });

  it('shows defaults that lib/config.ts actually uses', () => {
    const defaults = loadConfig({});
    const example = read('.env.example');
    const value = (name: string) => example.match(new RegExp(`^#\\s*${name}=(.*)$`, 'm'))?.[1];
    expect(value('DATA_DIR')).toBe(defaults.dataDir);
    expect(Number(value('PORT'))).toBe(defaults.port);
    expect(Number(value('EVENTSTORE_PORT'))).toBe(defaults.eventStorePort);
    expect(Number(value('POSTGRES_PORT'))).toBe(defaults.postgresPort);
    expect(value('PROJECTION_GROUP')).toBe(defaults.projectionGroup);
  });
});
