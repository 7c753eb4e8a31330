// The act's last check, driven directly (real Postgres, the sandbox over HTTP, the real portal client and credential
// service): a cell the feed still shows open but the preorder's own view shows closed or too dear is `gone`, with
// nothing reserved, booked or sent; the check is one call, remembered for a while; a check that fails at WB holds back a
// booking but not an alert; a check our own limiter has no turn for does not hold a booking back.
import { randomBytes } from 'node:crypto';
import { addDays, type FoundSlot, moscowToday, type SupplyCriteria } from '@slotpilot/shared';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CredentialService } from '../../src/accounts/credential-service.ts';
import { CredentialVault } from '../../src/accounts/credential-vault.ts';
import { BookingResult } from '../../src/db/entities/booking-result.ts';
import { LedgerEntry } from '../../src/db/entities/ledger-entry.ts';
import { MonitoringTask } from '../../src/db/entities/monitoring-task.ts';
import { OutboxMessage } from '../../src/db/entities/outbox-message.ts';
import { LEASE_LOST } from '../../src/monitor/lease-fence.ts';
import { CLOSED_CELL_MEMORY_MS, SupplyAct, type SupplyTaskRef } from '../../src/monitor/supply-act.ts';
import { createMemorySharedState } from '../../src/platform/kv/memory.ts';
import { SecretScrubber } from '../../src/platform/logger.ts';
import { chooseDateUrl } from '../../src/wb/endpoints.ts';
import { createHttpTransport } from '../../src/wb/http-transport.ts';
import { WbOfficialClient } from '../../src/wb/official-client.ts';
import { WbPortalClient } from '../../src/wb/portal-client.ts';
import { PortalLimiter } from '../../src/wb/portal-limiter.ts';
import { SellerRateLimiter } from '../../src/wb/seller-rate-limiter.ts';
import { sandboxControl } from '../harness/sandbox-control.ts';
import { startTestServer, type TestServer } from '../harness/test-server.ts';

const logger = pino({ level: 'silent' });
const today = moscowToday();
const WAREHOUSE = 507;

