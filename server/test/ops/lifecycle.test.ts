// SIGTERM on a real process: it stops accepting, persists every actor, releases its leases and exits 0; the other
// instance picks the tasks up at once — long before the lease would have expired.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { addDays, moscowToday } from '@slotpilot/shared';
import { createTRPCClient, httpLink } from '@trpc/client';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { InitDataVerifier } from '../../src/api/auth/init-data.ts';
import type { AppRouter } from '../../src/api/router.ts';
import { type ChildServer, startChildServer, stopChildServer } from '../harness/child-server.ts';
import { createTestDatabase } from '../harness/database.ts';
import { startRedisServer, type TestRedis } from '../harness/redis-server.ts';
import { startTestSandbox, type TestSandbox } from '../harness/sandbox.ts';
import { TEST_BOT_TOKEN } from '../harness/test-server.ts';

const LEASE_MS = 30_000;

describe('graceful stop with a second instance running', () => {
  let sandbox: TestSandbox;
  let redis: TestRedis;
  let databaseUrl: string;
  let dataDir: string;
  const children: ChildServer[] = [];

  beforeAll(async () => {
    [sandbox, redis, databaseUrl, dataDir] = await Promise.all([
      startTestSandbox(),
      startRedisServer(),
      createTestDatabase(),
      mkdtemp(path.join(os.tmpdir(), 'slotpilot-lifecycle-')),
    ]);
    await sandbox.scenario({ running: false });
  });
  afterAll(async () => {
    await Promise.all(children.map((child) => stopChildServer(child, 'SIGKILL')));
    await Promise.allSettled([sandbox.close(), redis.stop()]);
    await rm(dataDir, { recursive: true, force: true });
  });

  const start = async () => {
    const child = await startChildServer({
      NODE_ENV: 'test',
      DATA_DIR: dataDir,
      DATABASE_URL: databaseUrl,
      REDIS_URL: redis.url,
      BOT_TOKEN: TEST_BOT_TOKEN,
      WB_SANDBOX: '0',
      WB_COMMON_API_URL: sandbox.url,
      WB_SUPPLIES_API_URL: sandbox.url,
      WB_PORTAL_URL: sandbox.url,
      MONITOR_LEASE_MS: String(LEASE_MS),
    });
    children.push(child);
    return child;
  };
  const owners = async () => {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      return (
        await client.query<{ lease_owner: string | null; state: string }>(
          "select lease_owner, state from monitoring_tasks where state <> 'done'",
        )
      ).rows;
    } finally {
      await client.end();
    }
  };

  it('exits 0 and hands every task to the other instance at once', async () => {
    const a = await start();
    const user = { id: 61_001, firstName: 'Graceful' };
    const client = createTRPCClient<AppRouter>({
      links: [httpLink({ url: `${a.url}/trpc`, headers: { authorization: `tma ${new InitDataVerifier(TEST_BOT_TOKEN).sign(user)}` } })],
    });
    const seller = await sandbox.createSeller();
    await client.keys.add.mutate({ kind: 'api_token', name: 'API', secret: seller.apiToken });
    const today = moscowToday();
    for (let i = 0; i < 3; i++) {
      await client.tasks.create.mutate({
        kind: 'supply',
        mode: 'notify',
        warehouseIds: [217081],
        boxTypeId: 6,
        dateFrom: today,
        dateTo: addDays(today, 9),
        maxCoefficient: 0,
      });
    }
    await vi.waitFor(async () => expect((await owners()).map((o) => o.state)).toEqual(['polling', 'polling', 'polling']), {
      timeout: 10_000,
    });
    const aOwner = (await owners())[0]?.lease_owner;

    const b = await start();
    expect(await stopChildServer(a, 'SIGTERM')).toBe(0);
    expect(a.logEvents().map((e) => e.event)).toEqual(expect.arrayContaining(['shutdown.start', 'shutdown.done']));
    expect(a.logEvents().filter((e) => e.event === 'shutdown.step_failed')).toEqual([]);

    // Well inside the 30 s lease: the released tasks are claimed by B straight away.
    await vi.waitFor(
      async () => {
        const rows = await owners();
        expect(rows).toHaveLength(3);
        expect(rows.every((r) => r.lease_owner !== null && r.lease_owner !== aOwner)).toBe(true);
      },
      { timeout: 10_000, interval: 100 },
    );
    expect((await fetch(`${b.url}/readyz`)).status).toBe(200);
  }, 60_000);
});
