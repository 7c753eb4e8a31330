// The 2026 portal protocol as the sandbox serves it: `root-version` on every call, `auth/token` minting a short-lived
// `wb-seller-lk` that every supply-host call needs, the slot reads that replace the official method (coefficientsReport,
// warehouseFilterItems, acceptanceCosts), supplyList, the captcha switch, and the portal's own per-seller 429s.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { StatsSnapshot } from '../../src/sandbox/stats.ts';
import type { CreatedSeller } from '../../src/sandbox/world.ts';
import { PORTAL_ERROR_CODES, PORTAL_REFUSALS, PORTAL_SANDBOX_LIMITS, SELLER_LK_TTL_MS } from '../../src/wb/endpoints.ts';
import { moscowDay, startTestbed, type Testbed } from './testbed.ts';

interface ReportRow {
  warehouseID: number;
  warehouseName: string;
  date: string;
  coefficient: number;
  acceptanceType: number;
  allowUnload: boolean;
  isSortingCenter: boolean;
}

interface SupplyRow {
  preorderId: number;
  supplyId: string | null;
  warehouseId: number;
  warehouseName: string;
  boxTypeId: number;
  statusId: number;
  createDate: string;
  supplyDate: string | null;
}

const claims = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;

describe('sandbox portal: the 2026 protocol', () => {
  let bed: Testbed;
  let seller: CreatedSeller;
  beforeAll(async () => {
    bed = await startTestbed();
  });
  afterAll(() => bed?.close());
  beforeEach(async () => {
    bed.sandbox.reset();
    seller = await bed.createSeller();
  });

  const stats = async () => (await bed.control<StatsSnapshot>('GET', '/__sandbox/stats')).body;
  const report = async (session: string, dateFrom: string, dateTo: string) =>
    (await bed.rpc<{ report: ReportRow[] }>('coefficientsReport', session, { dateFrom, dateTo })).result?.report ?? [];
  const mint = async (session: string) => {
    const response = await bed.portal('authToken', session, {});
    expect(response.status).toBe(200);
    const body = (await response.json()) as { result: { data: { token: string } } };
    return body.result.data.token;
  };

  describe('auth/token and wb-seller-lk', () => {
    it('auth/token mints a JWT that lives 300 s; supply calls need it, auth calls do not', async () => {
      const token = await mint(seller.portalSession);
      expect(token).toMatch(/^eyJ[\w-]+\.[\w-]+\.[\w-]+$/);
      expect(claims(token).exp).toBe(Math.floor(bed.clock.now / 1000) + SELLER_LK_TTL_MS / 1000);

      const withLk = await bed.portal('warehouseFilterItems', seller.portalSession, {}, { 'wb-seller-lk': token });
      expect(withLk.status).toBe(200);
      const without = await bed.portal('warehouseFilterItems', seller.portalSession, {}, { 'wb-seller-lk': undefined });
      expect(without.status).toBe(401);
      expect(await without.json()).toEqual({ message: 'wb-seller-lk expired' });
      expect((await bed.portal('validate', seller.portalSession, undefined, { 'wb-seller-lk': undefined })).status).toBe(200);
    });

    it('an lk token expires: the call answers 401 "wb-seller-lk expired", a fresh one works again', async () => {
      const token = await mint(seller.portalSession);
      bed.clock.advance(SELLER_LK_TTL_MS - 1_000);
      expect((await bed.portal('supplyList', seller.portalSession, {}, { 'wb-seller-lk': token })).status).toBe(200);
      bed.clock.advance(1_000);
      const expired = await bed.portal('supplyList', seller.portalSession, {}, { 'wb-seller-lk': token });
      expect(expired.status).toBe(401);
      expect(await expired.json()).toEqual({ message: 'wb-seller-lk expired' });
      const fresh = await mint(seller.portalSession);
      expect(fresh).not.toBe(token);
      expect((await bed.portal('supplyList', seller.portalSession, {}, { 'wb-seller-lk': fresh })).status).toBe(200);
      // Refused lk calls are not counted as the seller's requests, but as refused credentials.
      expect(await stats()).toMatchObject({ unauthorized: 1, requests: { [seller.sid]: { authToken: 2, supplyList: 2 } } });
    });

    it('lkTokenTtlS on POST /__sandbox/sellers sets the lifetime', async () => {
      const quick = await bed.createSeller({ lkTokenTtlS: 30 });
      const token = await mint(quick.portalSession);
      expect(claims(token).exp).toBe(Math.floor(bed.clock.now / 1000) + 30);
      bed.clock.advance(30_000);
      expect((await bed.portal('supplyList', quick.portalSession, {}, { 'wb-seller-lk': token })).status).toBe(401);
    });

    it('another seller’s lk token, or a made-up one, is refused', async () => {
      const other = await bed.createSeller();
      const theirs = await mint(other.portalSession);
      for (const lk of [theirs, 'eyJhbGciOiJub25lIn0.eyJleHAiOjQxMDI0NDQ4MDB9.x']) {
        const response = await bed.portal(
          'coefficientsReport',
          seller.portalSession,
          { dateFrom: '2026-11-22', dateTo: '2026-11-22' },
          {
            'wb-seller-lk': lk,
          },
        );
        expect(response.status).toBe(401);
      }
    });

    it('a dead session fails auth/token with 401', async () => {
      const mortal = await bed.createSeller({ sessionExpiresInS: 60 });
      expect((await bed.portal('authToken', mortal.portalSession, {})).status).toBe(200);
      bed.clock.advance(60_000);
      const dead = await bed.portal('authToken', mortal.portalSession, {});
      expect(dead.status).toBe(401);
      expect(await dead.json()).toEqual({ message: 'unauthorized' });
    });
  });

  it('every portal call without root-version: 400, before the session is looked at', async () => {
    for (const call of ['validate', 'authToken', 'coefficientsReport', 'planAdd'] as const) {
      // No lk either: the testbed would otherwise mint one first (with root-version) and the request counts would move.
      const response = await bed.portal(call, seller.portalSession, {}, { 'root-version': undefined, 'wb-seller-lk': undefined });
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({ message: 'root-version header required' });
    }
    expect((await bed.portal('validate', undefined, undefined, { 'root-version': undefined })).status).toBe(400);
    expect(await stats()).toMatchObject({ unauthorized: 0, requests: {} });
  });

  describe('slot reads', () => {
    it('coefficientsReport: every warehouse × every date asked × box types 2, 5, 6, in the portal’s fields', async () => {
      const rows = await report(seller.portalSession, `${moscowDay(bed.clock, 0)}T00:00:00Z`, `${moscowDay(bed.clock, 13)}T00:00:00Z`);
      expect(rows).toHaveLength(bed.sandbox.world.warehouses.size * 14 * 3);
      expect(new Set(rows.map((r) => r.acceptanceType))).toEqual(new Set([2, 5, 6]));
      expect(rows[0]).toEqual({
        warehouseID: expect.any(Number),
        warehouseName: expect.any(String),
        date: `${moscowDay(bed.clock, 0)}T00:00:00Z`,
        coefficient: expect.any(Number),
        acceptanceType: expect.any(Number),
        allowUnload: expect.any(Boolean),
        isSortingCenter: expect.any(Boolean),
      });
      // The report's bucket is small (PORTAL_SANDBOX_LIMITS): wait a refill between reads, as a client must.
      const refill = () => bed.clock.advance((PORTAL_SANDBOX_LIMITS.coefficientsReport ?? PORTAL_SANDBOX_LIMITS.default).refillMs);
      // Plain dates too, and only the dates asked for (beyond the 14-day window there is nothing).
      refill();
      const two = await report(seller.portalSession, moscowDay(bed.clock, 2), moscowDay(bed.clock, 30));
      expect(new Set(two.map((r) => r.date.slice(0, 10)))).toEqual(
        new Set(Array.from({ length: 12 }, (_, i) => moscowDay(bed.clock, 2 + i))),
      );
      refill();
      const backwards = await bed.rpc('coefficientsReport', seller.portalSession, {
        dateFrom: moscowDay(bed.clock, 3),
        dateTo: moscowDay(bed.clock, 1),
      });
      expect(backwards.error?.code).toBe(PORTAL_ERROR_CODES.badParams);
      refill();
      expect((await bed.rpc('coefficientsReport', seller.portalSession, { dateFrom: 'tomorrow', dateTo: 'later' })).error?.code).toBe(
        PORTAL_ERROR_CODES.badParams,
      );
    });

    it('coefficientsReport reflects POST /__sandbox/coefficients, and matches the official method cell for cell', async () => {
      const date = moscowDay(bed.clock, 4);
      const set = await bed.control('POST', '/__sandbox/coefficients', {
        warehouseId: 117501,
        date,
        boxTypeId: 5,
        coefficient: 0,
        allowUnload: true,
      });
      expect(set.status).toBe(200);
      const rows = await report(seller.portalSession, date, date);
      expect(rows.find((r) => r.warehouseID === 117501 && r.acceptanceType === 5)).toMatchObject({ coefficient: 0, allowUnload: true });

      await bed.setOfficial(true);
      const official = (await (await bed.official('coefficients', seller.apiToken)).json()) as Array<{
        warehouseID: number;
        date: string;
        boxTypeID: number;
        coefficient: number;
        allowUnload: boolean;
      }>;
      const all = await report(seller.portalSession, moscowDay(bed.clock, 0), moscowDay(bed.clock, 13));
      const key = (warehouse: number, day: string, box: number) => `${warehouse}|${day}|${box}`;
      expect(new Map(all.map((r) => [key(r.warehouseID, r.date, r.acceptanceType), [r.coefficient, r.allowUnload]]))).toEqual(
        new Map(official.map((c) => [key(c.warehouseID, c.date, c.boxTypeID), [c.coefficient, c.allowUnload]])),
      );
    });

    it('warehouseFilterItems lists every warehouse by id and name', async () => {
      const answer = await bed.rpc<{ items: Array<{ warehouseID: number; warehouseName: string }> }>(
        'warehouseFilterItems',
        seller.portalSession,
        {},
      );
      expect(answer.result?.items).toHaveLength(bed.sandbox.world.warehouses.size);
      expect(answer.result?.items).toContainEqual({ warehouseID: 507, warehouseName: 'Коледино' });
    });

    it('acceptanceCosts: −1 for every date the preorder cannot be booked, allowUnload false included', async () => {
      const preorder = seller.preorders.find((p) => p.warehouseId === 507 && p.boxTypeId === 2);
      const [open, noUnload] = [moscowDay(bed.clock, 1), moscowDay(bed.clock, 2)];
      await bed.control('POST', '/__sandbox/coefficients', {
        warehouseId: 507,
        date: open,
        boxTypeId: 2,
        coefficient: 3,
        allowUnload: true,
      });
      await bed.control('POST', '/__sandbox/coefficients', {
        warehouseId: 507,
        date: noUnload,
        boxTypeId: 2,
        coefficient: 0,
        allowUnload: false,
      });
      const costs = await bed.rpc<{ costs: Array<{ date: string; coefficient: number; cost: number }> }>(
        'acceptanceCosts',
        seller.portalSession,
        {
          dateFrom: `${open}T00:00:00Z`,
          dateTo: `${noUnload}T00:00:00Z`,
          preorderID: preorder?.id,
        },
      );
      expect(costs.result?.costs).toEqual([
        { date: `${open}T00:00:00Z`, coefficient: 3, cost: expect.any(Number) },
        { date: `${noUnload}T00:00:00Z`, coefficient: -1, cost: 0 },
      ]);
      expect(costs.result?.costs[0]?.cost).toBeGreaterThan(0);
    });
  });

  describe('supplyList', () => {
    it('a new seller’s preorders, newest first, paged, filtered by status', async () => {
      const all = await bed.rpc<{ data: SupplyRow[]; totalCount: number }>('supplyList', seller.portalSession, {
        pageNumber: 1,
        pageSize: 100,
      });
      expect(all.result?.totalCount).toBe(seller.preorders.length);
      expect(all.result?.data.map((r) => r.preorderId)).toEqual(seller.preorders.map((p) => p.id).reverse());
      expect(all.result?.data.at(-1)).toEqual({
        preorderId: seller.preorders[0]?.id,
        supplyId: null,
        warehouseId: 507,
        warehouseName: 'Коледино',
        boxTypeId: 2,
        statusId: 1,
        createDate: new Date(bed.clock.now).toISOString(),
        supplyDate: null,
      });
      const page = await bed.rpc<{ data: SupplyRow[]; totalCount: number }>('supplyList', seller.portalSession, {
        pageNumber: 2,
        pageSize: 3,
      });
      expect(page.result).toEqual({ data: [all.result?.data[3]], totalCount: seller.preorders.length });
      const tooBig = await bed.rpc('supplyList', seller.portalSession, { pageNumber: 1, pageSize: 101 });
      expect(tooBig.error?.code).toBe(PORTAL_ERROR_CODES.badParams);
    });

    it('a booked preorder is listed as planned, with its supply and date', async () => {
      const free = await bed.createSeller({ captcha: false });
      const preorder = free.preorders[0];
      const date = moscowDay(bed.clock, 3);
      await bed.control('POST', '/__sandbox/coefficients', {
        warehouseId: preorder?.warehouseId,
        date,
        boxTypeId: preorder?.boxTypeId,
        coefficient: 0,
        allowUnload: true,
      });
      const booked = await bed.rpc<{ id: { supplyId: string } }>('planAdd', free.portalSession, {
        preOrderId: preorder?.id,
        deliveryDate: date,
      });
      const planned = await bed.rpc<{ data: SupplyRow[]; totalCount: number }>('supplyList', free.portalSession, {
        pageNumber: 1,
        pageSize: 10,
        statusId: 2,
      });
      expect(planned.result).toEqual({
        data: [
          expect.objectContaining({
            preorderId: preorder?.id,
            supplyId: booked.result?.id.supplyId,
            statusId: 2,
            supplyDate: `${date}T00:00:00Z`,
          }),
        ],
        totalCount: 1,
      });
      const notPlanned = await bed.rpc<{ totalCount: number }>('supplyList', free.portalSession, {
        pageNumber: 1,
        pageSize: 10,
        statusId: 1,
      });
      expect(notPlanned.result?.totalCount).toBe(free.preorders.length - 1);
    });
  });

  it('captcha: the default seller’s plan/add answers −32002; a `captcha: false` seller books, answering { id: { supplyId } }', async () => {
    const free = await bed.createSeller({ captcha: false });
    expect(free.captcha).toBe(false);
    const date = moscowDay(bed.clock, 2);
    await bed.control('POST', '/__sandbox/coefficients', { warehouseId: 507, date, boxTypeId: 2, coefficient: 1, allowUnload: true });
    const at507 = (s: CreatedSeller) => s.preorders.find((p) => p.warehouseId === 507 && p.boxTypeId === 2)?.id;

    const refused = await bed.rpc('planAdd', seller.portalSession, { preOrderId: at507(seller), deliveryDate: date });
    expect(refused).toMatchObject({ error: { code: PORTAL_ERROR_CODES.captchaRequired, message: PORTAL_REFUSALS.captcha } });
    const booked = await bed.rpc('planAdd', free.portalSession, { preOrderId: at507(free), deliveryDate: date });
    expect(booked.result).toEqual({ id: { supplyId: expect.stringMatching(/^2\d+$/) } });
    expect((await stats()).bookings.map((b) => b.sid)).toEqual([free.sid]);
  });

  describe('portal rate limits', () => {
    it('coefficientsReport over its bucket: 429 with Retry-After, a violation in the portal breakdown', async () => {
      const limit = PORTAL_SANDBOX_LIMITS.coefficientsReport ?? PORTAL_SANDBOX_LIMITS.default;
      const day = moscowDay(bed.clock, 0);
      const call = () => bed.portal('coefficientsReport', seller.portalSession, { dateFrom: day, dateTo: day });
      for (let i = 0; i < limit.burst; i++) {
        expect((await call()).status).toBe(200);
        bed.clock.advance(100);
      }
      const limited = await call();
      expect(limited.status).toBe(429);
      expect(await limited.json()).toEqual({ message: 'too many requests' });
      // The first token went 300 ms ago and comes back refillMs after it went, in whole seconds rounded up.
      expect(limited.headers.get('retry-after')).toBe(String(Math.ceil((limit.refillMs - limit.burst * 100) / 1000)));

      expect(await stats()).toMatchObject({
        violations: 1,
        throttled: 1,
        portalViolations: 1,
        portalViolationsBySeller: { [seller.sid]: { coefficientsReport: 1 } },
        violationsBySeller: { [seller.sid]: { coefficientsReport: 1 } },
      });
      // Per (seller, call): the same seller's other calls, and other sellers, have their own buckets.
      expect((await bed.portal('warehouseFilterItems', seller.portalSession, {})).status).toBe(200);
      const other = await bed.createSeller();
      expect((await bed.portal('coefficientsReport', other.portalSession, { dateFrom: day, dateTo: day })).status).toBe(200);
      // An obedient client waits and is served.
      bed.clock.advance(limit.refillMs);
      expect((await call()).status).toBe(200);
      expect((await stats()).violations).toBe(1);
    });

    it('auth/token has its own, tighter bucket', async () => {
      const limit = PORTAL_SANDBOX_LIMITS.authToken ?? PORTAL_SANDBOX_LIMITS.default;
      for (let i = 0; i < limit.burst; i++) expect((await bed.portal('authToken', seller.portalSession, {})).status).toBe(200);
      const limited = await bed.portal('authToken', seller.portalSession, {});
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get('retry-after'))).toBe(limit.refillMs / 1000);
      expect((await stats()).portalViolationsBySeller[seller.sid]).toEqual({ authToken: 1 });
    });
  });
});
