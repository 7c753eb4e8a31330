// Dependencies going away must not freeze or crash the API (issue 14): PostgreSQL down → 503 UNAVAILABLE at once;
// Redis down → every call answers within its deadline; live task streams resync when the bus is back. And a
// production-mode instance tells the public which dependency is down and nothing more, and serves /metrics only on
// its metrics port.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { addDays, moscowToday } from '@slotpilot/shared';
import { createTRPCClient, httpLink, httpSubscriptionLink, splitLink } from '@trpc/client';
import { EventSource } from 'eventsource';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { AppRouter } from '../../src/api/router.ts';
import { type EmbeddedDatabase, freePort, startEmbeddedPostgres } from '../../src/platform/db/embedded-postgres.ts';
import { ensureDatabase } from '../../src/platform/db/ensure-database.ts';
import { startRedisServer, type TestRedis } from '../harness/redis-server.ts';
import { startTestServer, type TestServer } from '../harness/test-server.ts';
import { failure } from '../harness/trpc-failure.ts';

const supply = () => ({
  kind: 'supply' as const,
  mode: 'notify' as const,
  warehouseIds: [507],
  boxTypeId: 2 as const,
  dateFrom: moscowToday(),
  dateTo: addDays(moscowToday(), 5),
  maxCoefficient: 0,
});

describe('when PostgreSQL or Redis goes away', () => {
  let dir: string;
  let port: number;
  let postgres: EmbeddedDatabase;
  let redis: TestRedis;
  let server: TestServer;
  let nextUser = 9_200_000;
  const newUser = () => ({ id: ++nextUser, firstName: `Outage${nextUser}`, languageCode: 'en' });
  const startPostgres = () =>
    startEmbeddedPostgres({ dataDir: path.join(dir, 'pg'), password: 'outage', logger: pino({ level: 'silent' }), ephemeral: true, port });

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'slotpilot-outage-'));
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

  it('PostgreSQL down: API calls answer 503 UNAVAILABLE at once, in the user language; back to normal after', async () => {
    const user = newUser();
    await server.client(user).me.get.query();
    await postgres.stop();
    try {
      const started = Date.now();
      const error = await failure(server.client(newUser()).me.get.query());
      expect(error.data).toMatchObject({ appCode: 'UNAVAILABLE', httpStatus: 503 });
      expect(error.message).toMatch(/^The service is temporarily unavailable/);
      expect((await failure(server.client(user).tasks.list.query())).data?.appCode).toBe('UNAVAILABLE');
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      postgres = await startPostgres();
    }
    await vi.waitFor(async () => expect((await server.client(user).me.get.query()).id).toBe(user.id), { timeout: 20_000, interval: 250 });
  }, 60_000);

  it('Redis down: a pause answers within its deadline; the live stream resyncs once Redis is back', async () => {
    const user = newUser();
    const authorization = `tma ${server.initData.sign(user)}`;
    const client = createTRPCClient<AppRouter>({
      links: [
        splitLink({
          condition: (op) => op.type === 'subscription',
          true: httpSubscriptionLink({ url: `${server.url}/trpc`, EventSource, connectionParams: () => ({ authorization }) }),
          false: httpLink({ url: `${server.url}/trpc`, headers: { authorization } }),
        }),
      ],
    });
    const seen: Array<{ taskId: string; state: string; eventId: string }> = [];
    let started!: () => void;
    const ready = new Promise<void>((resolve) => {
      started = resolve;
    });
    const subscription = client.tasks.onChange.subscribe(undefined, {
      onStarted: () => started(),
      onData: (event) => seen.push({ ...(event.data as { taskId: string; state: string }), eventId: event.id }),
    });
    await ready;
    const { id } = await client.tasks.create.mutate(supply());
    await vi.waitFor(() => expect(seen).toContainEqual(expect.objectContaining({ taskId: id, state: 'polling' })), { timeout: 10_000 });

    await redis.stop();
    try {
      const before = Date.now();
      // Either outcome is fine, as long as it is prompt: paused here (the owner is this instance), or UNAVAILABLE.
      const paused = await client.tasks.pause.mutate({ id }).catch((e: unknown) => e);
      expect(Date.now() - before).toBeLessThan(5_000);
      if (paused instanceof Error) expect((paused as { data?: { appCode?: string } }).data?.appCode).toBe('UNAVAILABLE');
      else expect(paused).toMatchObject({ id, state: 'idle' });
      // Signed-in calls that need no Redis keep working (the per-user rate limit counts locally meanwhile).
      const listed = Date.now();
      expect((await client.tasks.list.query()).map((t) => t.id)).toContain(id);
      expect(Date.now() - listed).toBeLessThan(5_000);
    } finally {
      await redis.start();
    }
    // The bus came back: the stream sends every task's current state again (a resync event), the paused one included.
    await vi.waitFor(
      () => expect(seen).toContainEqual(expect.objectContaining({ taskId: id, state: 'idle', eventId: expect.stringContaining(':sync:') })),
      {
        timeout: 20_000,
        interval: 200,
      },
    );
    subscription.unsubscribe();
  }, 60_000);
});

describe('a production-mode instance', () => {
  let redis: TestRedis;
  let server: TestServer;
  beforeAll(async () => {
    redis = await startRedisServer();
    const nowhere = `http://127.0.0.1:${await freePort()}`;
    server = await startTestServer({
      NODE_ENV: 'production',
      PUBLIC_URL: 'https://slotpilot.example',
      REDIS_URL: redis.url,
      MASTER_KEY: Buffer.alloc(32, 7).toString('base64'),
      WB_SANDBOX: '0',
      WB_COMMON_API_URL: nowhere,
      WB_SUPPLIES_API_URL: nowhere,
      WB_PORTAL_URL: nowhere,
      TELEGRAM_API_ROOT: nowhere,
      METRICS_PORT: '0',
    });
  });
  afterAll(async () => {
    await server?.close();
    await redis?.stop();
  });

  it('serves /metrics only on its metrics port, never on the public one', async () => {
    expect((await fetch(`${server.url}/metrics`)).status).toBe(404);
    expect(server.metricsUrl).toBeDefined();
    const scraped = await fetch(`${server.metricsUrl}/metrics`);
    expect(scraped.status).toBe(200);
    expect(await scraped.text()).toMatch(/process_resident_memory_bytes/);
    expect((await fetch(`${server.metricsUrl}/trpc/me.get`)).status).toBe(404);
  });

  it('/readyz says which dependency is down and nothing more', async () => {
    await redis.stop();
    try {
      await vi.waitFor(
        async () => {
          const response = await fetch(`${server.url}/readyz`);
          expect(response.status).toBe(503);
          const body = (await response.json()) as { status: string; checks: Record<string, Record<string, unknown>> };
          expect(body.checks.redis).toEqual({ status: 'error' });
          expect(body.checks.database).toEqual({ status: 'ok' });
          for (const check of Object.values(body.checks)) expect(Object.keys(check)).toEqual(['status']);
        },
        { timeout: 10_000, interval: 200 },
      );
    } finally {
      await redis.start();
    }
  }, 30_000);
});
