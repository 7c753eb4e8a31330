// /readyz follows each dependency down and back up while the server keeps running: PostgreSQL and Redis, stopped and
// restarted under it. /healthz stays green throughout (the process itself is fine).
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type EmbeddedDatabase, freePort, startEmbeddedPostgres } from '../../src/platform/db/embedded-postgres.ts';
import { ensureDatabase } from '../../src/platform/db/ensure-database.ts';
import { startRedisServer, type TestRedis } from '../harness/redis-server.ts';
import { startTestServer, type TestServer } from '../harness/test-server.ts';

type Readiness = { status: string; checks: Record<string, { status: string; error?: string; source?: string }> };

describe('readiness follows its dependencies', () => {
  let dir: string;
  let port: number;
  let postgres: EmbeddedDatabase;
  let redis: TestRedis;
  let server: TestServer;
  const startPostgres = () =>
    startEmbeddedPostgres({ dataDir: path.join(dir, 'pg'), password: 'ready', logger: pino({ level: 'silent' }), ephemeral: true, port });

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'slotpilot-ready-'));
    port = await freePort();
    [postgres, redis] = await Promise.all([startPostgres(), startRedisServer()]);
    await ensureDatabase(postgres.url, 'slotpilot');
    server = await startTestServer({ DATABASE_URL: postgres.urlFor('slotpilot'), REDIS_URL: redis.url });
  });
  afterAll(async () => {
    await server?.close();
    await Promise.allSettled([postgres?.stop(), redis?.stop()]);
    await rm(dir, { recursive: true, force: true });
  });

  const readyz = async () => {
    const response = await fetch(`${server.url}/readyz`);
    return { status: response.status, body: (await response.json()) as Readiness };
  };
  const expectReady = () =>
    vi.waitFor(
      async () =>
        expect(await readyz()).toMatchObject({ status: 200, body: { checks: { database: { status: 'ok' }, redis: { status: 'ok' } } } }),
      {
        timeout: 20_000,
        interval: 200,
      },
    );

  it('reports every dependency, the WB feed source included', async () => {
    await expectReady();
    const { body } = await readyz();
    expect(Object.keys(body.checks).sort()).toEqual(['bot', 'database', 'feed', 'redis']);
    expect(body.checks.feed?.source).toEqual(expect.any(String));
    // The test bot's Telegram is unreachable here: reported, and the instance stays in service, marked degraded.
    expect(body.checks.bot).toMatchObject({ status: 'error', reachable: false });
    expect(body.status).toBe('degraded');
  });

  it('turns not-ready when PostgreSQL stops and ready again when it is back', async () => {
    await postgres.stop();
    await vi.waitFor(
      async () => expect(await readyz()).toMatchObject({ status: 503, body: { checks: { database: { status: 'error' } } } }),
      {
        timeout: 10_000,
        interval: 200,
      },
    );
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    postgres = await startPostgres();
    await expectReady();
  });

  it('turns not-ready when Redis stops and ready again when it is back', async () => {
    await redis.stop();
    await vi.waitFor(async () => expect(await readyz()).toMatchObject({ status: 503, body: { checks: { redis: { status: 'error' } } } }), {
      timeout: 10_000,
      interval: 200,
    });
    await redis.start();
    await expectReady();
  });
});
