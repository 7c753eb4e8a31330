// The engine as it runs in production: server processes sharing PostgreSQL and Redis, WB behind the sandbox over HTTP.
// Killed mid-booking, it books exactly once; killed outright, its tasks move to the survivor; commands reach the owner.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { addDays, moscowToday } from '@slotpilot/shared';
import { createTRPCClient, httpLink } from '@trpc/client';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { InitDataVerifier } from '../../src/api/auth/init-data.ts';
import type { AppRouter } from '../../src/api/router.ts';
import { createHttpTransport } from '../../src/wb/http-transport.ts';
import { WbPortalClient } from '../../src/wb/portal-client.ts';
import { type ChildServer, startChildServer, stopChildServer } from '../harness/child-server.ts';
import { createTestDatabase } from '../harness/database.ts';
import { startRedisServer, type TestRedis } from '../harness/redis-server.ts';
import { type SandboxSeller, startTestSandbox, type TestSandbox } from '../harness/sandbox.ts';
import { TEST_BOT_TOKEN } from '../harness/test-server.ts';

const LEASE_MS = 3_000;
const today = moscowToday();
const initData = new InitDataVerifier(TEST_BOT_TOKEN);

describe('several server processes sharing the tasks', () => {
  let sandbox: TestSandbox;
  let redis: TestRedis;
  let databaseUrl: string;
  let dataDir: string;
  const children: ChildServer[] = [];
  let nextUser = 70_000;

  beforeAll(async () => {
    [sandbox, redis, databaseUrl, dataDir] = await Promise.all([
      startTestSandbox(),
      startRedisServer(),
      createTestDatabase(),
      mkdtemp(path.join(os.tmpdir(), 'slotpilot-scale-')),
    ]);
    await sandbox.scenario({ running: false });
    // Crash and takeover at the official method's pace (10 s / sellers): WB switched it back on in this sandbox.
    await sandbox.official(true);
    await closeAllSlots();
  });
  afterEach(async (context) => {
    if (process.env.DEBUG_LOGS && context.task.result?.state === 'fail') {
      for (const child of children)
        console.log(
          child.stdout
            .filter((l) => !l.includes('http.request'))
            .slice(-40)
            .join('\n'),
        );
    }
    await Promise.all(children.splice(0).map((child) => stopChildServer(child, 'SIGKILL')));
    await sandbox.clearFaults();
    await closeAllSlots();
  });

  /** Only what a test opens can match. */
  async function closeAllSlots() {
    for (const warehouseId of [507, 117501, 300461]) {
      for (let i = 0; i < 14; i++) {
        await sandbox.setCell({ warehouseId, date: addDays(today, i), boxTypeId: 2, coefficient: -1, allowUnload: false });
      }
    }
  }
  afterAll(async () => {
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
      WB_PORTAL_AUTH_URL: sandbox.url,
      MONITOR_LEASE_MS: String(LEASE_MS),
    });
    children.push(child);
    return child;
  };
  const clientOf = (server: ChildServer, user: { id: number; firstName: string }) =>
    createTRPCClient<AppRouter>({
      links: [httpLink({ url: `${server.url}/trpc`, headers: { authorization: `tma ${initData.sign(user)}` } })],
    });
  const newUser = () => ({ id: ++nextUser, firstName: `Seller${nextUser}` });
  const owners = async (taskIds: string[]) => {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ lease_owner: string | null }>('select lease_owner from monitoring_tasks where id = any($1)', [
        taskIds,
      ]);
      return rows.map((r) => r.lease_owner);
    } finally {
      await client.end();
    }
  };
  const waitForTask = (
    server: ChildServer,
    user: { id: number; firstName: string },
    id: string,
    state: string,
    outcome?: string,
    timeout = 30_000,
  ) =>
    vi.waitFor(
      async () => {
        const task = await clientOf(server, user).tasks.get.query({ id });
        expect({ state: task.state, outcome: task.outcome ?? undefined }).toEqual({ state, outcome });
        return task;
      },
      { timeout, interval: 200 },
    );
  const connectSeller = async (server: ChildServer, user: { id: number; firstName: string }, seller: SandboxSeller) => {
    const client = clientOf(server, user);
    await client.keys.add.mutate({ kind: 'api_token', name: 'API', secret: seller.apiToken, shareFeed: true });
    await client.keys.add.mutate({ kind: 'portal_session', name: 'Portal', secret: seller.portalSession });
  };

  it('killed while WB was booking, it books exactly once after the restart (reconciling with WB)', async () => {
    let server = await start();
    const user = newUser();
    const seller = await sandbox.createSeller({ captcha: false });
    await connectSeller(server, user, seller);
    const preorder = seller.preorders.find((p) => p.warehouseId === 507 && p.boxTypeId === 2)!;
    const day = addDays(today, 5);
    const { id } = await clientOf(server, user).tasks.create.mutate({
      kind: 'supply',
      mode: 'autobook',
      warehouseIds: [507],
      boxTypeId: 2,
      dateFrom: today,
      dateTo: addDays(today, 12),
      maxCoefficient: 1,
      preorderId: String(preorder.id),
    });
    await waitForTask(server, user, id, 'polling');

    // WB takes the booking request and never answers…
    await sandbox.fault({ endpoint: 'planAdd', kind: 'timeout' });
    await sandbox.setCell({ warehouseId: 507, date: day, boxTypeId: 2, coefficient: 0, allowUnload: true });
    await waitForTask(server, user, id, 'booking');
    await vi.waitFor(async () => expect(await sandbox.requests(seller.sid, 'planAdd')).toBeGreaterThan(0), { timeout: 10_000 });
    // …the server dies right then, and WB turns out to have booked it after all.
    await stopChildServer(server, 'SIGKILL');
    children.splice(children.indexOf(server), 1);
    await sandbox.clearFaults();
    const transport = createHttpTransport();
    await new WbPortalClient({ portalUrl: sandbox.url, transport }).planAdd(seller.portalSession, {
      preorderId: String(preorder.id),
      date: day,
    });
    await transport.close();

    server = await start();
    const done = await waitForTask(server, user, id, 'done', 'booked', LEASE_MS + 30_000);
    expect(done.bookings).toEqual([expect.objectContaining({ status: 'confirmed', date: day })]);
    expect((await sandbox.stats()).bookings.filter((b) => b.sid === seller.sid)).toHaveLength(1);
    expect((await clientOf(server, user).me.get.query()).credits.trial).toBe(1);
  }, 90_000);

  it('CANCEL during booking, then SIGKILL: the command is honoured after the restart, nothing booked, the credit back', async () => {
    let server = await start();
    const user = newUser();
    const seller = await sandbox.createSeller({ captcha: false });
    await connectSeller(server, user, seller);
    const preorder = seller.preorders.find((p) => p.warehouseId === 507 && p.boxTypeId === 2)!;
    const day = addDays(today, 6);
    const { id } = await clientOf(server, user).tasks.create.mutate({
      kind: 'supply',
      mode: 'autobook',
      warehouseIds: [507],
      boxTypeId: 2,
      dateFrom: day,
      dateTo: day,
      maxCoefficient: 1,
      preorderId: String(preorder.id),
    });
    await waitForTask(server, user, id, 'polling');
    await sandbox.fault({ endpoint: 'planAdd', kind: 'timeout' });
    await sandbox.setCell({ warehouseId: 507, date: day, boxTypeId: 2, coefficient: 0, allowUnload: true });
    await waitForTask(server, user, id, 'booking');
    await vi.waitFor(async () => expect(await sandbox.requests(seller.sid, 'planAdd')).toBeGreaterThan(0), { timeout: 10_000 });
    // The seller cancels while WB holds the booking call; the command is deferred (WB may be booking) and written.
    await clientOf(server, user).tasks.cancel.mutate({ id });
    await stopChildServer(server, 'SIGKILL');
    children.splice(children.indexOf(server), 1);
    await sandbox.clearFaults();

    server = await start();
    await waitForTask(server, user, id, 'done', 'cancelled', LEASE_MS + 30_000);
    // The restored act only asked WB what became of the first call (nothing) and settled; no second plan/add.
    expect(await sandbox.requests(seller.sid, 'planAdd')).toBe(1);
    expect((await sandbox.stats()).bookings.filter((b) => b.sid === seller.sid)).toEqual([]);
    // Settled by the restored act, or (if the killed process still held the seller's portal turn) by the sweeper.
    await vi.waitFor(async () => expect((await clientOf(server, user).me.get.query()).credits).toEqual({ trial: 2, paid: 0 }), {
      timeout: 75_000,
      interval: 500,
    });
    const done = await clientOf(server, user).tasks.get.query({ id });
    expect(done.bookings).toEqual([expect.objectContaining({ status: 'failed' })]);
  }, 160_000);

  it('when one of two instances dies, the other owns all its tasks within lease expiry + 5 s, and books once', async () => {
    const a = await start();
    const b = await start();
    const user = newUser();
    const seller = await sandbox.createSeller({ captcha: false });
    await connectSeller(a, user, seller);
    const notifyIds: string[] = [];
    for (const server of [a, b, a, b]) {
      const { id } = await clientOf(server, user).tasks.create.mutate({
        kind: 'supply',
        mode: 'notify',
        warehouseIds: [117501],
        boxTypeId: 2,
        dateFrom: today,
        dateTo: addDays(today, 12),
        maxCoefficient: 1,
      });
      notifyIds.push(id);
    }
    const preorder = seller.preorders.find((p) => p.warehouseId === 507 && p.boxTypeId === 2)!;
    const { id: bookId } = await clientOf(a, user).tasks.create.mutate({
      kind: 'supply',
      mode: 'autobook',
      warehouseIds: [507],
      boxTypeId: 2,
      dateFrom: today,
      dateTo: addDays(today, 12),
      maxCoefficient: 1,
      preorderId: String(preorder.id),
    });
    const all = [...notifyIds, bookId];
    for (const id of all) await waitForTask(b, user, id, 'polling');
    const bInstance = (await owners([notifyIds[1]!]))[0];
    expect((await owners(all)).filter((o) => o !== bInstance).length).toBeGreaterThan(0);

    await stopChildServer(a, 'SIGKILL');
    children.splice(children.indexOf(a), 1);
    await vi.waitFor(async () => expect(await owners(all)).toEqual(all.map(() => bInstance)), { timeout: LEASE_MS + 5_000, interval: 100 });

    await sandbox.setCell({ warehouseId: 507, date: addDays(today, 3), boxTypeId: 2, coefficient: 1, allowUnload: true });
    await sandbox.setCell({ warehouseId: 117501, date: addDays(today, 4), boxTypeId: 2, coefficient: 0, allowUnload: true });
    await waitForTask(b, user, bookId, 'done', 'booked');
    for (const id of notifyIds) await waitForTask(b, user, id, 'done', 'notified');
    expect((await sandbox.stats()).bookings.filter((x) => x.sid === seller.sid)).toHaveLength(1);
  }, 90_000);

  it('pause and cancel sent to the instance that does not own the task take effect on the owner', async () => {
    const a = await start();
    const b = await start();
    const user = newUser();
    const seller = await sandbox.createSeller({ captcha: false });
    await connectSeller(a, user, seller);
    const { id } = await clientOf(a, user).tasks.create.mutate({
      kind: 'supply',
      mode: 'notify',
      warehouseIds: [300461],
      boxTypeId: 2,
      dateFrom: today,
      dateTo: addDays(today, 12),
      maxCoefficient: 0,
    });
    await waitForTask(a, user, id, 'polling');
    const [ownerBefore] = await owners([id]);

    expect((await clientOf(b, user).tasks.pause.mutate({ id })).state).toBe('idle');
    expect((await clientOf(a, user).tasks.get.query({ id })).state).toBe('idle');
    expect((await clientOf(b, user).tasks.resume.mutate({ id })).state).toBe('polling');
    const cancelled = await clientOf(b, user).tasks.cancel.mutate({ id });
    expect({ state: cancelled.state, outcome: cancelled.outcome }).toEqual({ state: 'done', outcome: 'cancelled' });
    expect(ownerBefore).not.toBeNull();
    // Two child processes start first (each compiles the server with tsx: seconds on a loaded machine).
  }, 90_000);
});
