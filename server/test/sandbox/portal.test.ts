// The seller portal's supply flow over JSON-RPC: draft → goods → preorder → acceptance costs → plan/add, and the
// refusals a booking client must handle (slot gone, already planned, captcha, unknown preorder). The seller here is made
// with `captcha: false`, the only kind whose plan/add can succeed; the captcha default has its own test.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { StatsSnapshot } from '../../src/sandbox/stats.ts';
import type { CreatedSeller } from '../../src/sandbox/world.ts';
import { PORTAL_BOX_MASK, PORTAL_ERROR_CODES, PORTAL_REFUSALS } from '../../src/wb/endpoints.ts';
import { moscowDay, startTestbed, type Testbed } from './testbed.ts';

describe('sandbox portal: supplies', () => {
  let bed: Testbed;
  let seller: CreatedSeller;
  beforeAll(async () => {
    bed = await startTestbed();
  });
  afterAll(() => bed?.close());
  beforeEach(async () => {
    bed.sandbox.reset();
    seller = await bed.createSeller({ captcha: false });
  });

  const refusal = (reason: keyof typeof PORTAL_REFUSALS) => ({ code: PORTAL_ERROR_CODES.refused, message: PORTAL_REFUSALS[reason] });

  const setCell = async (warehouseId: number, date: string, boxTypeId: number, coefficient: number, allowUnload: boolean) => {
    const { status } = await bed.control('POST', '/__sandbox/coefficients', { warehouseId, date, boxTypeId, coefficient, allowUnload });
    expect(status).toBe(200);
  };
  const stats = async () => (await bed.control<StatsSnapshot>('GET', '/__sandbox/stats')).body;

  it('a new seller has preorders on well-known warehouses, one at 507 with boxes', () => {
    expect(seller.preorders).toContainEqual({ id: expect.any(Number), warehouseId: 507, boxTypeId: 2 });
    expect(seller.portalSession).toMatch(/WBTokenV3=eyJ[^;]+; wbx-validation-key=[^;]+; x-supplier-id=[^;]+/);
  });

  it('draft → goods → preorder → acceptance costs → plan/add on an open cell → recorded booking', async () => {
    const draft = await bed.rpc<{ draftID: string }>('draftCreate', seller.portalSession, {});
    expect(draft).toMatchObject({ jsonrpc: '2.0', id: expect.stringMatching(/^json-rpc_\d+$/), result: { draftID: expect.any(String) } });
    const draftID = draft.result?.draftID;
    const barcode = seller.products[0]?.sizes[0]?.barcode;
    expect((await bed.rpc('draftGoods', seller.portalSession, { draftID, barcodes: [{ barcode, quantity: 40 }] })).result).toEqual({});

    const created = await bed.rpc<{ ids: Array<{ Id: number; boxTypeId: number }> }>('preorderCreate', seller.portalSession, {
      boxTypeID: 2,
      draftID,
      warehouseId: 507,
      transitWarehouseId: null,
      isBoxOnPallet: false,
      isContainer: false,
    });
    expect(created.result).toEqual({ ids: [{ Id: expect.any(Number), boxTypeId: 2 }] });
    const preorderId = created.result?.ids[0]?.Id;

    const open = moscowDay(bed.clock, 3);
    await setCell(507, open, 2, 1, true);
    await setCell(507, moscowDay(bed.clock, 4), 2, -1, true);
    const costs = await bed.rpc<{ costs: Array<{ date: string; coefficient: number; cost: number }> }>(
      'acceptanceCosts',
      seller.portalSession,
      { dateFrom: `${moscowDay(bed.clock, 0)}T00:00:00Z`, dateTo: `${moscowDay(bed.clock, 6)}T00:00:00Z`, preorderID: preorderId },
    );
    expect(costs.result?.costs).toHaveLength(7);
    expect(costs.result?.costs[3]).toEqual({ date: `${open}T00:00:00Z`, coefficient: 1, cost: expect.any(Number) });
    expect(costs.result?.costs[4]).toMatchObject({ date: `${moscowDay(bed.clock, 4)}T00:00:00Z`, coefficient: -1 });
    // The portal's report and the official API (when WB has it on) read the same cells.
    const report = await bed.rpc<{ report: Array<{ warehouseID: number; date: string; acceptanceType: number; coefficient: number }> }>(
      'coefficientsReport',
      seller.portalSession,
      { dateFrom: open, dateTo: open },
    );
    expect(report.result?.report.find((c) => c.warehouseID === 507 && c.acceptanceType === 2)?.coefficient).toBe(1);
    await bed.setOfficial(true);
    const official = (await (await bed.official('coefficients', seller.apiToken, { query: 'warehouseIDs=507' })).json()) as Array<{
      date: string;
      boxTypeID: number;
      coefficient: number;
    }>;
    expect(official.find((c) => c.date === `${open}T00:00:00Z` && c.boxTypeID === 2)?.coefficient).toBe(1);

    const booked = await bed.rpc<{ id: { supplyId: string } }>('planAdd', seller.portalSession, {
      preOrderId: preorderId,
      deliveryDate: open,
    });
    expect(booked.error).toBeUndefined();
    expect(booked.result).toEqual({ id: { supplyId: expect.any(String) } });
    const supplyId = booked.result?.id.supplyId ?? '';
    expect(supplyId).toMatch(/^2\d+$/);
    expect((await stats()).bookings).toEqual([
      { sid: seller.sid, preorderId, warehouseId: 507, boxTypeId: 2, date: open, supplyId, at: new Date(bed.clock.now).toISOString() },
    ]);

    const details = await bed.rpc('supplyDetails', seller.portalSession, { supplyID: supplyId, pageNumber: 1, pageSize: 10, search: '' });
    expect(details.result).toMatchObject({
      supply: { preorderId, supplyId, warehouseId: 507, boxTypeId: 2, deliveryDate: open, statusId: 2 },
      data: [{ barcode, quantity: 40 }],
      totalCount: 1,
    });
    // Booking does not use up the slot: WB has capacity for other sellers.
    const other = await bed.createSeller({ captcha: false });
    const otherBooked = await bed.rpc('planAdd', other.portalSession, { preOrderId: other.preorders[0]?.id, deliveryDate: open });
    expect(otherBooked.result).toMatchObject({ id: { supplyId: expect.stringMatching(/^2/) } });
  });

  it('supply/create still takes the older shape (boxTypeMask) and answers the new one', async () => {
    const draftID = (await bed.rpc<{ draftID: string }>('draftCreate', seller.portalSession, {})).result?.draftID;
    const barcode = seller.products[0]?.sizes[0]?.barcode;
    await bed.rpc('draftGoods', seller.portalSession, { draftID, barcodes: [{ barcode, quantity: 5 }] });
    const created = await bed.rpc('preorderCreate', seller.portalSession, {
      boxTypeMask: PORTAL_BOX_MASK[5],
      draftID,
      warehouseId: 507,
      transitWarehouseId: 0,
    });
    expect(created.result).toEqual({ ids: [{ Id: expect.any(Number), boxTypeId: 5 }] });
    // The draft became the preorder: it is gone.
    const again = await bed.rpc('preorderCreate', seller.portalSession, {
      boxTypeID: 5,
      draftID,
      warehouseId: 507,
      transitWarehouseId: null,
    });
    expect(again.error).toEqual({ ...refusal('notFound'), data: { draftID } });
  });

  it('plan/add on a closed cell: slotUnavailable (coefficient -1, or allowUnload false)', async () => {
    const preorder = seller.preorders.find((p) => p.warehouseId === 507 && p.boxTypeId === 2);
    for (const [coefficient, allowUnload] of [
      [-1, true],
      [0, false],
    ] as const) {
      const date = moscowDay(bed.clock, 2);
      await setCell(507, date, 2, coefficient, allowUnload);
      const answer = await bed.rpc('planAdd', seller.portalSession, { preOrderId: preorder?.id, deliveryDate: date });
      expect(answer.result).toBeUndefined();
      expect(answer.error).toEqual({ ...refusal('slotUnavailable'), data: expect.objectContaining({ date }) });
    }
    // Outside the 14-day window, or in the past.
    for (const date of [moscowDay(bed.clock, 14), moscowDay(bed.clock, -1)]) {
      const answer = await bed.rpc('planAdd', seller.portalSession, { preOrderId: preorder?.id, deliveryDate: date });
      expect(answer.error).toMatchObject(refusal('slotUnavailable'));
    }
    expect((await stats()).bookings).toEqual([]);
  });

  it('plan/add twice: alreadyPlanned with the existing supply', async () => {
    const preorder = seller.preorders[0];
    const date = moscowDay(bed.clock, 5);
    await setCell(preorder?.warehouseId ?? 0, date, preorder?.boxTypeId ?? 2, 0, true);
    const first = await bed.rpc<{ id: { supplyId: string } }>('planAdd', seller.portalSession, {
      preOrderId: preorder?.id,
      deliveryDate: date,
    });
    const second = await bed.rpc('planAdd', seller.portalSession, { preOrderId: preorder?.id, deliveryDate: date });
    expect(second.error).toEqual({ ...refusal('alreadyPlanned'), data: { supplyId: first.result?.id.supplyId, deliveryDate: date } });
    expect((await stats()).bookings).toHaveLength(1);
  });

  it('plan/add for a seller made with the default captcha: −32002 on an open cell, whatever captcha token is sent', async () => {
    const guarded = await bed.createSeller();
    expect(guarded.captcha).toBe(true);
    const preorder = guarded.preorders.find((p) => p.warehouseId === 507 && p.boxTypeId === 2);
    const date = moscowDay(bed.clock, 1);
    await setCell(507, date, 2, 0, true);
    const captcha = { code: PORTAL_ERROR_CODES.captchaRequired, message: PORTAL_REFUSALS.captcha };
    const refused = await bed.rpc('planAdd', guarded.portalSession, { preOrderId: preorder?.id, deliveryDate: date });
    expect(refused.error).toEqual(captcha);
    // No header gets past WB's antibot check in the sandbox: SlotPilot never solves or forges one.
    const forged = await bed.rpc(
      'planAdd',
      guarded.portalSession,
      { preOrderId: preorder?.id, deliveryDate: date },
      { 'x-wb-captcha-token': 'solved', 'x-wb-captcha-latency': '1200' },
    );
    expect(forged.error).toEqual(captcha);
    // The same seller's captcha-free calls work: the preorder is still there, unplanned.
    const details = await bed.rpc('supplyDetails', guarded.portalSession, {
      preorderID: preorder?.id,
      pageNumber: 1,
      pageSize: 10,
      search: '',
    });
    expect(details.result?.supply).toMatchObject({ supplyId: null, statusId: 1 });
    expect(await stats()).toMatchObject({ bookings: [], captchas: 2 });
  });

  it('unknown or someone else’s preorder: notFound', async () => {
    const other = await bed.createSeller();
    for (const preOrderId of [999, other.preorders[0]?.id]) {
      const answer = await bed.rpc('planAdd', seller.portalSession, { preOrderId, deliveryDate: moscowDay(bed.clock, 1) });
      expect(answer.error).toEqual({ ...refusal('notFound'), data: { preorderId: preOrderId } });
    }
  });

  it('plan/update moves a booked supply to another open date; supplyDetails by preorder; preorder/delete', async () => {
    const preorder = seller.preorders[0];
    const [from, to, closed] = [moscowDay(bed.clock, 2), moscowDay(bed.clock, 6), moscowDay(bed.clock, 7)];
    await setCell(preorder?.warehouseId ?? 0, from, preorder?.boxTypeId ?? 2, 0, true);
    await setCell(preorder?.warehouseId ?? 0, to, preorder?.boxTypeId ?? 2, 3, true);
    await setCell(preorder?.warehouseId ?? 0, closed, preorder?.boxTypeId ?? 2, -1, false);
    const booked = await bed.rpc<{ id: { supplyId: string } }>('planAdd', seller.portalSession, {
      preOrderId: preorder?.id,
      deliveryDate: from,
    });
    const supplyID = booked.result?.id.supplyId;

    expect((await bed.rpc('planUpdate', seller.portalSession, { supplyID, deliveryDate: closed })).error).toMatchObject(
      refusal('slotUnavailable'),
    );
    expect((await bed.rpc('planUpdate', seller.portalSession, { supplyID, deliveryDate: to })).result).toEqual({});
    const details = await bed.rpc('supplyDetails', seller.portalSession, { preorderID: preorder?.id, pageNumber: 1, pageSize: 100 });
    expect(details.result?.supply).toMatchObject({ supplyId: supplyID, deliveryDate: to, statusId: 2 });

    const unplanned = seller.preorders[1];
    const before = await bed.rpc('supplyDetails', seller.portalSession, { preorderID: unplanned?.id, pageNumber: 1, pageSize: 100 });
    expect(before.result?.supply).toMatchObject({ supplyId: null, deliveryDate: null, statusId: 1 });
    expect((await bed.rpc('preorderDelete', seller.portalSession, { preorderId: unplanned?.id })).result).toEqual({});
    const gone = await bed.rpc('supplyDetails', seller.portalSession, { preorderID: unplanned?.id, pageNumber: 1, pageSize: 100 });
    expect(gone.error).toMatchObject(refusal('notFound'));
  });

  it('bad envelopes and params: JSON-RPC errors with HTTP 200, echoing the id', async () => {
    const token = seller.portalSession.match(/WBTokenV3=([^;]+)/)?.[1] ?? '';
    const raw = await fetch(`${bed.url}/ns/sm/supply-manager/api/v1/plan/add`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'root-version': 'v1.96.0',
        cookie: seller.portalSession,
        authorizev3: token,
        'wb-seller-lk': await bed.lk(seller.portalSession),
      },
      body: JSON.stringify({ id: 'json-rpc_7', params: {} }),
    });
    expect(raw.status).toBe(200);
    expect(await raw.json()).toMatchObject({ jsonrpc: '2.0', id: 'json-rpc_7', error: { code: PORTAL_ERROR_CODES.badParams } });

    const badDate = await bed.rpc('planAdd', seller.portalSession, { preOrderId: seller.preorders[0]?.id, deliveryDate: '22.11.2026' });
    expect(badDate.error).toMatchObject({ code: PORTAL_ERROR_CODES.badParams, message: expect.stringContaining('deliveryDate') });
    const badMask = await bed.rpc('preorderCreate', seller.portalSession, { boxTypeMask: 7, draftID: 'x', warehouseId: 507 });
    expect(badMask.error?.code).toBe(PORTAL_ERROR_CODES.badParams);
    const badBox = await bed.rpc('preorderCreate', seller.portalSession, { boxTypeID: 3, draftID: 'x', warehouseId: 507 });
    expect(badBox.error?.code).toBe(PORTAL_ERROR_CODES.badParams);
  });

  it('a date-time deliveryDate is read as its date', async () => {
    const preorder = seller.preorders[0];
    const date = moscowDay(bed.clock, 3);
    await setCell(preorder?.warehouseId ?? 0, date, preorder?.boxTypeId ?? 2, 0, true);
    const booked = await bed.rpc('planAdd', seller.portalSession, { preOrderId: String(preorder?.id), deliveryDate: `${date}T00:00:00Z` });
    expect(booked.result).toMatchObject({ id: { supplyId: expect.any(String) } });
    expect((await stats()).bookings[0]?.date).toBe(date);
  });
});
