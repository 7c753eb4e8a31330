// `pnpm -C server run migration:create [name]`: diff the entities against a scratch database that has every committed
// migration applied, and write the difference as a new migration. Uses DATABASE_URL if set, else a throwaway embedded PostgreSQL.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { startEmbeddedPostgres } from './embedded-postgres.ts';
import { ensureDatabase } from './ensure-database.ts';
import { openDatabase } from './orm.ts';

const logger = pino({ level: 'warn' });
const name = process.argv[3];
const scratch = await mkdtemp(path.join(os.tmpdir(), 'slotpilot-migrate-'));
const embedded = process.env.DATABASE_URL
  ? undefined
  : await startEmbeddedPostgres({ dataDir: path.join(scratch, 'pg'), password: 'scratch', logger, ephemeral: true });
try {
  if (embedded) await ensureDatabase(embedded.url, 'scratch');
  const orm = await openDatabase(process.env.DATABASE_URL ?? embedded!.urlFor('scratch'), logger);
  const result = await orm.migrator.create(undefined, false, false, name);
  console.log(result.fileName ? `wrote ${result.fileName}` : 'entities match the migrations: nothing to write');
  await orm.close();
} finally {
  await embedded?.stop();
  await rm(scratch, { recursive: true, force: true });
}
