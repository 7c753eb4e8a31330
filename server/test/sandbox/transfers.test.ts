// Redistribution over the portal: what can move, the quotas, and an order bounded by min(stock, srcQuota, dstQuota).
// transfer/order carries WB's captcha like plan/add: the seller here is made with `captcha: false`.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { StatsSnapshot } from '../../src/sandbox/stats.ts';
import type { CreatedSeller } from '../../src/sandbox/world.ts';
import { PORTAL_ERROR_CODES, PORTAL_REFUSALS } from '../../src/wb/endpoints.ts';
import { startTestbed, type Testbed } from './testbed.ts';

interface Chrt {
  chrtID: number;
  sizeName: string;
  count: number;
  warehouseID: number;
  warehouseName: string;
  dstWarehouseIDs: number[];
}
interface Quota {
  officeID: number;
  officeName: string;
  srcQuota: number;
  dstQuota: number;
}

describe('sandbox portal: redistribution', () => {
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

  const quotaExceeded = { code: PORTAL_ERROR_CODES.refused, message: PORTAL_REFUSALS.quotaExceeded };

  const setQuota = (officeID: number, srcQuota: number, dstQuota: number) =>
    bed.control('POST', '/__sandbox/quotas', { officeID, srcQuota, dstQuota });
  const quotas = async () =>
    (await bed.rpc<{ data: { quotas: Quota[] } }>('transferLimits', seller.portalSession)).result?.data.quotas ?? [];
  const list = async (nmID: number) =>
    (await bed.rpc<{ transfers: Array<{ nmID: number; chrts: Chrt[] }> }>('transferList', seller.portalSession, { nmIDs: [nmID] })).result
      ?.transfers ?? [];

  it('lists the seller’s stock per size and warehouse, with possible destinations', async () => {
    const nmID = seller.products[0]?.nmID ?? 0;
    const transfers = await list(nmID);
    expect(transfers).toHaveLength(1);
    const chrt = transfers[0]?.chrts.find((c) => c.warehouseID === 507);
    expect(chrt).toMatchObject({ chrtID: expect.any(Number), count: expect.any(Number), warehouseName: 'Коледино' });
    expect(chrt?.dstWarehouseIDs).not.toContain(507);
    expect(chrt?.dstWarehouseIDs.length).toBeGreaterThan(3);
    // Not the seller's goods: nothing.
    expect(await list(1)).toEqual([]);
    // No nmIDs: everything the seller has, so a client can discover its goods.
    const all = await bed.rpc<{ transfers: Array<{ nmID: number }> }>('transferList', seller.portalSession, { nmIDs: [] });
    expect(all.result?.transfers.map((t) => t.nmID).sort()).toEqual(seller.products.map((p) => p.nmID).sort());
    expect((await quotas()).find((q) => q.officeID === 507)).toMatchObject({ officeName: 'Коледино' });
  });

  it('an order is bounded by min(stock, source quota, destination quota), and spends all three', async () => {
    const row = seller.stock.find((r) => r.officeID === 507);
    if (!row) throw new Error('the seller has stock at 507');
    const order = (count: number) =>
      bed.rpc<{ file: string; mime: string }>('transferOrder', seller.portalSession, {
        transfers: [{ nmID: row.nmID, srcOfficeID: 507, items: [{ dstOfficeID: 900102, chrtID: row.chrtID, count }] }],
      });

    // Destination quota is the bound.
    await setQuota(507, 1000, 0);
    await setQuota(900102, 0, 5);
    expect((await order(6)).error).toMatchObject({ ...quotaExceeded, data: { available: 5 } });
    // Source quota is the bound.
    await setQuota(507, 3, 0);
    expect((await order(4)).error).toMatchObject({ ...quotaExceeded, data: { available: 3 } });
    // Stock is the bound.
    await setQuota(507, 100_000, 0);
    await setQuota(900102, 0, 100_000);
    expect((await order(row.count + 1)).error).toMatchObject({ ...quotaExceeded, data: { available: row.count } });
    expect((await bed.control<StatsSnapshot>('GET', '/__sandbox/stats')).body.transfers).toEqual([]);

    await setQuota(507, 10, 0);
    await setQuota(900102, 0, 8);
    const placed = await order(8);
    // A waybill, no request id (2026 captures).
    expect(placed.result).toEqual({ file: expect.any(String), mime: 'text/csv' });
    const waybill = Buffer.from(placed.result?.file ?? '', 'base64').toString('utf8');
    expect(waybill).toContain(`${row.nmID};${row.chrtID};507;Коледино;900102;`);
    const after = await quotas();
    expect(after.find((q) => q.officeID === 507)?.srcQuota).toBe(2);
    expect(after.find((q) => q.officeID === 900102)?.dstQuota).toBe(0);
    const chrt = (await list(row.nmID))[0]?.chrts.find((c) => c.chrtID === row.chrtID && c.warehouseID === 507);
    expect(chrt?.count).toBe(row.count - 8);
    expect((await bed.control<StatsSnapshot>('GET', '/__sandbox/stats')).body.transfers).toEqual([
      {
        sid: seller.sid,
        nmID: row.nmID,
        chrtID: row.chrtID,
        srcOfficeID: 507,
        dstOfficeID: 900102,
        count: 8,
        requestId: expect.any(String),
        at: expect.any(String),
      },
    ]);
    // The quota is gone now.
    expect((await order(1)).error).toMatchObject(quotaExceeded);
  });

  it('items of one order share the quotas: all or nothing', async () => {
    const rows = seller.stock.filter((r) => r.officeID === 507).slice(0, 2);
    expect(rows).toHaveLength(2);
    await setQuota(507, 1000, 0);
    await setQuota(900102, 0, 5);
    const answer = await bed.rpc('transferOrder', seller.portalSession, {
      transfers: rows.map((r) => ({ nmID: r.nmID, srcOfficeID: 507, items: [{ dstOfficeID: 900102, chrtID: r.chrtID, count: 3 }] })),
    });
    expect(answer.error).toMatchObject(quotaExceeded);
    expect((await quotas()).find((q) => q.officeID === 900102)?.dstQuota).toBe(5);
  });

  it('a seller made with the default captcha: transfer/order answers −32002 and nothing moves', async () => {
    const guarded = await bed.createSeller();
    const row = guarded.stock.find((r) => r.officeID === 507);
    await setQuota(507, 1000, 0);
    await setQuota(900102, 0, 1000);
    const answer = await bed.rpc('transferOrder', guarded.portalSession, {
      transfers: [{ nmID: row?.nmID, srcOfficeID: 507, items: [{ dstOfficeID: 900102, chrtID: row?.chrtID, count: 1 }] }],
    });
    expect(answer.error).toEqual({ code: PORTAL_ERROR_CODES.captchaRequired, message: PORTAL_REFUSALS.captcha });
    expect((await quotas()).find((q) => q.officeID === 900102)?.dstQuota).toBe(1000);
    expect((await bed.control<StatsSnapshot>('GET', '/__sandbox/stats')).body).toMatchObject({ transfers: [], captchas: 1 });
  });

  it('another seller’s goods or a bad count are refused', async () => {
    const other = await bed.createSeller();
    const theirs = other.stock[0];
    const stranger = await bed.rpc('transferOrder', seller.portalSession, {
      transfers: [
        { nmID: theirs?.nmID, srcOfficeID: theirs?.officeID, items: [{ dstOfficeID: 900102, chrtID: theirs?.chrtID, count: 1 }] },
      ],
    });
    expect(stranger.error).toMatchObject({ code: PORTAL_ERROR_CODES.refused, message: PORTAL_REFUSALS.notFound });
    const zero = await bed.rpc('transferOrder', seller.portalSession, {
      transfers: [{ nmID: theirs?.nmID, srcOfficeID: 507, items: [{ dstOfficeID: 900102, chrtID: 1, count: 0 }] }],
    });
    expect(zero.error?.code).toBe(PORTAL_ERROR_CODES.badParams);
  });
});
