// The portal JSON-RPC client against the sandbox: the booking and transfer flows, and every business refusal typed.
import { addDays, moscowToday } from '@slotpilot/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PORTAL_BOX_MASK } from '../../src/wb/endpoints.ts';
import { WbNeedsSellerActionError, WbPortalError, WbUnauthorizedError } from '../../src/wb/errors.ts';
import { createHttpTransport } from '../../src/wb/http-transport.ts';
import { WbPortalClient } from '../../src/wb/portal-client.ts';
import { startTestSandbox, type TestSandbox } from '../harness/sandbox.ts';

describe('WbPortalClient against the sandbox', () => {
  let sandbox: TestSandbox;
  let portal: WbPortalClient;
  const transport = createHttpTransport();
  const day = addDays(moscowToday(), 3);

  beforeAll(async () => {
    sandbox = await startTestSandbox();
    portal = new WbPortalClient({ portalUrl: sandbox.url, transport });
  });
  afterAll(async () => {
    await transport.close();
    await sandbox.close();
  });

  it('validates a session and names the seller; refuses a forged one', async () => {
    const seller = await sandbox.createSeller({ name: 'ООО Вектор' });
    expect(await portal.validate(seller.portalSession)).toEqual({ supplierId: seller.sid, supplierName: 'ООО Вектор' });
    const forged = seller.portalSession.replace(/WBTokenV3=[^;]+/, 'WBTokenV3=forged');
    await expect(portal.validate(forged)).rejects.toBeInstanceOf(WbUnauthorizedError);
  });

  it('creates a preorder, reads its costs and books an open date once', async () => {
    const seller = await sandbox.createSeller();
    const session = seller.portalSession;
    const draftId = await portal.createDraft(session);
    await portal.setDraftGoods(session, draftId, [{ barcode: '4600000000001', quantity: 10 }]);
    const preorderId = await portal.createPreorder(session, { draftId, warehouseId: 507, boxTypeMask: PORTAL_BOX_MASK[2] });
    await sandbox.setCell({ warehouseId: 507, date: day, boxTypeId: 2, coefficient: 1, allowUnload: true });
    const costs = await portal.acceptanceCosts(session, preorderId, moscowToday(), addDays(moscowToday(), 13));
    expect(costs.find((c) => c.date.startsWith(day))).toMatchObject({ coefficient: 1, allowUnload: true });

    const supplyId = await portal.planAdd(session, { preorderId, date: day });
    expect(supplyId).toMatch(/^2/);
    expect(await portal.supplyDetails(session, { preorderId })).toMatchObject({ supplyId, deliveryDate: day, warehouseId: 507 });
    expect((await sandbox.stats()).bookings).toContainEqual(expect.objectContaining({ sid: seller.sid, warehouseId: 507, date: day }));

    await expect(portal.planAdd(session, { preorderId, date: day })).rejects.toMatchObject({ kind: 'already_planned' });
  });

  it('types a closed slot, an unknown preorder and a captcha demand', async () => {
    const seller = await sandbox.createSeller();
    const preorder = seller.preorders.find((p) => p.warehouseId === 507 && p.boxTypeId === 2)!;
    await sandbox.setCell({ warehouseId: 507, date: day, boxTypeId: 2, coefficient: -1, allowUnload: false });
    const closed = await portal.planAdd(seller.portalSession, { preorderId: String(preorder.id), date: day }).catch((e: unknown) => e);
    expect(closed).toBeInstanceOf(WbPortalError);
    expect(closed).toMatchObject({ kind: 'slot_unavailable' });
    await expect(portal.planAdd(seller.portalSession, { preorderId: '999999999', date: day })).rejects.toMatchObject({ kind: 'not_found' });

    const guarded = await sandbox.createSeller({ captcha: true });
    await sandbox.setCell({ warehouseId: 507, date: day, boxTypeId: 2, coefficient: 0, allowUnload: true });
    const captcha = await portal
      .planAdd(guarded.portalSession, { preorderId: String(guarded.preorders.find((p) => p.warehouseId === 507)!.id), date: day })
      .catch((e: unknown) => e);
    expect(captcha).toBeInstanceOf(WbNeedsSellerActionError);
    expect(captcha).toMatchObject({ reason: 'captcha', actionUrl: expect.stringMatching(/^https?:\/\//) });
  });

  it('reads stock and quotas and places a transfer bounded by them', async () => {
    const seller = await sandbox.createSeller();
    const stock = await portal.transferStock(seller.portalSession, []);
    const item = stock
      .flatMap((t) => t.chrts.map((c) => ({ nmId: t.nmID, ...c })))
      .find((c) => c.count > 0 && c.dstWarehouseIDs.length > 0);
    expect(item).toBeDefined();
    const dst = item!.dstWarehouseIDs[0]!;
    await fetch(`${sandbox.url}/__sandbox/quotas`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ officeID: item!.warehouseID, srcQuota: 100 }),
    });
    await fetch(`${sandbox.url}/__sandbox/quotas`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ officeID: dst, dstQuota: 1 }),
    });
    const quotas = await portal.transferLimits(seller.portalSession);
    expect(quotas.find((q) => q.officeID === dst)?.dstQuota).toBe(1);

    const order = { nmId: item!.nmId, srcOfficeId: item!.warehouseID, dstOfficeId: dst, chrtId: item!.chrtID };
    await expect(portal.transferOrder(seller.portalSession, { ...order, count: 2 })).rejects.toMatchObject({ kind: 'quota_exceeded' });
    expect(await portal.transferOrder(seller.portalSession, { ...order, count: 1 })).toEqual(expect.any(String));
    expect((await sandbox.stats()).transfers).toHaveLength(1);
  });
});
