// Once per `vitest run`: one embedded PostgreSQL (each test file makes its own database on it) and one redis-server.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from '../../src/platform/db/embedded-postgres.ts';
import { startRedisServer } from './redis-server.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    pgServerUrl: string;
    redisUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'slotpilot-test-pg-'));
  const logger = pino({ level: 'warn' });
  const [pg, redis] = await Promise.all([
    startEmbeddedPostgres({ dataDir: path.join(dir, 'data'), password: 'test', logger, ephemeral: true }),
    startRedisServer(),
  ]);
  project.provide('pgServerUrl', pg.url);
  project.provide('redisUrl', redis.url);
  return async () => {
    await Promise.allSettled([pg.stop(), redis.stop()]);
    await rm(dir, { recursive: true, force: true });
  };
}
