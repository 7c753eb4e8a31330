// MikroORM on PostgreSQL: one ORM per process, migrations applied on start.
import { fileURLToPath } from 'node:url';
import { Migrator } from '@mikro-orm/migrations';
import { defineConfig, MikroORM } from '@mikro-orm/postgresql';
import pg from 'pg';
import type { Logger } from 'pino';
import { entities } from '../../db/entities/index.ts';
import { withTimeout } from '../with-timeout.ts';

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../db/migrations', import.meta.url));

export function ormConfig(clientUrl: string, logger?: Logger) {
  return defineConfig({
    clientUrl,
    entities,
    extensions: [Migrator],
    migrations: {
      path: MIGRATIONS_DIR,
      glob: '!(*.d).ts',
      emit: 'ts',
      tableName: 'mikro_orm_migrations',
      transactional: true,
      allOrNothing: true,
      snapshot: false,
    },
    // The slot history (issue 18) is a partitioned table with daily partitions made at run time, written and read with
    // SQL: no entity describes it, so the schema diff must not offer to drop it (migrations.test.ts checks the diff).
    schemaGenerator: { skipTables: [/^slot_history(_p\d{8})?$/, 'slot_observation', /^slot_insight_days(_done)?$/] },
    pool: { min: 0, max: 10, idleTimeoutMillis: 30_000 },
    // Entities are defined with defineEntity: nothing to discover at run time.
    discovery: { warnWhenNoEntities: true },
    debug: false,
    logger: (message) => logger?.debug({ event: 'orm', message }),
  });
}

/** Any fixed number: the advisory lock that serialises migrations between instances starting together. */
const MIGRATION_LOCK = 4_260_818;

export async function openDatabase(clientUrl: string, logger: Logger, { migrate = true } = {}): Promise<MikroORM> {
  const orm = await MikroORM.init(ormConfig(clientUrl, logger));
  if (migrate) await migrateUnderLock(orm, clientUrl, logger);
  return orm;
}

/** Two replicas starting at once must not both apply the same migration: take a session-level advisory lock first. */
async function migrateUnderLock(orm: MikroORM, clientUrl: string, logger: Logger): Promise<void> {
  const lock = new pg.Client({ connectionString: clientUrl });
  await lock.connect();
  try {
    await lock.query('select pg_advisory_lock($1)', [MIGRATION_LOCK]);
    const applied = await orm.migrator.up();
    if (applied.length > 0) logger.info({ event: 'db.migrated', migrations: applied.map((m) => m.name) }, 'database migrated');
  } finally {
    await lock.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await lock.end();
  }
}

/** Readiness probe: a round trip to the database, bounded in time. */
export async function pingDatabase(orm: MikroORM, timeoutMs = 2000): Promise<void> {
  await withTimeout(orm.em.getConnection().execute('select 1'), timeoutMs, 'database did not answer in time');
}
