// /healthz answers while the process lives; /readyz follows its dependencies down and back up.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startRedisServer, type TestRedis } from '../harness/redis-server.ts';
import { startTestServer, type TestServer } from '../harness/test-server.ts';

describe('health and readiness', () => {
  let redis: TestRedis;
  let server: TestServer;
  beforeAll(async () => {
    redis = await startRedisServer();
    server = await startTestServer({ REDIS_URL: redis.url });
  });
  afterAll(async () => {
    await server?.close();
    await redis?.stop();
  });

  const readyz = async () => {
    const response = await fetch(`${server.url}/readyz`);
    return {
      status: response.status,
      body: (await response.json()) as { status: string; checks: Record<string, { status: string; error?: string }> },
    };
  };

  it('is alive', async () => {
    const response = await fetch(`${server.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'ok' });
  });

  it('is ready when the database and Redis answer', async () => {
    expect(await readyz()).toMatchObject({
      status: 200,
      body: { checks: { database: { status: 'ok' }, redis: { status: 'ok', mode: 'redis' } } },
    });
  });

  it('turns not-ready when Redis stops, and ready again when it is back', async () => {
    await redis.stop();
    await vi.waitFor(
      async () =>
        expect(await readyz()).toMatchObject({ status: 503, body: { status: 'not_ready', checks: { redis: { status: 'error' } } } }),
      {
        timeout: 10_000,
        interval: 100,
      },
    );
    const down = await readyz();
    expect(down.body.checks.database?.status).toBe('ok');
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);

    await redis.start();
    await vi.waitFor(async () => expect(await readyz()).toMatchObject({ status: 200, body: { checks: { redis: { status: 'ok' } } } }), {
      timeout: 15_000,
      interval: 100,
    });
  });
});

describe('readiness in embedded mode', () => {
  it('reports the in-memory stand-in as healthy', async () => {
    const server = await startTestServer();
    try {
      const response = await fetch(`${server.url}/readyz`);
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ checks: { redis: { status: 'ok', mode: 'memory' } } });
    } finally {
      await server.close();
    }
  });
});
