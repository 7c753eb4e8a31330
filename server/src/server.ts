// Builds and starts the whole server from a config: platform → services → HTTP. Returns how to stop it, in reverse order.
import path from 'node:path';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import { UserService } from './accounts/user-service.ts';
import { InitDataVerifier } from './api/auth/init-data.ts';
import { type App, buildApp } from './app.ts';
import type { Config } from './config.ts';
import { type EmbeddedDatabase, startEmbeddedPostgres } from './platform/db/embedded-postgres.ts';
import { ensureDatabase } from './platform/db/ensure-database.ts';
import { openDatabase, pingDatabase } from './platform/db/orm.ts';
import { createMemorySharedState } from './platform/kv/memory.ts';
import { createRedisSharedState } from './platform/kv/redis.ts';
import type { SharedState } from './platform/kv/types.ts';
import { generateDevBotToken, generateMasterKey, generatePassword, loadOrCreateLocalSecret } from './platform/local-secrets.ts';
import type { SecretScrubber } from './platform/logger.ts';

export interface RunningServer {
  app: App;
  orm: MikroORM;
  shared: SharedState;
  /** Where the server listens, e.g. http://127.0.0.1:3000. */
  url: string;
  stop(): Promise<void>;
}

export interface StartOptions {
  config: Config;
  logger: Logger;
  scrubber: SecretScrubber;
  miniappDir?: string;
}

export async function startServer({ config, logger, scrubber, miniappDir }: StartOptions): Promise<RunningServer> {
  const stops: Array<{ name: string; stop: () => Promise<unknown> }> = [];
  const stopAll = async () => {
    for (const { name, stop } of stops.reverse()) {
      await stop().catch((err: unknown) => logger.error({ event: 'shutdown.step_failed', step: name, err }, `stopping ${name} failed`));
    }
    stops.length = 0;
  };

  try {
    const masterKey = config.masterKey ?? (await localSecret(config, logger, 'master-key', generateMasterKey, 'MASTER_KEY is not set'));
    const botToken = config.bot.token ?? (await localSecret(config, logger, 'dev-bot-token', generateDevBotToken, 'BOT_TOKEN is not set'));
    scrubber.add(masterKey);
    scrubber.add(botToken);

    let databaseUrl = config.databaseUrl;
    if (!databaseUrl) {
      const password = (await loadOrCreateLocalSecret(config.dataDir, 'postgres-password', generatePassword)).value;
      scrubber.add(password);
      const embedded: EmbeddedDatabase = await startEmbeddedPostgres({ dataDir: path.join(config.dataDir, 'postgres'), password, logger });
      stops.push({ name: 'embedded postgres', stop: () => embedded.stop() });
      await ensureDatabase(embedded.url, 'slotpilot');
      databaseUrl = embedded.urlFor('slotpilot');
    }
    const orm = await openDatabase(databaseUrl, logger);
    stops.push({ name: 'database', stop: () => orm.close() });

    let shared: SharedState;
    if (config.redisUrl) {
      shared = await createRedisSharedState({ url: config.redisUrl, logger });
    } else {
      shared = createMemorySharedState();
      logger.warn({ event: 'shared_state.memory' }, 'REDIS_URL is not set: shared state lives in memory, so run a single instance');
    }
    stops.push({ name: 'shared state', stop: () => shared.close() });

    const initData = new InitDataVerifier(botToken);
    const app = await buildApp({
      logger,
      services: { users: new UserService(orm), initData, adminIds: config.adminIds },
      devLogin: config.devLogin,
      readiness: [
        {
          name: 'database',
          check: async () => {
            await pingDatabase(orm);
            return undefined;
          },
        },
        {
          name: 'redis',
          check: async () => {
            await shared.ping();
            return { mode: shared.mode };
          },
        },
      ],
      ...(miniappDir ? { miniappDir } : {}),
    });
    stops.push({ name: 'http', stop: () => app.close() });

    await app.listen({ port: config.port, host: config.host });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    const url = `http://${config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host}:${port}`;
    logger.info(
      { event: 'server.listening', url, devLogin: config.devLogin, wbSandbox: config.wb.sandbox },
      `SlotPilot is listening on ${url}`,
    );
    return { app, orm, shared, url, stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

async function localSecret(config: Config, logger: Logger, name: string, generate: () => string, why: string): Promise<string> {
  const { value, created } = await loadOrCreateLocalSecret(config.dataDir, name, generate);
  if (created)
    logger.warn(
      { event: 'local_secret.generated', file: path.join(config.dataDir, name) },
      `${why}: generated one for this machine (development only)`,
    );
  return value;
}
