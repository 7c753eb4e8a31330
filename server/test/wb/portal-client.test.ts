// The portal client against the sandbox over HTTP, speaking the 2026 wire contract: wb-seller-lk minted and reused,
// the report and the preorder list, the booking and transfer flows, every refusal typed, and the limiter keeping the
// sandbox's per-seller portal buckets untouched (0 violations).
import { addDays, moscowToday } from '@slotpilot/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemorySharedState } from '../../src/platform/kv/memory.ts';
import { WbNeedsSellerActionError, WbPortalError, WbRateLimitedError, WbUnauthorizedError } from '../../src/wb/errors.ts';
import { createHttpTransport } from '../../src/wb/http-transport.ts';
import { WbPortalClient } from '../../src/wb/portal-client.ts';
import { PortalLimiter } from '../../src/wb/portal-limiter.ts';
import { type SandboxSeller, startTestSandbox, type TestSandbox } from '../harness/sandbox.ts';

describe('WbPortalClient against the sandbox', () => {
  let sandbox: TestSandbox;
  let portal: WbPortalClient;
  let clockShiftMs = 0;
  const transport = createHttpTransport();
  const day = addDays(moscowToday(), 3);
  const range = { dateFrom: moscowToday(), dateTo: addDays(moscowToday(), 13) };
  // The production spacing, but a 2 s report interval and a 1 s lk mint interval, so a test file takes seconds.
  const limiter = new PortalLimiter(createMemorySharedState(), { readIntervalMs: 2_000, spacingMs: { authToken: 1_000 } });

  /** A seller with options the harness does not name yet (the control API's contract: POST /__sandbox/sellers). */
  const createSeller = async (options: { name?: string; captcha?: boolean; lkTokenTtlS?: number } = {}): Promise<SandboxSeller> => {
    const response = await fetch(`${sandbox.url}/__sandbox/sellers`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(options),
    });
    expect(response.status).toBeLessThan(300);
    return (await response.json()) as SandboxSeller;
  };

  beforeAll(async () => {
    sandbox = await startTestSandbox();
    portal = new WbPortalClient({ portalUrl: sandbox.url, authUrl: sandbox.url, transport, limiter, now: () => Date.now() + clockShiftMs });
  });
  afterAll(async () => {
    await transport.close();
    await sandbox.close();
  });

  it('validates a session and names the seller; a session WB does not know is unauthorized', async () => {
    const seller = await createSeller({ name: 'ООО Вектор' });
    expect(await portal.validate(seller.portalSession)).toEqual({ supplierId: seller.sid, supplierName: 'ООО Вектор' });
    const claims = Buffer.from(JSON.stringify({ sub: 'forged', exp: Math.floor(Date.now() / 1000) + 3_600 })).toString('base64url');
    const forged = seller.portalSession.replace(/WBTokenV3=[^;]+/, `WBTokenV3=eyJhbGciOiJFUzI1NiJ9.${claims}.Zm9yZ2Vk`);
    await expect(portal.validate(forged)).rejects.toBeInstanceOf(WbUnauthorizedError);
    await expect(portal.warehouseFilterItems(forged)).rejects.toMatchObject({ kind: 'unauthorized', endpoint: 'authToken' });
  });

  it('mints wb-seller-lk once for many calls and reads the report, the warehouse list and the preorders', async () => {
    const seller = await createSeller();
    await sandbox.setCell({ warehouseId: 507, date: day, boxTypeId: 2, coefficient: 1, allowUnload: true });
    const cells = await portal.coefficientsReport(seller.portalSession, range);
    expect(cells).toContainEqual(expect.objectContaining({ warehouseId: 507, date: day, boxTypeId: 2, coefficient: 1, allowUnload: true }));
    expect(new Set(cells.map((c) => c.boxTypeId))).toEqual(new Set([2, 5, 6]));
    expect(cells.every((c) => /^\d{4}-\d{2}-\d{2}$/.test(c.date))).toBe(true);

    const warehouses = await portal.warehouseFilterItems(seller.portalSession);
    expect(warehouses).toContainEqual({ id: 507, name: expect.any(String) });
    const preorders = await portal.listPreorders(seller.portalSession);
    expect(preorders.map((p) => p.preorderId).sort()).toEqual(seller.preorders.map((p) => String(p.id)).sort());
    expect(preorders[0]).toMatchObject({ warehouseId: expect.any(Number), boxTypeId: expect.any(Number), createdAt: expect.any(String) });
    await portal.transferLimits(seller.portalSession);
    expect(await sandbox.requests(seller.sid, 'authToken')).toBe(1);
  });

  it('mints a new lk token before the old one lapses, and recovers once from one WB ended early', async () => {
    const seller = await createSeller({ lkTokenTtlS: 1 });
    // The client's clock runs 10 minutes behind: the 1-second token looks fresh to it, so the sandbox refuses it first.
    clockShiftMs = -10 * 60_000;
    try {
      await portal.warehouseFilterItems(seller.portalSession);
      // WB's clock, not an event of ours: the lk token lives one second at the sandbox.
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      expect(await portal.transferLimits(seller.portalSession)).toEqual(expect.any(Array));
      expect(await sandbox.requests(seller.sid, 'authToken')).toBe(2);
      expect(await sandbox.requests(seller.sid, 'transferLimits')).toBe(1);
    } finally {
      clockShiftMs = 0;
    }
    // With the right clock a 1-second token is always within its last minute: minted anew for the next call.
    await portal.transferStock(seller.portalSession, []);
    expect(await sandbox.requests(seller.sid, 'authToken')).toBe(3);
  });

  it('creates a preorder, reads its costs and books an open date once (seller without a captcha)', async () => {
    const seller = await createSeller({ captcha: false });
    const session = seller.portalSession;
    const draftId = await portal.createDraft(session);
    await portal.setDraftGoods(session, draftId, [{ barcode: '4600000000001', quantity: 10 }]);
    const preorderId = await portal.createPreorder(session, { draftId, warehouseId: 507, boxTypeId: 2 });
    expect((await portal.listPreorders(session)).map((p) => p.preorderId)).toContain(preorderId);
    await sandbox.setCell({ warehouseId: 507, date: day, boxTypeId: 2, coefficient: 1, allowUnload: true });
    const costs = await portal.acceptanceCosts(session, preorderId, range.dateFrom, range.dateTo);
    expect(costs.find((c) => c.date === day)).toMatchObject({ coefficient: 1, allowUnload: true });

    const supplyId = await portal.planAdd(session, { preorderId, date: day });
    expect(supplyId).toMatch(/^2/);
    expect(await portal.supplyDetails(session, { preorderId })).toMatchObject({ supplyId, deliveryDate: day, warehouseId: 507 });
    expect((await sandbox.stats()).bookings).toContainEqual(expect.objectContaining({ sid: seller.sid, warehouseId: 507, date: day }));
    await expect(portal.planAdd(session, { preorderId, date: day })).rejects.toMatchObject({ kind: 'already_planned' });
  });

  it('types a closed slot and an unknown preorder', async () => {
    const seller = await createSeller({ captcha: false });
    const preorder = seller.preorders.find((p) => p.warehouseId === 507 && p.boxTypeId === 2) ?? seller.preorders[0]!;
    await sandbox.setCell({
      warehouseId: preorder.warehouseId,
      date: day,
      boxTypeId: preorder.boxTypeId as 2,
      coefficient: -1,
      allowUnload: false,
    });
    const closed = await portal.planAdd(seller.portalSession, { preorderId: String(preorder.id), date: day }).catch((e: unknown) => e);
    expect(closed).toBeInstanceOf(WbPortalError);
    expect(closed).toMatchObject({ kind: 'slot_unavailable' });
    await expect(portal.supplyDetails(seller.portalSession, { preorderId: '999999999' })).rejects.toMatchObject({ kind: 'not_found' });
  });

  it('ends plan/add at a captcha with the seller, then holds it back without asking WB again', async () => {
    const seller = await createSeller();
    const preorder = seller.preorders[0]!;
    await sandbox.setCell({
      warehouseId: preorder.warehouseId,
      date: day,
      boxTypeId: preorder.boxTypeId as 2,
      coefficient: 0,
      allowUnload: true,
    });
    const captcha = await portal.planAdd(seller.portalSession, { preorderId: String(preorder.id), date: day }).catch((e: unknown) => e);
    expect(captcha).toBeInstanceOf(WbNeedsSellerActionError);
    expect(captcha).toMatchObject({ reason: 'captcha', actionUrl: undefined });
    const held = await portal
      .planAdd(seller.portalSession, { preorderId: String(preorder.id), date: day }, { maxLimiterWaitMs: 0 })
      .catch((e: unknown) => e);
    expect(held).toMatchObject({ kind: 'rate_limited', source: 'local' });
    expect(await sandbox.requests(seller.sid, 'planAdd')).toBe(1);
  });

  it('spends at most one report per interval per seller', async () => {
    const seller = await createSeller();
    await portal.coefficientsReport(seller.portalSession, range);
    await expect(portal.coefficientsReport(seller.portalSession, range, { maxLimiterWaitMs: 0 })).rejects.toMatchObject({
      source: 'local',
    });
    const started = Date.now();
    await portal.coefficientsReport(seller.portalSession, range, { maxLimiterWaitMs: 5_000 });
    expect(Date.now() - started).toBeGreaterThan(500);
    expect(await sandbox.requests(seller.sid, 'coefficientsReport')).toBe(2);
  });

  it('meets a portal 429 with a cool-down for every call of the seller', async () => {
    const seller = await createSeller();
    await portal.warehouseFilterItems(seller.portalSession);
    await sandbox.fault({ endpoint: 'transferLimits', kind: '429', count: 1, retryAfterS: 3 });
    const limited = await portal.transferLimits(seller.portalSession).catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(WbRateLimitedError);
    expect(limited).toMatchObject({ source: 'wb', retryAfterMs: 3_000 });
    expect(await portal.coolingDown(seller.sid)).toBeGreaterThan(Date.now() + 55_000);
    await expect(portal.coefficientsReport(seller.portalSession, range)).rejects.toMatchObject({ source: 'local' });
    expect(await sandbox.requests(seller.sid, 'coefficientsReport')).toBe(0);
    await sandbox.clearFaults();
  });

  it('reads stock and quotas and places a transfer bounded by them (the waybill answer has no request id)', async () => {
    const seller = await createSeller({ captcha: false });
    const stock = await portal.transferStock(seller.portalSession, []);
    const item = stock
      .flatMap((t) => t.chrts.map((c) => ({ nmId: t.nmID, ...c })))
      .find((c) => c.count > 0 && c.dstWarehouseIDs.length > 0);
    expect(item).toBeDefined();
    const dst = item!.dstWarehouseIDs[0]!;
    for (const quota of [
      { officeID: item!.warehouseID, srcQuota: 100 },
      { officeID: dst, dstQuota: 1 },
    ]) {
      const response = await fetch(`${sandbox.url}/__sandbox/quotas`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(quota),
      });
      expect(response.ok).toBe(true);
    }
    const quotas = await portal.transferLimits(seller.portalSession);
    expect(quotas.find((q) => q.officeID === dst)?.dstQuota).toBe(1);

    const order = { nmId: item!.nmId, srcOfficeId: item!.warehouseID, dstOfficeId: dst, chrtId: item!.chrtID };
    await expect(portal.transferOrder(seller.portalSession, { ...order, count: 2 })).rejects.toMatchObject({ kind: 'quota_exceeded' });
    // plan/add and transfer/order are 2 s apart per seller: the second order waits its turn.
    expect(await portal.transferOrder(seller.portalSession, { ...order, count: 1 })).toBeUndefined();
    expect((await sandbox.stats()).transfers).toHaveLength(1);
  });

  it('left the sandbox portal buckets untouched', async () => {
    expect((await sandbox.stats()).violations).toBe(0);
  });
});
