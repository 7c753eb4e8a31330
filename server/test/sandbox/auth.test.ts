// Credentials as WB checks them: only tokens the sandbox issued, not expired, not test tokens, with the supplies
// category where the method needs it; portal sessions need every cookie and the authorizev3 header to match.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { StatsSnapshot } from '../../src/sandbox/stats.ts';
import { encodeWbToken, TOKEN_CATEGORY_BITS } from '../../src/wb/token.ts';
import { startTestbed, type Testbed } from './testbed.ts';

describe('sandbox authentication', () => {
  let bed: Testbed;
  beforeAll(async () => {
    bed = await startTestbed();
  });
  afterAll(() => bed?.close());
  beforeEach(() => bed.sandbox.reset());

  const detail = async (response: Response) => {
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    return ((await response.json()) as { detail: string }).detail;
  };

  it('accepts the raw token and "Bearer <token>"', async () => {
    const seller = await bed.createSeller();
    expect((await bed.official('sellerInfo', seller.apiToken)).status).toBe(200);
    expect((await bed.official('sellerInfo', `Bearer ${seller.apiToken}`)).status).toBe(200);
  });

  it('refuses a missing, unknown or forged token', async () => {
    const seller = await bed.createSeller();
    expect(await detail(await bed.official('ping', undefined))).toMatch(/empty/);
    expect(await detail(await bed.official('ping', 'not-a-jwt'))).toMatch(/token/);
    // Same claims, not issued here: WB checks the signature, the sandbox checks its own register.
    const forged = encodeWbToken({ sid: seller.sid, id: 'forged', exp: Math.floor(bed.clock.now / 1000) + 3600, s: 1 << 10 });
    expect(await detail(await bed.official('coefficients', forged))).toMatch(/token/);
    const stats = (await bed.control<StatsSnapshot>('GET', '/__sandbox/stats')).body;
    expect(stats.unauthorized).toBe(3);
    expect(stats.requests).toEqual({});
  });

  it('refuses an expired token, and a token that expires while in use', async () => {
    const expired = await bed.createSeller({ tokenExpiresInS: -60 });
    expect(await detail(await bed.official('ping', expired.apiToken))).toMatch(/expired/);

    const shortLived = await bed.createSeller({ tokenExpiresInS: 60 });
    expect((await bed.official('ping', shortLived.apiToken)).status).toBe(200);
    bed.clock.advance(60_000);
    expect(await detail(await bed.official('ping', shortLived.apiToken))).toMatch(/expired/);
  });

  it('a token without the supplies category: ping and seller-info work, supplies methods answer 401', async () => {
    const seller = await bed.createSeller({ categories: 1 << TOKEN_CATEGORY_BITS.content });
    expect((await bed.official('ping', seller.apiToken)).status).toBe(200);
    expect((await bed.official('sellerInfo', seller.apiToken)).status).toBe(200);
    expect(await detail(await bed.official('coefficients', seller.apiToken))).toMatch(/scope/);
    expect(await detail(await bed.official('warehouses', seller.apiToken))).toMatch(/scope/);
    expect(await detail(await bed.official('acceptanceOptions', seller.apiToken, { body: [] }))).toMatch(/scope/);
    expect(await detail(await bed.official('supplies', seller.apiToken, { body: {} }))).toMatch(/scope/);
  });

  it('a read-only token with the supplies category serves every (read) method', async () => {
    await bed.setOfficial(true);
    const seller = await bed.createSeller({ categories: (1 << TOKEN_CATEGORY_BITS.supplies) | (1 << TOKEN_CATEGORY_BITS.readOnly) });
    expect((await bed.official('coefficients', seller.apiToken)).status).toBe(200);
  });

  it('refuses a test token (it belongs to WB’s *-sandbox hosts)', async () => {
    const seller = await bed.createSeller({ accessType: 2 });
    expect(await detail(await bed.official('coefficients', seller.apiToken))).toMatch(/test token/);
  });

  describe('portal session', () => {
    it('validate answers the supplier for a good session', async () => {
      const seller = await bed.createSeller({ name: 'ИП Иванов' });
      const response = await bed.portal('validate', seller.portalSession);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ result: { supplierId: seller.sid, supplierName: 'ИП Иванов' } });
    });

    it('401 without cookies, without authorizev3, or with any cookie altered', async () => {
      const seller = await bed.createSeller();
      const token = seller.portalSession.match(/WBTokenV3=([^;]+)/)?.[1] ?? '';
      expect((await bed.portal('validate', undefined)).status).toBe(401);
      // Cookies without the authorizev3 header.
      const noHeader = await fetch(`${bed.url}/ns/passport-portal/suppliers-portal-ru/validate`, {
        method: 'POST',
        headers: { cookie: seller.portalSession, 'root-version': 'v1.96.0' },
      });
      expect(noHeader.status).toBe(401);
      const altered = [
        seller.portalSession.replace(/wbx-validation-key=[^;]+/, 'wbx-validation-key=0000'),
        seller.portalSession.replace(/x-supplier-id=[^;]+/, 'x-supplier-id=someone-else'),
        seller.portalSession.replace(/WBTokenV3=[^;]+/, 'WBTokenV3=stolen'),
        // Another JWT-shaped token, not issued here.
        seller.portalSession.replace(/WBTokenV3=eyJ[^.]+/, 'WBTokenV3=eyJhbGciOiJub25lIn0'),
      ];
      for (const session of altered) {
        expect((await bed.portal('validate', session, undefined, { authorizev3: token })).status).toBe(401);
        expect((await bed.portal('draftCreate', session, {}, { authorizev3: token })).status).toBe(401);
      }
    });

    it('a session made to expire stops working', async () => {
      const seller = await bed.createSeller({ sessionExpiresInS: 3600 });
      expect((await bed.portal('validate', seller.portalSession)).status).toBe(200);
      bed.clock.advance(3_600_000);
      expect((await bed.portal('validate', seller.portalSession)).status).toBe(401);
    });

    it('sessions and tokens are forgotten on reset', async () => {
      const seller = await bed.createSeller();
      await bed.control('POST', '/__sandbox/reset');
      expect((await bed.portal('validate', seller.portalSession)).status).toBe(401);
      expect((await bed.official('ping', seller.apiToken)).status).toBe(401);
    });
  });
});
