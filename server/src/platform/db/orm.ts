// MikroORM on PostgreSQL: one ORM per process, migrations applied on start.
import { fileURLToPath } from 'node:url';
import { Migrator } from '@mikro-orm/migrations';
import { defineConfig, MikroORM } from '@mikro-orm/postgresql';
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
    pool: { min: 0, max: 10, idleTimeoutMillis: 30_000 },
    // Entities are defined with defineEntity: nothing to discover at run time.
    discovery: { warnWhenNoEntities: true },
    debug: false,
    logger: (message) => logger?.debug({ event: 'orm', message }),
  });
}

export async function openDatabase(clientUrl: string, logger: Logger): Promise<MikroORM> {
  const orm = await MikroORM.init(ormConfig(clientUrl, logger));
  const applied = await orm.migrator.up();
  if (applied.length > 0) logger.info({ event: 'db.migrated', migrations: applied.map((m) => m.name) }, 'database migrated');
  return orm;
}

/** Readiness probe: a round trip to the database, bounded in time. */
export async function pingDatabase(orm: MikroORM, timeoutMs = 2000): Promise<void> {
  await withTimeout(orm.em.getConnection().execute('select 1'), timeoutMs, 'database did not answer in time');
}
