// `pnpm -C server run migrate`: apply the committed migrations and exit (the one-shot step of a deployment).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { ConfigError, loadConfig } from '../config.ts';
import { openDatabase } from '../platform/db/orm.ts';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const logger = pino({ level: process.env.LOG_LEVEL ?? 'info', base: { service: 'slotpilot-migrate' } });
try {
  const config = loadConfig(process.env, { dataDir: path.join(repoRoot, '.data') });
  if (!config.databaseUrl)
    throw new ConfigError(['DATABASE_URL is required to run migrations on their own (the embedded database migrates on start)']);
  const orm = await openDatabase(config.databaseUrl, logger);
  await orm.close();
  logger.info({ event: 'migrate.done' }, 'migrations applied');
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