describe('check before acting', () => {
  let server: TestServer;
  let wb: ReturnType<typeof sandboxControl>;
  const transport = createHttpTransport();
  let credentials: CredentialService;
  let act: SupplyAct;
  let clock = Date.now();
  let nextUser = 14_000;

  beforeAll(async () => {
    server = await startTestServer();
    wb = sandboxControl(server.sandboxUrl);
    await wb.scenario({ running: false });
    const shared = createMemorySharedState();
    // Acceptance costs once a second per seller instead of once per 10 s: the test asks several times, the pace is the same.
    const portal = new WbPortalClient({
      portalUrl: server.sandboxUrl,
      authUrl: server.sandboxUrl,
      transport,
      limiter: new PortalLimiter(shared, { spacingMs: { acceptanceCosts: 1_000 } }),
      logger,
    });
    const official = new WbOfficialClient({
      commonApiUrl: server.sandboxUrl,
      suppliesApiUrl: server.sandboxUrl,
      transport,
      limiter: new SellerRateLimiter(shared),
    });
    credentials = new CredentialService({
      orm: server.orm,
      vault: new CredentialVault(randomBytes(32).toString('base64')),
      official,
      portal,
      scrubber: new SecretScrubber(),
      logger,
    });
    act = new SupplyAct({ orm: server.orm, portal, credentials, logger, publicUrl: undefined, now: () => clock });
  });
  afterAll(async () => {
    await server?.close();
    await transport.close();
  });

  /** A seller with a portal session and a stored (finished, so no actor runs it) autobook task on its 507 preorder. */
  async function sellerTask(date: string): Promise<{ task: SupplyTaskRef; sid: string; session: string }> {
    const user = { id: ++nextUser, firstName: `U${nextUser}`, languageCode: 'en' };
    await server.client(user).me.get.query();
    const seller = await wb.createSeller({ captcha: false });
    await credentials.add(user.id, { kind: 'portal_session', name: 'k', secret: seller.portalSession });
    const preorder = seller.preorders.find((p) => p.warehouseId === WAREHOUSE && p.boxTypeId === 2)!;
    const criteria: SupplyCriteria = {
      warehouseIds: [WAREHOUSE],
      boxTypeId: 2,
      dateFrom: date,
      dateTo: date,
      skipDates: [],
      maxCoefficient: 1,
      preorderId: String(preorder.id),
      keepWatching: false,
    };
    const em = server.orm.em.fork();
    const row = em.create(MonitoringTask, {
      user: user.id,
      kind: 'supply',
      mode: 'autobook',
      criteria: criteria as unknown as Record<string, unknown>,
      state: 'done',
      outcome: 'cancelled',
    });
    await em.flush();
    return { task: { taskId: row.id, userId: user.id, criteria }, sid: seller.sid, session: seller.portalSession };
  }

  const costsCalls = async (sid: string) => (await wb.stats()).requests[sid]?.acceptanceCosts ?? 0;
  const nothingHappened = async (userId: number, sid: string) => {
    const em = server.orm.em.fork();
    expect(await em.count(BookingResult, { user: userId })).toBe(0);
    expect((await em.find(LedgerEntry, { user: userId })).map((l) => l.reason)).toEqual(['trial_grant']);
    expect(await em.count(OutboxMessage, { user: userId })).toBe(0);
    expect((await wb.stats()).bookings.filter((b) => b.sid === sid)).toEqual([]);
  };

  it('a slot closed meanwhile is gone: nothing reserved, booked or sent, and it is not asked about again at once', async () => {
    const date = addDays(today, 3);
    // The feed saw it open (the slot below); WB has closed it since.
    await wb.setCell({ warehouseId: WAREHOUSE, date, boxTypeId: 2, coefficient: -1, allowUnload: false });
    const { task, sid } = await sellerTask(date);
    const slot: FoundSlot = { warehouseId: WAREHOUSE, date, coefficient: 0 };

    expect(await act.book(task, slot)).toEqual({ type: 'gone' });
    expect(await costsCalls(sid)).toBe(1);
    await nothingHappened(task.userId, sid);
    // The task's probe passes over the cell for a while instead of matching the stale picture again at once.
    expect(act.refuted(task.taskId)).toEqual([`${WAREHOUSE}:${date}`]);

    // The stale picture matches again a second later: answered from memory, the seller's account is not asked again.
    expect(await act.book(task, slot)).toEqual({ type: 'gone' });
    expect(await act.notify(task, slot)).toEqual({ type: 'gone' });
    expect(await costsCalls(sid)).toBe(1);

    // Later it opens, but dearer than the task allows: still gone, after one more check.
    clock += CLOSED_CELL_MEMORY_MS + 1;
    expect(act.refuted(task.taskId)).toEqual([]);
    await wb.setCell({ warehouseId: WAREHOUSE, date, boxTypeId: 2, coefficient: 3, allowUnload: true });
    expect(await act.book(task, slot)).toEqual({ type: 'gone' });
    expect(await costsCalls(sid)).toBe(2);
    await nothingHappened(task.userId, sid);

    // Open within the threshold: the check passes and the booking goes through, once.
    clock += CLOSED_CELL_MEMORY_MS + 1;
    await wb.setCell({ warehouseId: WAREHOUSE, date, boxTypeId: 2, coefficient: 1, allowUnload: true });
    expect(await act.book(task, { ...slot, coefficient: 1 })).toEqual({ type: 'booked' });
    expect((await wb.stats()).bookings.filter((b) => b.sid === sid)).toEqual([expect.objectContaining({ warehouseId: WAREHOUSE, date })]);
    expect(await server.orm.em.fork().find(BookingResult, { user: task.userId })).toEqual([
      expect.objectContaining({ status: 'confirmed', coefficient: 1 }),
    ]);
    expect((await wb.stats()).violations).toBe(0);
  });

  it('a check that fails holds a booking back as transient (nothing reserved) but lets the alert go, with the date page', async () => {
    const date = addDays(today, 4);
    await wb.setCell({ warehouseId: WAREHOUSE, date, boxTypeId: 2, coefficient: 0, allowUnload: true });
    const { task, sid } = await sellerTask(date);
    const slot: FoundSlot = { warehouseId: WAREHOUSE, date, coefficient: 0 };

    await wb.fault({ endpoint: 'acceptanceCosts', kind: '5xx', count: 1 });
    await expect(act.book(task, slot)).rejects.toMatchObject({ kind: 'transient', reason: expect.stringMatching(/could not confirm/) });
    await nothingHappened(task.userId, sid);

    await wb.fault({ endpoint: 'acceptanceCosts', kind: '5xx', count: 1 });
    expect(await act.notify(task, slot)).toEqual({ type: 'notified' });
    const alerts = await server.orm.em.fork().find(OutboxMessage, { user: task.userId, kind: 'slot_found' });
    expect(alerts.map((a) => a.payload)).toEqual([
      expect.objectContaining({ warehouseId: WAREHOUSE, date, bookUrl: chooseDateUrl(task.criteria.preorderId!) }),
    ]);
    expect(await costsCalls(sid)).toBe(2);
    await wb.clearFaults();
  });

  it('a check our own limiter has no turn for does not hold the booking back: booked at once, the check never sent', async () => {
    const date = addDays(today, 5);
    await wb.setCell({ warehouseId: WAREHOUSE, date, boxTypeId: 2, coefficient: 0, allowUnload: true });
    const { task, sid, session } = await sellerTask(date);
    // The production spacing (one acceptance-costs read per seller every 10 s), its turn just spent elsewhere (the Mini
    // App's cost line, another task's act): waiting for the next one would let the slot go.
    const portal = new WbPortalClient({
      portalUrl: server.sandboxUrl,
      authUrl: server.sandboxUrl,
      transport,
      limiter: new PortalLimiter(createMemorySharedState()),
      logger,
    });
    const spacedAct = new SupplyAct({ orm: server.orm, portal, credentials, logger, publicUrl: undefined, now: () => clock });
    await portal.acceptanceCosts(session, task.criteria.preorderId!, date, date);
    expect(await costsCalls(sid)).toBe(1);

    expect(await spacedAct.book(task, { warehouseId: WAREHOUSE, date, coefficient: 0 })).toEqual({ type: 'booked' });
    expect(await costsCalls(sid)).toBe(1);
    const stats = await wb.stats();
    expect(stats.requests[sid]?.planAdd).toBe(1);
    expect(stats.bookings.filter((b) => b.sid === sid)).toEqual([expect.objectContaining({ warehouseId: WAREHOUSE, date })]);
    expect(stats.violations).toBe(0);
  });

  it('fenced: an act run under a lease epoch the task no longer has reserves nothing and sends no plan/add', async () => {
    const date = addDays(today, 5);
    await wb.setCell({ warehouseId: WAREHOUSE, date, boxTypeId: 2, coefficient: 0, allowUnload: true });
    const { task, sid } = await sellerTask(date);
    // Another instance claimed the task meanwhile (epoch 0 → 1).
    await server.orm.em.getConnection().execute('update monitoring_tasks set lease_epoch = lease_epoch + 1 where id = ?', [task.taskId]);
    clock += CLOSED_CELL_MEMORY_MS + 1;
    await expect(act.book({ ...task, epoch: 0 }, { warehouseId: WAREHOUSE, date, coefficient: 0 })).rejects.toEqual(LEASE_LOST);
    expect((await wb.stats()).requests[sid]?.planAdd ?? 0).toBe(0);
    await nothingHappened(task.userId, sid);
    // The instance that holds the new epoch books it.
    expect(await act.book({ ...task, epoch: 1 }, { warehouseId: WAREHOUSE, date, coefficient: 0 })).toEqual({ type: 'booked' });
  });
});
