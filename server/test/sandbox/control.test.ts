// The control API's contract: shapes other code relies on, input validation, reset, and the scenario switch.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { StatsSnapshot } from '../../src/sandbox/stats.ts';
import { DISABLED_BODY } from '../../src/wb/endpoints.ts';
import { decodeWbToken, formatPortalSession, parsePortalSessionInput, TOKEN_CATEGORY_BITS } from '../../src/wb/token.ts';
import { moscowDay, startTestbed, type Testbed } from './testbed.ts';

describe('sandbox control API', () => {
  let bed: Testbed;
  beforeAll(async () => {
    bed = await startTestbed();
  });
  afterAll(() => bed?.close());
  beforeEach(() => bed.sandbox.reset());

  it('POST /__sandbox/sellers → sid, name, apiToken (JWT with the seller’s sid), portalSession, preorders', async () => {
    const { status, body } = await bed.control<Record<string, unknown>>('POST', '/__sandbox/sellers', {});
    expect(status).toBe(200);
    expect(body).toMatchObject({
      sid: expect.stringMatching(/^[0-9a-f-]{36}$/),
      name: expect.any(String),
      apiToken: expect.stringMatching(/^eyJ/),
      portalSession: expect.any(String),
      preorders: expect.arrayContaining([{ id: expect.any(Number), warehouseId: 507, boxTypeId: 2 }]),
    });
    const claims = decodeWbToken(body.apiToken as string);
    expect(claims).toMatchObject({ sid: body.sid, accessType: 3 });
    expect(claims?.categories).toBe(1 << TOKEN_CATEGORY_BITS.supplies);
    // WB tokens live 180 days.
    expect(claims?.expiresAt.getTime()).toBe(Math.floor(bed.clock.now / 1000) * 1000 + 180 * 86_400_000);
    expect(body.captcha).toBe(true);
  });

  it('portalSession is a browser’s Cookie header the shared key parser reads as it would a seller’s paste', async () => {
    const seller = await bed.createSeller();
    const cookies = new Map(seller.portalSession.split('; ').map((c) => [c.slice(0, c.indexOf('=')), c.slice(c.indexOf('=') + 1)]));
    expect([...cookies.keys()]).toEqual(['_wbauid', 'WBTokenV3', 'wbx-validation-key', 'x-supplier-id', 'external-locale']);
    expect(cookies.get('x-supplier-id')).toBe(seller.sid);
    expect(cookies.get('external-locale')).toBe('ru');
    const token = cookies.get('WBTokenV3') ?? '';
    const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
    expect(claims).toEqual({
      iat: Math.floor(bed.clock.now / 1000),
      version: expect.any(Number),
      user: expect.stringMatching(/^\d+$/),
      client_id: 'seller-portal',
      session_id: expect.stringMatching(/^[0-9a-f]{32}$/),
      validation_key: cookies.get('wbx-validation-key'),
    });

    // As pasted (with the `Cookie:` prefix, with the real clock), then as the server stores it (three cookies only).
    const pasted = parsePortalSessionInput(`Cookie: ${seller.portalSession}`);
    expect(pasted).toMatchObject({ ok: true, session: { token, supplierId: seller.sid }, expiresAt: undefined });
    if (!pasted.ok) throw new Error('the issued session must parse');
    const stored = formatPortalSession(pasted.session);
    expect((await bed.portal('validate', stored)).status).toBe(200);
    // Cookies a browser adds or reorders do not matter; the three the portal checks do.
    const reordered = `x-supplier-id=${seller.sid}; cfidsw-wb=abc; wbx-validation-key=${cookies.get('wbx-validation-key')}; WBTokenV3=${token}`;
    expect((await bed.portal('validate', reordered)).status).toBe(200);
  });

  it('POST /__sandbox/sellers: captcha false and lkTokenTtlS are taken, bad values refused', async () => {
    expect((await bed.createSeller({ captcha: false })).captcha).toBe(false);
    expect((await bed.control('POST', '/__sandbox/sellers', { lkTokenTtlS: 60 })).status).toBe(200);
    for (const body of [{ captcha: 'no' }, { lkTokenTtlS: 0 }, { lkTokenTtlS: 1.5 }]) {
      expect((await bed.control('POST', '/__sandbox/sellers', body)).status).toBe(400);
    }
  });

  it('official methods: off by default (WB’s 404 "temporarily disabled"), POST /__sandbox/official turns them on, reset off', async () => {
    const seller = await bed.createSeller();
    const methods = ['coefficients', 'warehouses', 'acceptanceOptions'];
    expect(await bed.control('GET', '/__sandbox/official')).toEqual({ status: 200, body: { enabled: false, methods } });
    const call = (endpoint: 'coefficients' | 'warehouses' | 'acceptanceOptions') =>
      bed.official(endpoint, seller.apiToken, endpoint === 'acceptanceOptions' ? { body: [] } : {});
    for (const endpoint of ['coefficients', 'warehouses', 'acceptanceOptions'] as const) {
      const off = await call(endpoint);
      expect(off.status).toBe(404);
      expect(off.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(await off.text()).toBe(DISABLED_BODY);
      // A disabled method does not spend the seller's budget.
      expect(off.headers.get('x-ratelimit-remaining')).toBe('6');
    }
    // WB kept these on.
    expect((await bed.official('ping', seller.apiToken)).status).toBe(200);
    expect((await bed.official('sellerInfo', seller.apiToken)).status).toBe(200);
    expect((await bed.official('supplies', seller.apiToken, { body: {} })).status).toBe(200);

    expect(await bed.control('POST', '/__sandbox/official', { enabled: true })).toEqual({ status: 200, body: { enabled: true, methods } });
    for (const endpoint of ['coefficients', 'warehouses', 'acceptanceOptions'] as const) expect((await call(endpoint)).status).toBe(200);
    expect((await bed.control('POST', '/__sandbox/official', { enabled: 'yes' })).status).toBe(400);
    expect((await bed.control('POST', '/__sandbox/official', {})).status).toBe(400);

    await bed.control('POST', '/__sandbox/reset');
    expect((await bed.control('GET', '/__sandbox/official')).body).toEqual({ enabled: false, methods });
    expect((await bed.official('coefficients', (await bed.createSeller()).apiToken)).status).toBe(404);
  });

  it('POST /__sandbox/sellers with a body (even empty) or none at all', async () => {
    const none = await fetch(`${bed.url}/__sandbox/sellers`, { method: 'POST' });
    expect(none.status).toBe(200);
    const empty = await fetch(`${bed.url}/__sandbox/sellers`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '',
    });
    expect(empty.status).toBe(200);
    const typo = await bed.control<{ error: string }>('POST', '/__sandbox/sellers', { capcha: true });
    expect(typo).toMatchObject({ status: 400, body: { error: expect.stringMatching(/capcha/) } });
    const broken = await fetch(`${bed.url}/__sandbox/sellers`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{',
    });
    expect(broken.status).toBe(400);
  });

  it('POST /__sandbox/coefficients sets one cell the official API then shows', async () => {
    await bed.setOfficial(true);
    const seller = await bed.createSeller();
    const date = moscowDay(bed.clock, 2);
    const set = await bed.control('POST', '/__sandbox/coefficients', {
      warehouseId: 117501,
      date,
      boxTypeId: 5,
      coefficient: 0,
      allowUnload: true,
    });
    expect(set).toEqual({
      status: 200,
      body: { warehouseId: 117501, date, boxTypeId: 5, coefficient: 0, allowUnload: true, inWindow: true },
    });
    const cells = (await (await bed.official('coefficients', seller.apiToken, { query: 'warehouseIDs=117501' })).json()) as Array<{
      date: string;
      boxTypeID: number;
      coefficient: number;
      allowUnload: boolean;
    }>;
    expect(cells.find((c) => c.date === `${date}T00:00:00Z` && c.boxTypeID === 5)).toMatchObject({ coefficient: 0, allowUnload: true });
  });

  it('POST /__sandbox/coefficients refuses bad input with a message that says what is wrong', async () => {
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ warehouseId: 1, date: '2026-11-23', boxTypeId: 2, coefficient: 0, allowUnload: true }, /unknown warehouseId 1/],
      [{ warehouseId: 507, date: '2026-02-30', boxTypeId: 2, coefficient: 0, allowUnload: true }, /date: must be a date/],
      [{ warehouseId: 507, date: '2026-11-23', boxTypeId: 3, coefficient: 0, allowUnload: true }, /boxTypeId must be 2, 5 or 6/],
      [{ warehouseId: 507, date: '2026-11-23', boxTypeId: 2, coefficient: -2, allowUnload: true }, /coefficient/],
      [{ warehouseId: 507, date: '2026-11-23', boxTypeId: 2, coefficient: 0 }, /allowUnload/],
    ];
    for (const [input, message] of cases) {
      const { status, body } = await bed.control<{ error: string }>('POST', '/__sandbox/coefficients', input);
      expect(status).toBe(400);
      expect(body.error).toMatch(message);
    }
  });

  it('POST /__sandbox/quotas sets one office’s quotas', async () => {
    expect(await bed.control('POST', '/__sandbox/quotas', { officeID: 507, dstQuota: 42 })).toMatchObject({
      status: 200,
      body: { officeID: 507, officeName: 'Коледино', dstQuota: 42 },
    });
    expect((await bed.control('POST', '/__sandbox/quotas', { officeID: 507, srcQuota: -1 })).status).toBe(400);
    expect((await bed.control('POST', '/__sandbox/quotas', { officeID: 4, srcQuota: 1 })).status).toBe(400);
  });

  it('GET /__sandbox/stats has the contract’s fields, and reset zeroes them', async () => {
    const seller = await bed.createSeller();
    await bed.official('ping', seller.apiToken);
    await bed.rpc('transferLimits', seller.portalSession);
    const stats = (await bed.control<StatsSnapshot>('GET', '/__sandbox/stats')).body;
    expect(stats).toMatchObject({
      violations: 0,
      throttled: 0,
      faultsServed: 0,
      bookings: [],
      transfers: [],
      portalViolations: 0,
      portalViolationsBySeller: {},
      captchas: 0,
      unauthorized: 0,
      // The testbed minted the wb-seller-lk that transfer/AvailableLimits needs.
      requests: { [seller.sid]: { ping: 1, authToken: 1, transferLimits: 1 } },
    });
    expect(await bed.control('POST', '/__sandbox/reset')).toEqual({ status: 200, body: { ok: true } });
    expect((await bed.control<StatsSnapshot>('GET', '/__sandbox/stats')).body).toMatchObject({ violations: 0, requests: {}, bookings: [] });
  });

  it('reset brings back the seeded calendar and quotas and clears faults', async () => {
    await bed.setOfficial(true);
    const seller = await bed.createSeller();
    const read = async (token: string) => (await bed.official('coefficients', token, { query: 'warehouseIDs=507,900104' })).text();
    const initial = await read(seller.apiToken);
    const initialQuotas = bed.sandbox.world.quotaList();
    await bed.control('POST', '/__sandbox/coefficients', {
      warehouseId: 507,
      date: moscowDay(bed.clock, 1),
      boxTypeId: 2,
      coefficient: 17,
      allowUnload: false,
    });
    await bed.control('POST', '/__sandbox/quotas', { officeID: 507, srcQuota: 1, dstQuota: 1 });
    await bed.control('POST', '/__sandbox/scenario/tick', { ticks: 20 });
    await bed.control('POST', '/__sandbox/faults', { endpoint: 'ping', kind: 'disabled' });
    expect(await read(seller.apiToken)).not.toBe(initial);

    await bed.control('POST', '/__sandbox/reset');
    await bed.setOfficial(true);
    const again = await bed.createSeller();
    expect(await read(again.apiToken)).toBe(initial);
    expect(bed.sandbox.world.quotaList()).toEqual(initialQuotas);
    expect((await bed.official('ping', again.apiToken)).status).toBe(200);
  });

  it('GET/POST /__sandbox/scenario shows and changes the engine; ticks by hand move the world', async () => {
    expect((await bed.control('GET', '/__sandbox/scenario')).body).toMatchObject({ running: false, seed: expect.any(Number), ticks: 0 });
    const updated = await bed.control('POST', '/__sandbox/scenario', { changesPerTick: 5, tickMs: 250 });
    expect(updated.body).toMatchObject({ running: false, changesPerTick: 5, tickMs: 250 });
    const ticked = await bed.control<{ ticks: number; applied: unknown[] }>('POST', '/__sandbox/scenario/tick', { ticks: 3 });
    expect(ticked.body.ticks).toBe(3);
    expect(ticked.body.applied.length).toBeGreaterThanOrEqual(15);
    expect((await bed.control('POST', '/__sandbox/scenario', { tickMs: 1 })).status).toBe(400);
  });

  it('the scenario, when running, changes the world on its own', async () => {
    await bed.control('POST', '/__sandbox/scenario', { running: true, tickMs: 10 });
    try {
      await expect.poll(() => bed.sandbox.scenario.state().ticks, { timeout: 5_000 }).toBeGreaterThan(2);
    } finally {
      await bed.control('POST', '/__sandbox/scenario', { running: false });
    }
  });

  it('unknown routes: 404 (WB’s problem shape outside the control API)', async () => {
    expect((await bed.control('GET', '/__sandbox/nope')).status).toBe(404);
    const wb = await fetch(`${bed.url}/api/v1/nope`);
    expect(wb.status).toBe(404);
    expect(wb.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });
});
